"""A whole cohort of the hospital programme and of the Collectif Mentorat's steps, from the
call to closed, in simulated time under Prefect's test harness, sending to a real SMTP
server on localhost (SQLite): each checked against its seed."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from demo.simulation import APPLY_AFTER, run_cohort, setup_cohort
from demo.smtp_sink import SmtpSink
from flows.cohort import cohort_lifecycle
from mentorat.db import session_scope
from models import Application, CheckIn, Cohort, Pair, Person, SupervisionSession
from tests.conftest import START, configured, fresh_database

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture(scope="module", params=["hopital", "collectif"])
def cohort_run(request, tmp_path_factory, prefect_harness):  # type: ignore[no-untyped-def]
    """One whole cohort of the programme, shared by the tests of this module (read only)."""
    programme = request.param
    folder = tmp_path_factory.mktemp(programme)
    with (
        fresh_database("sqlite", folder) as url,
        SmtpSink(folder=folder / "mail") as sink,
        configured(url, sink) as settings,
    ):
        cohort_id, pop = setup_cohort(
            settings,
            programme=programme,
            pairs=6,
            opens_at=START,
            applications_at=START + APPLY_AFTER,
        )
        sink.handler.reject |= pop.bounce
        code = f"{programme.upper()}-{START:%Y}"

        def run_flow(now: datetime) -> dict:  # type: ignore[type-arg]
            return cohort_lifecycle(code, now=now)

        run_cohort(settings, cohort_id, pop.behaviour, run_flow, population=pop)
        inbox: dict[str, list[EmailMessage]] = defaultdict(list)
        for received in sink.messages:
            for rcpt in received.recipients:
                inbox[rcpt.lower()].append(received.message())
        yield programme, settings, cohort_id, pop, inbox


def kinds(messages: list[EmailMessage]) -> list[str]:
    return [str(m["X-Mentorat-Kind"]) for m in messages]


def steps(messages: list[EmailMessage]) -> list[str]:
    return [str(m["X-Mentorat-Step"]) for m in messages]


def active_pairs(settings, cohort_id: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(mentor email, mentee email) of the pairs that signed and ran."""
    with session_scope(settings.database_url) as session:
        pairs = session.scalars(
            select(Pair).where(Pair.cohort_id == cohort_id, Pair.status == "active")
        ).all()
        return [(p.mentor.person.email, p.mentee.person.email) for p in pairs]


def test_the_cohort_runs_from_the_call_to_closed(cohort_run):  # type: ignore[no-untyped-def]
    programme, settings, cohort_id, pop, inbox = cohort_run
    months = {"hopital": 6, "collectif": 8}[programme]
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None and cohort.phase == "closed"
        checkins = session.scalars(select(CheckIn).where(CheckIn.cohort_id == cohort_id)).all()
        assert {c.month for c in checkins} == set(range(1, months + 1))
        assert all(c.status != "open" for c in checkins)
    pairs = active_pairs(settings, cohort_id)
    assert len(pairs) >= 4
    # A mentee who answers at once receives exactly the programme's sequence.
    mentee = next(m for _, m in pairs if pop.behaviour[m] == "prompt")
    assert kinds(inbox[mentee]) == [
        "call",
        "application_received",
        "pair_introduction",
        "charter_request",
        *["checkin_request"] * months,
        "evaluation_request",
        # Both seeds invite the mentees too: « se sentir valorisés et reconnus » (hospital),
        # « Bilan et évaluation » (Collectif).
        "workshop_invitation",
    ]
    # The mentors are thanked with a certificate after the workshop.
    mentor = next(m for m, _ in pairs if pop.behaviour[m] == "prompt")
    got = kinds(inbox[mentor])
    assert got[-2:] == ["workshop_invitation", "certificate"], got
    assert got.count("checkin_request") == months * sum(1 for m, _ in pairs if m == mentor)


def test_silence_and_a_request_for_help_reach_the_referent(cohort_run):  # type: ignore[no-untyped-def]
    _, _, _, _, inbox = cohort_run
    reasons = steps(
        [m for m in inbox["referent@exemple.fr"] if m["X-Mentorat-Kind"] == "escalation"]
    )
    assert "escalation_help" in reasons and "escalation_missed" in reasons
    # « Un mentor n’intervient jamais seul » / « Une relation encadrée »: the mentor of an
    # escalated pair is offered an individual session with the referent.
    individual = [
        address
        for address, messages in inbox.items()
        if "supervision_individual1" in steps(messages)
    ]
    assert individual and all(a.startswith("mentor") for a in individual)


@pytest.mark.parametrize("cohort_run", ["hopital"], indirect=True)
def test_the_hospital_has_no_group_session_and_keeps_pairs_out_of_one_service(cohort_run):  # type: ignore[no-untyped-def]
    _, settings, cohort_id, _, inbox = cohort_run
    # « Une relation encadrée, par une charte de bonnes pratiques »: no group session.
    with session_scope(settings.database_url) as session:
        groups = session.scalars(
            select(SupervisionSession).where(
                SupervisionSession.cohort_id == cohort_id, SupervisionSession.kind == "group"
            )
        ).all()
        assert groups == []
        # « non une relation hiérarchique », « (re)découverte de métiers »: never the same
        # service, never the mentee's manager.
        pairs = session.scalars(select(Pair).where(Pair.cohort_id == cohort_id)).all()
        assert pairs
        for pair in pairs:
            assert pair.mentor.unit != pair.mentee.unit
            assert pair.mentee.manager_email != pair.mentor.person.email
    assert not any(
        s.startswith("supervision_group") for messages in inbox.values() for s in steps(messages)
    )


@pytest.mark.parametrize("cohort_run", ["collectif"], indirect=True)
def test_the_collectif_pairs_one_volunteer_with_one_young_person_and_supports_mentors(cohort_run):  # type: ignore[no-untyped-def]
    _, settings, cohort_id, pop, inbox = cohort_run
    with session_scope(settings.database_url) as session:
        pairs = session.scalars(
            select(Pair).where(Pair.cohort_id == cohort_id, Pair.status.in_(("approved", "active")))
        ).all()
        mentors = [p.mentor_application_id for p in pairs]
        # « individuelle (un mentor pour un mentoré) »
        assert len(mentors) == len(set(mentors)) == 6
        sessions = session.scalars(
            select(SupervisionSession).where(
                SupervisionSession.cohort_id == cohort_id, SupervisionSession.kind == "group"
            )
        ).all()
        assert len(sessions) == 3
        mentees = set(
            session.scalars(
                select(Person.email)
                .join(Application, Application.person_id == Person.id)
                .where(Application.cohort_id == cohort_id, Application.role == "mentee")
            )
        )
    # « Formation et accompagnement des mentors »: the three group sessions are the mentors'.
    for mentor, _ in active_pairs(settings, cohort_id):
        if pop.behaviour[mentor] == "prompt":
            group = [s for s in steps(inbox[mentor]) if s.startswith("supervision_group")]
            assert group == [
                f"supervision_group{n}{suffix}" for n in (1, 2, 3) for suffix in ("", "_reminder")
            ]
    for mentee in mentees:
        assert not any(s.startswith("supervision_") for s in steps(inbox[mentee]))
