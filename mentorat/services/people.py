"""A person is one person across imports and forms.

Found by HR identifier (« matricule ») when the source gives one, else by address. So a
corrected address in a re-imported HR file corrects the person instead of creating a second
one; what was pending for the old address goes to the new one, and the emails its bounce
cancelled are queued again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Update, select, update
from sqlalchemy.orm import Session

from mentorat.services import ServiceError, audit
from models import OutboxMessage, Person

FIELD_LABELS = {
    "email": "courriel",
    "first_name": "prénom",
    "last_name": "nom",
    "phone": "téléphone",
    "hr_id": "matricule",
}


@dataclass
class PersonUpdate:
    person: Person
    created: bool = False
    changed: list[str] = field(default_factory=list)
    """Field names that changed (values never: this may reach an audit or a log)."""
    readdressed: int = 0
    """Pending emails moved to the corrected address."""
    requeued: int = 0
    """Emails the old address's bounce had stopped, queued again for the new one."""


def identify(
    session: Session,
    *,
    email: str,
    first_name: str,
    last_name: str,
    now: datetime,
    phone: str | None = None,
    hr_id: str | None = None,
    actor: str = "",
) -> PersonUpdate:
    """The person these details describe, created or brought up to date.

    A value not given (None phone or HR id: the source has no such column) never erases
    what is known.
    """
    email = email.strip().lower()
    by_email = session.scalar(select(Person).where(Person.email == email))
    by_hr = session.scalar(select(Person).where(Person.hr_id == hr_id)) if hr_id else None
    if by_hr is not None and by_email is not None and by_hr.id != by_email.id:
        raise ServiceError(
            f"le matricule « {hr_id} » est celui d’une autre personne que l’adresse "
            f"« {email} » : corrigez l’un ou l’autre"
        )
    person = by_hr or by_email
    if person is None:
        person = Person(
            email=email,
            first_name=first_name,
            last_name=last_name,
            phone=phone,
            hr_id=hr_id,
            email_status="ok",
            created_at=now,
        )
        session.add(person)
        session.flush()
        return PersonUpdate(person, created=True)
    result = PersonUpdate(person)
    wanted = {"first_name": first_name, "last_name": last_name, "phone": phone, "hr_id": hr_id}
    for name, value in wanted.items():
        if value is not None and getattr(person, name) != value:
            setattr(person, name, value)
            result.changed.append(name)
    if person.email != email:
        result.readdressed, result.requeued = readdress(session, person, email)
        person.email = email
        result.changed.insert(0, "email")
    if result.changed:
        session.flush()
        audit.record(
            session,
            at=now,
            actor=actor or "system",
            action="person.updated",
            entity="person",
            entity_id=person.id,
            fields=result.changed,
            readdressed=result.readdressed,
            requeued=result.requeued,
        )
    return result


def readdress(session: Session, person: Person, email: str) -> tuple[int, int]:
    """Send to the corrected address what was waiting, and what the bounce stopped.

    A bounce (mentorat.delivery) marks the person failing, the bounced row "failed" and
    every later row "cancelled": none of them reached anybody, so all go again.
    """
    # A wait after the old address's "try later" (mentorat.delivery.deferral) says nothing
    # of the new one: it starts afresh.
    fresh = {"next_attempt_at": None, "first_deferred_at": None, "deferred_too_long": False}
    pending = _execute(
        session,
        update(OutboxMessage)
        .where(OutboxMessage.person_id == person.id, OutboxMessage.status == "pending")
        .values(to_addr=email, **fresh)
        .execution_options(synchronize_session=False),
    )
    requeued = 0
    if person.email_status == "failing":
        stopped = _execute(
            session,
            update(OutboxMessage)
            .where(
                OutboxMessage.person_id == person.id,
                OutboxMessage.status.in_(("failed", "cancelled")),
            )
            .values(
                to_addr=email,
                status="pending",
                claim_token=None,
                claimed_until=None,
                last_error=None,
                **fresh,
            )
            .execution_options(synchronize_session=False),
        )
        requeued = stopped.rowcount or 0
        person.email_status, person.email_error = "ok", None
    return (pending.rowcount or 0), requeued


def _execute(session: Session, statement: Update) -> CursorResult[Any]:
    """An UPDATE's result, typed as what it is: it has a row count."""
    return cast(CursorResult[Any], session.execute(statement))
