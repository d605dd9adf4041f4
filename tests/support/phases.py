"""Run one phase of a cohort in its own transaction, as its Prefect task does, with the
settings a test holds (the tasks read theirs from the environment)."""

from __future__ import annotations

from datetime import datetime
from types import ModuleType
from typing import Any

from mentorat.settings import Settings
from tasks.context import run_phase


def advance(settings: Settings, cohort_id: int, phase: ModuleType, now: datetime) -> dict[str, Any]:
    """`phase` is the phase's module in tasks/ (its `advance` and `AFTER_APPROVAL`)."""
    return run_phase(settings, cohort_id, now, phase.advance, after_approval=phase.AFTER_APPROVAL)
