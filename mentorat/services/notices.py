"""Emails written outside the cohort flow, by the pages and the reply channel: fresh links
for a participant, and requests to the operator (an erasure request, a reply to read).

Like every email they are a kind of mentorat.mail, rendered by its one renderer and written
by mentorat.outbox in the caller's transaction. `deliver` sends them right after the commit,
so that a participant asking for a new link gets it at once.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mentorat import events
from mentorat.db import session_factory
from mentorat.delivery import NO_COHORT, send_pending
from mentorat.mail.kinds import OPERATOR_KINDS
from mentorat.outbox import enqueue, operator_letter, person_letter
from mentorat.services import audit
from mentorat.settings import Settings
from models import Cohort, Person

log = logging.getLogger(__name__)


def queue_for_person(
    session: Session,
    settings: Settings,
    cohort: Cohort,
    person: Person,
    *,
    kind: str,
    occurrence: str | int,
    now: datetime,
    **ctx: Any,
) -> bool:
    """Write one email to a participant; False if it was written already (the occurrence,
    e.g. the hour of a fresh-link request, makes a repeated request send nothing twice)."""
    if kind in OPERATOR_KINDS:
        raise ValueError(f"{kind} is written for the programme's team, not for a participant")
    letter = person_letter(kind, kind, occurrence, person, **ctx)
    return _queue(session, settings, cohort, letter, now=now, person_id=person.id)


WAKING_NOTICES = ("inbound_unclear", "erasure_request")


def queue_for_operator(
    session: Session,
    settings: Settings,
    cohort: Cohort,
    *,
    kind: str,
    occurrence: str | int,
    now: datetime,
    **ctx: Any,
) -> bool:
    """Write one email to the cohort's operator; False if it was written already."""
    if kind not in OPERATOR_KINDS:
        raise ValueError(f"{kind} is written for a participant, not for the programme's team")
    letter = operator_letter(cohort, kind, kind, occurrence, **ctx)
    written = _queue(session, settings, cohort, letter, now=now, person_id=None)
    if written and kind in WAKING_NOTICES:
        # Written by the pages or the reply channel, outside any run: wake the cohort so the
        # operator reads it within minutes, not at the next due date.
        events.answer_recorded(session, cohort.id, kind, urgent=True)
    return written


def _queue(
    session: Session,
    settings: Settings,
    cohort: Cohort,
    letter: Any,
    *,
    now: datetime,
    person_id: int | None,
) -> bool:
    written = enqueue(session, cohort, [letter], now=now, settings=settings) > 0
    if written:
        audit.record(
            session,
            at=now,
            actor="system",
            action="notice.queued",
            entity="person",
            entity_id=person_id,
            cohort_id=cohort.id,
            kind=letter.kind,
        )
    return written


def deliver(settings: Settings, cohort_id: int | None) -> None:
    """Send what is pending now (run after the commit). On failure the row stays pending:
    the cohort flow's next delivery sends it."""
    if not settings.smtp_host:
        return
    # A message of no cohort sends only such messages: the cohorts' own go with their runs.
    which = NO_COHORT if cohort_id is None else cohort_id
    try:
        send_pending(session_factory(settings.database_url), settings, cohort_id=which)
    except Exception as exc:  # stored in the outbox: nothing is lost
        log.warning("immediate delivery failed: %s", type(exc).__name__)
