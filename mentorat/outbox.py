"""Enqueue emails in the outbox, in the caller's transaction.

Each message has a unique key (cohort, step, recipient, occurrence). Enqueuing a key that
exists does nothing, so every phase can be re-run safely; the insert uses ON CONFLICT DO
NOTHING so that two runs racing each other still write each message once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mentorat.installation import installation_id
from mentorat.links import reply_address
from mentorat.mail import make_message_id, render
from mentorat.settings import Settings
from models import Cohort, OutboxMessage, Person


@dataclass
class Letter:
    """One email to write: who, which step and occurrence, the template and its context."""

    kind: str
    step: str
    occurrence: str | int
    to_addr: str
    recipient: Mapping[str, str]  # first_name, last_name
    ctx: Mapping[str, Any] = field(default_factory=dict)
    person: Person | None = None
    recipient_ref: str = ""  # for non-person recipients (operator, supervisor)
    ics: bytes | None = None
    # Requests that can be answered by replying: the link purpose and occurrence the
    # Reply-To address stands for (mentorat.inbound reads it back).
    reply_purpose: str | None = None
    reply_occurrence: int | None = None

    def key(self, cohort_id: int | None) -> str:
        who = f"p{self.person.id}" if self.person is not None else self.recipient_ref
        return letter_key(cohort_id, self.step, who, self.occurrence)


def letter_key(cohort_id: int | None, step: str, who: str, occurrence: str | int) -> str:
    """The outbox key: (cohort, step, recipient, occurrence)."""
    return f"c{cohort_id or 0}:{step}:{who}:{occurrence}"


def _step_filter(cohort_id: int | None, step: str) -> tuple[ColumnElement[bool], ...]:
    """The rows of one step of a cohort, by the columns enqueue writes next to the key.

    Not a range on the key: its order depends on the database collation (under an ICU
    locale, "c1:step:~" sorts before "c1:step:p1", so a prefix range matches nothing).
    A cohort-less message has a NULL cohort_id (its key says "c0").
    """
    cohort = (
        OutboxMessage.cohort_id.is_(None) if not cohort_id else OutboxMessage.cohort_id == cohort_id
    )
    return cohort, OutboxMessage.step == step


def withdraw_pending(session: Session, cohort_id: int, steps: Iterable[str], reason: str) -> int:
    """Cancel the messages of these steps that have not left yet (a request whose deadline has
    passed would ask for something after its date); returns how many. What a sender has
    claimed already ("sending") goes."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.cohort_id == cohort_id,
            OutboxMessage.step.in_(list(steps)),
            OutboxMessage.status == "pending",
        )
        .values(status="cancelled", last_error=reason[:500], next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(cast(CursorResult[Any], result).rowcount or 0)


def count_keys(session: Session, cohort_id: int, step: str) -> int:
    """How many messages a step of a cohort has written (lets a finished step skip its work)."""
    return int(session.scalar(select(func.count()).where(*_step_filter(cohort_id, step))) or 0)


def existing_keys(session: Session, cohort_id: int, step: str) -> set[str]:
    """Keys already written for one step of a cohort (on the (cohort_id, step) index)."""
    return set(session.scalars(select(OutboxMessage.key).where(*_step_filter(cohort_id, step))))


def _reply_to(letter: Letter, settings: Settings) -> str | None:
    if letter.reply_purpose is None or letter.person is None:
        return None
    occurrence = letter.reply_occurrence
    if occurrence is None:
        occurrence = int(letter.occurrence)
    return reply_address(settings, letter.person.id, letter.reply_purpose, occurrence)


def person_letter(
    kind: str, step: str, occurrence: str | int, person: Person, **ctx: Any
) -> Letter:
    return Letter(
        kind=kind,
        step=step,
        occurrence=occurrence,
        to_addr=person.email,
        recipient={"first_name": person.first_name, "last_name": person.last_name},
        ctx=ctx,
        person=person,
    )


def operator_letter(
    cohort: Cohort, kind: str, step: str, occurrence: str | int, **ctx: Any
) -> Letter:
    """An email to the cohort's operator (alerts, requests to handle)."""
    first, _, last = cohort.operator_name.partition(" ")
    return Letter(
        kind=kind,
        step=step,
        occurrence=occurrence,
        to_addr=cohort.operator_email,
        recipient={"first_name": first, "last_name": last},
        recipient_ref="op",
        ctx=ctx,
    )


def common_context(cohort: Cohort, settings: Settings) -> dict[str, Any]:
    programme = cohort.programme
    return {
        "programme": {
            "name": programme.name,
            "short_name": programme.short_name,
            "slug": programme.slug,  # the privacy notice's address, in every footer
        },
        "cohort": {"code": cohort.code, "label": cohort.label},
        "operator": {"name": cohort.operator_name, "email": cohort.operator_email},
        "public_url": settings.public_url,
    }


def enqueue(
    session: Session,
    cohort: Cohort | None,
    letters: Iterable[Letter],
    *,
    now: datetime,
    settings: Settings,
    base_context: Mapping[str, Any] | None = None,
) -> int:
    """Write the letters not yet in the outbox; returns how many were new."""
    cohort_id = cohort.id if cohort is not None else None
    by_key = {letter.key(cohort_id): letter for letter in letters}
    if not by_key:
        return 0
    existing: set[str] = set()
    keys = list(by_key)
    for start in range(0, len(keys), 900):  # stay under SQLite's bound-parameter limit
        chunk = keys[start : start + 900]
        existing.update(
            session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(chunk)))
        )
    base = dict(base_context or (common_context(cohort, settings) if cohort else {}))
    installation = installation_id(session)  # Message-IDs never repeat across databases
    rows = []
    for key, letter in by_key.items():
        if key in existing:
            continue
        rendered = render(letter.kind, {**base, "recipient": letter.recipient, **letter.ctx})
        failing = letter.person is not None and (
            letter.person.email_status == "failing" or letter.person.erased_at is not None
        )
        rows.append(
            {
                "key": key,
                "cohort_id": cohort_id,
                "person_id": letter.person.id if letter.person is not None else None,
                "kind": letter.kind,
                "step": letter.step,
                "to_addr": letter.to_addr,
                "subject": rendered.subject,
                "body_text": rendered.text,
                "body_html": rendered.html,
                "ics": letter.ics,
                "reply_to": _reply_to(letter, settings),
                "message_id": make_message_id(
                    key,
                    settings.mail_domain,
                    secret_key=settings.secret_key.get_secret_value(),
                    installation=installation,
                ),
                # An address that bounced permanently gets nothing more; the row says so.
                "status": "cancelled" if failing else "pending",
                "last_error": "adresse en échec" if failing else None,
                "attempts": 0,
                "created_at": now,
            }
        )
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(OutboxMessage)
    # One cached statement, many parameter sets (SQLAlchemy batches them as multi-row
    # INSERTs); RETURNING counts the rows really written (rowcount is -1 on some drivers).
    statement = insert.on_conflict_do_nothing(index_elements=["key"]).returning(OutboxMessage.id)
    result = session.execute(statement, rows)
    written = len(result.all())
    return written
