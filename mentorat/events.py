"""Tell Prefect that participants answered, and wake the cohort when an answer needs action.

The answer is committed to the database first; only then does anything reach Prefect, so if
Prefect is down the answer is still stored and the cohort's next scheduled run picks it up.
Nothing personal leaves: ids, kinds and counts.

- Every answer is an event (`mentorat.answer.recorded`) on the resource
  `mentorat.<installation id>.cohort.<id>`: visible in Prefect's event feed, and never mixed
  up with another Mentorat database on the same Prefect server.
- Only answers that need action soon wake the cohort (a request for help, the second
  signature of a pair's charter, an unclear reply, a declined supervision session). A wake
  is a run of the cohort deployment a short while later (MENTORAT_WAKE_WINDOW_SECONDS), so
  that several answers within a few minutes share one run, and at most one per
  MENTORAT_WAKE_MIN_GAP_HOURS of the cohort's clock: an answer after that run waits for the
  next wake or the next due date. Other answers wait for the next due date, which is when
  the flow reads them anyway.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from mentorat.settings import get_settings

log = logging.getLogger(__name__)

ANSWER_EVENT = "mentorat.answer.recorded"
WAKE_PATIENCE_SECONDS = 5.0
_PENDING = "mentorat.pending_events"


def answer_recorded(session: Session, cohort_id: int, kind: str, *, urgent: bool = False) -> None:
    """Queue an event (and a wake when `urgent`); sent only if the transaction commits."""
    pending: dict[tuple[int, str], bool] = session.info.setdefault(_PENDING, {})
    pending[(cohort_id, kind)] = pending.get((cohort_id, kind), False) or urgent


def enabled() -> bool:
    """On unless MENTORAT_EMIT_EVENTS says no, and only towards a Prefect server that is
    configured: without PREFECT_API_URL, Prefect would start a temporary server inside the
    web process just to receive the event."""
    if not get_settings().emit_events:
        return False
    from prefect.settings import get_current_settings

    return get_current_settings().api.url is not None


def wake_slot(now: datetime, gap: timedelta, window: timedelta) -> tuple[str, datetime]:
    """The wake an urgent answer at `now` (the cohort's clock) belongs to: its slot (one per
    `gap`) and the cohort instant it runs at (`window` after the slot's first answer; later
    answers of the slot get the same run through its idempotency key)."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    slot = int((now - epoch) / gap)
    return f"wake-{slot}", now + window


@event.listens_for(Session, "after_commit")
def _emit_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        # SQLAlchemy also calls this when a SAVEPOINT is released: the answer is not
        # committed yet, so keep the events for the outer commit.
        return
    pending: dict[tuple[int, str], bool] | None = session.info.pop(_PENDING, None)
    if not pending:
        return
    try:
        if not enabled():
            return
        _emit(pending)
    except Exception as exc:  # the answer is stored; the next scheduled run will see it
        log.warning("could not emit %s: %s", ANSWER_EVENT, type(exc).__name__)


def _emit(pending: dict[tuple[int, str], bool]) -> None:
    from prefect.events import emit_event

    from mentorat import cohort_runs
    from mentorat.clock import SystemClock
    from mentorat.db import session_scope
    from mentorat.installation import installation_id
    from models import Cohort

    settings = get_settings()
    cohort_ids = sorted({cohort_id for cohort_id, _ in pending})
    with session_scope(settings.database_url) as session:
        installation = installation_id(session)
        codes = dict(
            session.execute(select(Cohort.id, Cohort.code).where(Cohort.id.in_(cohort_ids)))
            .tuples()
            .all()
        )
    for (cohort_id, kind), urgent in sorted(pending.items()):
        emit_event(
            event=ANSWER_EVENT,
            resource={
                "prefect.resource.id": f"mentorat.{installation}.cohort.{cohort_id}",
                "mentorat.installation": installation,
            },
            payload={"cohort_id": cohort_id, "kind": kind, "urgent": urgent},
        )
    now = SystemClock().now()
    gap = timedelta(hours=settings.wake_min_gap_hours)
    window = timedelta(seconds=settings.wake_window_seconds)
    for cohort_id in sorted({cohort_id for (cohort_id, _), urgent in pending.items() if urgent}):
        slot, at = wake_slot(now, gap, window)
        # A few seconds at most: the reply's sender (a mail server, a page) waits for this,
        # and the cohort's next scheduled run reads the answer anyway.
        cohort_runs.request_run(
            codes[cohort_id],
            at,
            reason="wake",
            phase="reveil",
            key=slot,
            installation=installation,
            patience=WAKE_PATIENCE_SECONDS,
        )


def after_approval(code: str, decision_id: int) -> None:
    """The pairs were approved outside the Prefect form (the console): close the form's
    waiting run and ask for a run now (mentorat.cohort_runs.after_approval). Called after the
    commit; the pages reach Prefect only through this module."""
    from mentorat.cohort_runs import after_approval as close_and_run

    close_and_run(code, decision_id)
