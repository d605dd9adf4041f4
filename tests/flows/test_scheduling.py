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
