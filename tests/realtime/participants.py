"""The cohort's mentors and mentees, as the real-time test plays them: they read the emails
the SMTP server received and answer the way people do, through every door Mentorat opens.

- The charter: on its page, served by a real `mentorat web` process (GET, then the form).
- The monthly check-ins, one person in three each way: on the page (« Oui, nous nous sommes
  vus »), by an Outlook reply sent over SMTP to a real `mentorat inbound --protocol smtp`
  process, or by a Gmail reply dropped in the IMAP mailbox that a real `mentorat inbound
  --imap` process reads.

Each request is answered once, when it arrives; what was sent each way is kept so that the
test can check every answer was recorded, by the channel it took.
"""

from __future__ import annotations

import re
import smtplib
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.utils import parseaddr

import httpx
from sqlalchemy import select

from demo.smtp_sink import Received, SmtpSink
from mentorat.db import session_scope
from mentorat.mail.typography import visible_text
from models import Person
from tests.inbound import replies
from tests.inbound.dovecot import Dovecot
from tests.web.pages import csrf_of

CHANNELS = ("web", "smtp", "imap")


@dataclass
class Participants:
    database_url: str
    sink: SmtpSink
    web: str  # the base URL of the `mentorat web` process (MENTORAT_PUBLIC_URL)
    inbound_port: int  # the `mentorat inbound --protocol smtp` process
    mailbox: Dovecot
    answered: set[str] = field(default_factory=set)  # Message-IDs of the requests
    sent: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in CHANNELS})
    late: dict[str, list[str]] = field(default_factory=lambda: {"web": []})
    waiting: dict[str, float] = field(default_factory=dict)  # pages not open yet, since
    took: list[float] = field(default_factory=list)  # seconds per answer
    errors: list[BaseException] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _busy: set[str] = field(default_factory=set)
    signed: int = 0
    # Called when a listener does not answer: dumps its threads (SIGABRT with
    # PYTHONFAULTHANDLER) into its log, for the failure's report.
    on_stuck: Callable[[str, BaseException], None] = lambda name, exc: None

    def start(self) -> Participants:
        """Answer in the background, several people at once, as a cohort does: one slow
        listener never holds the others back past their deadlines."""
        self._pool = ThreadPoolExecutor(6, thread_name_prefix="participant")
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)
        self._pool.shutdown(wait=True)

    def check(self) -> None:
        """Raise the first failure of an answer (in the test's thread)."""
        if self.errors:
            raise self.errors[0]

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            for received in list(self.sink.messages):
                message = received.message()
                request = str(message["Message-ID"])
                kind = str(message["X-Mentorat-Kind"])
                if kind not in ("charter_request", "checkin_request"):
                    continue
                with self._lock:
                    if request in self.answered or request in self._busy:
                        continue
                    self._busy.add(request)
                self._pool.submit(self._answer, request, kind, received)

    def _answer(self, request: str, kind: str, received: Received) -> None:
        try:
            started = time.monotonic()
            done = True
            if kind == "charter_request":
                self._sign(received)
            else:
                done = self._answer_checkin(received)  # False: not open yet, again later
            with self._lock:
                if done:
                    self.answered.add(request)
                    self.took.append(time.monotonic() - started)
        except BaseException as exc:  # reported to the test's thread by check()
            self.errors.append(exc)
        finally:
            with self._lock:
                self._busy.discard(request)

    def _link(self, received: Received) -> str:
        text = received.message().get_body(("plain",)).get_content()
        match = re.search(re.escape(self.web) + r"/r/[A-Za-z0-9_.~-]+", text)
        assert match, f"no link to {self.web} in a {received.message()['X-Mentorat-Kind']}"
        return match.group(0)

    def _person(self, address: str) -> tuple[str, str]:
        with session_scope(self.database_url) as session:
            person = session.scalar(select(Person).where(Person.email == address))
            assert person is not None, "a request to somebody the cohort does not know"
            return person.first_name, person.last_name

    def _sign(self, received: Received) -> None:
        first, last = self._person(received.recipients[0])
        with httpx.Client(headers={"Origin": self.web}, timeout=30) as browser:
            url = self._link(received)
            page = browser.get(url)
            assert page.status_code == 200, page.status_code
            done = browser.post(
                url,
                data={"csrf": csrf_of(page.text), "agree": "1", "signed_name": f"{first} {last}"},
            )
            assert done.status_code in (200, 303), (done.status_code, done.text[:500])
        with self._lock:
            self.signed += 1

    def _answer_checkin(self, received: Received) -> bool:
        """False when the check-in is not open yet on the page."""
        message = received.message()
        address = received.recipients[0]
        channel = CHANNELS[zlib.crc32(address.encode()) % len(CHANNELS)]
        if channel == "web":
            with httpx.Client(headers={"Origin": self.web}, timeout=30) as browser:
                # « Nous nous sommes vus » in the email: the page asks to confirm the click
                # (a link checker opening it answers nothing).
                url = self._link(received)
                page = browser.get(url)
                if page.status_code == 409 or "est clos depuis" in page.text:
                    with self._lock:
                        self.late["web"].append(address)  # it closed before the mail came
                    return True
                assert page.status_code == 200, page.status_code
                if 'name="csrf"' not in page.text:
                    # A worker starts a run up to its prefetch (10 s) early, and the run acts
                    # at its scheduled instant: at x100000 the mail can come 11 cohort days
                    # before the page opens the check-in. (At x1, ten seconds early.)
                    first = self.waiting.setdefault(address + url, time.monotonic())
                    assert time.monotonic() - first < 30, visible_text(page.text)[:2000]
                    return False
                done = browser.post(
                    url.split("?")[0],
                    data={"csrf": csrf_of(page.text), "quick": "1", "met": "oui"},
                )
                assert done.status_code in (200, 303), (done.status_code, done.text[:500])
            with self._lock:
                self.sent["web"].append(address)
            return True
        original = message.get_body(("plain",)).get_content()
        reply_to = parseaddr(str(message["Reply-To"]))[1]
        subject, request_id = str(message["Subject"]), str(message["Message-ID"])
        if channel == "smtp":
            raw = replies.outlook(
                address, reply_to, subject, "Oui, on s’est vus la semaine dernière.", original
            )
            try:
                with smtplib.SMTP("127.0.0.1", self.inbound_port, timeout=60) as smtp:
                    smtp.sendmail(address, [reply_to], raw)
            except (OSError, smtplib.SMTPException) as exc:
                self.on_stuck("inbound-smtp", exc)
                raise
        else:
            raw = replies.gmail(
                address, reply_to, subject, "Oui, nous nous sommes vus.", original, request_id
            )
            client = self.mailbox.client()
            try:
                status, _ = client.append("INBOX", "", None, raw)
                assert status == "OK", status
            finally:
                client.logout()
        reply_id = str(replies_message_id(raw))
        with self._lock:
            self.sent[channel].append(reply_id)
        return True


def replies_message_id(raw: bytes) -> str:
    match = re.search(rb"^Message-ID: *(<[^>]+>)", raw, re.MULTILINE | re.IGNORECASE)
    assert match, "a reply without a Message-ID"
    return match.group(1).decode()
