"""Time is injected: every "what is due now" decision takes `now` from a clock.

The system clock in production; the demo and the tests pass their own `now` (the tests
hold a demo.clock.SimulatedClock), so a whole eight-month cohort runs in seconds.

Accelerated real time sits in between, for tests and demonstrations of the real thing
(a Prefect server, workers, the web pages and the mailbox, each its own process): with
MENTORAT_CLOCK_SPEED=N and MENTORAT_CLOCK_ORIGIN=<ISO instant>, every process reads

    now = ORIGIN + N × (real now − ORIGIN)

and a due date D is run by Prefect at the real instant ORIGIN + (D − ORIGIN) / N.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The real clock, accelerated when the settings say so (never in production)."""

    def __init__(self, speed: float | None = None, origin: datetime | None = None) -> None:
        if speed is None:
            from mentorat.settings import get_settings

            settings = get_settings()
            speed, origin = settings.clock_speed, settings.clock_origin
        self.speed = speed
        self.origin = as_utc(origin) if origin is not None else None

    def now(self) -> datetime:
        return self.cohort_instant(datetime.now(UTC))

    def cohort_instant(self, real: datetime) -> datetime:
        if self.origin is None or self.speed == 1.0:
            return as_utc(real)
        return self.origin + (as_utc(real) - self.origin) * self.speed

    def real_instant(self, cohort: datetime) -> datetime:
        """When, on the wall clock, the cohort's clock shows `cohort`."""
        if self.origin is None or self.speed == 1.0:
            return as_utc(cohort)
        return self.origin + (as_utc(cohort) - self.origin) / self.speed


def as_utc(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; everything we store is UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
