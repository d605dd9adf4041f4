"""The sweeper: no live cohort is ever left without a run ahead.

Deployed on a schedule (hourly by default, deployments/), it lists this database's live
cohorts (launched, not closed), asks Prefect which of them have a run ahead on the cohort
deployment (scheduled, pending, running or waiting for approval), starts a run for each
cohort that has none and tells its operator. Runs are recognised by their tags
(`cohort:CODE`, `install:ID`), so a second Mentorat database on the same Prefect server is
neither seen nor revived.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_client, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterName,
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
    FlowRunFilterTags,
)
from prefect.client.schemas.objects import StateType
from prefect.client.schemas.sorting import FlowRunSort
from sqlalchemy import select

from mentorat.clock import SystemClock
from mentorat.db import session_scope
from mentorat.installation import installation_id
from mentorat.services import cohorts, notices
from mentorat.settings import get_settings
from models import Cohort
from tasks.scheduling import schedule_run

PAGE = 200
AHEAD = [StateType.SCHEDULED, StateType.PENDING, StateType.RUNNING, StateType.PAUSED]


@task(name="live-cohorts", cache_policy=NO_CACHE)
def live_cohorts() -> tuple[str, list[str]]:
    """This database's installation id and the codes of its launched, open cohorts."""
    with session_scope(get_settings().database_url) as session:
        codes = list(
            session.scalars(
                select(Cohort.code)
                .where(Cohort.launched_at.is_not(None), Cohort.phase != "closed")
                .order_by(Cohort.code)
            )
        )
        return installation_id(session), codes


@task(name="cohorts-with-a-run-ahead", cache_policy=NO_CACHE)
def cohorts_with_a_run_ahead(installation: str) -> set[str]:
    flow_name, _, deployment_name = get_settings().deployment_name.partition("/")
    runs: list[Any] = []
    with get_client(sync_client=True) as client:
        while True:  # the server answers 200 runs at most per request
            page = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(type=FlowRunFilterStateType(any_=AHEAD)),
                    tags=FlowRunFilterTags(all_=[f"install:{installation}"]),
                ),
                flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])),
                deployment_filter=DeploymentFilter(
                    name=DeploymentFilterName(any_=[deployment_name])
                ),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC,
                limit=PAGE,
                offset=len(runs),
            )
            runs.extend(page)
            if len(page) < PAGE:
                break
    return {
        tag.removeprefix("cohort:") for run in runs for tag in run.tags if tag.startswith("cohort:")
    }


@task(name="revive-cohort", cache_policy=NO_CACHE)
def revive(code: str) -> str:
    now = SystemClock().now()
    run = schedule_run(code, None, reason=f"sweep-{now:%Y%m%dT%H%M}", phase="relance")
    settings = get_settings()
    with session_scope(settings.database_url) as session:
        notices.queue_for_operator(
            session,
            settings,
            cohorts.get_cohort(session, code),
            kind="operator_alert",
            occurrence=f"sweep-{now:%Y%m%dT%H}",
            now=now,
            alert={
                "kind": "cohort_revived",
                "title": f"La cohorte {code} a été relancée",
                "lines": [f"Exécution Prefect n° {run.id}."],
            },
        )
    return str(run.id)


@flow(name="cohort-sweeper", flow_run_name="balayage-des-cohortes", log_prints=False)
def cohort_sweeper() -> dict[str, Any]:
    """Relance chaque cohorte en cours qui n’a plus d’exécution prévue dans Prefect."""
    installation, live = live_cohorts()
    ahead = cohorts_with_a_run_ahead(installation)
    revived = [revive(code) for code in live if code not in ahead]
    return {"live": len(live), "revived": len(revived)}
