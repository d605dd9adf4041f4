"""Benchmark: how long each operator command takes against a started Prefect server, as the
operator feels it (a new `mentorat` process each time: interpreter, imports, database, API).

A Prefect server started here (tests/realtime/server.py), the `mentorat` process work pool
and `prefect deploy --all`, no worker (the runs handed over stay scheduled); Mentorat on a new
SQLite file (or PostgreSQL with --database postgresql and MENTORAT_TEST_DATABASE_URL). Each
command runs --repeat times: `cohort launch` and `matching approve` on a new cohort each time
(20 pairs by default; the approvals on cohorts whose proposal is made), `cohort run`, `cohort
status` and `matching show` on one launched cohort with a proposal. Then each runs once more
under `python -X importtime`, to say whether it imported Prefect or SciPy.

Prints the machine and its load, per command the median and every wall time (whether it is
under the 2 s goal of issue 8) and the median CPU time of the process (user + system: on a
shared machine the wall clock also measures the other jobs, the CPU time much less).

    .venv/bin/python bench/command_latency.py --repeat 5 [--database postgresql]
        [--profile /tmp/profiles]   # then: python -m pstats /tmp/profiles/cohort-launch

Measured on 2026-12-03 (vm, Linux x86_64, 2 CPU shared with other jobs, load average 3 to 4;
Prefect server on SQLite), median of 5, wall clock / CPU time. Before (commit 2416790, which
imported Prefect to hand a run over and SciPy to read a proposal): `--help` 2.17 / 1.31 s,
`cohort status` 2.67 / 1.73 s, `matching show` 4.39 / 3.00 s, `cohort run` 6.06 / 3.60 s,
`cohort launch` 5.69 / 3.53 s, `matching approve` 8.40 / 5.22 s. After (REST API with
httpx, lazy imports): `--help` 1.58 / 1.03 s, `cohort status` 1.57 / 1.16 s, `matching show`
2.54 / 1.61 s, `cohort run` 2.47 / 1.61 s, `cohort launch` 2.43 / 1.59 s, `matching approve`
3.23 / 1.78 s; none imports Prefect, SciPy, OR-Tools or openpyxl. With --database postgresql
(load 3 to 4): launch 2.05 / 1.85 s, approve 2.20 / 1.84 s, run 1.82 / 1.54 s. Again on
SQLite at load 5 to 6: launch 2.95 / 1.77 s, approve 2.95 / 1.92 s, show 2.22 / 1.49 s. The
wall clock includes the other jobs on the machine: the CPU time is closer to what a quiet
machine would show.

Again on 2026-12-03 17:54 (another vm of the same kind, load 0.9, --database postgresql),
after the renderer became a lazy export and plain-HTTP API calls stopped building a TLS
context: `--help` 0.78 / 0.78 s, `cohort status` 0.91 / 0.88 s, `matching show` 1.05 /
1.04 s, `cohort run` 1.44 / 1.36 s, `cohort launch` 1.57 / 1.46 s, `matching approve`
1.41 / 1.33 s: every command under the 2 s goal.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cohort_lifecycle import machine  # noqa: E402
from realtime_figures import Timed  # noqa: E402

from tests.realtime.server import BIN, ROOT, base_env, prefect_server, run  # noqa: E402

WATCHED = ("prefect", "scipy", "ortools", "fastapi", "openpyxl")


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def mentorat_env(url: str) -> dict[str, str]:
    return {
        "MENTORAT_ENVIRONMENT": "test",
        "MENTORAT_DATABASE_URL": url,
        "MENTORAT_SMTP_HOST": "127.0.0.1",
        "MENTORAT_SMTP_PORT": "9",  # no worker runs: nothing is sent
        "MENTORAT_MAIL_FROM": "Mentorat <mentorat@justice.exemple.fr>",
        "MENTORAT_PUBLIC_URL": "https://mentorat.exemple.fr",
        "MENTORAT_SECRET_KEY": "bench-secret-key-0123456789abcdefghijklmn",
        "MENTORAT_EMIT_EVENTS": "false",
        "COLUMNS": "200",
    }


def imported(args: list[str], env: dict[str, str]) -> str:
    """Which of the WATCHED packages the command imports (one run under -X importtime)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    modules = {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    found = [name for name in WATCHED if name in modules]
    return "imports " + (", ".join(found) if found else "none of " + ", ".join(WATCHED))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--profile", type=Path, help="also run each command once under cProfile, into this folder"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop the server
    if args.database == "postgresql" and not os.environ.get("MENTORAT_TEST_DATABASE_URL"):
        sys.exit("set MENTORAT_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres")
    print(f"machine: {machine()}")
    print(f"load before: {load()}")
    folder = Path(tempfile.mkdtemp(prefix="mentorat-latency-"))
    (folder / "prefect").mkdir()
    try:
        with prefect_server(folder / "prefect") as api:
            env = base_env(folder / "prefect", api)
            for step in (
                ["work-pool", "create", "mentorat", "--type", "process"],
                ["--no-prompt", "deploy", "--all"],
            ):
                done = run([str(BIN / "prefect"), *step], env, timeout=300)
                if done.returncode:
                    sys.exit(done.stdout + done.stderr)
            from tests.conftest import fresh_database  # after the environment: it reads it

            with fresh_database(args.database, folder) as url:
                env.update(mentorat_env(url))
                bench(args, env, url)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"load after: {load()}")


def set_up(args: argparse.Namespace, env: dict[str, str], url: str) -> tuple[list[str], ...]:
    """Cohorts to launch (not launched yet), cohorts with a proposal to approve, and one
    launched cohort with a proposal for the commands that change nothing."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("MENTORAT_")})
    from demo.simulation import setup_cohort
    from mentorat.db import session_scope
    from mentorat.settings import get_settings
    from models import Cohort
    from tasks import matching
    from tests.support import phases

    get_settings.cache_clear()
    settings = get_settings()
    now = datetime.now(UTC).replace(microsecond=0)
    # One more for the -X importtime run, and one for the cProfile run.
    count = args.repeat + 1 + (1 if args.profile else 0)
    began = time.perf_counter()
    to_launch, to_approve = [], []
    for n in range(count):
        code = f"LAT-L{n}"
        cohort_id, _ = setup_cohort(
            settings,
            programme="jaae",
            pairs=args.pairs,
            opens_at=now + timedelta(days=1),
            code=code,
        )
        with session_scope(url) as session:
            cohort = session.get(Cohort, cohort_id)
            assert cohort is not None
            cohort.launched_at = None  # the operator launches it
        to_launch.append(code)
    opened = now - timedelta(days=30)
    for n in range(count + 1):
        code = f"LAT-A{n}"
        cohort_id, _ = setup_cohort(
            settings, programme="jaae", pairs=args.pairs, opens_at=opened, code=code
        )
        phases.advance(settings, cohort_id, matching, opened + timedelta(days=21))
        to_approve.append(code)
    print(
        f"set-up: {len(to_launch)} cohorts to launch, {len(to_approve)} with a proposal "
        f"({args.pairs} pairs each): {time.perf_counter() - began:.1f} s",
        flush=True,
    )
    return to_launch, to_approve[:-1], to_approve[-1:]


def profiled(args: list[str], env: dict[str, str], out: Path) -> None:
    """One run under cProfile (`python -m pstats OUT` reads it)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "cProfile", "-o", str(out), *args]
    subprocess.run(command, env=env, cwd=ROOT, capture_output=True, timeout=300, check=False)


def bench(args: argparse.Namespace, env: dict[str, str], url: str) -> None:
    to_launch, to_approve, (steady,) = set_up(args, env, url)
    cli = [str(BIN / "mentorat")]
    commands = {
        "mentorat --help": lambda n: ["--help"],
        "mentorat cohort status": lambda n: ["cohort", "status", "--cohort", steady],
        "mentorat matching show": lambda n: ["matching", "show", "--cohort", steady],
        "mentorat cohort run": lambda n: ["cohort", "run", "--cohort", steady],
        "mentorat cohort launch": lambda n: ["cohort", "launch", "--cohort", to_launch[n]],
        "mentorat matching approve": lambda n: [
            "matching",
            "approve",
            "--cohort",
            to_approve[n],
            "--by",
            "RH",
        ],
    }
    results: list[tuple[Timed, list[float], str]] = []
    for label, words in commands.items():
        walls, cpus, codes, output = [], [], [], ""
        for n in range(args.repeat):
            began, used = time.perf_counter(), children_cpu()
            done = subprocess.run(
                [*cli, *words(n)], env=env, cwd=ROOT, capture_output=True, text=True, check=False
            )
            walls.append(time.perf_counter() - began)
            cpus.append(children_cpu() - used)
            codes.append(done.returncode)
            output = done.stdout + done.stderr
        timed = Timed(label, walls, codes, output)
        which = imported([str(BIN / "mentorat"), *words(args.repeat)], env)
        if args.profile:
            name = label.removeprefix("mentorat ").replace(" ", "-").replace("--", "")
            profiled([str(BIN / "mentorat"), *words(args.repeat + 1)], env, args.profile / name)
        results.append((timed, cpus, which))
        print(f"{timed.line()}; CPU median {statistics.median(cpus):.2f} s; {which}", flush=True)
        if set(codes) != {0}:
            print(output)
    print(f"\n== median of {args.repeat} runs per command (new process each) ==")
    print("(wall clock as the operator waits; CPU time of the process, which other jobs on the")
    print("machine barely change)")
    for timed, cpus, which in results:
        print(
            f"{timed.command:<28} {timed.median:5.2f} s wall, "
            f"{statistics.median(cpus):5.2f} s CPU  {which}"
        )
    last = results[-1][0].output.strip().splitlines()
    print(f"(last output: {last[-1] if last else ''})")


def children_cpu() -> float:
    """User and system CPU seconds of the finished child processes so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


if __name__ == "__main__":
    main()
