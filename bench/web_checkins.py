"""Check-in submissions through the participant pages, against PostgreSQL.

50 concurrent clients each hold a participant's page (cookie and CSRF token, as a browser
would) and submit the check-in form; uvicorn serves the app in its own process. Two runs:
  - saturation: every client submits again as soon as it has its answer (closed loop);
  - paced: the 50 clients together submit at the target rate (200/s), which is how
    latency is judged (a closed loop at saturation measures queueing, not service time).
Target: at least 200 submissions/s with p95 under 50 ms.

    MENTORAT_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/web_checkins.py [--clients 50] [--seconds 10] [--rate 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def app_factory():  # type: ignore[no-untyped-def]
    """The app on a clock inside the check-in month, rate limits raised (one client address)."""
    from datetime import datetime

    from demo.clock import SimulatedClock
    from mentorat.settings import get_settings
    from mentorat.web import create_app
    from mentorat.web.limits import Limits

    limits = Limits(pages_per_client=10**9, posts_per_client=10**9, posts_per_link=10**9)
    return create_app(
        get_settings(),
        limits=limits,
        clock=SimulatedClock(datetime.fromisoformat(os.environ["BENCH_NOW"])),
    )


def serve(database_url: str, port: int, now_iso: str) -> None:
    import uvicorn

    os.environ.update(
        {
            "MENTORAT_DATABASE_URL": database_url,
            "BENCH_NOW": now_iso,
            # The clients send this Origin; the CSRF check compares it with the public URL.
            "MENTORAT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
    )
    workers = int(os.environ.get("BENCH_WORKERS", "1"))
    if workers > 1:
        uvicorn.run(
            "bench.web_checkins:app_factory",
            factory=True,
            workers=workers,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
        )
        return
    app = app_factory()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import signal

        profiler = cProfile.Profile()
        profiler.enable()

        def dump(*_):  # type: ignore[no-untyped-def]
            profiler.disable()
            profiler.dump_stats(os.environ["BENCH_PROFILE"])
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, dump)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def prepare(admin_url: str) -> tuple[str, list[str], str]:
    """A fresh database with a cohort at its first check-ins; the check-in paths."""
    from sqlalchemy import create_engine, text

    from demo.smtp_sink import SmtpSink
    from mentorat import db
    from mentorat.settings import get_settings

    name = f"mentorat_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        admin_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = (
        admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
        + f"/{name}"
    )
    db.upgrade(url)
    os.environ.update(
        {
            "MENTORAT_DATABASE_URL": url,
            "MENTORAT_EMIT_EVENTS": "false",
            "MENTORAT_SECRET_KEY": "bench-secret-key-0123456789abcdef012345",
            "MENTORAT_ENVIRONMENT": "test",
        }
    )
    with SmtpSink() as sink:
        os.environ.update({"MENTORAT_SMTP_HOST": sink.host, "MENTORAT_SMTP_PORT": str(sink.port)})
        get_settings.cache_clear()
        from tests.web.world import build_world

        world = build_world(get_settings(), pairs=40)
    from sqlalchemy import select

    from mentorat.db import session_scope
    from models import Application, CheckIn

    with session_scope(url) as session:
        rows = session.execute(
            select(CheckIn.id, Application.person_id).join(
                Application, Application.id == CheckIn.application_id
            )
        ).all()
    paths = [world.url(person_id, "checkin", checkin_id) for checkin_id, person_id in rows]
    return url, paths, (world.checkins_due_at + timedelta(days=1)).isoformat()


class Connection:
    """A minimal HTTP/1.1 keep-alive client: the load generator must cost far less CPU than
    the server it measures (the two share this machine's cores), as wrk or ab would."""

    def __init__(self, port: int) -> None:
        self.port, self.cookie = port, ""

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Origin: http://127.0.0.1:{self.port}\r\nCookie: {self.cookie}\r\n"
        )
        if body:
            head += (
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n"
            )
        self.writer.write(head.encode() + b"\r\n" + body)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "set-cookie":
                self.cookie = value.strip().split(";", 1)[0]
        return int(status_line.split()[1]), await self.reader.readexactly(length)


async def run(
    port: int, paths: list[str], clients: int, seconds: float, rate: float | None
) -> tuple[int, list[float], int]:
    from urllib.parse import urlencode

    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    interval = clients / rate if rate else 0.0

    async def client(index: int) -> None:
        nonlocal errors
        path = paths[index % len(paths)]
        http = Connection(port)
        await http.open()
        status, page = await http.request("GET", path)
        match = CSRF.search(page.decode())
        assert match, status
        form = urlencode(
            {"csrf": match.group(1), "met": "oui", "meetings": "1", "format": "remote", "mood": "4"}
        ).encode()
        # Spread the paced clients' start over one interval.
        next_at = time.perf_counter() + interval * index / clients
        while True:
            if rate:
                delay = next_at - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                next_at += interval
            if time.perf_counter() >= stop:
                break
            started = time.perf_counter()
            status, _ = await http.request("POST", path, form)
            latencies.append(time.perf_counter() - started)
            if status != 303:
                errors += 1
        http.writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.perf_counter() - began
    return int(len(latencies) / elapsed), latencies, errors


def report(label: str, rps: int, latencies: list[float], errors: int) -> None:
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"{label:<11} {len(latencies):>6} submissions  {rps:>5}/s  "
        f"p50 {cuts[49] * 1000:6.1f} ms  p95 {cuts[94] * 1000:6.1f} ms  errors {errors}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--serve", nargs=3, metavar=("URL", "PORT", "NOW"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]), args.serve[2])
        return 0
    admin = os.environ.get("MENTORAT_TEST_DATABASE_URL")
    if not admin:
        print("set MENTORAT_TEST_DATABASE_URL to a PostgreSQL server", file=sys.stderr)
        return 2
    url, paths, now = prepare(admin)
    from tests.web.live import free_port

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", url, str(port), now],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        import httpx

        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/sante", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        print(
            f"{len(paths)} check-ins, {args.clients} clients, {args.seconds:.0f} s per run, "
            f"PostgreSQL, uvicorn ({os.environ.get('BENCH_WORKERS', '1')} process(es)), "
            f"{os.cpu_count()} cores"
        )
        asyncio.run(run(port, paths, args.clients, 2, None))  # warm-up
        report("saturation", *asyncio.run(run(port, paths, args.clients, args.seconds, None)))
        report(
            f"paced {args.rate:.0f}/s",
            *asyncio.run(run(port, paths, args.clients, args.seconds, args.rate)),
        )
    finally:
        server.terminate()
        server.wait(10)
        from sqlalchemy import create_engine, text

        from mentorat import db

        db.engine_for(url).dispose()
        admin_engine = create_engine(
            admin.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
        )
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
