"""The operator's commands hand runs to a Prefect server through its REST API, in a process
that never imports Prefect (2 to 5 s of imports) nor SciPy; and say in French what went
wrong when the server cannot take the run."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from prefect import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags
from sqlalchemy import select

from demo.simulation import setup_cohort
from deployments.serve import deployment
from mentorat.db import session_scope
from mentorat.installation import installation_id
from models import Cohort
from tasks import matching
from tests.conftest import START
from tests.support import phases
from tests.support.cohorts import code_of

pytestmark = pytest.mark.usefixtures("prefect_harness")
MENTORAT = str(Path(sys.executable).parent / "mentorat")


def harness_url() -> str:
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url
    return str(url)


def mentorat(
    *args: str, tmp_path: Path, api: str | None = None, **extra: str
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """The command in a new process (the test's MENTORAT_* settings, the harness's server),
    and the top-level packages it imported (python -X importtime)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_API_URL=api or harness_url(),
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        COLUMNS="200",
        **extra,
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", MENTORAT, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    done.stderr = "\n".join(
        line for line in done.stderr.splitlines() if not line.startswith("import time:")
    )
    return done, imported


def runs_of(settings, code: str):  # type: ignore[no-untyped-def]
    """This database's runs of the cohort (the harness's server is shared by all tests)."""
    with session_scope(settings.database_url) as session:
        tags = [f"cohort:{code}", f"install:{installation_id(session)}"]
    with get_client(sync_client=True) as client:
        return client.read_flow_runs(
            flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=tags))
        )


def test_launch_schedules_the_first_run_without_importing_prefect(settings, tmp_path):
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START)
    with session_scope(settings.database_url) as session:
        session.get(Cohort, cohort_id).launched_at = None  # the operator launches it
    code = code_of(cohort_id)
    deployment().apply()
    done, imported = mentorat("cohort", "launch", "--cohort", code, tmp_path=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Exécution « cohort-{code}-lancement » confiée au serveur Prefect" in done.stdout
    assert "prefect" not in imported and "scipy" not in imported
    # The call opens in the future: the run waits for it on the server.
    (run,) = runs_of(settings, code)
    assert run.parameters == {"cohort": code}
    assert run.state is not None and run.state.is_scheduled()
    assert run.expected_start_time == START
    assert "reason:lancement" in run.tags


def test_approve_show_status_and_run_import_neither_prefect_nor_scipy(settings, tmp_path):
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START)
    phases.advance(settings, cohort_id, matching, START + timedelta(days=21))
    code = code_of(cohort_id)
    deployment().apply()
    for args in (
        ["matching", "show", "--cohort", code],
        ["cohort", "status", "--cohort", code],
        ["matching", "approve", "--cohort", code, "--by", "RH"],
        ["cohort", "run", "--cohort", code],
    ):
        done, imported = mentorat(*args, tmp_path=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert not imported & {"prefect", "scipy", "ortools"}, args
    with session_scope(settings.database_url) as session:
        assert session.scalar(select(Cohort.phase).where(Cohort.id == cohort_id)) == "charter"
    reasons = sorted(
        t for run in runs_of(settings, code) for t in run.tags if t.startswith("reason:")
    )
    assert reasons == ["reason:manuel", "reason:validation"]


def test_a_server_that_cannot_take_the_run_is_said_in_french(settings, tmp_path):
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START)
    code = code_of(cohort_id)
    deployment().apply()
    unknown = "le déploiement «\u00a0cohort-lifecycle/nope\u00a0» est inconnu du serveur Prefect"
    cases = [
        ({"MENTORAT_DEPLOYMENT_NAME": "cohort-lifecycle/nope"}, None, unknown),
        ({}, "http://127.0.0.1:9/api", "le serveur Prefect ne répond pas (ConnectError)"),
        ({}, harness_url().removesuffix("/api"), "ne mène pas à l’API du serveur Prefect"),
    ]
    for extra, api, expected in cases:
        done, _ = mentorat("cohort", "run", "--cohort", code, tmp_path=tmp_path, api=api, **extra)
        assert done.returncode == 1
        assert expected in done.stderr
        assert "Traceback" not in done.stdout + done.stderr
    assert runs_of(settings, code) == []


def test_the_server_address_and_key_come_from_the_environment_or_the_profile(tmp_path):
    home = tmp_path / "prefect-home"
    home.mkdir()
    (home / "profiles.toml").write_text(
        'active = "prod"\n[profiles.prod]\nPREFECT_API_KEY = "key-from-profile"\n',
        encoding="utf-8",
    )
    show = (
        "import sys; from mentorat.prefect_api import connection; c = connection(); "
        "print(c.url, c.headers.get('Authorization')); print('prefect' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_API_URL="http://prefect.exemple.fr/api")
    for extra, expected in (
        ({}, "http://prefect.exemple.fr/api Bearer key-from-profile\nFalse"),
        ({"PREFECT_API_KEY": "key-from-env"}, "Bearer key-from-env\nFalse"),
        ({"PREFECT_API_AUTH_STRING": "admin:secret"}, "Basic YWRtaW46c2VjcmV0\nFalse"),
    ):
        done = subprocess.run(
            [sys.executable, "-c", show],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert expected in done.stdout
