"""Wake the cohort flow when a participant answers.

The answer is committed to the database first; only then is a Prefect event emitted
(`mentorat.answer.recorded`, resource `mentorat.cohort.<id>`), which a deployment trigger
turns into a flow run. If Prefect is down the answer is still stored, and the cohort's next
scheduled run picks it up: nothing is lost. The event carries ids only.
"""

from __future__ import annotations

import logging
import os

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

ANSWER_EVENT = "mentorat.answer.recorded"
_PENDING = "mentorat.pending_events"


def answer_recorded(session: Session, cohort_id: int, kind: str) -> None:
    """Queue an event; it is emitted only if the session's transaction commits."""
    session.info.setdefault(_PENDING, set()).add((cohort_id, kind))


def enabled() -> bool:
    """On unless MENTORAT_EMIT_EVENTS says no, and only towards a Prefect server that is
    configured: without PREFECT_API_URL, Prefect would start a temporary server inside the
    web process just to receive the event."""
    if os.environ.get("MENTORAT_EMIT_EVENTS", "true").lower() in {"0", "false", "no"}:
        return False
    from prefect.settings import get_current_settings

    return get_current_settings().api.url is not None


@event.listens_for(Session, "after_commit")
def _emit_after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending or not enabled():
        return
    try:
        from prefect.events import emit_event

        for cohort_id, kind in sorted(pending):
            emit_event(
                event=ANSWER_EVENT,
                resource={"prefect.resource.id": f"mentorat.cohort.{cohort_id}"},
                payload={"cohort_id": cohort_id, "kind": kind},
            )
    except Exception as exc:  # the answer is stored; the next scheduled run will see it
        log.warning("could not emit %s: %s", ANSWER_EVENT, type(exc).__name__)


@event.listens_for(Session, "after_rollback")
def _drop_on_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
