"""A local SMTP server that keeps every message: for the demo and the tests.

It is a real server (aiosmtpd) on localhost. Messages are kept in memory and, when a folder
is given, written as .eml files. Addresses listed in `reject` get a permanent 550, as a
relay answers for an address that does not exist, and those in `full` a 450 (mailbox full
for now), which the sender tries again later.
"""

from __future__ import annotations

import email
import email.policy
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


@dataclass
class SinkHandler:
    folder: Path | None = None
    reject: set[str] = field(default_factory=set)
    # Mailboxes full for now: 450 at RCPT (the sender tries again later).
    full: set[str] = field(default_factory=set)
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.lower() in self.reject:
            return "550 5.1.1 Mailbox does not exist"
        if address.lower() in self.full:
            return "450 4.2.2 Mailbox full, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        item = Received(str(envelope.mail_from), list(envelope.rcpt_tos), raw)
        with self.lock:
            self.messages.append(item)
            number = len(self.messages)
        if self.folder is not None:
            (self.folder / f"{number:06d}.eml").write_bytes(raw)
        return "250 Message accepted for delivery"


class SmtpSink:
    """Start with `start()`, stop with `stop()`; `port` is chosen by the OS when 0."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        folder: Path | None = None,
        reject: set[str] | None = None,
    ) -> None:
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        self.handler = SinkHandler(folder=folder, reject={a.lower() for a in reject or set()})
        self.host = host
        self.port = port or _free_port(host)
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.messages)

    def start(self) -> SmtpSink:
        self._controller = Controller(
            self.handler, hostname=self.host, port=self.port, data_size_limit=10 * 1024 * 1024
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
