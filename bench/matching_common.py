"""Shared helpers of the matching benchmarks: the machine, memory, warm-up."""

from __future__ import annotations

import os
import platform
import resource
import sys
import time

import numpy as np


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (
        f"platform={platform.platform()} cpu={cpu!r} cpus={os.cpu_count()} "
        f"python={sys.version.split()[0]} numpy={np.__version__}"
    )


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def warm_memory(gigabytes: float) -> None:
    """Touch memory once: on a fresh VM the first touch of a page is far slower than later
    ones, which would be charged to whichever step runs first."""
    block = np.ones(int(gigabytes * 2**30 / 8))
    del block


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def cpu_timed(fn, *args, **kwargs):
    """(result, CPU seconds of this process, all threads): unlike wall time, barely moved
    by other processes on a shared machine."""
    start = time.process_time()
    out = fn(*args, **kwargs)
    return out, time.process_time() - start


def seeks_line(report) -> str:
    """How many pairs meet what the mentee seeks (at least ``criterion_met_ratio`` of the
    criterion's points), the solver's pairs next to the greedy baseline's."""
    met, greedy = report.criteria_met, report.greedy_criteria_met
    return (
        f"mentee's objectives met by the mentor's offer: solve={met.get('objectives', 0)} "
        f"greedy={greedy.get('objectives', 0)}; wished domains: "
        f"solve={met.get('expertise', 0)} greedy={greedy.get('expertise', 0)} "
        f"(of {report.result.matched} and {report.greedy.matched} pairs)"
    )
