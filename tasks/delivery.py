"""Send the cohort's pending emails.

Only transient failures retry (a server that cannot be reached, a lost database
connection), with backoff; a missing setting fails at once. When the SMTP server is still
unavailable after the last retry, the task does not fail: it returns a report that says so
(`unreachable`), the mail stays pending for the next run, and the flow goes on to the
alerts, the next run and the dashboard. A recipient refused for now (4xx) waits alone and
never fails the task; 5xx marks the address as failing. Everything this task raises, logs
or returns holds codes and counts only (mentorat.delivery.errors).
"""

from __future__ import annotations

from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from prefect.context import TaskRunContext
from prefect.tasks import exponential_backoff

from mentorat.db import session_factory, session_scope
from mentorat.delivery import (
    DeliveryReport,
    SmtpUnavailable,
    TransientDeliveryError,
    send_pending,
    waiting,
)
from mentorat.settings import get_settings
from tasks.policy import is_transient


def retry_if_transient(task: Any, task_run: TaskRun, state: State[Any]) -> bool:
    """Prefect's retry_condition_fn: a server or database away for now, nothing else."""
    try:
        state.result(raise_on_failure=True)
    except BaseException as exc:  # noqa: BLE001 — the task's own exception, inspected only
        return isinstance(exc, TransientDeliveryError) or is_transient(exc)
    return False


def _last_attempt() -> bool:
    context = TaskRunContext.get()
    if context is None:
        return True
    return context.task_run.run_count > context.task.retries


def _result(cohort_id: int, report: DeliveryReport, unreachable: bool) -> dict[str, Any]:
    with session_scope(get_settings().database_url) as session:
        pending = waiting(session, cohort_id)
    return {
        "sent": report.sent,
        "bounced": report.bounced,
        "cancelled": report.cancelled,
        "deferred": report.deferred,
        "pending": pending,
        "unreachable": unreachable,
    }


@task(
    name="deliver-emails",
    retries=5,
    retry_delay_seconds=exponential_backoff(backoff_factor=2),
    retry_condition_fn=retry_if_transient,
    cache_policy=NO_CACHE,
)
def _deliver(cohort_id: int) -> dict[str, Any]:
    settings = get_settings()
    try:
        report = send_pending(session_factory(settings.database_url), settings, cohort_id=cohort_id)
    except SmtpUnavailable as exc:
        if not _last_attempt():
            raise
        # Nothing is lost: the rows are pending and the next run sends them.
        result = _result(cohort_id, exc.report, unreachable=True)
        get_run_logger().warning(
            "Serveur SMTP injoignable après toutes les tentatives : %d message(s) en attente "
            "pour le prochain passage (%s).",
            result["pending"],
            str(exc),
        )
        return result
    return _result(cohort_id, report, unreachable=False)


def deliver_emails(cohort_id: int) -> dict[str, Any]:
    """The delivery task with the retries MENTORAT_SEND_RETRIES and
    MENTORAT_SEND_RETRY_DELAY_SECONDS (first delay, doubled at each retry)."""
    settings = get_settings()
    return _deliver.with_options(
        retries=settings.send_retries,
        retry_delay_seconds=exponential_backoff(backoff_factor=settings.send_retry_delay_seconds),
    )(cohort_id)
