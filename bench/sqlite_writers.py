"""Benchmark: concurrent writers on one SQLite file, under each way of starting transactions.

What runs at once, for `--seconds`, against one SQLite database (WAL) holding a cohort at its
first check-ins:
  - the participant pages: uvicorn (`--workers` processes, its thread pool in each),
    `--clients` browsers submitting the check-in form and `--readers` loading check-in
    pages, each as fast as it gets answers;
  - replies by email: `--repliers` processes handing signed replies to the reply channel's
    handling (mentorat.inbound.process.handle, as the LMTP server does);
  - a phase: one process whose transactions read the cohort's check-ins, work for
    `--phase-ms`, then write (as a phase task does, in its own transaction).
Printed per side: what was done, per second, the pages' p95, and errors (a submission that
is not a redirect, 0 when the server closed the connection without an answer; a reply or a
phase transaction that raised, "database is locked" among them).

Modes (`--mode`, several allowed; each on a fresh copy of the database):
  - before: mentorat/db.py of `--before` (pysqlite's legacy transactions: BEGIN only before
    an INSERT/UPDATE/DELETE, so a SAVEPOINT before any write commits on release);
  - recipe: SQLAlchemy's pysqlite recipe as documented (BEGIN when the transaction opens);
  - immediate: the same with BEGIN IMMEDIATE (the write lock taken at the first read);
  - after: the working tree's mentorat/db.py (BEGIN IMMEDIATE before the first write).

    .venv/bin/python bench/sqlite_writers.py [--mode before recipe immediate after]
        [--seconds 10] [--clients 20] [--readers 5] [--workers 2] [--repliers 1]
        [--phase-ms 50] [--before 9b3e9df]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cohort_lifecycle import machine  # noqa: E402

SECRET = "bench-secret-key-0123456789abcdef012345"


def db_module(revision: str) -> ModuleType:
    """mentorat/db.py as it was at `revision`, imported from git under another name."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{revision}:mentorat/db.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    spec = importlib.util.spec_from_loader("db_before", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, f"{revision}:mentorat/db.py", "exec"), module.__dict__)  # noqa: S102
    return module


def use_mode() -> None:
    """In a worker process: make mentorat.db build its engines as BENCH_DB_MODE says."""
    mode = os.environ.get("BENCH_DB_MODE", "after")
    if mode == "after":
        return
    from sqlalchemy import Connection, Engine, event

    from mentorat import db

    if mode == "before":
        db.make_engine = db_module(os.environ["BENCH_DB_REVISION"]).make_engine
    else:
        # SQLAlchemy's recipe on top of the working tree's engine: its BEGIN comes first, so
        # the engine's own BEGIN at the first write never fires.
        begin = "BEGIN IMMEDIATE" if mode == "immediate" else "BEGIN"
        make_engine = db.make_engine

        def at_first_read(url: str) -> Engine:
            engine = make_engine(url)

            @event.listens_for(engine, "begin")
            def _begin(conn: Connection) -> None:
                conn.exec_driver_sql(begin)

            return engine

        db.make_engine = at_first_read
    db.engine_for.cache_clear()


def app_factory():  # type: ignore[no-untyped-def]
    use_mode()
    from bench.web_checkins import app_factory as checkin_app

    return checkin_app()


def serve(port: int, workers: int) -> None:
    import uvicorn

    os.environ["MENTORAT_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    uvicorn.run(
        "bench.sqlite_writers:app_factory",
        factory=True,
        workers=workers,
        host="127.0.0.1",
        port=port,
        log_level=os.environ.get("BENCH_LOG_LEVEL", "critical"),
        access_log=False,
    )


def settings_env(url: str, now: datetime) -> dict[str, str]:
    return {
        "MENTORAT_DATABASE_URL": url,
        "MENTORAT_EMIT_EVENTS": "false",
        "MENTORAT_SECRET_KEY": SECRET,
        "MENTORAT_ENVIRONMENT": "test",
        "MENTORAT_MAIL_FROM": "Mentorat <mentorat@justice.exemple.fr>",
        "MENTORAT_PUBLIC_URL": "https://mentorat.exemple.fr",
        "BENCH_NOW": now.isoformat(),
    }


def prepare(folder: Path) -> tuple[str, list[dict[str, Any]], datetime]:
    """A migrated SQLite file with a cohort at its first check-ins, and each check-in's
    page path, participant and signed reply address."""
    from sqlalchemy import select

    from demo.smtp_sink import SmtpSink
    from mentorat import db
    from mentorat.db import session_scope
    from mentorat.links import reply_address
    from mentorat.settings import get_settings
    from models import Application, CheckIn, Person

    url = f"sqlite:///{folder / 'template.db'}"
    db.upgrade(url)
    with SmtpSink() as sink:
        os.environ.update(settings_env(url, datetime.now()))
        os.environ.update({"MENTORAT_SMTP_HOST": sink.host, "MENTORAT_SMTP_PORT": str(sink.port)})
        get_settings.cache_clear()
        from tests.web.world import build_world

        world = build_world(get_settings(), pairs=40)
    settings = get_settings()
    with session_scope(url) as session:
        rows = session.execute(
            select(CheckIn.id, Person.id, Person.email)
            .join(Application, Application.id == CheckIn.application_id)
            .join(Person, Person.id == Application.person_id)
        ).all()
    checkins = [
        {
            "path": world.url(person_id, "checkin", checkin_id),
            "email": email,
            "reply_to": reply_address(settings, person_id, "checkin", checkin_id),
        }
        for checkin_id, person_id, email in rows
    ]
    db.engine_for(url).dispose()
    os.environ.pop("MENTORAT_SMTP_HOST", None)
    return url, checkins, world.checkins_due_at + timedelta(days=1)


# -- the writers besides the pages, each in its own process -------------------------------


def replier(checkins_file: str, seconds: float, seed: int) -> dict[str, Any]:
    use_mode()
    from mentorat.inbound.process import handle
    from mentorat.settings import get_settings
    from tests.inbound import replies

    settings = get_settings()
    now = datetime.fromisoformat(os.environ["BENCH_NOW"])
    checkins = json.loads(Path(checkins_file).read_text())
    rng = random.Random(seed)
    errors: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        checkin = rng.choice(checkins)
        answer = rng.choice(["Oui, on s’est vus.", "Pas encore.", "Non, pas ce mois-ci."])
        raw = replies.outlook(checkin["email"], checkin["reply_to"], "Point", answer, "…")
        try:
            outcomes[handle(settings, raw, now=now).outcome] += 1
        except Exception as exc:
            errors[error_name(exc)] += 1
    return {"done": sum(outcomes.values()), "errors": dict(errors), "outcomes": dict(outcomes)}


def phase(seconds: float, work_ms: float) -> dict[str, Any]:
    """Transactions shaped like a phase: read the cohort's rows, work, then write."""
    use_mode()
    from sqlalchemy import select

    from mentorat.db import session_scope
    from mentorat.services import audit
    from mentorat.settings import get_settings
    from models import CheckIn

    url = get_settings().database_url
    now = datetime.fromisoformat(os.environ["BENCH_NOW"])
    done = 0
    errors: Counter[str] = Counter()
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        try:
            with session_scope(url) as session:
                rows = list(session.scalars(select(CheckIn)))
                time.sleep(work_ms / 1000)
                for row in rows[:20]:
                    audit.record(
                        session,
                        at=now,
                        actor="system",
                        action="bench.phase",
                        entity="checkin",
                        entity_id=row.id,
                        cohort_id=row.cohort_id,
                    )
            done += 1
        except Exception as exc:
            errors[error_name(exc)] += 1
    return {"done": done, "errors": dict(errors)}


def error_name(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).splitlines()[0][:60]
    return f"{type(exc).__name__}: {text}"


def child(role: str, args: list[str]) -> None:
    try:
        if role == "replier":
            result = replier(args[0], float(args[1]), int(args[2]))
        else:
            result = phase(float(args[0]), float(args[1]))
    except Exception:
        traceback.print_exc()
        raise
    print(json.dumps(result), flush=True)


# -- one mode -----------------------------------------------------------------------------


async def pages(
    port: int, paths: list[str], clients: int, readers: int, seconds: float
) -> dict[str, dict[str, Any]]:
    """`clients` submit the check-in form, `readers` load check-in pages, as fast as they can.
    A connection the server closes (an error it could not answer) is opened again."""
    from urllib.parse import urlencode

    from bench.web_checkins import CSRF, Connection

    sides: dict[str, tuple[list[float], Counter[int]]] = {
        "posts": ([], Counter()),
        "gets": ([], Counter()),
    }
    stop = time.perf_counter() + seconds

    async def page(http: Connection, path: str) -> str:
        status, body = await http.request("GET", path)
        assert status == 200, status
        return body.decode()

    async def client(index: int, side: str) -> None:
        latencies, statuses = sides[side]
        path = paths[index % len(paths)]
        http = Connection(port)
        await http.open()
        match = CSRF.search(await page(http, path))
        assert match
        form = urlencode(
            {"csrf": match.group(1), "met": "oui", "meetings": "1", "format": "remote", "mood": "4"}
        ).encode()
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                if side == "posts":
                    status, _ = await http.request("POST", path, form)
                else:
                    status, _ = await http.request("GET", path)
            except (IndexError, ConnectionError, asyncio.IncompleteReadError):
                status = 0  # closed without an answer
                http.writer.close()
                cookie, http = http.cookie, Connection(port)
                http.cookie = cookie
                await http.open()
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1
        http.writer.close()

    await asyncio.gather(
        *(client(i, "posts") for i in range(clients)),
        *(client(clients + i, "gets") for i in range(readers)),
    )
    results = {}
    for side, (latencies, statuses) in sides.items():
        if not latencies:
            continue
        cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
        ok = 303 if side == "posts" else 200
        results[side] = {
            "done": statuses[ok],
            "errors": {str(code): n for code, n in statuses.items() if code != ok},
            "p95_ms": round(cuts[94] * 1000, 1),
        }
    return results


def run_mode(
    mode: str, template: Path, checkins: list[dict[str, Any]], now: datetime, options: Any
) -> dict[str, dict[str, Any]]:
    from tests.web.live import free_port

    folder = Path(tempfile.mkdtemp(prefix=f"mentorat-sqlite-{mode}-"))
    path = folder / "mentorat.db"
    shutil.copy(template, path)
    url = f"sqlite:///{path}"
    env = {**os.environ, **settings_env(url, now), "PYTHONPATH": str(ROOT)}
    env.update({"BENCH_DB_MODE": mode, "BENCH_DB_REVISION": options.before})
    checkins_file = folder / "checkins.json"
    checkins_file.write_text(json.dumps(checkins))
    port = free_port()
    me = [sys.executable, __file__]
    server = subprocess.Popen([*me, "--serve", str(port), str(options.workers)], cwd=ROOT, env=env)
    children: list[tuple[str, subprocess.Popen[str]]] = []
    try:
        import httpx

        for _ in range(200):
            try:
                httpx.get(f"http://127.0.0.1:{port}/sante", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        seconds = str(options.seconds)
        for n in range(options.repliers):
            command = [*me, "--child", "replier", str(checkins_file), seconds, str(n)]
            children.append(("replies", popen(command, env)))
        if options.phase_ms >= 0:
            command = [*me, "--child", "phase", seconds, str(options.phase_ms)]
            children.append(("phase", popen(command, env)))
        paths = [c["path"] for c in checkins]
        results = asyncio.run(pages(port, paths, options.clients, options.readers, options.seconds))
        for name, proc in children:
            out, _ = proc.communicate(timeout=options.seconds + 120)
            result = json.loads(out.strip().splitlines()[-1])
            if name in results:
                merged = results[name]
                merged["done"] += result["done"]
                for key, n in result["errors"].items():
                    merged["errors"][key] = merged["errors"].get(key, 0) + n
            else:
                results[name] = result
    finally:
        for _, proc in children:
            if proc.poll() is None:
                proc.kill()
        server.terminate()
        server.wait(30)
        shutil.rmtree(folder, ignore_errors=True)
    return results


def popen(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", nargs="+", default=["before", "recipe", "immediate", "after"])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--readers", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repliers", type=int, default=1)
    parser.add_argument("--phase-ms", type=float, default=50.0, help="-1: no phase process")
    parser.add_argument("--before", default="9b3e9df", help="git revision of the 'before' db.py")
    parser.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        serve(int(options.serve[0]), int(options.serve[1]))
        return 0
    if options.child:
        child(options.child[0], options.child[1:])
        return 0
    folder = Path(tempfile.mkdtemp(prefix="mentorat-sqlite-bench-"))
    try:
        url, checkins, now = prepare(folder)
        template = Path(url.split("///", 1)[1])
        print(f"machine: {machine()}")
        print(
            f"{len(checkins)} check-ins; {options.seconds:.0f} s per mode; pages: uvicorn × "
            f"{options.workers}, {options.clients} submitting, {options.readers} reading; "
            f"repliers: {options.repliers}; "
            f"phase: {'none' if options.phase_ms < 0 else f'{options.phase_ms:.0f} ms of work'}"
        )
        for mode in options.mode:
            results = run_mode(mode, template, checkins, now, options)
            for side, result in results.items():
                rate = result["done"] / options.seconds
                extra = f"  p95 {result['p95_ms']} ms" if "p95_ms" in result else ""
                print(
                    f"{mode:<7} {side:<8} {result['done']:>6} done  {rate:7.1f}/s{extra}  "
                    f"errors {sum(result['errors'].values())} {result['errors'] or ''}"
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
