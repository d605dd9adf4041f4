"""The work of a fresh-link request, done outside the request.

Looking the person up, listing what they can still answer, rendering and sending the email
take tens of milliseconds for a known address and almost nothing for an unknown one: done
inside the request, the answer's timing would tell who takes part in a programme. The page
only hands the request to this worker and answers at once, the same for everyone.

The request is handed over after its answer is sent (a background task of the response), and
the worker waits a moment before each one: otherwise its work, sharing the interpreter with
the request that queued it, would still slow that answer down (measured: 7.7 against 5.0 ms).

One thread per app, a bounded queue in memory. The email is written to the outbox
(`fresh_links.send`, one per person and hour) and delivered right after its commit; if that
delivery fails, the cohort run's delivery sends it. A request still in the queue when the
process stops is lost: the participant asks again (nothing was promised but a best effort).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorat import links
from mentorat.services import notices
from mentorat.settings import Settings
from mentorat.web import fresh_links
from models import Person

log = logging.getLogger(__name__)
# An expired link still names its person: only its signature is checked.
ANY_AGE_SECONDS = 10 * 365 * 86400


class FreshLinkWorker:
    def __init__(
        self,
        settings: Settings,
        make_session: Callable[[], Session],
        *,
        max_pending: int = 1000,
        settle_seconds: float = 0.05,
    ) -> None:
        self.settings, self.make_session = settings, make_session
        self.settle_seconds = settle_seconds
        self._queue: queue.Queue[tuple[str, str, datetime] | None] = queue.Queue(max_pending)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, token: str, address: str, now: datetime) -> None:
        """Queue a request (a link's token, or a typed address) made at `now` (its hour counts:
        one email per person and hour); never waits, never fails."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="mentorat-fresh-links", daemon=True
                )
                self._thread.start()
        try:
            self._queue.put_nowait((token, address, now))
        except queue.Full:
            log.warning("fresh-link requests: queue full, one request dropped")

    def wait_idle(self, timeout: float) -> bool:
        """True once every queued request is done (for tests, benchmarks and shutdown)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Finish what is queued, then stop the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive():
            try:
                self._queue.put(None, timeout=timeout)
            except queue.Full:
                return  # the daemon thread ends with the process
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                time.sleep(self.settle_seconds)  # let the answer go out first
                self._handle(*item)
            except Exception as exc:  # one bad request must not stop the others
                # The type only: the exception's text may hold the address.
                log.warning("fresh-link request failed: %s", type(exc).__name__)
            finally:
                self._queue.task_done()

    def _handle(self, token: str, address: str, now: datetime) -> None:
        with self.make_session() as session:
            person = self._person(session, token, address)
            cohort_id = (
                fresh_links.send(session, self.settings, person, now)
                if person is not None
                else None
            )
            session.commit()
        if cohort_id is not None:
            notices.deliver(self.settings, cohort_id)

    def _person(self, session: Session, token: str, address: str) -> Person | None:
        if token:
            try:
                claim = links.read_token(
                    self.settings.secret_keys(), token, max_age_seconds=ANY_AGE_SECONDS
                )
            except links.LinkError:
                return None
            return session.get(Person, claim.person_id)
        if address:
            return session.scalar(select(Person).where(Person.email == address.lower()))
        return None
