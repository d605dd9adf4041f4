"""Outbox rows for the delivery tests, and what the SMTP server received, by Message-ID."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from demo.smtp_sink import SmtpSink
from mentorat.db import session_scope
from models import OutboxMessage

CREATED = datetime(2027, 9, 6, 7, 0, tzinfo=UTC)


def fill_outbox(database_url: str, count: int) -> None:
    """`count` pending messages with no cohort (one INSERT: 2,000 rows in a blink)."""
    rows: list[dict[str, Any]] = [
        {
            "key": f"test:{n}",
            "kind": "fresh_links",
            "step": "fault",
            "to_addr": f"personne{n}@exemple.fr",
            "subject": f"Message {n}",
            "body_text": f"Bonjour, ceci est le message {n}.\n",
            "body_html": f"<p>Bonjour, ceci est le message {n}.</p>",
            "message_id": f"<fault.{n}@justice.exemple.fr>",
            "status": "pending",
            "attempts": 0,
            "created_at": CREATED,
        }
        for n in range(count)
    ]
    with session_scope(database_url) as session:
        session.execute(OutboxMessage.__table__.insert(), rows)


def statuses(database_url: str) -> Counter[str]:
    with session_scope(database_url) as session:
        query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        return Counter({status: int(n) for status, n in session.execute(query).all()})


def message_ids_with_status(database_url: str, status: str) -> set[str]:
    with session_scope(database_url) as session:
        query = select(OutboxMessage.message_id).where(OutboxMessage.status == status)
        return set(session.scalars(query))


_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.IGNORECASE | re.MULTILINE)


def received_by_id(smtp: SmtpSink) -> dict[str, list[bytes]]:
    """Every copy the server received, by Message-ID (read with a regular expression: a
    test reads 2,000 messages forty times)."""
    copies: dict[str, list[bytes]] = defaultdict(list)
    for received in smtp.messages:
        found = _MESSAGE_ID.search(received.raw)
        assert found is not None, "a message without Message-ID"
        copies[found.group(1).decode()].append(received.raw)
    return copies


def nothing_chained(exc: BaseException) -> bool:
    """No other exception (a server's or a driver's text) shows in its traceback."""
    return exc.__cause__ is None and (exc.__context__ is None or exc.__suppress_context__)
