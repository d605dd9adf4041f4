"""The call for candidates and the acknowledgement of an application never contradict each
other: the call (and its reminder) go only to the recipients who have not applied, so nobody
is invited to apply in the same run that confirms their application. On SQLite and
PostgreSQL, phase by phase as the call's task runs it."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from demo.simulation import APPLY_AFTER, setup_cohort
from mentorat.db import session_scope
from mentorat.services import applications, cohorts
from models import Cohort, OutboxMessage
from tasks import call
from tests.conftest import START
from tests.support import phases


def letters(settings, cohort_id: int) -> dict[str, list[tuple[str, datetime]]]:  # type: ignore[no-untyped-def]
    """address -> [(kind, written at)], in the order they were written."""
    found: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    with session_scope(settings.database_url) as session:
        for address, kind, at in session.execute(
            select(OutboxMessage.to_addr, OutboxMessage.kind, OutboxMessage.created_at)
            .where(OutboxMessage.cohort_id == cohort_id)
            .order_by(OutboxMessage.id)
        ):
            found[address].append((kind, at))
    return found


def reminder_at(settings, cohort_id: int) -> datetime:  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        return cohorts.timeline_of(cohort).call_reminder_at


def never_both_in_one_run(found: dict[str, list[tuple[str, datetime]]]) -> None:
    for address, written in found.items():
        calls = {at for kind, at in written if kind == "call"}
        acknowledged = {at for kind, at in written if kind == "application_received"}
        assert not calls & acknowledged, address


def test_who_applied_before_the_call_went_out_gets_only_the_acknowledgement(settings):  # type: ignore[no-untyped-def]
    # The applications are imported at the call's opening, before its first run.
    cohort_id, pop = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START)
    candidates = {r["email"] for r in pop.rows}
    outsiders = {r["email"] for r in pop.outsiders}
    assert candidates and outsiders and not candidates & outsiders

    assert phases.advance(settings, cohort_id, call, START) == {
        "call": len(outsiders),
        "application_received": len(candidates),
    }
    reminder = reminder_at(settings, cohort_id)
    assert phases.advance(settings, cohort_id, call, reminder) == {"call_reminder": len(outsiders)}

    found = letters(settings, cohort_id)
    for address in candidates:
        assert [kind for kind, _ in found[address]] == ["application_received"], address
    for address in outsiders:
        assert found[address] == [("call", START), ("call_reminder", reminder)], address
    never_both_in_one_run(found)


def test_who_applies_during_the_call_got_the_call_then_the_acknowledgement_no_reminder(
    settings,
):  # type: ignore[no-untyped-def]
    applied_at = START + APPLY_AFTER
    cohort_id, pop = setup_cohort(
        settings, programme="jaae", pairs=3, opens_at=START, applications_at=applied_at
    )
    assert pop.applications_at == applied_at
    candidates = {r["email"] for r in pop.rows}
    outsiders = {r["email"] for r in pop.outsiders}

    # Nobody has applied yet: the call goes to everyone on the list.
    assert phases.advance(settings, cohort_id, call, START) == {
        "call": len(candidates) + len(outsiders)
    }
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        applications.import_applications(
            session, cohort, pop.rows, now=applied_at, actor="operator:demo"
        )
    assert phases.advance(settings, cohort_id, call, applied_at) == {
        "application_received": len(candidates)
    }
    reminder = reminder_at(settings, cohort_id)
    assert applied_at < reminder
    assert phases.advance(settings, cohort_id, call, reminder) == {"call_reminder": len(outsiders)}

    found = letters(settings, cohort_id)
    for address in candidates:
        assert found[address] == [("call", START), ("application_received", applied_at)]
    for address in outsiders:
        assert found[address] == [("call", START), ("call_reminder", reminder)], address
    never_both_in_one_run(found)
