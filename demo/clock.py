"""A clock the caller drives: simulated time for the demo, the tests and the benchmarks."""

from __future__ import annotations

from datetime import datetime, timedelta

from mentorat.clock import as_utc


class SimulatedClock:
    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        when = as_utc(when)
        if when < self._now:
            raise ValueError("a simulated clock does not go back in time")
        self._now = when

    def advance(self, delta: timedelta) -> None:
        self._now += delta
