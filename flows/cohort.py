"""A cohort, end to end, as one Prefect flow.

A run advances the cohort as far as `now` allows, sends what it wrote, publishes the
dashboard and schedules the next run at the next due date. Every step is idempotent, so a
run may be repeated at any time; an answer from a participant triggers a run through an event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow, get_client
from prefect.runtime import deployment, flow_run

from flows.approval import wait_for_approval
from mentorat.clock import SystemClock, as_utc
from mentorat.db import session_scope
from mentorat.lifecycle.timeline import phases_due
from mentorat.services import timeline_of
from mentorat.settings import get_settings
from models import Cohort
from tasks.dashboard import publish_dashboard
from tasks.delivery import deliver_emails
from tasks.phases import (
    call_for_candidates,
    charter,
    final_evaluation,
    matching,
    monthly_checkins,
    operator_alerts,
    recognition_workshop,
    supervision_of_mentors,
)
from tasks.scheduling import schedule_next_run


def _cohort_label(cohort_id: int) -> tuple[str, str]:
    with session_scope(get_settings().database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        return (cohort.code, cohort.phase) if cohort else (f"#{cohort_id}", "unknown")


def _phases_due(cohort_id: int, now: datetime) -> frozenset[str]:
    with session_scope(get_settings().database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        if cohort is None or cohort.launched_at is None:
            return frozenset()
        return phases_due(timeline_of(cohort), now)


def _run_name() -> str:
    code, phase = _cohort_label(int(flow_run.parameters["cohort_id"]))
    return f"cohort-{code}-{phase}"


def _label_run(cohort_id: int) -> None:
    """Name and tag the run after the phase it reached (cohort code and phase, no names)."""
    run_id = flow_run.get_id()
    if run_id is None:
        return
    code, phase = _cohort_label(cohort_id)
    with get_client(sync_client=True) as client:
        client.update_flow_run(
            run_id,
            name=f"cohort-{code}-{phase}",
            tags=["mentorat", f"cohort:{code}", f"phase:{phase}"],
        )


@flow(name="cohort-lifecycle", flow_run_name=_run_name, log_prints=False)
def cohort_lifecycle(
    cohort_id: int, now: datetime | None = None, simulated: bool = False
) -> dict[str, Any]:
    now = as_utc(now) if now else SystemClock().now()
    # Only the phases whose window is open: fewer task runs for Prefect to record.
    due = _phases_due(cohort_id, now)
    done: dict[str, Any] = {}
    if "call" in due:
        done["call"] = call_for_candidates(cohort_id, now)
    if "matching" in due:
        done["matching"] = matching(cohort_id, now)
        approved = done["matching"].get("approved", False)
        awaiting = done["matching"].get("awaiting_approval") and not simulated
        # Under a deployment, wait for the operator's form in the Prefect UI (suspended: no
        # worker is held). Elsewhere, `mentorat matching approve` answers it.
        under_deployment = deployment.id is not None
        if not approved and awaiting and under_deployment and wait_for_approval(cohort_id):
            done["matching"] = matching(cohort_id, now)
        due = _phases_due(cohort_id, now)
    if "charter" in due:
        done["charter"] = charter(cohort_id, now)
    if "checkins" in due:
        done["checkins"] = monthly_checkins(cohort_id, now)
    if "supervision" in due:
        done["supervision"] = supervision_of_mentors(cohort_id, now)
    if "evaluation" in due:
        done["evaluation"] = final_evaluation(cohort_id, now)
    if "workshop" in due:
        done["workshop"] = recognition_workshop(cohort_id, now)
    done["delivery"] = deliver_emails(cohort_id)
    # Addresses that bounced during delivery are reported to the operator in this run.
    done["alerts"] = operator_alerts(cohort_id, now)
    if done["alerts"]:
        done["delivery_alerts"] = deliver_emails(cohort_id)
    publish_dashboard(cohort_id, now)
    done["next_run"] = schedule_next_run(cohort_id, now, simulated)
    _label_run(cohort_id)
    return done
