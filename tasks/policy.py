"""How every task of the cohort flow retries and caches.

- Nothing is cached (NO_CACHE): a phase must run each time it is called, also with
  PREFECT_RESULTS_PERSIST_BY_DEFAULT=true, where Prefect would otherwise hand the second
  call of `matching` or `deliver_emails` in one run the first call's result.
- Only transient errors retry: a lost database connection, a timeout, a refused network
  connection. A wrong setting or a refused operation fails at once, with its message,
  instead of being retried for a minute.
"""

from __future__ import annotations

from typing import Any

from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import State, TaskRun
from sqlalchemy.exc import DBAPIError, OperationalError

TRANSIENT: tuple[type[BaseException], ...] = (OperationalError, TimeoutError, ConnectionError)


def is_transient(exc: BaseException | None) -> bool:
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or isinstance(exc, OperationalError)
    return isinstance(exc, TRANSIENT)


def retry_if_transient(task: Any, task_run: TaskRun, state: State[Any]) -> bool:
    """Prefect's retry_condition_fn: retry only what may succeed a moment later."""
    data = state.data
    if isinstance(data, BaseException):
        return is_transient(data)
    try:
        state.result(raise_on_failure=True)
    except BaseException as exc:  # noqa: BLE001 — the task's own exception, inspected only
        return is_transient(exc)
    return False


PHASE_TASK: dict[str, Any] = {
    "retries": 2,
    "retry_delay_seconds": [1, 5],
    "retry_condition_fn": retry_if_transient,
    "cache_policy": NO_CACHE,
}
