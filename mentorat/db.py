"""Engine and sessions. The SQL database is the system of record."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

import migrations

# The Alembic scripts are the `migrations` package (env.py, versions/), wherever it is installed.
MIGRATIONS = Path(migrations.__file__).resolve().parent

# On SQLite, statements that start with one of these words start no transaction.
_READS = frozenset({"SELECT", "PRAGMA", "EXPLAIN"})


def _first_word(statement: str) -> str:
    words = statement.lstrip("( \t\r\n").split(None, 1)
    return words[0].upper() if words else ""


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_engine(url: str) -> Engine:
    """A SQLite engine whose transactions hold everything they write, savepoints included.

    pysqlite's legacy transaction handling starts a transaction only before an INSERT,
    UPDATE, DELETE or REPLACE: a SAVEPOINT opened before any write is then the outermost
    transaction, and releasing it commits (an answer outlived its log row that failed
    next). So the driver starts nothing (`isolation_level = None`, as in SQLAlchemy's
    pysqlite recipe) and the engine emits the BEGIN itself, before the first statement that
    is not a read: a write, a SAVEPOINT or DDL (the migrations are transactional now).

    That BEGIN is IMMEDIATE and comes at the first write, not when SQLAlchemy opens its
    transaction (the recipe's plain BEGIN there): reads before it see the newest data, as
    they did. Measured with concurrent writers (bench/sqlite_writers.py): a transaction
    begun at its first read cannot write once another connection has committed since that
    read (SQLite refuses at once, "database is locked", without waiting: pages answered 500,
    phases and replies failed); BEGIN IMMEDIATE at the first read queues every page and
    reader behind the writers (reading pages' p95 went from 0.2 s to 3.4 s).
    """
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets the web pages read while the flow writes; foreign keys are off by default.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "before_cursor_execute")
    def _sqlite_begin(
        conn: Connection,
        cursor: DBAPICursor,
        statement: str,
        _parameters: Any,
        _context: Any,
        _executemany: bool,
    ) -> None:
        dbapi_connection = cursor.connection
        if (
            conn.in_transaction()
            and not dbapi_connection.in_transaction
            and _first_word(statement) not in _READS
            and conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT"
        ):
            # Waits for the write lock (the connection's timeout) rather than failing.
            dbapi_connection.execute("BEGIN IMMEDIATE")

    return engine


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(engine_for(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A unit of work: commits on success, rolls back on any error."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def upgrade(url: str) -> None:
    """Bring the schema to the newest migration (alembic upgrade head)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["engine"] = engine_for(url)
    command.upgrade(config, "head")
