"""Audit trail: who changed what, when and why. Ids and codes only in `details`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models import AuditEvent


def record(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None = None,
    cohort_id: int | None = None,
    reason: str = "",
    **details: Any,
) -> None:
    session.add(
        AuditEvent(
            at=at,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            cohort_id=cohort_id,
            reason=reason,
            details=details,
        )
    )
