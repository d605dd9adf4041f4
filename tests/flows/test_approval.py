"""The approval form shown in the Prefect UI: ids and scores only, and what each answer does."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from demo.simulation import setup_cohort
from flows.approval import MatchingApproval, apply_answer, proposal_markdown
from mentorat.db import session_scope
from models import AuditEvent, Cohort, MatchingDecision, Operator, Person
from tasks import matching
from tests.conftest import START
from tests.support import phases


def proposed(settings) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=6, opens_at=START)
    result = phases.advance(settings, cohort_id, matching, START + timedelta(days=21))
    assert result == {
        "proposals": 1,
        "awaiting_approval": 1,
        "operator_alert": 1,
        "approved": False,
    }
    found = proposal_markdown(cohort_id)
    assert found is not None
    return cohort_id, found[0]


def test_the_form_shows_ids_and_scores_but_no_names(settings):
    cohort_id, decision_id = proposed(settings)
    _, text = proposal_markdown(cohort_id)  # type: ignore[misc]
    assert f"Proposition n° {decision_id}" in text
    assert text.count("\n| ") >= 6
    with session_scope(settings.database_url) as session:
        people = list(session.scalars(select(Person)))
    for person in people:
        assert person.email not in text and person.last_name not in text


def test_approving_records_who_by_id_and_why(settings):
    cohort_id, decision_id = proposed(settings)
    # A number that is no operator of the programme is not trusted: the cohort's operator.
    answer = MatchingApproval(approve=True, operator_id=999, reason="relu en comité")
    assert apply_answer(cohort_id, decision_id, answer) is True
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None and cohort.matching_approved_at is not None
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "matching.approved"))
        assert event is not None
        # The cohort's operator, by the cohort's id: no name typed in Prefect's form.
        assert (event.actor, event.reason) == (f"operator:cohort-{cohort_id}", "relu en comité")
    assert proposal_markdown(cohort_id) is None  # nothing left to approve


def test_asking_for_a_rerun_supersedes_the_proposal_without_approving(settings):
    cohort_id, decision_id = proposed(settings)
    answer = MatchingApproval(rerun="quality")
    # True: something changed, the flow runs matching again and asks about the new proposal.
    assert apply_answer(cohort_id, decision_id, answer) is True
    with session_scope(settings.database_url) as session:
        decisions = list(session.scalars(select(MatchingDecision).order_by(MatchingDecision.id)))
        assert [(d.status, d.mode) for d in decisions] == [
            ("superseded", "coverage"),
            ("proposed", "quality"),
        ]
    # An answer about a superseded proposal changes nothing.
    assert apply_answer(cohort_id, decision_id, MatchingApproval(approve=True)) is False
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None and cohort.matching_approved_at is None
    new = proposal_markdown(cohort_id)
    assert new is not None and new[0] != decision_id  # the new proposal is the one shown


@pytest.mark.usefixtures("prefect_harness")
def test_what_prefect_stores_of_the_form_and_its_answer_names_nobody(settings):
    """The form as the cohort flow saves it (schema and description) and the answer as the
    UI posts it, read back from a Prefect server: ids, no operator's or person's name."""
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.input import keyset_from_base_key

    cohort_id, decision_id = proposed(settings)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        camille = Operator(
            email="camille.roux@justice.exemple.fr",
            display_name="Camille Roux",
            role="operator",
            programme_id=cohort.programme_id,
            created_at=START,
        )
        session.add(camille)
        session.flush()
        operator_id = camille.id
    _, description = proposal_markdown(cohort_id)  # type: ignore[misc]
    assert f"n° {operator_id} (opérateur·rice)" in description

    @flow
    def waiting() -> None:
        pass

    keyset = keyset_from_base_key(f"matching-approval-{decision_id}")

    def save_answer_and_read_back():  # type: ignore[no-untyped-def]
        with get_client(sync_client=True) as client:
            run = client.create_flow_run(waiting)
            MatchingApproval.with_initial_data(description=description).save(keyset, run.id)
            answer = MatchingApproval(approve=True, operator_id=operator_id, reason="relu")
            client.create_flow_run_input(run.id, keyset["response"], answer.model_dump_json())
            stored = client.filter_flow_run_input(run.id, "matching-approval", 10, set())
            return stored, MatchingApproval.load(keyset, run.id)

    # In a thread of its own: a browser test earlier in the session leaves an event loop
    # running in this one (Playwright), where Prefect's calls would return coroutines.
    with ThreadPoolExecutor(max_workers=1) as pool:
        stored, received = pool.submit(save_answer_and_read_back).result(timeout=120)
    assert {i.key for i in stored} == set(keyset.values())
    text = " ".join(i.value for i in stored)
    schema = json.loads(next(i.value for i in stored if i.key == keyset["schema"]))
    assert set(schema["properties"]) == {"approve", "operator_id", "reason", "rerun"}
    assert f'"operator_id":{operator_id}' in text.replace(" ", "")
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        names = [cohort.operator_name, cohort.operator_email, "Camille Roux", "camille.roux"]
        for person in session.scalars(select(Person)):
            names += [person.email, f"{person.first_name} {person.last_name}"]
    assert [n for n in names if n in text] == []
    assert apply_answer(cohort_id, decision_id, received) is True
    with session_scope(settings.database_url) as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "matching.approved"))
        assert event is not None and event.actor == f"operator:id-{operator_id}"


def test_contradictory_pins_alert_the_operator_instead_of_proposing(settings):
    from mentorat.services import pairing
    from models import Application, OutboxMessage

    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=6, opens_at=START)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        apps = list(session.scalars(select(Application).where(Application.cohort_id == cohort_id)))
        mentor = next(a for a in apps if a.role == "mentor")
        first, second = [a for a in apps if a.role == "mentee"][:2]
        for mentee in (first, second):  # one mentor of capacity 1 pinned twice
            mentor.capacity = 1
            pairing.override(
                session,
                cohort,
                mentor_id=mentor.id,
                mentee_id=mentee.id,
                kind="pin",
                actor="operator:test",
                reason="essai",
                now=START,
            )
    result = phases.advance(settings, cohort_id, matching, START + timedelta(days=21))
    assert result["matching_infeasible"] == 1 and "proposals" not in result
    with session_scope(settings.database_url) as session:
        alert = session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "operator_alert"))
        assert alert is not None and "appariement impossible" in alert.body_text
        assert session.scalar(select(MatchingDecision)) is None
