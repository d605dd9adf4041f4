"""Benchmark: messages per second through the sender (mentorat/delivery), before and after.

"Before" is the sender of an earlier commit (by default the last one where the sender was
the single module mentorat/delivery.py: sent marks written every 100 messages), loaded from
git into this same process; "after" is the working tree's sender
(each message marked sent as soon as the server accepts it). On PostgreSQL, "after, durable
marks" is the working tree's sender with its marks committed with synchronous_commit on
(each waits for the write-ahead log to reach the disk; see mentorat/delivery/ledger.py).
All send the same outbox rows
(a real kind's text and HTML parts) to a real SMTP server (aiosmtpd) running in another
process, so it does not share the GIL with the sender. Rounds alternate between the two; the
best round of each is printed, with the machine.

    .venv/bin/python bench/delivery_throughput.py [--messages 2000] [--rounds 3]
        [--database postgresql://postgres@127.0.0.1:5432/postgres] [--before REVISION]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cohort_lifecycle import machine, start_sink, stop_sink  # noqa: E402

WHEN = datetime(2027, 11, 11, 10, 0, tzinfo=UTC)


def last_single_module_sender() -> str | None:
    """The parent of the commit that turned mentorat/delivery.py into a package."""
    done = subprocess.run(
        ["git", "-C", str(ROOT), "rev-list", "-1", "HEAD", "--", "mentorat/delivery.py"],
        capture_output=True,
        text=True,
        check=False,
    )
    commit = done.stdout.strip()
    return f"{commit[:10]}^" if done.returncode == 0 and commit else None


def before_module(revision: str | None) -> ModuleType | None:
    """The sender as it was at `revision`, imported from git under another name."""
    if revision is None:
        return None
    try:
        source = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{revision}:mentorat/delivery.py"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    spec = importlib.util.spec_from_loader("delivery_before", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    exec(compile(source, f"{revision}:mentorat/delivery.py", "exec"), module.__dict__)  # noqa: S102
    return module


def database(url: str | None, folder: Path) -> tuple[str, Callable[[], None]]:
    """A new migrated database: a SQLite file, or a new database on the PostgreSQL server."""
    from sqlalchemy import create_engine, text

    from mentorat import db

    if url is None:
        path = f"sqlite:///{folder / 'bench.db'}"
        db.upgrade(path)
        return path, lambda: None
    name = f"mentorat_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = admin.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    target = url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    target += f"/{name}"
    db.upgrade(target)

    def drop() -> None:
        db.engine_for(target).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return target, drop


def fill(url: str, count: int) -> None:
    from demo.mail_samples import sample
    from mentorat.db import session_scope
    from mentorat.mail import render
    from models import OutboxMessage

    rendered = render("checkin_request", sample("checkin_request"))
    rows: list[dict[str, Any]] = [
        {
            "key": f"bench:{n}",
            "kind": "checkin_request",
            "step": "m3",
            "to_addr": f"participant{n}@exemple.fr",
            "subject": rendered.subject,
            "body_text": rendered.text,
            "body_html": rendered.html,
            "message_id": f"<bench.{n}@mentorat.test>",
            "status": "pending",
            "attempts": 0,
            "created_at": WHEN,
        }
        for n in range(count)
    ]
    with session_scope(url) as session:
        session.execute(OutboxMessage.__table__.insert(), rows)


def reset(url: str) -> None:
    from sqlalchemy import update

    from mentorat.db import session_scope
    from models import OutboxMessage

    with session_scope(url) as session:
        session.execute(
            update(OutboxMessage).values(
                status="pending", claim_token=None, claimed_until=None, sent_at=None
            )
        )


def one_round(module: ModuleType, url: str, folder: Path, count: int) -> float:
    from mentorat.db import session_factory
    from mentorat.settings import get_settings

    reset(url)
    proc, port, counter = start_sink(folder)
    os.environ["MENTORAT_SMTP_PORT"] = str(port)
    get_settings.cache_clear()
    try:
        began = time.perf_counter()
        report = module.send_pending(session_factory(url), get_settings())
        elapsed = time.perf_counter() - began
    finally:
        received = stop_sink(proc, counter)
    if report.sent != count or received != count:
        raise SystemExit(f"{module.__name__}: sent {report.sent}, received {received} of {count}")
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", help="a PostgreSQL server URL (default: a SQLite file)")
    parser.add_argument("--before", help="git revision of the 'before' sender (default: see above)")
    options = parser.parse_args()
    options.before = options.before or last_single_module_sender()
    folder = Path(tempfile.mkdtemp(prefix="mentorat-bench-"))
    os.environ.update(
        {
            "MENTORAT_ENVIRONMENT": "development",
            "MENTORAT_SMTP_HOST": "127.0.0.1",
            "MENTORAT_MAIL_FROM": "Mentorat <mentorat@mentorat.test>",
            "MENTORAT_EMIT_EVENTS": "false",
        }
    )
    import mentorat.delivery as after
    from mentorat.delivery import ledger

    before = before_module(options.before)
    url, drop = database(options.database, folder)
    os.environ["MENTORAT_DATABASE_URL"] = url
    try:
        fill(url, options.messages)
        print(f"machine: {machine()}")
        print(f"database: {url.split(':', 1)[0]}; messages: {options.messages}")
        rates: dict[str, list[float]] = {"before": [], "durable": [], "after": []}
        for _ in range(options.rounds):
            if before is not None:
                rates["before"].append(one_round(before, url, folder, options.messages))
            if options.database:
                ledger.MARK_SYNCHRONOUS_COMMIT = "on"
                try:
                    rates["durable"].append(one_round(after, url, folder, options.messages))
                finally:
                    ledger.MARK_SYNCHRONOUS_COMMIT = "off"
            rates["after"].append(one_round(after, url, folder, options.messages))
    finally:
        drop()
    best = {name: max(values) for name, values in rates.items() if values}
    rounds = f"best of {options.rounds} rounds"
    if "before" in best:
        print(f"before ({options.before}, marks every 100): {best['before']:,.0f} msg/s ({rounds})")
    else:
        print(f"before: revision {options.before} not found in git, not measured")
    if "durable" in best:
        print(
            f"after, durable marks (synchronous_commit on): {best['durable']:,.0f} msg/s "
            f"(all rounds: {', '.join(f'{r:,.0f}' for r in rates['durable'])})"
        )
    print(
        f"after (working tree, each message marked on acceptance): {best['after']:,.0f} msg/s "
        f"(all rounds: {', '.join(f'{r:,.0f}' for r in rates['after'])})"
    )
    if "before" in best:
        print(f"ratio after/before: {best['after'] / best['before']:.2f}")


if __name__ == "__main__":
    main()
