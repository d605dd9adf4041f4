"""Erasure of a person's data (`mentorat person erase`): names, address, free text and
identifying fields removed or replaced everywhere they are stored, in one transaction.

What stays: ids, roles, statuses, dates and scores, so that the programme's counts (pairs,
check-ins answered, evaluations) do not change; nothing in them names the person.

Two passes. The person's own rows are cleared field by field (their `Person` row, their
applications, signatures, answers, replies and emails). Then the places where others'
texts may mention them (emails to their partner or to the operator, audit details, matching
reports, others' free text) are searched for their names, address, phone and HR id, and
each occurrence is replaced. The second pass never touches another person's identity
columns: a homonym keeps their name.

Scoped to one cohort (`cohort_id`, the retention schedule: mentorat.services.retention),
the same two passes touch only that cohort's rows, and the `Person` row (name, address,
phone) stays: the person is still in another cohort whose data is kept.

The bytes: on SQLite the transaction runs with `PRAGMA secure_delete=ON`, so that the pages
and cells freed by the updates are overwritten with zeros; then `reclaim_space` runs VACUUM
(older updates, made without it, may have left copies in free space), checkpoints the WAL
into the database file and truncates it. On PostgreSQL `reclaim_space`
runs VACUUM on the tables touched, after the commit: the old row versions become
unreachable free space; it does not zero them on disk, nor erase them from the WAL
archives or the backups (see README).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, or_, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from mentorat import db, outbox
from mentorat.delivery import DeliveryError, send_pending
from mentorat.services import audit
from mentorat.settings import Settings
from models import (
    Application,
    AuditEvent,
    CharterSignature,
    CheckIn,
    Cohort,
    ErasureRequest,
    EvaluationAnswer,
    InboundReply,
    MatchingDecision,
    OutboxMessage,
    Pair,
    PairOverride,
    Person,
)

ERASED_TEXT = "[contenu effacé à la demande de la personne]"
ERASED_NAME = "[effacé]"
ERASED_ADDRESS_TEXT = "[adresse effacée]"


# The tables an erasure changes, in the operator's words (the preview's counts).
TABLE_LABELS = {
    "person": "personne",
    "application": "candidatures",
    "charter_signature": "signatures de la charte",
    "check_in": "points mensuels (message au référent)",
    "evaluation_answer": "évaluations (commentaires)",
    "inbound_reply": "réponses reçues par courriel",
    "outbox_message": "courriels",
    "audit_event": "journal d’audit",
    "matching_decision": "propositions de binômes",
    "pair": "binômes (explications)",
    "pair_override": "binômes imposés ou exclus",
    "erasure_request": "demandes d’effacement",
}


def table_label(table: str) -> str:
    return TABLE_LABELS.get(table, table)


def erased_address(person_id: int) -> str:
    """The address an erased person is left with: unique, and undeliverable (RFC 2606)."""
    return f"erased-{person_id}@invalid"


@dataclass
class Erasure:
    person_id: int
    already: bool = False  # erased before: nothing changed
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows changed
    tables: set[str] = field(default_factory=set)

    def changed(self, table: str, rows: int = 1) -> None:
        if rows:
            self.counts[table] = self.counts.get(table, 0) + rows
            self.tables.add(table)


def find_person(session: Session, email: str) -> Person | None:
    return session.scalar(select(Person).where(Person.email == email.strip().lower()))


class _Scrubber:
    """Replaces a person's names, address, phone and HR id inside others' texts."""

    def __init__(self, person: Person) -> None:
        names = [
            f"{person.first_name} {person.last_name}",
            f"{person.last_name} {person.first_name}",
            person.last_name,
            person.first_name,
            person.phone or "",
            person.hr_id or "",
        ]
        self.literals = sorted(
            {v.strip() for v in [person.email, *names] if len(v.strip()) >= 2},
            key=len,
            reverse=True,
        )
        # Names as written, in capitals or capitalised, raw or HTML-escaped (an apostrophe in
        # a body); not in lower case, where a first name may be a common word ("rose").
        # The address, phone and HR id in any case.
        email = person.email.strip()
        exact = {v.strip().lower() for v in (email, person.phone or "", person.hr_id or "")}
        self.patterns: list[tuple[re.Pattern[str], str]] = []
        forms: dict[str, tuple[str, int]] = {}
        for literal in self.literals:
            flags = re.IGNORECASE if literal.lower() in exact else 0
            replacement = ERASED_ADDRESS_TEXT if literal.lower() == email.lower() else ERASED_NAME
            for form in {literal, literal.upper(), literal.title()}:
                for shown in {form, html.escape(form)}:
                    forms[shown] = (replacement, flags)
        for shown in sorted(forms, key=len, reverse=True):
            replacement, flags = forms[shown]
            # Whole words only: "Rose" is erased, "Rosemonde" is left alone.
            pattern = re.compile(rf"(?<!\w){re.escape(shown)}(?!\w)", flags)
            self.patterns.append((pattern, replacement))
        self.forms = sorted(forms)

    def text(self, value: str) -> str:
        for pattern, replacement in self.patterns:
            value = pattern.sub(replacement, value)
        return value

    def json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(v) for v in value]
        if isinstance(value, dict):
            return {self.text(str(k)): self.json(v) for k, v in value.items()}
        return value

    def ics(self, value: bytes) -> bytes | None:
        """The calendar file without the person, or None when it does not mention them."""
        # Unfold the long lines first (RFC 5545): a name may be split across two of them.
        unfolded = value.decode("utf-8", "replace").replace("\r\n ", "").replace("\r\n\t", "")
        cleaned = self.text(unfolded)
        return cleaned.encode() if cleaned != unfolded else None

    def mentions(self, column: Any) -> Any:
        """A SQL filter: the column may mention the person (checked again in Python)."""
        return or_(*(column.icontains(form, autoescape=True) for form in self.forms))


def erase_person(
    session: Session, person_id: int, *, actor: str, now: datetime, cohort_id: int | None = None
) -> Erasure:
    """Erase one person's data in the caller's transaction (the caller commits, then calls
    `reclaim_space`). A person erased already: nothing changes (`Erasure.already`).

    Given `cohort_id`, only that cohort's data of them (see the module's docstring)."""
    person = session.get(Person, person_id)
    if person is None:
        raise LookupError(person_id)
    result = Erasure(person_id)
    if person.erased_at is not None:
        result.already = True
        return result
    if session.get_bind().dialect.name == "sqlite":
        # Freed cells and pages are zeroed: the old values do not linger in the file.
        session.connection().exec_driver_sql("PRAGMA secure_delete=ON")
    scrub = _Scrubber(person)
    email = person.email
    _own_rows(session, person, now, result, cohort_id)
    _mentions(session, scrub, email, result, cohort_id)
    if cohort_id is not None:
        session.flush()
        audit.record(
            session,
            at=now,
            actor=actor,
            action="person.erased_in_cohort",
            entity="person",
            entity_id=person_id,
            cohort_id=cohort_id,
            rows=dict(sorted(result.counts.items())),
        )
        return result
    for request in session.scalars(
        select(ErasureRequest).where(
            ErasureRequest.person_id == person_id, ErasureRequest.status == "pending"
        )
    ):
        request.status, request.done_at = "done", now
        result.changed("erasure_request")
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="person.erased",
        entity="person",
        entity_id=person_id,
        rows=dict(sorted(result.counts.items())),
    )
    return result


def preview(session: Session, person_id: int, *, actor: str, now: datetime) -> Erasure:
    """What `erase_person` would change (its counts per table), changing nothing: the
    erasure itself, inside a savepoint rolled back (the caller's transaction goes on)."""
    savepoint = session.begin_nested()
    try:
        return erase_person(session, person_id, actor=actor, now=now)
    finally:
        savepoint.rollback()


@dataclass
class Confirmed:
    """What `carry_out` did: the erasure, and whether the person's last notice left."""

    erasure: Erasure
    notice_sent: bool = False
    notice_error: str | None = None  # why the delivery failed, if it did


def carry_out(settings: Settings, person_id: int, *, actor: str, now: datetime) -> Confirmed:
    """An operator's confirmed erasure, as the command line and the console carry it out,
    each step in its own transaction:

    1. the last notice is written to the outbox and sent now, while the address is still
       there (with the rest of the cohort's pending emails); not for an address known to
       fail, nor for a person of no cohort;
    2. the erasure (`erase_person`), committed: it replaces the notice's address and text
       like those of every other email to them;
    3. `reclaim_space`.

    A person erased already: nothing is written nor sent (`erasure.already`)."""
    url = settings.database_url
    factory = db.session_factory(url)
    with factory() as session:
        person = session.get(Person, person_id)
        if person is None:
            raise LookupError(person_id)
        if person.erased_at is not None:
            return Confirmed(Erasure(person_id, already=True))
        failing = person.email_status == "failing"
        cohort = home_cohort(session, person_id)
        cohort_id = cohort.id if cohort is not None else None
    done = Confirmed(Erasure(person_id))
    if cohort_id is not None and not failing:
        with db.session_scope(url) as session:
            person, target = session.get(Person, person_id), session.get(Cohort, cohort_id)
            assert person is not None and target is not None
            notice_id = write_notice(session, person, target, now=now, settings=settings)
        try:
            send_pending(factory, settings, cohort_id=cohort_id)
        except DeliveryError as exc:
            done.notice_error = str(exc)
        with factory() as session:
            row = session.get(OutboxMessage, notice_id)
            done.notice_sent = row is not None and row.status == "sent"
    with db.session_scope(url) as session:
        done.erasure = erase_person(session, person_id, actor=actor, now=now)
    reclaim_space(db.engine_for(url), done.erasure.tables)
    return done


def pending_requests(session: Session, cohort_id: int) -> list[ErasureRequest]:
    """The cohort's erasure requests waiting for the operator, the oldest first."""
    return list(
        session.scalars(
            select(ErasureRequest)
            .where(ErasureRequest.cohort_id == cohort_id, ErasureRequest.status == "pending")
            .order_by(ErasureRequest.requested_at, ErasureRequest.id)
        )
    )


def _own_rows(
    session: Session, person: Person, now: datetime, result: Erasure, cohort_id: int | None
) -> None:
    email = person.email
    if cohort_id is None:
        person.email = erased_address(person.id)
        person.first_name = person.last_name = ERASED_NAME
        person.phone = person.hr_id = person.email_error = None
        person.erased_at = now
        result.changed("person")
    apps = list(
        session.scalars(
            _in_cohort(select(Application).where(Application.person_id == person.id), cohort_id)
        )
    )
    for app in apps:
        # The objectives' and expertise's tags stay (the bilan counts them); the labels
        # the person wrote go.
        app.objectives = {tag: tag for tag in app.objectives}
        app.expertise = {tag: tag for tag in app.expertise}
        app.unit = app.manager_email = app.region = None
        app.career_stage = app.gender = app.preferred_mentor_gender = None
        app.seniority_years = None
        app.post_start_date = None
        app.formats, app.languages, app.availability = [], [], []
        app.overseas = False
        app.expectations = ""
        app.fingerprint = ""
    result.changed("application", len(apps))
    app_ids = [a.id for a in apps]
    if app_ids:
        result.changed(
            "charter_signature",
            _update(
                session,
                CharterSignature,
                CharterSignature.application_id.in_(app_ids),
                signed_name=ERASED_NAME,
            ),
        )
        result.changed(
            "check_in",
            _update(
                session,
                CheckIn,
                CheckIn.application_id.in_(app_ids),
                CheckIn.help_message.is_not(None),
                CheckIn.help_message != "",
                help_message=ERASED_TEXT,
            ),
        )
        result.changed(
            "evaluation_answer",
            _update(
                session,
                EvaluationAnswer,
                EvaluationAnswer.application_id.in_(app_ids),
                EvaluationAnswer.comments != "",
                comments=ERASED_TEXT,
                # Nothing of theirs is quoted in a bilan any more.
                comment_consent=False,
            ),
        )
    replies = list(
        session.scalars(
            _in_cohort(select(InboundReply).where(InboundReply.person_id == person.id), cohort_id)
        )
    )
    for reply in replies:
        reply.text = ERASED_TEXT
        # A Message-ID is made by the sender's software, often from their address.
        reply.message_id = f"<erased-{reply.id}@invalid>"
    result.changed("inbound_reply", len(replies))
    rows = list(
        session.scalars(
            _in_cohort(
                select(OutboxMessage).where(
                    or_(OutboxMessage.person_id == person.id, OutboxMessage.to_addr == email)
                ),
                cohort_id,
            )
        )
    )
    for row in rows:
        if row.status == "pending":
            row.status, row.last_error = "cancelled", "personne effacée"
        elif row.last_error:
            row.last_error = ERASED_TEXT
        row.to_addr = erased_address(person.id)
        row.subject = row.body_text = row.body_html = ERASED_TEXT
        row.ics = None
    result.changed("outbox_message", len(rows))
    session.flush()


def _in_cohort(query: Any, cohort_id: int | None) -> Any:
    """The query limited to one cohort's rows (every table searched has a `cohort_id`)."""
    if cohort_id is None:
        return query
    model = query.column_descriptions[0]["entity"]
    return query.where(model.cohort_id == cohort_id)


def _update(session: Session, model: Any, *where: Any, **values: Any) -> int:
    rows = session.execute(update(model).where(*where).values(**values))
    return int(getattr(rows, "rowcount", 0) or 0)


# Where others' texts may mention the person: free text, messages, logs, reports.
_TEXT_COLUMNS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (OutboxMessage, ("subject", "body_text", "body_html", "last_error", "to_addr")),
    (InboundReply, ("text",)),
    (AuditEvent, ("reason", "actor")),
    (MatchingDecision, ("approved_by",)),
    (Pair, ("explanation",)),
    (PairOverride, ("reason", "actor")),
    (CheckIn, ("help_message",)),
    (EvaluationAnswer, ("comments",)),
    (Application, ("expectations",)),
)
_JSON_COLUMNS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (AuditEvent, ("details",)),
    (MatchingDecision, ("report", "unmatched")),
    (Pair, ("criteria",)),
    (Application, ("objectives", "expertise")),
)


def _mentions(
    session: Session, scrub: _Scrubber, email: str, result: Erasure, cohort_id: int | None
) -> None:
    session.flush()
    for model, names in _TEXT_COLUMNS:
        columns = [getattr(model, n) for n in names]
        found = session.scalars(
            _in_cohort(select(model).where(or_(*(scrub.mentions(c) for c in columns))), cohort_id)
        )
        _rewrite(found, names, scrub.text, model.__tablename__, result)
    for model, names in _JSON_COLUMNS:
        # JSON is stored with \u escapes: searched in Python, not with LIKE.
        rows = session.scalars(_in_cohort(select(model), cohort_id))
        _rewrite(rows, names, scrub.json, model.__tablename__, result)
    with_ics = session.scalars(
        _in_cohort(select(OutboxMessage).where(OutboxMessage.ics.is_not(None)), cohort_id)
    )
    for row in with_ics:
        assert row.ics is not None
        cleaned = scrub.ics(row.ics)
        if cleaned is not None:
            row.ics = cleaned
            result.changed("outbox_message")
    session.flush()


def _rewrite(
    rows: Iterable[Any],
    names: tuple[str, ...],
    clean: Callable[[Any], Any],
    table: str,
    result: Erasure,
) -> None:
    for row in rows:
        changed = False
        for name in names:
            value = getattr(row, name)
            if value is None:
                continue
            new = clean(value)
            if new != value:
                setattr(row, name, new)
                changed = True
        if changed:
            result.changed(table)


def reclaim_space(engine: Engine, tables: Iterable[str]) -> None:
    """After the commit: make the erased values leave the database's files (see the
    module's docstring for what each database guarantees)."""
    if engine.dialect.name == "sqlite":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # Earlier updates (made without secure_delete) may have left old copies of a row
            # in a page's free space: VACUUM rewrites every page from the live rows, into
            # the WAL; the checkpoint copies them over the file, then empties the WAL.
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    names = sorted(set(tables))
    known = {t.name: t for t in Person.metadata.sorted_tables}
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in names:
            table: Table | None = known.get(name)
            if table is not None:
                conn.execute(text(f'VACUUM (ANALYZE) "{table.name}"'))


def home_cohort(session: Session, person_id: int) -> Cohort | None:
    """The cohort an erasure is handled for: the one of the pending request, else the
    person's latest application (the operator who answers it, the programme that writes)."""
    request = session.scalar(
        select(ErasureRequest)
        .where(ErasureRequest.person_id == person_id, ErasureRequest.status == "pending")
        .order_by(ErasureRequest.id.desc())
    )
    if request is not None and request.cohort_id is not None:
        return session.get(Cohort, request.cohort_id)
    cohort_id = session.scalar(
        select(Application.cohort_id)
        .where(Application.person_id == person_id)
        .order_by(Application.id.desc())
    )
    return session.get(Cohort, cohort_id) if cohort_id is not None else None


def operator_actor(cohort: Cohort | None) -> str:
    """The audit's actor for an operator: the cohort's operator, by the cohort's id (the
    name stays in the cohort's row)."""
    return f"operator:cohort-{cohort.id}" if cohort is not None else "operator:cli"


def write_notice(
    session: Session, person: Person, cohort: Cohort, *, now: datetime, settings: Settings
) -> int:
    """The one email telling the person their data is being erased (no name in its text
    but the greeting); returns the outbox row's id. Sent before the erasure, which then
    replaces its address and text like those of every other email to them."""
    letter = outbox.person_letter("erasure_done", "erasure", 1, person)
    outbox.enqueue(session, cohort, [letter], now=now, settings=settings)
    key = letter.key(cohort.id)
    row_id = session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key))
    assert row_id is not None
    return row_id
