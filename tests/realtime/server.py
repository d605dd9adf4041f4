"""A real Prefect server started by the tests (not the in-process harness), and processes
started against it with Mentorat's settings in their environment."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_env(home: Path, api_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MENTORAT_"))}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_LOGGING_LEVEL="WARNING",
        MENTORAT_HOME=str(ROOT),
        PYTHONPATH=str(ROOT),
    )
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


@contextmanager
def prefect_database() -> Iterator[str | None]:
    """A new PostgreSQL database for the Prefect server when the tests have PostgreSQL (as
    production runs it: on SQLite the server locks up for a minute at a time under two
    workers, its scheduler and the commands), else None: the server's own SQLite file."""
    admin_url = os.environ.get("MENTORAT_TEST_DATABASE_URL")
    if not admin_url:
        yield None
        return
    name = f"prefect_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        admin_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1) + (
            f"/{name}"
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def prefect_server(home: Path) -> Iterator[str]:
    """`prefect server start` on a free port (on PostgreSQL where the tests have it);
    yields its API URL once it answers."""
    with prefect_database() as database, _prefect_server(home, database) as api:
        yield api


@contextmanager
def _prefect_server(home: Path, database: str | None) -> Iterator[str]:
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = base_env(home)
    env["PREFECT_UI_API_URL"] = api
    if database:
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = database
    log = open(home / "server.log", "wb")  # noqa: SIM115 — closed below
    process = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((home / "server.log").read_text()[-3000:])
            time.sleep(0.5)
        yield api
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def run(
    args: list[str], env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run a command; one that hangs past `timeout` gets SIGABRT first, so that Python's
    fault handler prints where each thread was (in the failure's report)."""
    env = {**env, "PYTHONFAULTHANDLER": "1"}
    with subprocess.Popen(
        args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            out, err = process.communicate(timeout=30)
            pytest.fail(f"{' '.join(args[:4])} hung for {timeout} s:\n{out}\n{err[-8000:]}")
        return subprocess.CompletedProcess(args, process.returncode, out, err)
