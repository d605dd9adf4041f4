"""The simulated participants of bench/realtime_cohort.py, answering while the cohort runs
on its own in accelerated real time (a thread beside the one that watches the phase)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime


class Answering(threading.Thread):
    """The simulated participants (demo.participants) answering, a turn a second, on the
    accelerated clock, with events on (urgent answers wake the cohort as in production)."""

    def __init__(self, speed: float, origin: str, cohort_id: int, behaviour: dict[str, str]):
        super().__init__(daemon=True)
        from demo.participants import Participants
        from mentorat.clock import SystemClock
        from mentorat.settings import get_settings

        self.clock = SystemClock(speed, datetime.fromisoformat(origin))
        self.people = Participants(get_settings(), cohort_id, behaviour)
        self.refused = refusals_counted()
        self.failures: Counter[str] = Counter()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.people.act(self.clock.now())
            except Exception as exc:  # e.g. a race with a run: counted, tried again
                self.failures[type(exc).__name__] += 1
            self.stop.wait(1)


def refusals_counted() -> Counter[str]:
    """A refused answer (ServiceError) is counted and skipped, not the whole turn.

    demo.participants answers a turn in one transaction, right on a simulated clock; here
    the cohort's clock runs on while the runs lag behind it, so a check-in can close between
    the moment it is read as open and the answer, as it would for a person on the web page.
    The services check before they change anything, so nothing is left half done; no
    savepoint, because SQLAlchemy fires after_commit when a savepoint is released."""
    import demo.participants
    from mentorat.services import ServiceError, answers

    refused: Counter[str] = Counter()

    class Refusable:
        def __getattr__(self, name: str) -> Callable[..., object]:
            service = getattr(answers, name)

            def answer(*args: object, **kwargs: object) -> object:
                try:
                    return service(*args, **kwargs)
                except ServiceError as exc:
                    refused[f"{name}: {exc}"] += 1
                    return None

            return answer

    vars(demo.participants)["answers"] = Refusable()
    return refused
