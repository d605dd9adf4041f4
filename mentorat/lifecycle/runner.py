"""Run one phase of one cohort in its own transaction. Used by the Prefect tasks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mentorat.db import session_scope
from mentorat.lifecycle import (
    alerts,
    call,
    charter,
    checkins,
    evaluation,
    matching,
    supervision,
    workshop,
)
from mentorat.lifecycle.context import PhaseContext
from mentorat.settings import Settings
from models import Cohort

PHASES: dict[str, Callable[[PhaseContext], Any]] = {
    "call": call.advance,
    "matching": matching.advance,
    "charter": charter.advance,
    "checkins": checkins.advance,
    "supervision": supervision.advance,
    "evaluation": evaluation.advance,
    "workshop": workshop.advance,
    "alerts": alerts.advance,
}
# Phases that wait for the operator's approval of the pairs.
AFTER_APPROVAL = ("charter", "checkins", "supervision", "evaluation", "workshop")


def advance(settings: Settings, cohort_id: int, phase: str, now: datetime) -> dict[str, Any]:
    """Counts of what the phase wrote (ids and counts only: this goes to Prefect)."""
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        if cohort is None:
            raise LookupError(f"cohort {cohort_id} does not exist")
        if cohort.launched_at is None:
            return {"skipped": "not launched"}
        if phase in AFTER_APPROVAL and cohort.matching_approved_at is None:
            return {"skipped": "awaiting approval"}
        ctx = PhaseContext(session=session, cohort=cohort, settings=settings, now=now)
        outcome = PHASES[phase](ctx)
        result: dict[str, Any] = dict(ctx.counts)
        if isinstance(outcome, bool):
            result["approved"] = outcome
        return result
