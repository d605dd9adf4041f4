"""Benchmark: a whole cohort (default 200 pairs) in accelerated real time on a started Prefect
server, with the `mentorat` process work pool, `prefect deploy --all` and two workers; and
the latency of each operator command against that running server.

The recipe is the real-time test's (tests/realtime/test_cohort_runs_by_itself.py): Mentorat
on a new PostgreSQL database, a real SMTP server (demo.smtp_sink, in its own process), the
accelerated clock (MENTORAT_CLOCK_SPEED / MENTORAT_CLOCK_ORIGIN, mentorat/clock.py). The
operator launches the cohort and approves the pairs with the command line; the simulated
participants (demo.participants) answer through the service layer with events on, as the
web pages would, so urgent answers wake the cohort as they do in production (item 5).

Before the launch, with no worker running, `cohort status` and `cohort run` are timed three
times each (the runs `cohort run` hands over are then deleted, so they are not counted);
`cohort launch` once; `matching show` three times when the proposal is there, and `matching
approve` once. A command above 2 s is run again under `python -X importtime`.

Prints the machine and its load, the wall time, the cohort's flow runs and task runs as the
server reports them, the emails the SMTP server received, and the Prefect overhead per run.

    MENTORAT_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/realtime_cohort.py --pairs 200

Measured on 2026-12-03 (vm, Linux x86_64, 2 CPU shared with other jobs, load average 6 to 9
during the run; Prefect server on SQLite, its default), 200 pairs, clock x70000, 2 workers:
wall time 389 s from the launch to "closed"; 22 flow runs of the cohort (21 completed, 1
cancelled: the run waiting for approval), 80 task runs; 4,928 emails received by the SMTP
server (= the outbox's 4,928 sent); per run: Prefect's total_run_time median 4.4 s (mean
12.6 s), overhead (run time minus its task runs) median 1.1 s, mean 1.6 s; start lag
(expected start to Running) median 30 s. Commands (median of 3, new process each):
`--help` 2.8 s, `cohort status` 3.7 s, `cohort run` 5.6 s, `cohort launch` 9.1 s (once),
`matching show` 8.6 s, `matching approve` 9.0 s (once): none under 2 s on this machine;
import time dominates (`mentorat.cli` imports the web app, SQLAlchemy, openpyxl, numpy
eagerly; `prefect` adds 2 to 4 s to the commands that hand a run over).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cohort_lifecycle import machine, start_sink, stop_sink  # noqa: E402
from realtime_answers import Answering  # noqa: E402
from realtime_figures import (  # noqa: E402
    Timed,
    busy,
    cohort_flow_runs,
    count,
    delete_flow_runs,
    import_breakdown,
    run_figures,
    time_command,
)

from tests.realtime.server import BIN, ROOT, base_env, prefect_server, run, stop  # noqa: E402


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def mentorat_env(url: str, port: int, speed: float, origin: datetime) -> dict[str, str]:
    return {
        "MENTORAT_ENVIRONMENT": "test",
        "MENTORAT_DATABASE_URL": url,
        "MENTORAT_SMTP_HOST": "127.0.0.1",
        "MENTORAT_SMTP_PORT": str(port),
        "MENTORAT_MAIL_FROM": "Mentorat <mentorat@justice.exemple.fr>",
        "MENTORAT_PUBLIC_URL": "https://mentorat.exemple.fr",
        "MENTORAT_SECRET_KEY": "bench-secret-key-0123456789abcdefghijklmn",
        "MENTORAT_CLOCK_SPEED": str(speed),
        "MENTORAT_CLOCK_ORIGIN": origin.isoformat(),
        "MENTORAT_EMIT_EVENTS": "true",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--speed", type=float, default=70_000, help="cohort seconds per real s")
    parser.add_argument("--programme", default="jaae")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--lead", type=float, default=90, help="real s before the call opens")
    parser.add_argument("--limit", type=float, default=1800, help="real seconds at most")
    args = parser.parse_args()
    # Stopped from outside: still stop the server, the workers and the SMTP server (finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not os.environ.get("MENTORAT_TEST_DATABASE_URL"):
        sys.exit("set MENTORAT_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres")
    code = f"BENCH-{args.programme.upper()}"
    print(f"machine: {machine()}")
    print(f"load before: {load()}")
    print(
        f"cohort: {args.programme}, {args.pairs} pairs, clock x{args.speed:g}, {args.workers} "
        "workers",
        flush=True,
    )
    folder = Path(tempfile.mkdtemp(prefix="mentorat-rt-bench-"))
    (folder / "prefect").mkdir()
    sink, port, sink_count = start_sink(folder)
    try:
        with prefect_server(folder / "prefect") as api:
            env = {**base_env(folder / "prefect", api)}
            began = time.perf_counter()
            for step in (
                ["work-pool", "create", "mentorat", "--type", "process"],
                ["--no-prompt", "deploy", "--all"],
            ):
                done = run([str(BIN / "prefect"), *step], env, timeout=300)
                if done.returncode:
                    sys.exit(done.stdout + done.stderr)
            print(f"work pool and prefect deploy --all: {time.perf_counter() - began:.1f} s")
            # The call opens `--lead` s from now on the cohort's clock: set-up and timings first.
            origin = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=args.lead)
            bench(args, code, api, env, port, origin, folder)
    finally:
        received = stop_sink(sink, sink_count)
        print(f"emails received by the SMTP server: {received}")
        print(f"load after: {load()}")


def bench(
    args: argparse.Namespace,
    code: str,
    api: str,
    env: dict[str, str],
    port: int,
    origin: datetime,
    folder: Path,
) -> None:
    from tests.conftest import fresh_database  # after the environment: it reads it

    with fresh_database("postgresql", folder) as url:
        env.update(mentorat_env(url, port, args.speed, origin))
        # This process answers for the participants: its events must reach the same server.
        os.environ.update({k: v for k, v in env.items() if k.startswith(("PREFECT_", "MENTORAT"))})
        from mentorat.settings import get_settings

        get_settings.cache_clear()
        settings = get_settings()
        from demo.simulation import setup_cohort
        from mentorat.db import session_scope
        from models import Cohort

        began = time.perf_counter()
        opens = origin + timedelta(hours=6)
        cohort_id, pop = setup_cohort(
            settings, programme=args.programme, pairs=args.pairs, opens_at=opens, code=code
        )
        with session_scope(url) as session:
            cohort = session.get(Cohort, cohort_id)
            assert cohort is not None
            cohort.launched_at = None  # the operator launches it
        print(f"cohort set up ({len(pop.rows)} candidates): {time.perf_counter() - began:.1f} s")

        cli = str(BIN / "mentorat")
        timed: dict[str, Timed] = {}
        for label, command in (
            ("mentorat --help (start-up alone)", ["--help"]),
            ("mentorat cohort status --cohort CODE", ["cohort", "status", "--cohort", code]),
            ("mentorat cohort run --cohort CODE", ["cohort", "run", "--cohort", code]),
        ):
            timed[label] = time_command([cli, *command], env, ROOT, label=label)
            print(timed[label].line(), flush=True)
        handed = cohort_flow_runs(api, code)
        delete_flow_runs(api, handed)  # not the cohort's own runs: not counted
        print(f"({len(handed)} runs handed over by `cohort run` deleted before the launch)")

        workers = [
            subprocess.Popen(
                [str(BIN / "prefect"), "worker", "start", "--pool", "mentorat", "--name", name],
                env=env,
                stdout=(folder / f"{name}.log").open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            for name in (f"worker-{n}" for n in range(1, args.workers + 1))
        ]
        try:
            wait = (origin - datetime.now(UTC)).total_seconds() - 2
            if wait > 0:
                time.sleep(wait)  # the wall time then measures the cohort, not the set-up
            else:
                print(f"(set-up ran {-wait:.0f} s past the planned call opening)")
            label = "mentorat cohort launch --cohort CODE"
            timed[label] = time_command(
                [cli, "cohort", "launch", "--cohort", code], env, ROOT, repeat=1, label=label
            )
            print(timed[label].line(), flush=True)
            started = time.perf_counter()
            phase = drive(args, code, api, env, url, cohort_id, pop.behaviour, timed)
            wall = time.perf_counter() - started
            # Runs already started finish; what is left scheduled is counted as such.
            deadline = time.monotonic() + 120
            while busy(cohort_flow_runs(api, code)) and time.monotonic() < deadline:
                time.sleep(2)
        finally:
            for worker in workers:
                stop(worker)
        report(args, code, api, url, cohort_id, phase, wall, timed, env)


def drive(
    args: argparse.Namespace,
    code: str,
    api: str,
    env: dict[str, str],
    url: str,
    cohort_id: int,
    behaviour: dict[str, str],
    timed: dict[str, Timed],
) -> str:
    """Until the cohort closes: the operator approves the proposal with the command line
    (timing `matching show` first), the participants answer what they received.

    The participants answer in a thread: their urgent answers ask the server for a run,
    which can wait on the client's retries while the server is busy; this thread watches
    the phase, so the wall time ends when the cohort closes."""
    from sqlalchemy import select

    from mentorat.db import session_scope
    from models import Cohort, MatchingDecision

    cli = str(BIN / "mentorat")
    deadline = time.monotonic() + args.limit
    answering: Answering | None = None
    phase = ""
    while time.monotonic() < deadline:
        with session_scope(url) as session:
            cohort = session.get(Cohort, cohort_id)
            assert cohort is not None
            phase = cohort.phase
            proposed = session.scalar(
                select(MatchingDecision.id).where(
                    MatchingDecision.cohort_id == cohort_id, MatchingDecision.status == "proposed"
                )
            )
        if phase == "closed":
            break
        if proposed and answering is None:
            for label, command, repeat in (
                ("mentorat matching show --cohort CODE", ["matching", "show"], 3),
                ("mentorat matching approve --cohort CODE", ["matching", "approve"], 1),
            ):
                extra = ["--by", "RH"] if command[-1] == "approve" else []
                timed[label] = time_command(
                    [cli, *command, "--cohort", code, *extra], env, ROOT, repeat, label
                )
                print(timed[label].line(), flush=True)
            # Nothing to answer before the pairs; the approval is the command line's.
            answering = Answering(args.speed, env["MENTORAT_CLOCK_ORIGIN"], cohort_id, behaviour)
            answering.start()
        time.sleep(1)
    if answering is not None:
        answering.stop.set()
        answering.join(300)
        print(f"participants' answers: {dict(answering.people.answers)}")
        print(f"answers refused (a web page would refuse them too): {dict(answering.refused)}")
        print(f"turns that failed: {dict(answering.failures)}")
    return phase


def report(
    args: argparse.Namespace,
    code: str,
    api: str,
    url: str,
    cohort_id: int,
    phase: str,
    wall: float,
    timed: dict[str, Timed],
    env: dict[str, str],
) -> None:
    from sqlalchemy import func, select

    from mentorat.db import session_scope
    from models import OutboxMessage

    figures = run_figures(api, code)
    with session_scope(url) as session:
        outbox = dict(
            session.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.cohort_id == cohort_id)
                .group_by(OutboxMessage.status)
            )
            .tuples()
            .all()
        )
    print()
    print(f"== {args.pairs}-pair cohort, clock x{args.speed:g}, {args.workers} workers ==")
    print(f"final phase: {phase}; wall time from the launch: {wall:.1f} s ({wall / 60:.1f} min)")
    for line in figures.lines():
        print(line)
    print(
        f"all flow runs on the server: {count(api, 'flow_runs')} (sweeper included); "
        f"all task runs: {count(api, 'task_runs')}"
    )
    print(f"outbox of the cohort: {outbox}")
    print(
        f"item 5 goal (under 100 flow runs over a 1,000-pair cohort): {figures.flow_runs} flow "
        f"runs for {args.pairs} pairs"
    )
    print("\n== operator commands against the running server (wall clock, new process) ==")
    for item in timed.values():
        print(item.line())
    for label, item in timed.items():
        if item.median >= 2 and "launch" not in label and "approve" not in label:
            words = label.replace("CODE", code).split()[1:]
            print(f"{label}: where the time goes")
            for line in import_breakdown(
                [sys.executable, str(BIN / "mentorat"), *words], env, ROOT
            ):
                print(line)


if __name__ == "__main__":
    main()
