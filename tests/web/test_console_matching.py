"""The matching review in the console (/gestion/cohortes/<code>/appariement): the proposal
with names, scores in French and points per criterion; pin, forbid, recalculate and approve,
each audited with the operator's id; a supervisor reads but does not act."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from demo.clock import SimulatedClock
from demo.simulation import setup_cohort
from mentorat.db import session_scope
from mentorat.mail.typography import faults, visible_text
from models import (
    Application,
    AuditEvent,
    Cohort,
    MatchingDecision,
    Operator,
    Pair,
    PairOverride,
    Person,
)
from tasks import matching
from tests.conftest import START
from tests.support import phases
from tests.web.pages import csrf_of, text_of
from tests.web.test_console import DELPHINE, SERGE, add, sign_in

CODE = "MIRHE-2027"
PAGE = f"/gestion/cohortes/{CODE}/appariement"
CLOSED = START + timedelta(days=21)  # the call is closed: a proposal awaits approval


@pytest.fixture
def proposed(settings) -> int:  # type: ignore[no-untyped-def]
    cohort_id, _ = setup_cohort(settings, programme="mirhe", pairs=6, opens_at=START)
    phases.advance(settings, cohort_id, matching, CLOSED)
    return cohort_id


@pytest.fixture
def clock(proposed: int) -> SimulatedClock:
    return SimulatedClock(CLOSED + timedelta(hours=1))


def operator_id(settings, email: str) -> int:  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        found = session.scalar(select(Operator.id).where(Operator.email == email))
        assert found is not None
        return found


def signed_in_as(client: TestClient, settings, smtp, email: str, role: str) -> int:  # type: ignore[no-untyped-def]
    add(settings, email, "mirhe", role, "Delphine Roux" if role == "operator" else "Serge Leroy")
    sign_in(client, settings, smtp, email)
    return operator_id(settings, email)


def proposal(settings, cohort_id: int) -> list[tuple[int, int, int, str, str, float]]:  # type: ignore[no-untyped-def]
    """(pair id, mentor id, mentee id, mentor's name, mentee's name, score) of the proposal."""
    with session_scope(settings.database_url) as session:
        pairs = session.scalars(
            select(Pair)
            .where(Pair.cohort_id == cohort_id, Pair.status == "proposed")
            .order_by(Pair.id)
        ).all()
        return [
            (
                p.id,
                p.mentor_application_id,
                p.mentee_application_id,
                f"{p.mentor.person.first_name} {p.mentor.person.last_name}",
                f"{p.mentee.person.first_name} {p.mentee.person.last_name}",
                p.score,
            )
            for p in pairs
        ]


def post(client: TestClient, action: str, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(PAGE).text)
    return client.post(f"{PAGE}/{action}", data={"csrf": token, **fields}, follow_redirects=False)


def counts(settings, cohort_id: int) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """(overrides, audit events, decisions) of the cohort."""
    with session_scope(settings.database_url) as session:
        return (
            session.scalar(select(func.count()).select_from(PairOverride)) or 0,
            session.scalar(select(func.count()).where(AuditEvent.cohort_id == cohort_id)) or 0,
            session.scalar(select(func.count()).where(MatchingDecision.cohort_id == cohort_id))
            or 0,
        )


# --- reading ------------------------------------------------------------------------------


def test_the_review_lists_each_pair_by_name_with_its_score_in_french_and_its_criteria(
    proposed, settings, smtp, client
):
    signed_in_as(client, settings, smtp, DELPHINE, "operator")
    cohort_page = client.get(f"/gestion/cohortes/{CODE}")
    assert f'href="{PAGE}"' in cohort_page.text  # linked from the cohort's page
    page = client.get(PAGE)
    assert page.status_code == 200
    text = text_of(page.text)
    pairs = proposal(settings, proposed)
    assert pairs
    for _, mentor_id, mentee_id, mentor, mentee, score in pairs:
        shown = f"{score:.1f}".replace(".", ",")
        assert f"{mentor} et {mentee}" in text
        assert f"Mentor : {mentor} (n° {mentor_id}) ; mentoré·e : {mentee} (n° {mentee_id})" in text
        assert f"Score : {shown} sur 100" in text
    # Points per criterion out of their maximum, with the criterion's French name.
    assert re.search(r"objectifs \d+,\d / \d+", text)
    assert "disponibilités" in text and "Rempli" in text
    assert "Règles respectées par chaque binôme" in text
    assert "jamais dans la même ligne hiérarchique" in text
    assert re.search(r"Score moyen \d+,\d sur 100", text)
    assert "." not in re.search(r"Score moyen (\S+)", text).group(1)  # type: ignore[union-attr]
    assert faults(visible_text(page.text)) == []
    assert page.text.count("<h1") == 1


def test_the_unmatched_are_listed_by_name_with_their_reason(proposed, settings, smtp, client):
    with session_scope(settings.database_url) as session:
        decision = session.scalar(
            select(MatchingDecision).where(MatchingDecision.cohort_id == proposed)
        )
        assert decision is not None
        # A mentee nobody may mentor (as the engine reports one), written into the proposal.
        mentee = session.scalars(
            select(Application).where(
                Application.cohort_id == proposed, Application.role == "mentee"
            )
        ).first()
        assert mentee is not None
        decision.unmatched = [
            {
                "application_id": mentee.id,
                "role": "mentee",
                "reason_code": "no_allowed_mentor",
                "reason": "aucun mentor possible\u00a0: même ligne hiérarchique",
            }
        ]
        name = f"{mentee.person.first_name} {mentee.person.last_name}"
    signed_in_as(client, settings, smtp, DELPHINE, "operator")
    text = text_of(client.get(PAGE).text)
    assert "Sans binôme (1)" in text
    assert f"{name} (n° {mentee.id}, mentoré·e) – aucun mentor possible" in text


# --- acting -------------------------------------------------------------------------------


def test_pin_and_forbid_with_their_reasons_are_stored_and_audited_with_the_operator_id(
    proposed, settings, smtp, client
):
    me = signed_in_as(client, settings, smtp, DELPHINE, "operator")
    (_, m1, e1, *_), (_, _, e2, *_) = proposal(settings, proposed)[:2]
    forbidden = post(client, "interdire", mentor=str(m1), mentee=str(e1), raison="Même service")
    assert forbidden.status_code == 303
    assert forbidden.headers["location"] == f"{PAGE}?fait=interdit"
    pinned = post(client, "imposer", mentor=str(m1), mentee=str(e2), raison="Demande du jury")
    assert pinned.status_code == 303
    with session_scope(settings.database_url) as session:
        rows = {
            (o.kind, o.mentor_application_id, o.mentee_application_id, o.reason, o.actor)
            for o in session.scalars(select(PairOverride))
        }
        audit = {
            (a.action, a.actor, a.reason)
            for a in session.scalars(
                select(AuditEvent).where(AuditEvent.action.in_(("matching.pin", "matching.forbid")))
            )
        }
    actor = f"operator:id-{me}"
    assert rows == {
        ("forbid", m1, e1, "Même service", actor),
        ("pin", m1, e2, "Demande du jury", actor),
    }
    assert audit == {
        ("matching.forbid", actor, "Même service"),
        ("matching.pin", actor, "Demande du jury"),
    }
    page = client.get(pinned.headers["location"])
    assert "Binôme imposé" in text_of(page.text)
    assert "Demande du jury" in text_of(page.text) and "Même service" in text_of(page.text)


def test_a_forbid_without_a_reason_is_refused_in_french_and_changes_nothing(
    proposed, settings, smtp, client
):
    signed_in_as(client, settings, smtp, DELPHINE, "operator")
    (_, mentor, mentee, *_) = proposal(settings, proposed)[0]
    before = counts(settings, proposed)
    refused = post(client, "interdire", mentor=str(mentor), mentee=str(mentee), raison="  ")
    assert refused.status_code == 400
    assert "Indiquez la raison de ce choix" in text_of(refused.text)
    assert "Appariement de" in text_of(refused.text)  # the review page again, not another
    assert counts(settings, proposed) == before


def test_recalculating_makes_a_new_proposal_that_keeps_the_pin_and_drops_the_forbidden_pair(
    proposed, settings, smtp, client
):
    me = signed_in_as(client, settings, smtp, DELPHINE, "operator")
    first = proposal(settings, proposed)
    _, m1, e1, *_ = first[0]
    _, m2, e2, *_ = next(p for p in first if p[1] != m1)  # a pair with another mentor
    post(client, "interdire", mentor=str(m1), mentee=str(e1), raison="Même service")
    post(client, "imposer", mentor=str(m2), mentee=str(e2), raison="Demande du jury")
    assert proposal(settings, proposed) == first  # both count at the next calculation only
    again = post(client, "recalculer", mode="")
    assert again.status_code == 303, text_of(again.text)
    assert again.headers["location"] == f"{PAGE}?fait=recalcul"
    second = proposal(settings, proposed)
    members = {(m, e) for _, m, e, *_ in second}
    assert (m1, e1) not in members
    assert (m2, e2) in members
    with session_scope(settings.database_url) as session:
        pinned = session.scalar(
            select(Pair.pinned).where(
                Pair.status == "proposed",
                Pair.mentor_application_id == m2,
                Pair.mentee_application_id == e2,
            )
        )
        proposed_by = session.scalars(
            select(AuditEvent.actor).where(AuditEvent.action == "matching.proposed")
        ).all()
    assert pinned is True
    assert proposed_by[-1] == f"operator:id-{me}"
    page = text_of(client.get(f"{PAGE}?fait=recalcul").text)
    assert "binôme imposé" in page


def test_approving_sets_the_approval_and_the_page_turns_read_only(proposed, settings, smtp, client):
    me = signed_in_as(client, settings, smtp, DELPHINE, "operator")
    token = csrf_of(client.get(PAGE).text)
    with session_scope(settings.database_url) as session:
        decision_id = session.scalar(
            select(MatchingDecision.id).where(MatchingDecision.status == "proposed")
        )
    approved = client.post(
        f"{PAGE}/valider",
        data={"csrf": token, "proposition": str(decision_id), "raison": "Relu en comité"},
        follow_redirects=False,
    )
    assert approved.status_code == 303 and approved.headers["location"] == f"{PAGE}?fait=validee"
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, proposed)
        assert cohort is not None
        assert cohort.matching_approved_at is not None
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "matching.approved"))
        assert event is not None
        assert (event.actor, event.reason) == (f"operator:id-{me}", "Relu en comité")
    page = client.get(approved.headers["location"])
    text = text_of(page.text)
    assert "Binômes validés" in text and f"Proposition n° {decision_id} validée" in text
    for form in ("interdire", "imposer", "recalculer", "valider"):
        assert f"/appariement/{form}" not in page.text  # read-only once approved
    # A late action is refused, nothing changes.
    before = counts(settings, proposed)
    late = post(client, "recalculer", mode="")
    assert late.status_code == 400 and "déjà validés" in text_of(late.text)
    assert counts(settings, proposed) == before


def test_approving_a_proposal_that_changed_since_it_was_read_is_refused(
    proposed, settings, smtp, client
):
    signed_in_as(client, settings, smtp, DELPHINE, "operator")
    token = csrf_of(client.get(PAGE).text)
    with session_scope(settings.database_url) as session:
        read = session.scalar(
            select(MatchingDecision.id).where(MatchingDecision.status == "proposed")
        )
    post(client, "recalculer", mode="")  # another operator, say, recalculated meanwhile
    stale = client.post(
        f"{PAGE}/valider", data={"csrf": token, "proposition": str(read)}, follow_redirects=False
    )
    assert stale.status_code == 400
    assert "La proposition a changé" in text_of(stale.text)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, proposed)
        assert cohort is not None and cohort.matching_approved_at is None


# --- who may -----------------------------------------------------------------------------


def test_a_supervisor_reads_the_review_but_may_not_act(proposed, settings, smtp, client):
    signed_in_as(client, settings, smtp, SERGE, "supervisor")
    page = client.get(PAGE)
    assert page.status_code == 200
    (_, mentor, mentee, mentor_name, *_) = proposal(settings, proposed)[0]
    assert mentor_name in text_of(page.text)
    assert "/appariement/valider" not in page.text and "/appariement/interdire" not in page.text
    before = counts(settings, proposed)
    for action, fields in (
        ("interdire", {"mentor": str(mentor), "mentee": str(mentee), "raison": "non"}),
        ("imposer", {"mentor": str(mentor), "mentee": str(mentee), "raison": "non"}),
        ("recalculer", {"mode": ""}),
        ("valider", {"proposition": "1"}),
    ):
        answer = post(client, action, **fields)
        assert answer.status_code == 403, action
        assert "Votre rôle ne permet pas cette action" in text_of(answer.text)
    assert counts(settings, proposed) == before


def test_no_review_without_a_session(proposed, client):
    page = client.get(PAGE, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/gestion/connexion"
    assert "Score" not in page.text


def test_an_action_without_the_csrf_token_is_refused(proposed, settings, smtp, client):
    signed_in_as(client, settings, smtp, DELPHINE, "operator")
    (_, mentor, mentee, *_) = proposal(settings, proposed)[0]
    before = counts(settings, proposed)
    refused = client.post(
        f"{PAGE}/interdire",
        data={"csrf": "faux", "mentor": str(mentor), "mentee": str(mentee), "raison": "x"},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert counts(settings, proposed) == before


def test_the_prefect_form_links_to_the_review_and_names_nobody(proposed, settings):
    from flows.approval import proposal_markdown

    found = proposal_markdown(proposed)
    assert found is not None
    _, text = found
    assert f"https://mentorat.exemple.fr{PAGE}" in text
    with session_scope(settings.database_url) as session:
        people = session.scalars(select(Person)).all()
    for person in people:
        assert person.email not in text and person.last_name not in text
