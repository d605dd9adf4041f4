"""A cohort run that fails or crashes never leaves its cohort stopped.

Prefect calls `after_failure` when a run of the cohort deployment fails (an exception got
out of the flow) or crashes (its process was killed: the worker runs the hook). It frees the
cohort's lease the run may still hold, schedules the run that takes over a few minutes later
(MENTORAT_RETRY_AFTER_FAILURE_MINUTES) and tells the operator, once per failed run. A run
that names an unknown or unlaunched cohort has nothing to take over: it only fails, with its
French message.

The hook must not fail in turn: if the database or Prefect cannot be reached, it logs the
failed run's id (nothing personal) and the sweeper (flows/sweeper.py) revives the cohort.
"""

from __future__ import annotations

import logging
from typing import Any

from prefect.client.schemas.objects import FlowRun, State

from mentorat.clock import SystemClock
from mentorat.db import session_factory, session_scope
from mentorat.services import cohorts, notices, run_lease
from mentorat.settings import get_settings
from tasks.scheduling import CohortNotRunnable, retry_after_failure

log = logging.getLogger(__name__)


def _exception_of(state: State[Any]) -> BaseException | None:
    try:
        state.result(raise_on_failure=True)
    except BaseException as exc:  # noqa: BLE001 — inspected, never re-raised
        return exc
    return None


def after_failure(flow: Any, flow_run: FlowRun, state: State[Any]) -> None:
    code = str(flow_run.parameters.get("cohort", ""))
    if not code or flow_run.deployment_id is None:
        return  # an in-process run: its caller sees the error and runs it again
    if isinstance(_exception_of(state), CohortNotRunnable):
        return
    try:
        _free_the_lease(code, str(flow_run.id))
        retry = retry_after_failure(code, str(flow_run.id))
        _tell_operator(code, str(flow_run.id), state.type.value, retry.scheduled_time)
    except Exception as exc:  # the sweeper takes over
        log.error("run %s: could not schedule its take-over (%s)", flow_run.id, type(exc).__name__)


def _free_the_lease(code: str, run_id: str) -> None:
    """A crashed run (its process killed) still holds its cohort's lease: give it back, or
    every run would be turned away until the lease expires (half an hour)."""
    url = get_settings().database_url
    with session_scope(url) as session:
        cohort_id = cohorts.get_cohort(session, code).id
    run_lease.release(session_factory(url), cohort_id, run_id)


def _tell_operator(code: str, run_id: str, state_type: str, retry_at: Any) -> None:
    from mentorat.mail.dates import datetime_fr

    settings = get_settings()
    now = SystemClock().now()
    when = datetime_fr(retry_at, weekday=False) if retry_at is not None else "bientôt"
    what = "s’est arrêtée brutalement" if state_type == "CRASHED" else "a échoué"
    with session_scope(settings.database_url) as session:
        cohort = cohorts.get_cohort(session, code)
        notices.queue_for_operator(
            session,
            settings,
            cohort,
            kind="operator_alert",
            occurrence=f"run-{run_id[:8]}",
            now=now,
            alert={
                "kind": "run_failed",
                "title": f"L’exécution de la cohorte {code} {what}",
                "lines": [
                    f"Exécution Prefect n° {run_id}.",
                    f"Reprise prévue : {when} (heure de Paris).",
                ],
            },
        )
