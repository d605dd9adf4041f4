"""The approval form shown in the Prefect UI: ids and scores only, and what each answer does."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from demo.simulation import setup_cohort
from flows.approval import MatchingApproval, apply_answer, proposal_markdown
from mentorat.db import session_scope
from models import AuditEvent, Cohort, MatchingDecision, Person
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


def test_approving_records_who_and_why(settings):
    cohort_id, decision_id = proposed(settings)
    answer = MatchingApproval(approve=True, operator="Camille Roux", reason="relu en comité")
    assert apply_answer(cohort_id, decision_id, answer) is True
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None and cohort.matching_approved_at is not None
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "matching.approved"))
        assert event is not None
        assert (event.actor, event.reason) == ("operator:Camille Roux", "relu en comité")
    assert proposal_markdown(cohort_id) is None  # nothing left to approve


def test_asking_for_a_rerun_supersedes_the_proposal_without_approving(settings):
    cohort_id, decision_id = proposed(settings)
    answer = MatchingApproval(rerun="quality", operator="Camille Roux")
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
