"""Closing a month of check-ins after an outage: what never left is withdrawn (it would ask
for an answer before a past date), whoever was never asked has not missed the month (no
escalation), and the operator is told once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from mentorat import timeline
from mentorat.db import session_scope
from mentorat.services import cohorts
from models import Application, CheckIn, Cohort, OutboxMessage, Person
from tasks import checkins, evaluation
from tests.support import phases
from tests.web.world import World, build_world, deliver_pending


def month_one(world: World) -> dict[int, str]:
    """Person id -> status of their month-1 check-in."""
    with session_scope(world.settings.database_url) as session:
        return dict(
            session.execute(
                select(Application.person_id, CheckIn.status)
                .join(Application, Application.id == CheckIn.application_id)
                .where(CheckIn.cohort_id == world.cohort_id, CheckIn.month == 1)
            ).all()
        )


def outbox(world: World, *steps: str) -> Counter[str]:
    with session_scope(world.settings.database_url) as session:
        return Counter(
            dict(
                session.execute(
                    select(OutboxMessage.status, func.count())
                    .where(
                        OutboxMessage.cohort_id == world.cohort_id, OutboxMessage.step.in_(steps)
                    )
                    .group_by(OutboxMessage.status)
                ).all()
            )
        )


def alerts(world: World, step: str) -> list[OutboxMessage]:
    with session_scope(world.settings.database_url) as session:
        return list(
            session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.cohort_id == world.cohort_id, OutboxMessage.step == step
                )
            )
        )


def test_a_month_closed_during_an_outage_withdraws_its_requests_and_escalates_nobody(
    settings, smtp
):
    world = build_world(settings)
    # The mail server is down from the moment the first requests are written until the close
    # (and the reminder is written meanwhile): nothing of month 1 leaves.
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None
        month = cohorts.timeline_of(cohort).checkins[0]
    phases.advance(settings, world.cohort_id, checkins, month.reminder_at)
    waiting = outbox(world, "checkin1", "checkin1_reminder")
    assert set(waiting) == {"pending"} and waiting["pending"] > 0
    done = phases.advance(settings, world.cohort_id, checkins, world.checkins_close_at)
    assert outbox(world, "checkin1", "checkin1_reminder") == Counter(
        {"cancelled": waiting["pending"]}
    )
    assert done["checkin_withdrawn"] == waiting["pending"]
    statuses = month_one(world)
    assert set(statuses.values()) == {"unasked"}
    assert done["checkin_unasked"] == len(statuses) and "checkin_missed" not in done
    # Nobody is reported to the supervisor for a month nobody was asked about...
    assert outbox(world, "escalation_missed") == Counter()
    # ...but the operator is told, once, with the count and the date.
    told = alerts(world, "alert_checkin_unasked")
    assert len(told) == 1
    assert f"{len(statuses)}\u00a0participants n’ont pas reçu" in told[0].body_text
    assert "ne compte pas comme manqué" in told[0].body_text
    again = phases.advance(
        settings, world.cohort_id, checkins, world.checkins_close_at + timedelta(hours=1)
    )
    assert len(alerts(world, "alert_checkin_unasked")) == 1
    assert "checkin_unasked" not in again
    # The withdrawn requests never reach anyone once the server is back.
    deliver_pending(settings)
    assert not [m for m in smtp.messages if m.message()["X-Mentorat-Step"] == "checkin1"]


def test_only_those_asked_can_miss_a_month(settings, smtp):
    world = build_world(settings)
    (_, late_person, late_name) = world.checkin(0)
    with session_scope(settings.database_url) as session:
        person = session.get(Person, late_person)
        assert person is not None
        address = person.email.lower()
    # One mailbox is full for the whole month (450: the sender tries again later); the
    # others receive their request.
    smtp.handler.full.add(address)
    deliver_pending(settings)
    assert outbox(world, "checkin1")["sent"] > 0
    done = phases.advance(settings, world.cohort_id, checkins, world.checkins_close_at)
    statuses = month_one(world)
    assert statuses.pop(late_person) == "unasked"
    assert set(statuses.values()) == {"missed"}
    assert done["checkin_missed"] == len(statuses)
    assert done["checkin_unasked"] == 1 and done["checkin_withdrawn"] == 1
    told = alerts(world, "alert_checkin_unasked")
    assert len(told) == 1 and "1\u00a0participant n’a pas reçu" in told[0].body_text
    assert late_name in told[0].body_text
    smtp.handler.full.clear()
    before = len(smtp.messages)
    deliver_pending(settings)
    # What the server now takes is the alert, not the withdrawn request.
    arrived = [m.message() for m in smtp.messages[before:]]
    assert [m["X-Mentorat-Step"] for m in arrived] == ["alert_checkin_unasked"]


def test_an_evaluation_closed_during_an_outage_withdraws_its_requests(settings, smtp):
    world = build_world(settings)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None
        t = cohorts.timeline_of(cohort)
    assert t.evaluation_opens_at and t.evaluation_closes_at and t.evaluation_reminders
    # The requests and the reminders are written, and never leave (the mail server is down).
    phases.advance(settings, world.cohort_id, evaluation, t.evaluation_reminders[-1])
    steps = ["evaluation"] + [
        f"evaluation_reminder{n + 1}" for n in range(len(t.evaluation_reminders))
    ]
    waiting = outbox(world, *steps)
    assert set(waiting) == {"pending"} and waiting["pending"] > 0
    # The flow runs the phase at the close, even from a run that starts late.
    late = t.evaluation_closes_at + timedelta(hours=6)
    assert "evaluation" in timeline.phases_due(t, late)
    done = phases.advance(settings, world.cohort_id, evaluation, late)
    assert done["evaluation_withdrawn"] == waiting["pending"]
    assert outbox(world, *steps) == Counter({"cancelled": waiting["pending"]})
    deliver_pending(settings)
    assert not [m for m in smtp.messages if m.message()["X-Mentorat-Step"] in steps]
