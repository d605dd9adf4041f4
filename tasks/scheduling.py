"""When the cohort runs next: what is due now, the next due date, and the run scheduled at
it on the deployment. A cohort never holds a worker between two due dates.

Runs are asked for by the cohort's code (a deployment parameter an operator can type in
the Prefect UI) and carry the code and this database's installation id in their tags, so
two Mentorat databases on one Prefect server never wake each other's cohorts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import deployment
from sqlalchemy import select

from mentorat import cohort_runs
from mentorat.clock import SystemClock, as_utc
from mentorat.cohort_runs import RequestedRun
from mentorat.db import session_scope
from mentorat.delivery import next_attempt_due
from mentorat.services.cohorts import timeline_of
from mentorat.settings import get_settings
from mentorat.timeline import phases_due
from models import Cohort


class CohortNotRunnable(RuntimeError):
    """The run names a cohort that does not exist here or is not launched: nothing to do,
    and nothing to retry. The message is French (the operator reads it in the Prefect UI)
    and holds the code only."""


def resolve_cohort(code: str) -> int:
    """The id of the launched cohort `code`, or CohortNotRunnable."""
    with session_scope(get_settings().database_url) as session:
        cohort = session.scalar(select(Cohort).where(Cohort.code == code.strip()))
        if cohort is None:
            raise CohortNotRunnable(
                f"Cohorte « {code} » inconnue dans cette base Mentorat : vérifiez son code "
                "(mentorat cohort status --cohort CODE)."
            )
        if cohort.launched_at is None:
            raise CohortNotRunnable(
                f"La cohorte « {cohort.code} » n’est pas lancée : lancez-la d’abord avec "
                f"mentorat cohort launch --cohort {cohort.code}."
            )
        return cohort.id


def due_phases(cohort_id: int, now: datetime) -> frozenset[str]:
    """The phases whose window is open at `now` (none before the launch): the flow runs only
    those, so Prefect records fewer task runs."""
    with session_scope(get_settings().database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        if cohort is None or cohort.launched_at is None:
            return frozenset()
        return phases_due(timeline_of(cohort), now)


def cohort_label(cohort_id: int) -> tuple[str, str]:
    """The cohort's code and phase, to name its runs (no names of people)."""
    with session_scope(get_settings().database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        return (cohort.code, cohort.phase) if cohort else (f"#{cohort_id}", "unknown")


def run_name(code: str) -> str:
    """`cohort-CODE-phase` for a run starting now (`cohort-CODE-inconnue` for a code this
    database does not know, so that the run fails under a name an operator recognises)."""
    with session_scope(get_settings().database_url) as session:
        phase = session.scalar(select(Cohort.phase).where(Cohort.code == code.strip()))
    return f"cohort-{code}-{phase or 'inconnue'}"


def run_tags(code: str) -> list[str]:
    """Tags of every run of the cohort: its code and this database's installation id."""
    return cohort_runs.run_tags(code, cohort_runs.this_installation())


def next_due(cohort_id: int, now: datetime) -> datetime | None:
    """The cohort's next due date, from its timeline (which holds everything that can be due,
    individual supervision sessions included); None once closed or before the launch."""
    with session_scope(get_settings().database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        if cohort is None or cohort.launched_at is None or cohort.phase == "closed":
            return None
        due = timeline_of(cohort).next_after(now)
        # A message deferred after a 4xx is tried again at its own time, not at the next
        # due date (the delivery keeps that time on the wall clock).
        retry = next_attempt_due(session, cohort_id)
        if retry is not None:
            retry_at = SystemClock().cohort_instant(as_utc(retry))
            if retry_at > now and (due is None or retry_at < due):
                due = retry_at
        return due


def schedule_run(
    code: str, due: datetime | None, *, reason: str, phase: str = "", key: str | None = None
) -> RequestedRun:
    """A run of the cohort deployment when the cohort's clock shows `due` (None: now)."""
    return cohort_runs.request_run(code, due, reason=reason, phase=phase, key=key)


@task(name="schedule-next-run", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def schedule_next_run(cohort_id: int, now: datetime) -> str | None:
    """Returns the next due date (ISO). Under a deployment, also creates that run.

    Outside a deployment (the demo, the tests, an in-process run) the caller drives the
    clock and runs the flow again itself, so nothing is scheduled.
    """
    due = next_due(cohort_id, now)
    if due is None:
        return None
    if deployment.id is not None:
        code, phase = cohort_label(cohort_id)
        schedule_run(code, due, reason="due", phase=phase)
    return due.isoformat()


def retry_after_failure(code: str, failed_run_id: str) -> RequestedRun:
    """The run that takes over from a failed or crashed one, a few minutes later; one per
    failed run, however many times Prefect calls the hook."""
    minutes = get_settings().retry_after_failure_minutes
    later = SystemClock().now() + timedelta(minutes=minutes)
    return cohort_runs.request_run(
        code, later, reason="retry", phase="reprise", key=f"retry-{failed_run_id}"
    )
