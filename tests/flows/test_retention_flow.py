"""The `retention` flow under Prefect: one run tells the operator a week before, a run at
the date anonymises the cohort, and Prefect keeps ids and counts only, never a name."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from deployments.serve import RETAIN_EVERY, retention
from flows.retention import ARTIFACT_KEY, retention_flow
from mentorat.db import session_scope
from models import Cohort
from tests.mentorat.test_erasure import scan_tables
from tests.mentorat.test_erasure import world as world  # noqa: F401 (the fixture)
from tests.mentorat.test_retention import close, notices_to_operator

pytestmark = pytest.mark.usefixtures("prefect_harness")


def seen_by_prefect(flow_run_id) -> str:  # type: ignore[no-untyped-def]
    from prefect import get_client
    from prefect.logging.handlers import APILogHandler

    from tests.mentorat.test_delivery_prefect import prefect_records

    APILogHandler().flush()
    with get_client(sync_client=True) as client:
        artifacts = client._client.post(
            "/artifacts/filter", json={"limit": 200, "offset": 0, "sort": "CREATED_DESC"}
        ).json()
    mine = [a for a in artifacts if a.get("flow_run_id") == str(flow_run_id)]
    assert any(a["key"] == ARTIFACT_KEY for a in mine)
    return prefect_records(flow_run_id) + json.dumps(mine, ensure_ascii=False)


def test_the_flow_tells_then_anonymises_and_prefect_sees_no_name(world, smtp):
    url = world.settings.database_url
    c = close(world)
    names = [*c.needles, *c.kept.values()]
    with session_scope(url) as session:
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None
        names += [cohort.operator_name, cohort.operator_email]

    told = retention_flow(now=c.date - timedelta(days=7), return_state=True)
    assert told.result()["notified"] == [world.cohort_id]
    assert len(notices_to_operator(smtp)) == 1
    assert retention_flow(now=c.date - timedelta(days=1))["notified"] == []

    state = retention_flow(now=c.date, return_state=True)
    summary = state.result()
    assert summary["anonymised"] == [world.cohort_id]
    assert summary["people_erased"] == len(c.needles) // 3 and summary["people_kept"] == 1
    assert scan_tables(url, c.needles) == []
    assert retention_flow(now=c.date + timedelta(days=1))["anonymised"] == []
    assert len(notices_to_operator(smtp)) == 1

    for run in (told, state):
        seen = seen_by_prefect(run.state_details.flow_run_id).lower()
        assert f"cohort {world.cohort_id} anonymised" in seen or run is told
        leaked = [n for n in names if n.lower() in seen]
        assert leaked == []
    with session_scope(url) as session:
        assert session.scalar(select(Cohort.anonymised_at).where(Cohort.id == world.cohort_id))


def test_the_deployment_runs_every_day():
    made = retention()
    assert made.name == "retention" and made.entrypoint.endswith("retention_flow")
    assert [s.schedule.interval for s in made.schedules] == [RETAIN_EVERY]
    assert timedelta(days=1) == RETAIN_EVERY
