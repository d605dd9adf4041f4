"""Exactly once under crashes, counted at a real SMTP server, on SQLite and PostgreSQL.

What these tests prove: a delivering process killed with SIGKILL at twenty random instants,
then run again to the end, loses no message and sends again only the messages that were in
flight on its open connections when it died (at most one per connection), each with its
original Message-ID and bytes; and a database connection lost while recording "sent" never
sends an accepted message again.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text, update
from sqlalchemy.engine import Engine

from mentorat import db
from mentorat.db import session_factory, session_scope
from mentorat.delivery import DeliveryDatabaseError, ledger, send_pending
from models import OutboxMessage
from tests.support.delivery import (
    fill_outbox,
    message_ids_with_status,
    nothing_chained,
    received_by_id,
    statuses,
)

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 2000
KILLS = 20
# Messages left unsent after each kill point: a kill lands up to 30 ms after its point, and
# the sender must still have work then, or it finishes before it can be killed.
MARGIN = 100

pytestmark = pytest.mark.fault_injection


class Killer:
    """Kills the delivering child from inside the SMTP server, once `target` messages have
    arrived: either before answering 250 to the last one (the server keeps a message its
    sender never heard accepted) or a few milliseconds later (anywhere: recording it,
    sending the next one, claiming the next batch)."""

    def __init__(self, smtp: Any, rng: random.Random) -> None:
        self.smtp = smtp
        self.rng = rng
        self.pid: int | None = None
        self.target = 0
        self.at_acceptance = False
        self.lock = threading.Lock()
        self.original = smtp.handler.handle_DATA
        smtp.handler.handle_DATA = self.handle_DATA

    def arm(self, gap: int) -> None:
        self.target = len(self.smtp.messages) + gap
        self.at_acceptance = self.rng.random() < 0.5

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await self.original(server, session, envelope)
        with self.lock:
            pid = self.pid if len(self.smtp.messages) >= self.target else None
            if pid is not None:
                self.pid = None
        if pid is not None:
            if self.at_acceptance:
                _kill(pid)
            else:
                threading.Timer(self.rng.uniform(0, 0.03), _kill, (pid,)).start()
        return str(reply)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it had finished already
        os.kill(pid, signal.SIGKILL)


def _settle(smtp: Any, quiet: float = 1.0) -> None:
    """Wait until the server has received nothing new for `quiet` seconds."""
    count = -1
    while count != len(smtp.messages):
        count = len(smtp.messages)
        time.sleep(quiet)


def _expire_leases(database_url: str) -> None:
    """The dead sender's lease runs out (300 s in real life)."""
    with session_scope(database_url) as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "sending")
            .values(claimed_until=datetime.now(UTC) - timedelta(seconds=1))
        )


def test_a_sender_killed_at_twenty_random_points_loses_nothing_and_repeats_only_what_was_in_flight(
    settings, smtp
):
    fill_outbox(settings.database_url, MESSAGES)
    seed = int(os.environ.get("DELIVERY_CRASH_SEED") or random.randrange(1_000_000))
    rng = random.Random(seed)
    killer = Killer(smtp, rng)
    sender = subprocess.Popen(
        [sys.executable, "-m", "tests.support.delivery_sender"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sender.stdin is not None and sender.stdout is not None
    in_flight_at_each_kill: list[set[str]] = []

    def run(gap: int | None) -> int:
        if gap is not None:
            killer.arm(gap)
        sender.stdin.write("go\n")  # type: ignore[union-attr]
        sender.stdin.flush()  # type: ignore[union-attr]
        pid = int(sender.stdout.readline().split()[1])  # type: ignore[union-attr]
        if gap is not None:
            with killer.lock:
                killer.pid = pid
        return int(sender.stdout.readline().split()[1])  # type: ignore[union-attr]

    try:
        for kill in range(KILLS):
            # Each kill point is drawn from what is still unsent, at most an equal share of it
            # per kill to come: a kill lands a little after its point (up to 30 ms), so points
            # drawn once from the whole outbox would drift past its end.
            unsent = MESSAGES - len(message_ids_with_status(settings.database_url, "sent"))
            gap = rng.randint(1, max(1, (unsent - MARGIN) // (KILLS - kill)))
            before = Counter({k: len(v) for k, v in received_by_id(smtp).items()})
            assert run(gap) == -9, (
                f"seed {seed}: the sender finished before its kill point "
                f"(kill {kill + 1}, {gap} messages on, {unsent} unsent)"
            )
            # A message whose DATA was all sent before the kill is still being accepted by
            # the server's loop: count it with this run, not the next.
            _settle(smtp)
            after = received_by_id(smtp)
            recorded = message_ids_with_status(settings.database_url, "sent")
            this_run = {k for k, copies in after.items() if len(copies) > before[k]}
            in_flight = this_run - recorded
            # At most one accepted, unrecorded message per open connection.
            assert len(in_flight) <= settings.smtp_connections, (seed, sorted(in_flight))
            in_flight_at_each_kill.append(in_flight)
            _expire_leases(settings.database_url)
        assert run(None) == 0
    finally:
        sender.stdin.close()
        sender.wait(timeout=30)

    copies = received_by_id(smtp)
    with session_scope(settings.database_url) as session:
        rows = {
            row.message_id: row.to_addr
            for row in session.query(OutboxMessage.message_id, OutboxMessage.to_addr)
        }
    # Nothing lost: every row reached the server and is recorded as sent.
    assert set(copies) == set(rows)
    assert statuses(settings.database_url) == Counter({"sent": MESSAGES})
    # Each message came again exactly once per kill that caught it in flight, no more...
    again = Counter(mid for in_flight in in_flight_at_each_kill for mid in in_flight)
    assert {mid: len(c) - 1 for mid, c in copies.items() if len(c) > 1} == dict(again), seed
    assert sum(again.values()) <= KILLS * settings.smtp_connections
    # ...with its original Message-ID and the very same bytes, to its own recipient.
    by_id = {str(r.message()["Message-ID"]): r for r in smtp.messages}
    for mid, raws in copies.items():
        assert len(set(raws)) == 1, mid
        assert by_id[mid].recipients == [rows[mid]]


class LostConnection:
    """Breaks the database connection of the N-th "sent" record, once or for good.

    PostgreSQL: another session terminates the sender's backend (pg_terminate_backend);
    SQLite: the sender's connection is closed under it. Either way the driver raises as on a
    real lost connection, mid-transaction."""

    def __init__(self, database_url: str, nth: int, *, lasting: bool) -> None:
        self.engine: Engine = db.engine_for(database_url)
        self.url = database_url
        self.nth = nth
        self.lasting = lasting
        self.seen = 0
        self.broken = 0

    def __enter__(self) -> LostConnection:
        event.listen(self.engine, "before_cursor_execute", self.before)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self.before)

    def before(self, conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        if not statement.startswith("UPDATE outbox_message SET status"):
            return
        if "sent" not in (params.values() if isinstance(params, dict) else params):
            return
        self.seen += 1
        if self.seen < self.nth or (self.broken and not self.lasting):
            return
        self.broken += 1
        dbapi = conn.connection.dbapi_connection
        if self.url.startswith("sqlite"):
            dbapi.close()
            return
        pid = dbapi.info.backend_pid
        admin = db.make_engine(self.url)
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()


def test_a_database_connection_lost_while_recording_sent_sends_nothing_twice(settings, smtp):
    fill_outbox(settings.database_url, 300)
    maker = session_factory(settings.database_url)
    with LostConnection(settings.database_url, nth=40, lasting=False) as lost:
        report = send_pending(maker, settings)
    assert lost.broken == 1
    assert report.sent == 300
    # The rerun finds nothing: the accepted messages were recorded on a fresh connection.
    assert send_pending(maker, settings).sent == 0
    copies = received_by_id(smtp)
    assert len(copies) == 300 and all(len(c) == 1 for c in copies.values())
    assert statuses(settings.database_url) == Counter({"sent": 300})


def test_a_database_that_stays_away_leaves_accepted_messages_claimed_never_pending(
    settings, smtp, monkeypatch
):
    monkeypatch.setattr(ledger, "RETRY_DELAYS", (0.01, 0.01))
    fill_outbox(settings.database_url, 300)
    maker = session_factory(settings.database_url)
    with (
        LostConnection(settings.database_url, nth=40, lasting=True),
        pytest.raises(DeliveryDatabaseError) as raised,
    ):
        send_pending(maker, settings)
    accepted = set(received_by_id(smtp))
    recorded = message_ids_with_status(settings.database_url, "sent")
    claimed = message_ids_with_status(settings.database_url, "sending")
    # Every message the server accepted and the database could not record stays claimed
    # (at most one per connection: no connection starts another message meanwhile).
    assert accepted - recorded == claimed
    assert 1 <= len(claimed) <= settings.smtp_connections
    assert "@" not in str(raised.value)
    assert nothing_chained(raised.value)
    # The database is back: the rerun sends the rest and not one accepted message again.
    send_pending(maker, settings)
    copies = received_by_id(smtp)
    assert len(copies) == 300 and all(len(c) == 1 for c in copies.values())
    assert statuses(settings.database_url) == Counter(
        {"sent": 300 - len(claimed), "sending": len(claimed)}
    )
