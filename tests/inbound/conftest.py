"""A cohort at its first check-ins, its emails delivered to the SMTP sink, and the reply
listener (real LMTP on localhost) on a clock inside that month."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from demo.clock import SimulatedClock
from mentorat.inbound.server import ReplyServer
from tests.web.live import free_port
from tests.web.world import World, build_world, deliver_pending


@dataclass
class Inbox:
    world: World
    port: int
    clock: SimulatedClock

    def deliver(self, raw: bytes, to: str, sender: str = "someone@exemple.fr") -> None:
        """Deliver `raw` over LMTP, as the organisation's mail server would."""
        with smtplib.LMTP("127.0.0.1", self.port) as lmtp:
            lmtp.sendmail(sender, [to], raw)


@pytest.fixture
def inbox(settings, smtp) -> Iterator[Inbox]:  # type: ignore[no-untyped-def]
    world = build_world(settings)
    deliver_pending(settings)
    clock = SimulatedClock(world.checkins_due_at + timedelta(days=1))
    port = free_port()
    with ReplyServer(settings, port=port, protocol="lmtp", clock=clock):
        yield Inbox(world, port, clock)
