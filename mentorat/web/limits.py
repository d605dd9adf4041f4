"""Limits of the participant pages: body and field sizes, and request rates.

The rate limiter lives in the process: `mentorat web` runs one uvicorn process per
machine behind the organisation's proxy, and a limit that resets on restart is enough to
slow down guessing or flooding (the tokens themselves cannot be guessed).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = 64 * 1024
    max_fields: int = 60
    # Requests per window, per client address (and per link for answers).
    window_seconds: float = 60.0
    pages_per_client: int = 300
    posts_per_client: int = 60
    posts_per_link: int = 20
    fresh_links_per_client: int = 5
    # Open application forms sent (mentorat.web.open_call): a colleague's form or two, not
    # a script filling the cohort with made-up applications.
    open_applications_per_client: int = 10
    # Text fields.
    short_text: int = 200
    long_text: int = 4000


@dataclass
class RateLimiter:
    window_seconds: float
    _hits: dict[tuple[str, str], deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _calls: int = 0

    def allow(self, bucket: str, key: str, limit: int) -> bool:
        """Count one hit; False once `limit` hits fell inside the window."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault((bucket, key), deque())
            while hits and hits[0] <= now - self.window_seconds:
                hits.popleft()
            if len(hits) >= limit:
                return False
            hits.append(now)
            self._calls += 1
            if self._calls % 1000 == 0:
                self._sweep(now)
            return True

    def _sweep(self, now: float) -> None:
        # Forget idle keys, so that many distinct clients do not grow the table forever.
        idle = now - self.window_seconds
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= idle]:
            del self._hits[key]


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: refuse a request body over `max_bytes`, announced or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            scope["mentorat.too_large"] = True
            return await self.app(scope, _empty_receive, send)
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge()
            return message

        return await self.app(scope, counted, send)


async def _empty_receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}
