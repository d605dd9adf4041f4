"""Shared fixtures: real SQLite files and PostgreSQL databases, a real SMTP server on
localhost, and one Prefect test harness for the whole session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

# Before Prefect is imported anywhere: no telemetry from the test server (no network here).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# Unset means production (which refuses a missing secret key): the tests say they are tests,
# and so do the processes they start.
os.environ.setdefault("MENTORAT_ENVIRONMENT", "test")

from sqlalchemy import create_engine, text  # noqa: E402

from demo.smtp_sink import SmtpSink  # noqa: E402
from mentorat import db  # noqa: E402
from mentorat.settings import Settings, get_settings  # noqa: E402

PG_URL = os.environ.get("MENTORAT_TEST_DATABASE_URL")
START = datetime(2027, 9, 6, 7, 0, tzinfo=UTC)  # a Monday, la rentrée
PG_SKIP = "PostgreSQL: set MENTORAT_TEST_DATABASE_URL (.ci/run sets it to the local server)"
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=[pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason=PG_SKIP)],
    ),
]


@contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """A new, migrated database: a SQLite file, or a new PostgreSQL database."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'mentorat.db'}"
        db.upgrade(url)
        yield url
        db.engine_for(url).dispose()
        return
    assert PG_URL is not None
    name = f"mentorat_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        # An ICU French collation: string order is not byte order, so a query relying on it fails.
        conn.execute(
            text(
                f'CREATE DATABASE "{name}" TEMPLATE template0 LOCALE_PROVIDER icu'
                " ICU_LOCALE 'fr-FR' LOCALE 'C.UTF-8' ENCODING 'UTF8'"
            )
        )
    url = PG_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    try:
        db.upgrade(url)
        yield url
    finally:
        db.engine_for(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def configured(database_url: str, smtp: SmtpSink, **extra: str) -> Iterator[Settings]:
    env = {
        "MENTORAT_ENVIRONMENT": "test",
        "MENTORAT_DATABASE_URL": database_url,
        "MENTORAT_SMTP_HOST": smtp.host,
        "MENTORAT_SMTP_PORT": str(smtp.port),
        "MENTORAT_MAIL_FROM": "Mentorat <mentorat@justice.exemple.fr>",
        "MENTORAT_PUBLIC_URL": "https://mentorat.exemple.fr",
        "MENTORAT_SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
        "MENTORAT_EMIT_EVENTS": "false",
        **extra,
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        get_settings.cache_clear()
        try:
            yield get_settings()
        finally:
            get_settings.cache_clear()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpSink]:
    with SmtpSink(folder=tmp_path / "mail") as sink:
        yield sink


@pytest.fixture
def settings(database_url: str, smtp: SmtpSink) -> Iterator[Settings]:
    with configured(database_url, smtp) as value:
        yield value


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield
