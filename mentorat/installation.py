"""This database's installation id (see models.installation)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Installation


def installation_id(session: Session) -> str:
    """The id made by migration 0005; made here if the row is missing (a restored dump)."""
    found = session.scalar(select(Installation.installation_id).order_by(Installation.id))
    if found is not None:
        return found
    row = Installation(id=1, installation_id=secrets.token_hex(8), created_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    return row.installation_id
