"""Asking the Prefect server for a run of a cohort: the one place that does it.

Used by the flow (the next due date, a take-over after a failure, a busy cohort), by the
sweeper, by the operator's commands and by the wake-ups of urgent answers (mentorat.events).

A run is asked for by the cohort's code, the deployment parameter an operator can type in
the Prefect UI, and carries tags with the code and this database's installation id, so two
Mentorat databases on one Prefect server never take each other's runs. Its name says the
cohort and why it runs from the moment it is scheduled. The idempotency key makes a second
request for the same reason and instant return the run already made.

It speaks to the server's REST API (mentorat.prefect_api), not through Prefect's client: an
operator's command then hands a run over without the seconds that importing Prefect takes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import quote
from uuid import UUID

from mentorat.clock import SystemClock
from mentorat.db import session_scope
from mentorat.installation import installation_id
from mentorat.prefect_api import PrefectApi, connection
from mentorat.settings import get_settings


@dataclass(frozen=True)
class RequestedRun:
    """The run the server made (or already had, for the same idempotency key)."""

    id: UUID
    name: str
    state: str  # Prefect's state type: SCHEDULED, PENDING, RUNNING…
    scheduled_time: datetime | None  # when it is expected to start (real time, UTC)


def run_tags(code: str, installation: str) -> list[str]:
    return ["mentorat", f"cohort:{code}", f"install:{installation}"]


def this_installation() -> str:
    with session_scope(get_settings().database_url) as session:
        return installation_id(session)


def request_run(
    code: str,
    due: datetime | None,
    *,
    reason: str,
    phase: str = "",
    key: str | None = None,
    installation: str | None = None,
    patience: float | None = None,
) -> RequestedRun:
    """A run of the cohort deployment when the cohort's clock shows `due` (None: now).

    `key` (default: the reason and the instant) identifies the request among the cohort's.
    `patience` (seconds) bounds the wait for a busy server, with no retry: for a caller that
    must not be held up (a reply waiting for its acknowledgement).
    Raises mentorat.prefect_api.NotFound when the deployment is not on the server,
    Unreachable when the server does not answer, PrefectApiError for any other refusal.
    """
    installation = installation or this_installation()
    at = SystemClock().real_instant(due) if due is not None else datetime.now(UTC)
    if key is None:
        key = f"{reason}:{due:%Y%m%dT%H%M%S}" if due is not None else f"{reason}:now"
    # What Prefect's run_deployment(timeout=0, as_subflow=False) sends, most nulls left out:
    # the deployment read by name, then a run in the Scheduled state (the server adds the
    # deployment's default parameters, its tags and its work queue).
    flow_name, _, deployment_name = get_settings().deployment_name.partition("/")
    body = {
        "state": {
            "type": "SCHEDULED",
            "name": "Scheduled",
            "state_details": {"scheduled_time": at.isoformat()},
        },
        "name": f"cohort-{code}-{phase or reason}",
        "parameters": {"cohort": code},
        "context": {},
        "tags": [*run_tags(code, installation), f"reason:{reason.split('-')[0]}"],
        "idempotency_key": f"{installation}:{code}:{key}",
        "job_variables": None,  # the deployment's own (null, not {}, as Prefect's client)
        "labels": {},
    }
    where = connection()
    if patience is not None and where is not None:
        where = replace(where, timeout=patience, max_retries=0)
    with PrefectApi(where) as api:
        deployment = api.get(
            f"/deployments/name/{quote(flow_name, safe='')}/{quote(deployment_name, safe='')}"
        )
        run = api.post(f"/deployments/{deployment['id']}/create_flow_run", body)
    expected = run.get("expected_start_time")
    return RequestedRun(
        id=UUID(run["id"]),
        name=run["name"],
        state=run.get("state_type") or "",
        scheduled_time=datetime.fromisoformat(expected) if expected else None,
    )


def cancel_waiting_approval(code: str, message: str) -> int:
    """Cancel the cohort's runs suspended on the Prefect approval form, once the pairs were
    approved elsewhere (the command line, the console); returns how many. Raises
    mentorat.prefect_api.PrefectApiError when the server refuses or does not answer."""
    tags = [t for t in run_tags(code, this_installation()) if t != "mentorat"]
    cancelled = {"type": "CANCELLED", "name": "Cancelled", "message": message}
    with PrefectApi() as api:
        runs = api.post(
            "/flow_runs/filter",
            {"flow_runs": {"state": {"type": {"any_": ["PAUSED"]}}, "tags": {"all_": tags}}},
        )
        for run in runs:
            api.post(f"/flow_runs/{run['id']}/set_state", {"state": cancelled, "force": True})
    return len(runs)


def after_approval(code: str, decision_id: int) -> None:
    """Once the pairs are approved outside the Prefect form (the console): close the form's
    waiting run and ask for a run now, keyed on the decision (a second call asks nothing
    more). Nothing happens without a Prefect server; a server that does not answer leaves the
    cohort to its wake and its next due date (logged, ids only)."""
    import logging

    from mentorat.prefect_api import PrefectApiError, configured

    if not configured():
        return
    try:
        cancel_waiting_approval(code, "Validation faite dans la console")
        request_run(code, None, reason="approval", phase="approval", key=f"approval:{decision_id}")
    except PrefectApiError as exc:
        logging.getLogger(__name__).warning("after approval: %s", type(exc).__name__)
