"""Prefect's own command line works under the project's pins, against a started server:
`prefect flow-run ls` and `deployment ls` once returned HTTP 422 (FastAPI 0.151+ refuses
the JSON nulls Prefect's client sends), and `prefect deploy --all` (the fixture) reads
prefect.yaml. Secrets in the deploying environment never reach the deployments."""

from __future__ import annotations

import time

import pytest

from tests.realtime.server import BIN, run

pytestmark = pytest.mark.realtime
SECRET = "not-for-prefect-0123456789abcdefghijklmnop"
PASSWORD = "smtp-password-not-for-prefect"


def test_prefect_cli_lists_deploys_and_starts_a_worker(deployed_server):
    env = deployed_server.env(MENTORAT_SECRET_KEY=SECRET, MENTORAT_SMTP_PASSWORD=PASSWORD)
    prefect = str(BIN / "prefect")
    for args in (["flow-run", "ls"], ["work-pool", "ls"]):
        done = run([prefect, *args], env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "422" not in done.stdout + done.stderr
    # Deploying again, with secrets in the environment, is harmless and shows none of them.
    done = run([prefect, "--no-prompt", "deploy", "--all"], env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    listed = run([prefect, "deployment", "ls"], env)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "cohort-lifecycle/cohort" in listed.stdout
    assert "cohort-sweeper/sweeper" in listed.stdout
    shown = run([prefect, "deployment", "inspect", "cohort-lifecycle/cohort"], env)
    assert shown.returncode == 0, shown.stderr
    assert SECRET not in shown.stdout and PASSWORD not in shown.stdout
    assert "MENTORAT_" not in shown.stdout
    assert "'cohort'" in shown.stdout  # the form's parameter is the cohort's code
    # The server's scheduler turns the sweeper's hourly schedule into runs (SQLAlchemy 2.1
    # broke it: "Can't evaluate bulk DML statement"; the pins keep 2.0).
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        runs = run(
            [prefect, "flow-run", "ls", "--flow-name", "cohort-sweeper", "--state", "Scheduled"],
            {**env, "COLUMNS": "300"},
        )
        if runs.returncode == 0 and "cohort-sweeper" in runs.stdout:
            break
        time.sleep(5)
    else:
        pytest.fail("the sweeper's schedule made no run: " + runs.stdout + runs.stderr)
    # A worker starts, polls the pool once and stops cleanly.
    worker = run([prefect, "worker", "start", "--pool", "mentorat", "--run-once"], env)
    assert worker.returncode == 0, worker.stdout + worker.stderr
