"""A cohort never stops silently and never runs twice at once: the run lease, the take-over
after a failed run, the sweeper, and two databases on one Prefect server kept apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from prefect import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags
from prefect.states import Failed
from sqlalchemy import select

from demo.simulation import setup_cohort
from deployments.serve import deployment
from flows.cohort import cohort_lifecycle
from flows.recovery import after_failure
from flows.sweeper import cohort_sweeper
from mentorat.db import session_factory, session_scope
from mentorat.installation import installation_id
from mentorat.services import run_lease
from models import Cohort, CohortRunLease, OutboxMessage
from tasks.scheduling import CohortNotRunnable, schedule_run
from tests.conftest import START, configured, fresh_database
from tests.support.cohorts import code_of

pytestmark = pytest.mark.usefixtures("prefect_harness")


def install_tag(settings) -> str:  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        return f"install:{installation_id(session)}"


def flow_run(run_id):  # type: ignore[no-untyped-def]
    """The run as Prefect's client reads it (what Prefect hands the failure hook)."""
    with get_client(sync_client=True) as client:
        return client.read_flow_run(run_id)


def runs_tagged(*tags: str):  # type: ignore[no-untyped-def]
    with get_client(sync_client=True) as client:
        return client.read_flow_runs(
            flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=list(tags))), limit=200
        )


def operator_alerts(settings, cohort_id: int) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        return list(
            session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.cohort_id == cohort_id, OutboxMessage.kind == "operator_alert"
                )
            )
        )


def test_one_run_of_a_cohort_at_a_time(settings):
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START)
    sessions = session_factory(settings.database_url)
    assert run_lease.acquire(sessions, cohort_id, "run-a")
    assert not run_lease.acquire(sessions, cohort_id, "run-b")
    assert run_lease.acquire(sessions, cohort_id, "run-a")  # renewed by its holder
    # Another run of the same cohort meanwhile does nothing and sends nothing.
    result = cohort_lifecycle(code_of(cohort_id), now=START)
    assert result == {"busy": True}
    with session_scope(settings.database_url) as session:
        assert session.scalar(select(OutboxMessage.id)) is None
    run_lease.release(sessions, cohort_id, "run-a")
    assert run_lease.holder(sessions, cohort_id) is None
    assert "call" in cohort_lifecycle(code_of(cohort_id), now=START)
    assert run_lease.holder(sessions, cohort_id) is None  # released at the end of the run


def test_a_lease_left_by_a_killed_worker_expires(settings):
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START)
    sessions = session_factory(settings.database_url)
    assert run_lease.acquire(sessions, cohort_id, "killed", ttl=timedelta(seconds=-1))
    assert run_lease.acquire(sessions, cohort_id, "next")
    with session_scope(settings.database_url) as session:
        assert session.get(CohortRunLease, cohort_id).owner == "next"


def test_an_unknown_or_unlaunched_cohort_fails_in_french(settings):
    with pytest.raises(CohortNotRunnable, match="Cohorte « NOPE-2027 » inconnue"):
        cohort_lifecycle("NOPE-2027")
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START)
    with session_scope(settings.database_url) as session:
        session.get(Cohort, cohort_id).launched_at = None
    with pytest.raises(CohortNotRunnable, match="n’est pas lancée"):
        cohort_lifecycle(code_of(cohort_id), now=START)


def test_a_failed_run_is_taken_over_and_the_operator_told(settings):
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START)
    code = code_of(cohort_id)
    deployment().apply()
    failed = flow_run(schedule_run(code, None, reason="test-failure").id)
    before = datetime.now(UTC)
    after_failure(None, failed, Failed(data=RuntimeError("SMTP down")))
    mine = install_tag(settings)  # the harness's server is shared by every test
    takeover = runs_tagged(f"cohort:{code}", "reason:retry", mine)
    assert len(takeover) == 1
    assert takeover[0].parameters == {"cohort": code}
    assert takeover[0].expected_start_time >= before + timedelta(minutes=14)
    alerts = operator_alerts(settings, cohort_id)
    assert len(alerts) == 1 and "a échoué" in alerts[0].subject
    # The hook of the same failed run again (a second Prefect call) changes nothing.
    after_failure(None, failed, Failed(data=RuntimeError("SMTP down")))
    assert len(runs_tagged(f"cohort:{code}", "reason:retry", mine)) == 1
    assert len(operator_alerts(settings, cohort_id)) == 1


def test_a_run_for_an_unknown_cohort_is_not_retried(settings):
    deployment().apply()
    failed = schedule_run_for_unknown()
    after_failure(None, failed, Failed(data=CohortNotRunnable("inconnue")))
    assert runs_tagged("cohort:GHOST-1", "reason:retry") == []


def schedule_run_for_unknown():  # type: ignore[no-untyped-def]
    from prefect.deployments import run_deployment

    return run_deployment(
        "cohort-lifecycle/cohort",
        parameters={"cohort": "GHOST-1"},
        timeout=0,
        as_subflow=False,
        tags=["cohort:GHOST-1"],
    )


def test_the_sweeper_revives_a_cohort_left_without_a_run(settings):
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START)
    code = code_of(cohort_id)
    deployment().apply()
    first = cohort_sweeper()
    assert first["revived"] >= 1
    mine = install_tag(settings)
    revived = runs_tagged(f"cohort:{code}", "reason:sweep", mine)
    assert len(revived) == 1
    assert any("relancée" in m.subject for m in operator_alerts(settings, cohort_id))
    # Now it has a run ahead: the next sweep leaves it alone.
    cohort_sweeper()
    assert len(runs_tagged(f"cohort:{code}", "reason:sweep", mine)) == 1


def test_two_databases_on_one_prefect_server_stay_apart(smtp, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with fresh_database("sqlite", tmp_path / "a") as url_a, configured(url_a, smtp) as a:
        setup_cohort(a, programme="jaae", pairs=3, opens_at=START, code="SAME-2027")
        deployment().apply()
        schedule_run("SAME-2027", START + timedelta(days=400), reason="due")
        with session_scope(url_a) as session:
            install_a = installation_id(session)
    with fresh_database("sqlite", tmp_path / "b") as url_b, configured(url_b, smtp) as b:
        cohort_b, _ = setup_cohort(b, programme="jaae", pairs=3, opens_at=START, code="SAME-2027")
        with session_scope(url_b) as session:
            install_b = installation_id(session)
        assert install_a != install_b
        # A's run ahead does not count for B's cohort of the same code: B is revived.
        cohort_sweeper()
        assert len(runs_tagged("cohort:SAME-2027", f"install:{install_b}")) == 1
        assert len(runs_tagged("cohort:SAME-2027", f"install:{install_a}")) == 1
        assert operator_alerts(b, cohort_b)
