"""Schedule the cohort's next run at its next due date: a cohort never holds a worker."""

from __future__ import annotations

from datetime import datetime, timedelta

from prefect import task
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.runtime import deployment
from sqlalchemy import select

from mentorat.db import session_scope
from mentorat.services import programme_parts, timeline_of
from mentorat.settings import get_settings
from models import Cohort, SupervisionSession


def next_due(cohort_id: int, now: datetime) -> datetime | None:
    """The cohort's next due date: its timeline, and the reminders of individual supervision
    sessions (set up after escalations, so not in the timeline)."""
    with session_scope(get_settings().database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        if cohort is None or cohort.launched_at is None or cohort.phase == "closed":
            return None
        moments = [timeline_of(cohort).next_after(now)]
        before = timedelta(days=programme_parts(cohort.programme).supervision.reminder_days_before)
        starts = session.scalars(
            select(SupervisionSession.starts_at).where(
                SupervisionSession.cohort_id == cohort_id,
                SupervisionSession.kind == "individual",
            )
        )
        moments += [start - before for start in starts if start - before > now]
        return min((m for m in moments if m is not None), default=None)


def schedule_run(cohort_id: int, due: datetime) -> FlowRun:
    """A run of the cohort deployment at `due`. The idempotency key makes a second request
    for the same due date return the same run instead of creating another."""
    return run_deployment(
        get_settings().deployment_name,
        parameters={"cohort_id": cohort_id},
        scheduled_time=due,
        idempotency_key=f"cohort-{cohort_id}-{due:%Y%m%dT%H%M}",
        timeout=0,
        as_subflow=False,
        tags=[f"cohort:{cohort_id}"],
    )


@task(name="schedule-next-run")
def schedule_next_run(cohort_id: int, now: datetime, simulated: bool) -> str | None:
    """Returns the next due date (ISO). Under a deployment, also creates that run.

    In simulated time (demo, tests) the caller drives the clock, so nothing is scheduled.
    """
    due = next_due(cohort_id, now)
    if due is None:
        return None
    if not simulated and deployment.id is not None:
        schedule_run(cohort_id, due)
    return due.isoformat()
