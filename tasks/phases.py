"""One Prefect task per phase. Each is idempotent, so a retry or a second run is safe.

Inputs and results are ids, dates and counts: nothing personal reaches Prefect.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import task

from mentorat.lifecycle import runner
from mentorat.settings import get_settings


def _phase_task(phase: str, name: str):  # type: ignore[no-untyped-def]
    @task(name=name, task_run_name=f"{name}", retries=2, retry_delay_seconds=[1, 5])
    def advance(cohort_id: int, now: datetime) -> dict[str, Any]:
        return runner.advance(get_settings(), cohort_id, phase, now)

    return advance


call_for_candidates = _phase_task("call", "call-for-candidates")
matching = _phase_task("matching", "matching")
charter = _phase_task("charter", "charter")
monthly_checkins = _phase_task("checkins", "monthly-check-ins")
supervision_of_mentors = _phase_task("supervision", "supervision-of-mentors")
final_evaluation = _phase_task("evaluation", "final-evaluation")
recognition_workshop = _phase_task("workshop", "recognition-workshop")
operator_alerts = _phase_task("alerts", "operator-alerts")
