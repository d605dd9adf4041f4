"""The reply channel: an LMTP (or SMTP) listener the organisation's mail server delivers to.

With Postfix, for example: `transport_maps` sends `mentorat+*@domain` to
`lmtp:inet:127.0.0.1:8025`. A reply is acknowledged only once it is stored; if the
database is unreachable the listener answers 451 and the mail server retries later. A message
that cannot be read is stored as unclear for the operator (inbound.process); one that cannot
be stored for any other reason is refused for good (554): never a temporary failure that the
mail server would retry for days.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from mentorat.clock import Clock, SystemClock
from mentorat.inbound.process import handle, is_transient
from mentorat.settings import Settings

log = logging.getLogger(__name__)
# Beyond this the listener refuses the message (552). Up to it, a message too large to read
# is stored from its headers and shown to the operator (inbound.reading.MAX_READ_BYTES).
MAX_MESSAGE_BYTES = 32 * 1024 * 1024


class ReplyHandler:
    def __init__(self, settings: Settings, now: Callable[[], datetime]) -> None:
        self.settings, self.now = settings, now

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        # Only our own domain: the listener is not a relay.
        if not address.lower().endswith("@" + self.settings.mail_domain.lower()):
            return "550 5.1.1 Not a Mentorat address"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(
                None,
                lambda: handle(
                    self.settings,
                    raw,
                    now=self.now(),
                    recipients=list(envelope.rcpt_tos),
                    envelope_sender=str(envelope.mail_from or ""),
                ),
            )
            status = "250 2.0.0 Reply stored"
        except Exception as exc:
            log.warning("inbound reply not stored: %s", type(exc).__name__)
            if is_transient(exc):  # the database is away: let the mail server try again
                status = "451 4.3.0 Temporary failure, try again later"
            else:
                status = "554 5.6.0 Message refused, it cannot be stored"
        if isinstance(server, LMTP):
            # LMTP answers once per recipient (RFC 2033).
            return "\r\n".join([status] * max(1, len(envelope.rcpt_tos)))
        return status


class _Controller(Controller):
    def __init__(self, handler: ReplyHandler, *, protocol: str, hostname: str, port: int) -> None:
        self.protocol = protocol
        super().__init__(handler, hostname=hostname, port=port)

    def factory(self) -> SMTP:
        server_class = LMTP if self.protocol == "lmtp" else SMTP
        return server_class(
            self.handler,
            data_size_limit=MAX_MESSAGE_BYTES,
            enable_SMTPUTF8=True,
            hostname=self.hostname,
        )


class ReplyServer:
    """`with ReplyServer(settings, port=8025): ...`, or `start()` / `stop()`."""

    def __init__(
        self,
        settings: Settings,
        *,
        host: str = "127.0.0.1",
        port: int = 8025,
        protocol: str = "lmtp",
        clock: Clock | None = None,
    ) -> None:
        if protocol not in {"lmtp", "smtp"}:
            raise ValueError("protocol is lmtp or smtp")
        self.host, self.port, self.protocol = host, port, protocol
        clock = clock or SystemClock()
        self._controller = _Controller(
            ReplyHandler(settings, clock.now), protocol=protocol, hostname=host, port=port
        )

    def start(self) -> ReplyServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> ReplyServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
