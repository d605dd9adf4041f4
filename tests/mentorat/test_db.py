"""Transactions on SQLite hold what they write, savepoints included, and wait for one another
instead of failing (mentorat/db.py); the same behaviour on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from mentorat.db import engine_for, session_factory, session_scope
from mentorat.services import audit
from models import AuditEvent
from tests.conftest import START


def note(session, action: str) -> None:  # type: ignore[no-untyped-def]
    audit.record(session, at=START, actor="system", action=action, entity="test")


def actions(url: str) -> list[str]:
    with session_scope(url) as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_savepoint_opened_before_any_write_commits_nothing_when_the_transaction_fails(
    database_url,
):
    with pytest.raises(RuntimeError), session_scope(database_url) as session:
        session.scalar(select(func.count()).select_from(AuditEvent))  # a read first
        with session.begin_nested():
            note(session, "inside the savepoint")
        note(session, "after the savepoint")
        raise RuntimeError("the handling fails after the savepoint")
    assert actions(database_url) == []


def test_a_released_savepoint_is_committed_with_its_transaction(database_url):
    with session_scope(database_url) as session:
        with session.begin_nested():
            note(session, "inside")
        note(session, "after")
    assert actions(database_url) == ["inside", "after"]


def test_a_page_that_only_reads_does_not_hold_back_a_writer(database_url):
    # A read-only session (a page) leaves the database free for a writer on another
    # connection, which does not wait for the reader to end.
    reader = session_factory(database_url)()
    try:
        reader.scalar(select(func.count()).select_from(AuditEvent))
        with session_scope(database_url) as writer:
            note(writer, "while a page reads")
    finally:
        reader.close()
    assert actions(database_url) == ["while a page reads"]


def test_a_transaction_that_read_before_another_committed_still_writes(database_url):
    """SQLAlchemy's recipe (BEGIN when the transaction opens) fails here on SQLite with
    "database is locked": the snapshot taken at the first read is older than the other's
    commit, and SQLite refuses to upgrade it without waiting."""
    with session_scope(database_url) as first:
        assert first.scalar(select(func.count()).select_from(AuditEvent)) == 0
        with session_scope(database_url) as second:
            note(second, "committed by another connection")
        note(first, "after the other's commit")
    assert actions(database_url) == ["committed by another connection", "after the other's commit"]


def test_writers_on_separate_connections_wait_for_each_other(database_url):
    """Each thread reads, then writes in one transaction; none fails, nothing is lost."""
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(20):
                with session_scope(database_url) as session:
                    session.scalar(select(func.count()).select_from(AuditEvent))
                    with session.begin_nested():
                        note(session, f"w{n}-{i}")
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert len(actions(database_url)) == 120
    engine_for(database_url).dispose()
