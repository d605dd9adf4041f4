"""The cohort schedules its own next run on its deployment, once per due date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prefect import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags
from prefect.client.schemas.sorting import FlowRunSort

from demo.simulation import setup_cohort
from deployments.serve import deployment
from mentorat.db import session_scope
from mentorat.installation import installation_id
from tasks.scheduling import next_due, schedule_run
from tests.conftest import START
from tests.support.cohorts import code_of

pytestmark = pytest.mark.usefixtures("prefect_harness")


def runs_of(deployment_id, installation: str):  # type: ignore[no-untyped-def]
    """This database's runs of the deployment (the harness's server is shared by all tests)."""
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[f"install:{installation}"])),
            sort=FlowRunSort.ID_DESC,
            limit=200,
        )
    return [r for r in runs if r.deployment_id == deployment_id]


def test_the_next_run_is_scheduled_once_at_the_next_due_date(settings):
    cohort_id, _ = setup_cohort(settings, programme="menesr", pairs=3, opens_at=START)
    due = next_due(cohort_id, START)
    assert due == START + timedelta(days=16)  # the call's reminder, 5 days before it closes
    deployment().apply()
    code = code_of(cohort_id)
    first = schedule_run(code, due, reason="due", phase="call")
    again = schedule_run(code, due, reason="due", phase="call")
    assert first.id == again.id
    assert first.state == "SCHEDULED"
    assert first.scheduled_time == due
    assert first.name == f"cohort-{code}-call"
    # The run as the server keeps it: the form's parameter is the code; the name and tags
    # say the cohort from the start; the deployment's work queue.
    with get_client(sync_client=True) as client:
        stored = client.read_flow_run(first.id)
        queue = client.read_deployment(stored.deployment_id).work_queue_name
    assert stored.state is not None and stored.state.is_scheduled()
    assert stored.expected_start_time == due
    assert stored.parameters == {"cohort": code}
    assert stored.name == f"cohort-{code}-call"
    assert stored.work_queue_name == queue
    assert stored.idempotency_key is not None and stored.idempotency_key.endswith(
        f":{code}:due:{due:%Y%m%dT%H%M%S}"
    )
    with session_scope(settings.database_url) as session:
        installation = installation_id(session)
    assert {f"cohort:{code}", f"install:{installation}", "reason:due"} <= set(stored.tags)
    assert [r.id for r in runs_of(stored.deployment_id, installation)] == [first.id]


def test_a_closed_or_unlaunched_cohort_has_no_next_run(settings):
    cohort_id, _ = setup_cohort(settings, programme="menesr", pairs=3, opens_at=START)
    assert next_due(cohort_id, START + timedelta(days=365)) is None  # awaiting approval


def test_under_a_deployment_the_flow_schedules_its_next_run(settings, monkeypatch):
    from tasks.scheduling import schedule_next_run

    cohort_id, _ = setup_cohort(settings, programme="menesr", pairs=3, opens_at=START)
    deployment_id = deployment().apply()
    # What Prefect's runtime reports inside a run of that deployment.
    monkeypatch.setenv("PREFECT__RUNTIME__DEPLOYMENT__ID", str(deployment_id))
    due = schedule_next_run.fn(cohort_id, START)
    assert due == (START + timedelta(days=16)).isoformat()
    with session_scope(settings.database_url) as session:
        installation = installation_id(session)
    runs = runs_of(deployment_id, installation)
    assert [r.parameters for r in runs] == [{"cohort": code_of(cohort_id)}]
    assert runs[0].expected_start_time.isoformat() == due
    # Outside a deployment (the demo, an in-process run) nothing is scheduled: the caller
    # drives the clock.
    monkeypatch.delenv("PREFECT__RUNTIME__DEPLOYMENT__ID")
    assert schedule_next_run.fn(cohort_id, START + timedelta(days=16)) is not None
    assert len(runs_of(deployment_id, installation)) == len(runs)


def test_an_individual_session_brings_its_reminder_into_the_schedule(settings):
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


def test_a_deferred_message_brings_its_next_attempt_into_the_schedule(settings):
    from datetime import UTC, datetime

    from sqlalchemy import select, update

    from models import OutboxMessage
    from tasks import call
    from tests.support import phases

    now = datetime.now(UTC).replace(microsecond=0)
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=3, opens_at=now)
    phases.advance(settings, cohort_id, call, now)
    timeline_next = next_due(cohort_id, now)
    assert timeline_next is not None
    retry = now + timedelta(hours=2)  # a 450 deferred this row two hours (wall clock)
    with session_scope(settings.database_url) as session:
        row = session.scalar(select(OutboxMessage.id).where(OutboxMessage.cohort_id == cohort_id))
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == row).values(next_attempt_at=retry)
        )
    assert retry < timeline_next
    assert next_due(cohort_id, now) == retry
