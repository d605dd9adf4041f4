"""The log of replies received by email, stored before they are acted on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mentorat.services import audit


def log_inbound(session: Session, *, message_id: str, now: datetime, **fields: Any) -> Any:
    """Store one received reply before acting on it (see models.web.InboundReply)."""
    from models import InboundReply

    reply = InboundReply(message_id=message_id[:250], received_at=now, **fields)
    session.add(reply)
    session.flush()
    audit.record(
        session,
        at=now,
        actor="system",
        action=f"inbound.{fields['outcome']}",
        entity="inbound_reply",
        entity_id=reply.id,
        cohort_id=fields.get("cohort_id"),
    )
    return reply
