"""The cohort schedules its own next run on its deployment, once per due date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prefect import get_client
from prefect.client.schemas.sorting import FlowRunSort

from deployments.serve import deployment
from mentorat.simulation import setup_cohort
from tasks.scheduling import next_due, schedule_run
from tests.conftest import START

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_the_next_run_is_scheduled_once_at_the_next_due_date(settings):
    cohort_id, _ = setup_cohort(settings, programme="menesr", pairs=3, opens_at=START)
    due = next_due(cohort_id, START)
    assert due == START + timedelta(days=16)  # the call's reminder, 5 days before it closes
    deployment().apply()
    first = schedule_run(cohort_id, due)
    again = schedule_run(cohort_id, due)
    assert first.id == again.id
    assert first.state is not None and first.state.is_scheduled()
    assert first.expected_start_time == due
    assert first.parameters == {"cohort_id": cohort_id}
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(sort=FlowRunSort.ID_DESC, limit=200)
    assert [r.id for r in runs if r.deployment_id == first.deployment_id] == [first.id]


def test_a_closed_or_unlaunched_cohort_has_no_next_run(settings):
    cohort_id, _ = setup_cohort(settings, programme="menesr", pairs=3, opens_at=START)
    assert next_due(cohort_id, START + timedelta(days=365)) is None  # awaiting approval


def test_under_a_deployment_the_flow_schedules_its_next_run(settings, monkeypatch):
    from tasks.scheduling import schedule_next_run

    cohort_id, _ = setup_cohort(settings, programme="menesr", pairs=3, opens_at=START)
    deployment_id = deployment().apply()
    # What Prefect's runtime reports inside a run of that deployment.
    monkeypatch.setenv("PREFECT__RUNTIME__DEPLOYMENT__ID", str(deployment_id))
    due = schedule_next_run.fn(cohort_id, START, simulated=False)
    assert due == (START + timedelta(days=16)).isoformat()
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(sort=FlowRunSort.ID_DESC, limit=200)
    mine = [
        r
        for r in runs
        if r.deployment_id == deployment_id and r.parameters == {"cohort_id": cohort_id}
    ]
    assert len(mine) == 1 and mine[0].expected_start_time.isoformat() == due
    # In simulated time nothing is scheduled: the caller drives the clock.
    schedule_next_run.fn(cohort_id, START + timedelta(days=16), simulated=True)
    with get_client(sync_client=True) as client:
        again = client.read_flow_runs(sort=FlowRunSort.ID_DESC, limit=200)
    assert len([r for r in again if r.deployment_id == deployment_id]) == len(
        [r for r in runs if r.deployment_id == deployment_id]
    )


def test_an_individual_session_brings_its_reminder_into_the_schedule(settings):
    from mentorat.db import session_scope
    from models import SupervisionSession

    cohort_id, _ = setup_cohort(settings, programme="mirhe", pairs=3, opens_at=START)
    starts = START + timedelta(days=10)
    with session_scope(settings.database_url) as session:
        session.add(
            SupervisionSession(
                cohort_id=cohort_id,
                kind="individual",
                number=1,
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                location="Visioconférence",
                created_at=START,
            )
        )
    # MIRHE reminds two days before; that comes before the call's own reminder (day 16).
    assert next_due(cohort_id, START) == starts - timedelta(days=2)
    assert next_due(cohort_id, starts - timedelta(days=2)) == START + timedelta(days=16)
