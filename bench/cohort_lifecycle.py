"""Benchmark: a whole cohort (default 1,000 pairs) through every phase in simulated time.

Prints the machine, the wall time, the emails sent, emails per second, the Prefect task and
flow runs, and a baseline in the same process: the same messages sent with plain smtplib,
one connection per message. The SMTP server is a real one (aiosmtpd) in another process.

    .venv/bin/python bench/cohort_lifecycle.py --pairs 1000
"""

from __future__ import annotations

import argparse
import os
import platform
import smtplib
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

START = datetime(2027, 9, 6, 7, 0, tzinfo=UTC)


def machine() -> str:
    return (
        f"{platform.node()} · {platform.system()} {platform.machine()} · "
        f"{os.cpu_count()} CPU · Python {platform.python_version()}"
    )


def start_sink(folder: Path) -> tuple[subprocess.Popen[str], int, Path]:
    count = folder / f"count-{time.monotonic_ns()}"
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("smtp_sink_process.py")), str(count)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    return proc, port, count


def stop_sink(proc: subprocess.Popen[str], count: Path) -> int:
    proc.terminate()
    proc.wait(timeout=30)
    return int(count.read_text())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--programme", default="mirhe")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mentorat-bench-"))
    proc, port, count = start_sink(folder)
    os.environ.update(
        {
            "MENTORAT_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "MENTORAT_SMTP_HOST": "127.0.0.1",
            "MENTORAT_SMTP_PORT": str(port),
            "MENTORAT_MAIL_FROM": "Mentorat <mentorat@mentorat.test>",
            "MENTORAT_EMIT_EVENTS": "false",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "WARNING",
        }
    )
    from prefect.client.orchestration import get_client
    from prefect.testing.utilities import prefect_test_harness
    from sqlalchemy import select

    from demo.simulation import run_cohort, setup_cohort
    from flows.cohort import cohort_lifecycle
    from mentorat import db
    from mentorat.delivery import raw_message
    from mentorat.settings import get_settings
    from models import OutboxMessage

    settings = get_settings()
    db.upgrade(settings.database_url)
    print(f"machine: {machine()}")
    print(f"cohort: {args.programme}, {args.pairs} mentees")
    with prefect_test_harness(server_startup_timeout=120):
        began = time.perf_counter()
        code = f"{args.programme.upper()}-{START:%Y}"
        cohort_id, pop = setup_cohort(
            settings, programme=args.programme, pairs=args.pairs, opens_at=START, code=code
        )
        steps = 0

        def run_flow(now: datetime) -> dict:
            nonlocal steps
            steps += 1
            return cohort_lifecycle(code, now=now)

        run_cohort(settings, cohort_id, pop.behaviour, run_flow)
        wall = time.perf_counter() - began
        print(f"whole cohort: {wall:.1f} s wall, {steps} flow runs", flush=True)
        with get_client(sync_client=True) as client:
            flow_runs = client._client.post("/flow_runs/count", json={}).json()
            task_runs = client._client.post("/task_runs/count", json={}).json()
    received = stop_sink(proc, count)
    with db.session_scope(settings.database_url) as session:
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.status == "sent")))
        messages = [(row.to_addr, raw_message(row, settings)) for row in rows]
    print(f"Prefect recorded {flow_runs} flow runs and {task_runs} task runs")
    print(
        f"emails sent: {len(rows)} (server received {received}); "
        f"{len(rows) / wall:.0f} emails/s over the whole cohort, all phases included"
    )

    # Baseline, same process: the same messages, plain smtplib, one connection per message.
    proc, port, count = start_sink(folder)
    sample = messages[: min(len(messages), 3000)]
    began = time.perf_counter()
    for to_addr, raw in sample:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.sendmail(settings.sender_address, [to_addr], raw.replace(b"\n", b"\r\n"))
    baseline = time.perf_counter() - began
    stop_sink(proc, count)
    # Our sender alone, on the same sample, for a like-for-like delivery figure.
    proc, port, count = start_sink(folder)
    os.environ["MENTORAT_SMTP_PORT"] = str(port)
    get_settings.cache_clear()
    from sqlalchemy import update

    from mentorat.db import session_factory
    from mentorat.delivery import send_pending

    ids = [row.id for row in rows[: len(sample)]]
    with db.session_scope(settings.database_url) as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(status="pending")
        )
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id.not_in(ids)).values(status="sent")
        )
    began = time.perf_counter()
    send_pending(session_factory(settings.database_url), get_settings())
    ours = time.perf_counter() - began
    stop_sink(proc, count)
    print(
        f"delivery of {len(sample)} messages: baseline smtplib one connection each "
        f"{len(sample) / baseline:.0f} msg/s; Mentorat sender {len(sample) / ours:.0f} msg/s "
        f"(x{baseline / ours:.2f})"
    )
    print(
        f"target: whole cohort under 120 s -> {'met' if wall < 120 else 'NOT met'} ({wall:.1f} s)"
    )


if __name__ == "__main__":
    main()
