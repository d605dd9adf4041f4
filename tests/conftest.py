"""Shared fixtures: real SQLite files and PostgreSQL databases, a real SMTP server on
localhost, and one Prefect test harness for the whole session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from mentorat import db
from mentorat.settings import Settings, get_settings
from mentorat.smtp_sink import SmtpSink

PG_URL = os.environ.get("MENTORAT_TEST_DATABASE_URL")
START = datetime(2027, 9, 6, 7, 0, tzinfo=UTC)  # a Monday, la rentrée


def _backends() -> list[object]:
    reason = "PostgreSQL: set MENTORAT_TEST_DATABASE_URL (.ci/run sets it to the local server)"
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql",
                     marks=[pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason=reason)]),
    ]


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'mentorat.db'}"
        db.upgrade(url)
        yield url
        db.engine_for(url).dispose()
        return
    assert PG_URL is not None
    name = f"mentorat_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    db.upgrade(url)
    yield url
    db.engine_for(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpSink]:
    sink = SmtpSink(folder=tmp_path / "mail", reject={"bounce@exemple.fr"})
    with sink:
        yield sink


@pytest.fixture
def settings(database_url: str, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    env = {
        "MENTORAT_ENVIRONMENT": "test",
        "MENTORAT_DATABASE_URL": database_url,
        "MENTORAT_SMTP_HOST": smtp.host,
        "MENTORAT_SMTP_PORT": str(smtp.port),
        "MENTORAT_MAIL_FROM": "Mentorat <mentorat@justice.exemple.fr>",
        "MENTORAT_PUBLIC_URL": "https://mentorat.exemple.fr",
        "MENTORAT_SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
        "MENTORAT_SEND_RETRY_DELAY_SECONDS": "0",
        "MENTORAT_EMIT_EVENTS": "false",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield
