"""A recipient refused for now (4xx at RCPT or DATA: mailbox full, greylisting, over quota).

Only that row waits, with a delay that grows with how long the refusal has lasted (5 min,
5 min, 10 min, 20 min… at most 4 h): greylisting passes at the second attempt, a full
mailbox is not knocked on every minute for a day. The rest of the batch and the cohort go
on. Past MENTORAT_DEFER_ALERT_HOURS the row says so (`deferred_too_long`, set by the sender
on its own clock) and the operator alerts read it (`long_deferred`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import OutboxMessage

FIRST_DELAY = timedelta(minutes=5)
MAX_DELAY = timedelta(hours=4)


def retry_delay(first_deferred_at: datetime, now: datetime) -> timedelta:
    """How long to wait before the next attempt: as long as the refusal has lasted so far,
    between FIRST_DELAY and MAX_DELAY."""
    return min(max(now - first_deferred_at, FIRST_DELAY), MAX_DELAY)


def next_attempt(first_deferred_at: datetime, now: datetime, alert_after: timedelta) -> datetime:
    """The next attempt, and one exactly when the alert delay ends: a refusal then is
    reported at once, not up to MAX_DELAY later."""
    when = now + retry_delay(first_deferred_at, now)
    deadline = first_deferred_at + alert_after
    return min(when, deadline) if now < deadline else when


def long_deferred(session: Session, cohort_id: int) -> list[OutboxMessage]:
    """The cohort's messages refused for now for longer than the alert delay, still waiting."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.cohort_id == cohort_id,
                OutboxMessage.status == "pending",
                OutboxMessage.deferred_too_long.is_(True),
            )
            .order_by(OutboxMessage.id)
        )
    )


def next_attempt_due(session: Session, cohort_id: int) -> datetime | None:
    """When the cohort's earliest deferred message may be tried again (real time), if any."""
    return session.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.cohort_id == cohort_id, OutboxMessage.status == "pending"
        )
    )


def waiting(session: Session, cohort_id: int | None) -> int:
    """How many of the cohort's messages are still to send (pending, deferred or claimed)."""
    query = select(func.count()).where(OutboxMessage.status.in_(("pending", "sending")))
    if cohort_id is not None:
        query = query.where(OutboxMessage.cohort_id == cohort_id)
    return int(session.scalar(query) or 0)
