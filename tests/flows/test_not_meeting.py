"""A pair answering "pas vu" month after month reaches the supervisor like a silent one:
once per pair when the streak reaches the programme's threshold, not once per member."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mentorat.db import session_scope
from mentorat.services import answers, cohorts
from models import CheckIn, Cohort, OutboxMessage, Pair
from tasks import checkins
from tests.support import phases
from tests.web.world import build_world


def answer_month(settings, cohort_id: int, month: int, met_by_pair: dict[int, bool], at) -> None:  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        rows = session.scalars(
            select(CheckIn).where(CheckIn.cohort_id == cohort_id, CheckIn.month == month)
        ).all()
        for row in rows:
            answers.record_checkin(
                session, row.id, met=met_by_pair.get(row.pair_id, True), channel="web", now=at
            )


def not_met_alerts(settings, cohort_id: int) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        return list(
            session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.cohort_id == cohort_id,
                    OutboxMessage.step == "escalation_not_met",
                )
            )
        )


def test_two_months_without_meeting_reach_the_supervisor_once_per_pair(settings):
    world = build_world(settings)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None
        months = cohorts.timeline_of(cohort).checkins
        pair_ids = list(
            session.scalars(
                select(Pair.id).where(Pair.cohort_id == world.cohort_id, Pair.status == "active")
            )
        )
    stuck, other = pair_ids[0], pair_ids[1]
    # Month 1: the stuck pair has not met (both say so); month 1 alone tells nobody.
    answer_month(settings, world.cohort_id, 1, {stuck: False}, months[0].due_at + timedelta(days=1))
    phases.advance(settings, world.cohort_id, checkins, months[0].closes_at)
    assert not_met_alerts(settings, world.cohort_id) == []
    # Month 2: still not; the other pair says "pas vu" once, after having met.
    phases.advance(settings, world.cohort_id, checkins, months[1].due_at)
    answer_month(
        settings,
        world.cohort_id,
        2,
        {stuck: False, other: False},
        months[1].due_at + timedelta(days=1),
    )
    phases.advance(settings, world.cohort_id, checkins, months[1].due_at + timedelta(days=2))
    alerts = not_met_alerts(settings, world.cohort_id)
    assert len(alerts) == 1
    body = alerts[0].body_text
    assert "ne pas avoir rencontré son binôme 2 mois de suite" in body
    assert "1er et 2e mois" in body
    # The next runs, and the month after, add nothing for the same streak.
    phases.advance(settings, world.cohort_id, checkins, months[1].closes_at)
    assert len(not_met_alerts(settings, world.cohort_id)) == 1
