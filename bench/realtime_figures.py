"""What bench/realtime_cohort.py reads and times: a cohort's runs as the Prefect server
reports them, and operator commands timed as an operator feels them (a new process each).

Server readings go through Prefect's REST API (httpx), not its client, so that reading them
does not import Prefect into the bench process before its settings are in the environment.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from pydantic import TypeAdapter

PAGE = 200  # the server's largest page (PREFECT_API_DEFAULT_LIMIT)
_DURATION = TypeAdapter(timedelta)


def seconds(value: Any) -> float:
    """A duration from the API (float seconds or ISO 8601), in seconds; 0 when missing."""
    return 0.0 if value is None else _DURATION.validate_python(value).total_seconds()


def _all(api: str, path: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    while True:
        page = httpx.post(f"{api}{path}", json={**body, "limit": PAGE, "offset": len(rows)})
        page.raise_for_status()
        rows += page.json()
        if len(page.json()) < PAGE:
            return rows


def cohort_flow_runs(api: str, code: str) -> list[dict[str, Any]]:
    """Every flow run tagged with the cohort's code (as the product tags them)."""
    return _all(api, "/flow_runs/filter", {"flow_runs": {"tags": {"all_": [f"cohort:{code}"]}}})


def delete_flow_runs(api: str, runs: list[dict[str, Any]]) -> None:
    for run in runs:
        httpx.delete(f"{api}/flow_runs/{run['id']}").raise_for_status()


def count(api: str, what: str, body: dict[str, Any] | None = None) -> int:
    done = httpx.post(f"{api}/{what}/count", json=body or {})
    done.raise_for_status()
    return int(done.json())


def task_runs_of(api: str, flow_run_ids: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for start in range(0, len(flow_run_ids), 50):  # keep each filter body small
        ids = flow_run_ids[start : start + 50]
        rows += _all(api, "/task_runs/filter", {"flow_runs": {"id": {"any_": ids}}})
    return rows


def busy(runs: list[dict[str, Any]]) -> int:
    """Runs a worker holds or is about to take (not the ones scheduled for later)."""
    return sum(r["state_type"] in {"PENDING", "RUNNING"} for r in runs)


@dataclass
class RunFigures:
    flow_runs: int
    states: dict[str, int]
    executed: int  # flow runs that started (whatever their end)
    task_runs: int
    overheads: list[float] = field(default_factory=list)  # s, per executed run
    run_times: list[float] = field(default_factory=list)  # s, Prefect's total_run_time
    start_lags: list[float] = field(default_factory=list)  # s, expected start -> running

    def lines(self) -> list[str]:
        def stats(values: list[float]) -> str:
            if not values:
                return "n/a"
            return (
                f"median {statistics.median(values):.2f} s, mean {statistics.fmean(values):.2f} s,"
                f" max {max(values):.2f} s"
            )

        return [
            f"flow runs of the cohort (tag cohort:CODE): {self.flow_runs} {self.states}",
            f"  of which executed (reached Running): {self.executed}",
            f"task runs of those flow runs: {self.task_runs}",
            f"flow run time as Prefect reports it (total_run_time): {stats(self.run_times)}",
            "Prefect overhead per run (total_run_time - sum of its task runs' run times): "
            + stats(self.overheads),
            "start lag per run (expected start -> start: worker poll + process start): "
            + stats(self.start_lags),
        ]


def run_figures(api: str, code: str) -> RunFigures:
    from datetime import datetime

    runs = cohort_flow_runs(api, code)
    states: dict[str, int] = {}
    for run in runs:
        states[run["state_type"]] = states.get(run["state_type"], 0) + 1
    started = [r for r in runs if r.get("start_time")]
    tasks = task_runs_of(api, [r["id"] for r in runs])
    by_run: dict[str, float] = {}
    for task in tasks:
        by_run[task["flow_run_id"]] = by_run.get(task["flow_run_id"], 0.0) + seconds(
            task.get("total_run_time")
        )
    figures = RunFigures(len(runs), states, len(started), len(tasks))
    for run in started:
        total = seconds(run.get("total_run_time"))
        figures.run_times.append(total)
        figures.overheads.append(total - by_run.get(run["id"], 0.0))
        if run.get("expected_start_time"):
            lag = datetime.fromisoformat(run["start_time"]) - datetime.fromisoformat(
                run["expected_start_time"]
            )
            figures.start_lags.append(lag.total_seconds())
    return figures


@dataclass
class Timed:
    command: str
    walls: list[float]
    codes: list[int]
    output: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    def line(self) -> str:
        walls = ", ".join(f"{w:.2f}" for w in self.walls)
        verdict = "under 2 s" if self.median < 2 else "ABOVE 2 s"
        codes = "" if set(self.codes) == {0} else f" exit codes {self.codes}!"
        return f"{self.command:<45} median {self.median:5.2f} s ({walls}) {verdict}{codes}"


def time_command(
    args: list[str], env: dict[str, str], cwd: Path, repeat: int = 3, label: str = ""
) -> Timed:
    """Wall clock of a whole command (process start, imports, work), `repeat` times."""
    walls, codes, output = [], [], ""
    for _ in range(repeat):
        began = time.perf_counter()
        done = subprocess.run(
            args, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
        )
        walls.append(time.perf_counter() - began)
        codes.append(done.returncode)
        output = done.stdout + done.stderr
    return Timed(label or " ".join(args[1:]), walls, codes, output)


def import_breakdown(args: list[str], env: dict[str, str], cwd: Path, top: int = 10) -> list[str]:
    """Run the command once under `python -X importtime`: its wall time, the total import
    time, the `top` modules by cumulative import time (at any depth: the chain shows which
    of our modules pulls in what) and the import time of each package, self times summed."""
    began = time.perf_counter()
    done = subprocess.run(
        [args[0], "-X", "importtime", *args[1:]],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    wall = time.perf_counter() - began
    entries: list[tuple[int, int, str]] = []  # cumulative us, self us, name with its indent
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own_us, cumulative_us, module = line.removeprefix("import time:").split("|")
        entries.append((int(cumulative_us), int(own_us), module.rstrip()))
    total = sum(own for _, own, _ in entries) / 1e6
    packages: dict[str, int] = {}
    for _, own, indented in entries:
        root = indented.strip().split(".")[0]
        packages[root] = packages.get(root, 0) + own
    lines = [
        f"  under -X importtime: {wall:.2f} s wall (importtime slows it), of which imports "
        f"{total:.2f} s; the rest ({wall - total:.2f} s) is interpreter start, settings, the "
        "database and Prefect API calls",
        f"  top {top} modules by cumulative import time (depth shown by indent):",
    ]
    for cumulative, _, indented in sorted(entries, reverse=True)[:top]:
        lines.append(f"    {cumulative / 1e6:6.2f} s {indented}")
    heaviest = sorted(packages.items(), key=lambda item: -item[1])[:top]
    lines.append(
        "  import time by package: "
        + ", ".join(f"{name} {us / 1e6:.2f} s" for name, us in heaviest)
    )
    return lines
