"""The outbox as the sender's work queue: claim a batch, then record each outcome at once.

A batch is claimed with a conditional UPDATE (as in healthchecks' sendreports), so two
senders never take the same row, and a claim left by a crashed sender expires after a lease.

Each message is recorded as sent as soon as the server has accepted it, and a connection
sends its next message only once that record is committed: a crash can leave at most one
accepted, unrecorded message per open connection. The records of all connections share
one commit (group commit) in one writer thread, which keeps the throughput.

A database error while recording is retried on a fresh connection; if the database stays
away, the accepted rows are left claimed (never put back to pending, which would send them
again at once), no connection starts another message, and the lease decides later.

On PostgreSQL the "sent" records are single statements in autocommit on the ledger's own
connection (one round trip each), whose session has `synchronous_commit = off` (reset before
the connection goes back to the pool): the commit returns once the server has it, without
waiting for its write-ahead log to reach the disk. A sender killed at any instant loses
nothing (the commit is in the server). Only a crash of PostgreSQL itself (or of its machine)
can lose the last records, those of up to 3 × wal_writer_delay (600 ms by default): their
messages are then sent again when the lease runs out, never lost.
bench/delivery_throughput.py measures what waiting for the disk costs.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, and_, bindparam, or_, select, update
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from mentorat.delivery.deferral import next_attempt
from models import OutboxMessage, Person

# Waits between attempts to write a record, on a lost connection (about 8 s in all).
RETRY_DELAYS: tuple[float, ...] = (0.05, 0.2, 0.5, 1.0, 2.0, 4.0)

T = TypeVar("T")


def wall_now() -> datetime:
    # Leases and retries are about real processes and servers, so they use the real clock.
    return datetime.now(UTC)


# `cohort_id=NO_COHORT`: only the messages of no cohort (an operator's login link, a
# participant's fresh links), as their letter keys say ("c0"); `None`: every message.
NO_COHORT = 0


def claim(
    session_maker: sessionmaker[Session],
    *,
    limit: int,
    lease_seconds: int,
    cohort_id: int | None = None,
    now: Callable[[], datetime] = wall_now,
) -> tuple[str, list[OutboxMessage]]:
    """Claim up to `limit` sendable rows; returns the claim token and the rows claimed.

    Sendable: pending and due (a deferred row waits for its next attempt), or claimed by a
    sender whose lease has run out."""
    token = str(uuid.uuid4())
    moment = now()
    claimable = or_(
        and_(
            OutboxMessage.status == "pending",
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= moment),
        ),
        and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until < moment),
    )
    with session_maker() as session, session.begin():
        # An address that bounced permanently gets nothing more: say so on its rows.
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == "pending",
                OutboxMessage.person_id.in_(
                    select(Person.id).where(Person.email_status == "failing")
                ),
            )
            .values(status="cancelled", last_error="adresse en échec")
            .execution_options(synchronize_session=False)
        )
        query = select(OutboxMessage.id).where(claimable).order_by(OutboxMessage.id).limit(limit)
        if cohort_id == NO_COHORT:
            query = query.where(OutboxMessage.cohort_id.is_(None))
        elif cohort_id is not None:
            query = query.where(OutboxMessage.cohort_id == cohort_id)
        ids = list(session.scalars(query))
        if not ids:
            return token, []
        # The WHERE repeats the condition: a row another sender claimed meanwhile is skipped.
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), claimable)
            .values(
                status="sending",
                claim_token=token,
                claimed_until=moment + timedelta(seconds=lease_seconds),
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
    with session_maker() as session:
        rows = list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.claim_token == token, OutboxMessage.status == "sending")
                .order_by(OutboxMessage.id)
            )
        )
        session.expunge_all()
    return token, rows


# How the "sent" records commit on PostgreSQL (see the module docstring); "on" waits for
# the disk (bench/delivery_throughput.py compares the two).
MARK_SYNCHRONOUS_COMMIT = "off"

# Not by claim token: the server accepted it, whoever holds the claim now.
_MARK_SENT = (
    update(OutboxMessage)
    .where(
        OutboxMessage.id.in_(bindparam("ids", expanding=True)),
        OutboxMessage.status == "sending",
    )
    .values(
        status="sent",
        sent_at=bindparam("sent_at"),
        claim_token=None,
        claimed_until=None,
        last_error=None,
        next_attempt_at=None,
    )
)


def _lost_connection(exc: SQLAlchemyError) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError)


class RecordFailed(Exception):
    """The database stayed away while recording an outcome (the cause is `Ledger.failure`)."""


class Ledger:
    """Records the outcome of each claimed row, in one writer thread."""

    def __init__(
        self,
        session_maker: sessionmaker[Session],
        token: str,
        *,
        now: Callable[[], datetime],
        alert_after: timedelta,
    ) -> None:
        self.session_maker = session_maker
        self.engine: Engine = session_maker.kw["bind"]
        self.token = token
        self.now = now
        self.alert_after = alert_after
        # Accepted by the server, not recorded (the database went away): never released.
        self.accepted_unrecorded: set[int] = set()
        self.failure: SQLAlchemyError | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-ledger")
        self._waiting: list[tuple[int, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._marks: Connection | None = None  # PostgreSQL: the writer thread's connection

    # -- outcomes, awaited by the connections ---------------------------------------------

    def record_sent(self, row_id: int) -> asyncio.Future[None]:
        """Records the row as sent; the future is done once committed (RecordFailed if the
        database stayed away). Rows accepted meanwhile share the next commit."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((row_id, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_sent())
        return future

    async def _write_sent(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            ids = [row_id for row_id, _ in batch]
            try:
                await self._run(self._mark_sent, ids)
            except SQLAlchemyError as exc:
                self.accepted_unrecorded.update(ids)
                self.failure = self.failure or exc
                for _, future in batch:
                    future.set_exception(RecordFailed())
            else:
                for _, future in batch:
                    future.set_result(None)

    async def defer(self, row: OutboxMessage, code: str) -> None:
        """Refused for now by this recipient's server: pending again, at a later time."""
        moment = self.now()
        first = row.first_deferred_at or moment
        values = {
            "status": "pending",
            "claim_token": None,
            "claimed_until": None,
            "last_error": code[:500],
            "next_attempt_at": next_attempt(first, moment, self.alert_after),
            "first_deferred_at": first,
            "deferred_too_long": row.deferred_too_long or moment - first >= self.alert_after,
        }
        await self._outcome(row.id, values)

    async def bounce(self, row: OutboxMessage, error: str) -> None:
        """Refused for good: the row failed and the address is marked failing."""
        await self._outcome(
            row.id,
            {"status": "failed", "claim_token": None, "last_error": error[:500]},
            person=(row.person_id, error[:500]),
        )

    async def cancel(self, row: OutboxMessage) -> None:
        values = {"status": "cancelled", "claim_token": None, "last_error": "adresse en échec"}
        await self._outcome(row.id, values)

    async def _outcome(
        self, row_id: int, values: dict[str, Any], person: tuple[int | None, str] | None = None
    ) -> None:
        try:
            await self._run(self._update_row, row_id, values, person)
        except SQLAlchemyError as exc:
            self.failure = self.failure or exc
            raise RecordFailed() from None

    # -- at the end of the batch -----------------------------------------------------------

    def release(self) -> None:
        """Give back what was claimed and not sent, so the next attempt takes it at once.
        What the server accepted but could not be recorded stays claimed."""
        try:
            self._retrying(self._release)
        except SQLAlchemyError as exc:
            # Not lost: the lease runs out and another sender takes these rows.
            self.failure = self.failure or exc
        finally:
            self._executor.submit(self._close_marks).result()
            self._executor.shutdown(wait=True)

    # -- the writes, in the writer thread ----------------------------------------------------

    async def _run(self, write: Callable[..., None], *args: Any) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._retrying, lambda: write(*args))

    def _retrying(self, write: Callable[[], T]) -> T:
        """Runs `write`, again on a fresh connection after a lost one (the pool drops the
        invalidated connection)."""
        for delay in RETRY_DELAYS:
            try:
                return write()
            except SQLAlchemyError as exc:
                if not _lost_connection(exc):
                    raise
            time.sleep(delay)
        return write()

    def _mark_sent(self, ids: list[int]) -> None:
        # Core, not an ORM session: this runs once or more per message sent.
        values = {"ids": ids, "sent_at": self.now()}
        if self.engine.dialect.name != "postgresql":
            with self.engine.begin() as conn:
                conn.execute(_MARK_SENT, values)
            return
        # PostgreSQL: one statement in autocommit on the ledger's own connection, whose
        # session says how its commits wait (set once): one round trip per record.
        try:
            self._marks_connection().execute(_MARK_SENT, values)
        except SQLAlchemyError:
            self._close_marks(invalidate=True)  # the retry takes a fresh connection
            raise

    def _marks_connection(self) -> Connection:
        if self._marks is None:
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql(f"SET synchronous_commit = {MARK_SYNCHRONOUS_COMMIT}")
            self._marks = conn
        return self._marks

    def _close_marks(self, invalidate: bool = False) -> None:
        conn, self._marks = self._marks, None
        if conn is None:
            return
        try:
            if invalidate:
                conn.invalidate()
            else:
                # Back to the pool as it came: the session setting must not reach its next user.
                conn.exec_driver_sql("RESET synchronous_commit")
        except SQLAlchemyError:
            conn.invalidate()
        finally:
            conn.close()

    def _update_row(
        self, row_id: int, values: dict[str, Any], person: tuple[int | None, str] | None
    ) -> None:
        with self.session_maker() as session, session.begin():
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.claim_token == self.token)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if person is not None and person[0] is not None:
                session.execute(
                    update(Person)
                    .where(Person.id == person[0])
                    .values(email_status="failing", email_error=person[1])
                )

    def _release(self) -> None:
        with self.session_maker() as session, session.begin():
            session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.claim_token == self.token,
                    OutboxMessage.status == "sending",
                    OutboxMessage.id.not_in(self.accepted_unrecorded),
                )
                .values(status="pending", claim_token=None, claimed_until=None)
                .execution_options(synchronize_session=False)
            )
