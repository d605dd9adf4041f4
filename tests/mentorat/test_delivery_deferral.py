"""A recipient refused for now, and a server down, for a simulated day, against a real SMTP
server: the others go, the refused row waits with growing delays, the operator is alerted
once past MENTORAT_DEFER_ALERT_HOURS, and nothing raised carries an address."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from demo.clock import SimulatedClock
from demo.simulation import setup_cohort
from mentorat.db import session_factory, session_scope
from mentorat.delivery import SmtpUnavailable, send_pending
from models import OutboxMessage, Person
from tasks import alerts as alerts_phase
from tasks import call
from tests.conftest import START
from tests.support import phases
from tests.support.delivery import nothing_chained, statuses

pytestmark = pytest.mark.fault_injection

# The sender's clock (real time in production), driven through a simulated day.
DAY_ONE = datetime(2027, 9, 6, 8, 0, tzinfo=UTC)


@pytest.fixture
def queued(settings):  # type: ignore[no-untyped-def]
    cohort_id, pop = setup_cohort(settings, programme="jaae", pairs=10, opens_at=START)
    phases.advance(settings, cohort_id, call, START)
    with session_scope(settings.database_url) as session:
        total = int(session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)
    return cohort_id, pop, total


def refuse_for_now(smtp, address: str) -> None:  # type: ignore[no-untyped-def]
    """The recipient's mailbox is full: 450 at RCPT, quoting the address as servers do."""
    original = smtp.handler.handle_RCPT

    async def full(server, session, envelope, rcpt, options):  # type: ignore[no-untyped-def]
        if rcpt.lower() == address.lower():
            return f"450 4.2.2 <{rcpt}>: Mailbox full, try again later"
        return await original(server, session, envelope, rcpt, options)

    smtp.handler.handle_RCPT = full


def alerts_about(smtp, address: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        r.message().get_body(("plain",)).get_content()
        for r in smtp.messages
        if r.message()["X-Mentorat-Step"] == "alert_deferred"
        and address in r.message().get_body(("plain",)).get_content()
    ]


def test_one_recipient_refused_for_a_day_waits_alone_and_the_operator_is_told_once(
    settings, smtp, queued
):
    cohort_id, pop, total = queued
    victim = next(r for r in pop.rows if r["role"] == "mentee")
    refuse_for_now(smtp, victim["email"])
    maker = session_factory(settings.database_url)
    clock = SimulatedClock(DAY_ONE)
    with session_scope(settings.database_url) as session:
        victim_rows = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .join(Person, Person.id == OutboxMessage.person_id)
            .where(Person.email == victim["email"])
        )
    report = send_pending(maker, settings, now=clock.now)
    # The rest of the batch went at once; only the victim's messages wait.
    assert report.sent == total - victim_rows and report.deferred == victim_rows
    attempts: list[datetime] = [clock.now()]
    while clock.now() < DAY_ONE + timedelta(hours=26):
        clock.advance(timedelta(minutes=5))
        again = send_pending(maker, settings, now=clock.now)
        if again.deferred:
            attempts.append(clock.now())
        # The operator alerts run with every cohort run (hourly here); not before the delay.
        if clock.now().minute == 0:
            phases.advance(settings, cohort_id, alerts_phase, START)
            send_pending(maker, settings, now=clock.now)
            told = alerts_about(smtp, victim["email"])
            past_delay = clock.now() - DAY_ONE >= timedelta(hours=settings.defer_alert_hours)
            assert len(told) == (1 if past_delay else 0), clock.now()
    # Growing delays, at most four hours apart: about a dozen attempts in a day, not 288.
    # (One attempt falls exactly when the alert delay ends.)
    before_alert = [a for a in attempts if a - DAY_ONE <= timedelta(hours=24)]
    gaps = [b - a for a, b in zip(before_alert, before_alert[1:], strict=False)]
    assert gaps[:-1] == sorted(gaps[:-1]) and gaps[0] == timedelta(minutes=5)
    assert before_alert[-1] == DAY_ONE + timedelta(hours=24)
    assert max(gaps) <= timedelta(hours=4) and 8 <= len(attempts) <= 16
    with session_scope(settings.database_url) as session:
        person = session.scalar(select(Person).where(Person.email == victim["email"]))
        assert person is not None and person.email_status != "failing"
        waiting = list(
            session.scalars(select(OutboxMessage).where(OutboxMessage.person_id == person.id))
        )
    assert {row.status for row in waiting} == {"pending"}
    assert all(row.last_error == "450 4.2.2" and row.deferred_too_long for row in waiting)
    assert victim["email"] not in {rcpt for r in smtp.messages for rcpt in r.recipients}
    # The mailbox has room again: the next due attempt delivers, once.
    smtp.handler.handle_RCPT = type(smtp.handler).handle_RCPT.__get__(smtp.handler)
    clock.advance(timedelta(hours=4))
    assert send_pending(maker, settings, now=clock.now).sent == victim_rows
    delivered = [r for r in smtp.messages if victim["email"] in r.recipients]
    assert len(delivered) == victim_rows
    assert statuses(settings.database_url)["pending"] == 0


def test_a_server_down_for_a_day_leaves_every_message_pending_and_says_so_with_codes_only(
    settings, smtp, queued
):
    _, pop, total = queued
    smtp.stop()
    maker = session_factory(settings.database_url)
    clock = SimulatedClock(DAY_ONE)
    personal = {r["email"] for r in pop.rows} | {r["last_name"] for r in pop.rows}
    for _ in range(24):
        with pytest.raises(SmtpUnavailable) as raised:
            send_pending(maker, settings, now=clock.now)
        message = str(raised.value)
        assert "indisponible" in message and not any(p in message for p in personal)
        assert "@" not in message
        assert nothing_chained(raised.value)
        # Nothing is left claimed or deferred: the next attempt takes every row at once.
        assert statuses(settings.database_url) == Counter({"pending": total})
        clock.advance(timedelta(hours=1))
    smtp.start()
    assert send_pending(maker, settings, now=clock.now).sent == total
    assert len(smtp.messages) == total
