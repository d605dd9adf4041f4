"""A run turned away by the cohort's lease asks the holder to run again, so what fell due
while the holder was busy is handled seconds later (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from demo.simulation import setup_cohort
from flows.cohort import cohort_lifecycle
from mentorat.db import session_factory, session_scope
from mentorat.services import run_lease
from models import CohortRunLease
from tests.conftest import START
from tests.support.cohorts import code_of

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_a_run_turned_away_asks_the_holder_to_run_again(settings):
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START)
    sessions = session_factory(settings.database_url)
    assert run_lease.acquire(sessions, cohort_id, "holder")
    assert cohort_lifecycle(code_of(cohort_id), now=START) == {"busy": True}
    with session_scope(settings.database_url) as session:
        assert session.get(CohortRunLease, cohort_id).rerun_wanted
    # The holder renewing its lease keeps the request; releasing it reports it, once.
    assert run_lease.acquire(sessions, cohort_id, "holder")
    assert run_lease.release(sessions, cohort_id, "holder") is True
    assert run_lease.release(sessions, cohort_id, "holder") is False


def test_a_release_without_a_request_asks_for_nothing(settings):
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START)
    sessions = session_factory(settings.database_url)
    assert run_lease.acquire(sessions, cohort_id, "holder")
    assert run_lease.release(sessions, cohort_id, "holder") is False
    # With no holder there is nobody to ask: the run takes the lease itself.
    assert not run_lease.ask_rerun(sessions, cohort_id, "late")
    result = cohort_lifecycle(code_of(cohort_id), now=START)
    assert "call" in result and "rerun" not in result


def test_nobody_asks_an_expired_holder_or_itself(settings):
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START)
    sessions = session_factory(settings.database_url)
    assert run_lease.acquire(sessions, cohort_id, "holder")
    assert not run_lease.ask_rerun(sessions, cohort_id, "holder")
    assert run_lease.acquire(sessions, cohort_id, "killed", ttl=timedelta(seconds=-1)) is False
    run_lease.release(sessions, cohort_id, "holder")
    assert run_lease.acquire(sessions, cohort_id, "killed", ttl=timedelta(seconds=-1))
    # The killed worker's lease has expired: asking it is pointless, the next run takes over
    # without inheriting a request made of the dead holder.
    assert not run_lease.ask_rerun(sessions, cohort_id, "next")
    assert run_lease.acquire(sessions, cohort_id, "next")
    assert run_lease.release(sessions, cohort_id, "next") is False


def test_a_crashed_run_gives_its_lease_back(settings):
    """A run whose process was killed (kill -9: the worker marks it crashed and runs the
    hook) frees its cohort at once instead of holding it for half an hour."""
    from prefect import get_client
    from prefect.states import Crashed

    from deployments.serve import deployment
    from flows.recovery import after_failure
    from tasks.scheduling import schedule_run

    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START)
    deployment().apply()
    requested = schedule_run(code_of(cohort_id), None, reason="test-crash")
    with get_client(sync_client=True) as client:
        killed = client.read_flow_run(requested.id)
    sessions = session_factory(settings.database_url)
    assert run_lease.acquire(sessions, cohort_id, str(killed.id))
    after_failure(None, killed, Crashed(message="Process exited with status code: -9."))
    assert run_lease.holder(sessions, cohort_id) is None
    # Someone else's lease is not touched by the hook of another run.
    assert run_lease.acquire(sessions, cohort_id, "alive")
    after_failure(None, killed, Crashed(message="again"))
    assert run_lease.holder(sessions, cohort_id) == "alive"
