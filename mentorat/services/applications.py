"""People and their applications: the call's recipients, the form and the import."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorat import events, links
from mentorat.importing.columns import BY_NAME
from mentorat.services import ServiceError, audit, people
from mentorat.settings import Settings
from models import (
    Application,
    CallRecipient,
    Cohort,
    Person,
)

if TYPE_CHECKING:
    from mentorat.outbox import Letter


def upsert_person(
    session: Session,
    email: str,
    first_name: str,
    last_name: str,
    *,
    now: datetime,
    phone: str | None = None,
) -> Person:
    return people.identify(
        session, email=email, first_name=first_name, last_name=last_name, now=now, phone=phone
    ).person


def add_call_recipients(
    session: Session, cohort: Cohort, people_: Iterable[tuple[str, str, str]], *, now: datetime
) -> int:
    rows = [{"email": e, "first_name": f, "last_name": la} for e, f, la in people_]
    return import_call_recipients(session, cohort, rows, now=now, actor="system").added


@dataclass
class ImportReport:
    """What an import did, row by row where the operator needs to know."""

    counts: Counter[str] = field(default_factory=Counter)
    """created | updated | unchanged | late | frozen (applications); added (recipients)."""
    changes: list[tuple[int, str, list[str]]] = field(default_factory=list)
    """(line, address, field names) for each person or application that changed."""
    late: list[tuple[int, str]] = field(default_factory=list)
    """(line, address) of applications that arrived after the pairs were approved."""
    frozen: list[tuple[int, str, list[str]]] = field(default_factory=list)
    """(line, address, fields) of changes to an application the approval froze: not applied."""
    readdressed: int = 0
    requeued: int = 0

    @property
    def added(self) -> int:
        return self.counts["added"]

    def __getitem__(self, outcome: str) -> int:
        return self.counts[outcome]


def _person_of(
    session: Session, row: Mapping[str, Any], report: ImportReport, *, now: datetime, actor: str
) -> Person:
    found = people.identify(
        session,
        email=row["email"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        now=now,
        phone=row.get("phone"),
        hr_id=row.get("hr_id"),
        actor=actor,
    )
    if found.changed:
        names = [people.FIELD_LABELS[name] for name in found.changed]
        report.changes.append((row.get("line", 0), found.person.email, names))
    report.readdressed += found.readdressed
    report.requeued += found.requeued
    return found.person


def import_call_recipients(
    session: Session,
    cohort: Cohort,
    rows: Iterable[Mapping[str, Any]],
    *,
    now: datetime,
    actor: str,
) -> ImportReport:
    """The people the call goes to (an HR extract). All rows or none: the caller commits."""
    report = ImportReport()
    known = set(
        session.scalars(select(CallRecipient.person_id).where(CallRecipient.cohort_id == cohort.id))
    )
    for row in rows:
        person = _person_of(session, row, report, now=now, actor=actor)
        if person.id in known:
            report.counts["unchanged"] += 1
            continue
        session.add(CallRecipient(cohort_id=cohort.id, person_id=person.id, created_at=now))
        known.add(person.id)
        report.counts["added"] += 1
    if report.added:
        audit.record(
            session,
            at=now,
            actor=actor,
            action="call.recipients_added",
            entity="cohort",
            entity_id=cohort.id,
            cohort_id=cohort.id,
            added=report.added,
        )
    return report


APPLICATION_FIELDS = (
    "objectives",
    "expertise",
    "unit",
    "manager_email",
    "region",
    "overseas",
    "formats",
    "languages",
    "capacity",
    "career_stage",
    "seniority_years",
    "gender",
    "preferred_mentor_gender",
    "availability",
    "post_start_date",
    "expectations",
)


def _application_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in APPLICATION_FIELDS:
        value = data.get(name)
        if name in {"formats", "languages", "availability"}:
            value = sorted(value or [])
        elif name in {"objectives", "expertise"}:
            value = dict(sorted((value or {}).items()))
        elif name == "capacity":
            value = int(value or 1)
        elif name == "overseas":
            value = bool(value)
        elif name == "expectations":
            value = value or ""
        elif name == "manager_email" and value:
            value = str(value).lower()
        values[name] = value
    if data.get("role") == "mentee":
        values["capacity"] = 1
    return values


def _fingerprint(person: Mapping[str, Any], values: Mapping[str, Any]) -> str:
    blob = json.dumps({**person, **values}, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def save_application(
    session: Session,
    cohort: Cohort,
    data: Mapping[str, Any],
    *,
    channel: str,
    now: datetime,
    actor: str,
    person: Person | None = None,
) -> tuple[Application, str]:
    """Create or update one application; returns it and its outcome:
    "created" | "updated" | "unchanged", "late" (created after the pairs were approved: it
    stays out of them, the operator is told), or "frozen" (an import would change an
    application the approval froze: nothing changes, the operator is told)."""
    role = data["role"]
    if role not in {"mentor", "mentee"}:
        raise ServiceError(f"rôle inconnu : {role}")
    if person is None:
        person = upsert_person(
            session,
            data["email"],
            data["first_name"],
            data["last_name"],
            now=now,
            phone=data.get("phone"),
        )
    values = _application_values(data)
    fingerprint = _fingerprint({"role": role}, values)
    application = session.scalar(
        select(Application).where(
            Application.cohort_id == cohort.id,
            Application.person_id == person.id,
            Application.role == role,
        )
    )
    changed = [] if application is None else _changed_fields(application, values)
    if application is not None and not changed:
        return application, "unchanged"
    approved = cohort.matching_approved_at is not None
    if application is None:
        application = Application(
            cohort_id=cohort.id,
            person_id=person.id,
            role=role,
            status="late" if approved else "submitted",
            channel=channel,
            created_at=now,
            updated_at=now,
            fingerprint=fingerprint,
            **values,
        )
        session.add(application)
        outcome = "late" if approved else "created"
    else:
        if approved:
            if channel == "import":
                return application, "frozen"
            raise ServiceError(
                "les binômes sont déjà validés : la candidature ne peut plus changer"
            )
        for name, value in values.items():
            setattr(application, name, value)
        application.fingerprint, application.updated_at = fingerprint, now
        outcome = "updated"
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action=f"application.{outcome}",
        entity="application",
        entity_id=application.id,
        cohort_id=cohort.id,
        channel=channel,
        fields=changed,
    )
    if channel != "import":
        events.answer_recorded(session, cohort.id, "application")
    return application, outcome


def acknowledgement(application: Application, settings: Settings) -> Letter:
    """The « candidature reçue » email of one application, the same whoever writes it (the
    call phase, the matching phase for a late one, the open application page): one key per
    application, so it is written once. A late application is told the truth: it arrived
    after the pairs were formed and is in none of them."""
    # Here, not at the top: the imports of HR files need no email renderer (Jinja2).
    from mentorat.outbox import person_letter

    return person_letter(
        "application_received",
        "application",
        application.id,
        application.person,
        role=application.role,
        late=application.status == "late",
        my_data_url=links.make_url(
            settings.public_url,
            settings.secret_key,
            application.person_id,
            "my_data",
            application.cohort_id,
        ),
    )


def _changed_fields(application: Application, values: Mapping[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(application, name) != value]


def import_applications(
    session: Session,
    cohort: Cohort,
    rows: Iterable[Mapping[str, Any]],
    *,
    now: datetime,
    actor: str,
) -> ImportReport:
    """All rows or none: the caller's transaction holds the whole file."""
    report = ImportReport()
    for row in rows:
        person = _person_of(session, row, report, now=now, actor=actor)
        before = session.scalar(
            select(Application).where(
                Application.cohort_id == cohort.id,
                Application.person_id == person.id,
                Application.role == row["role"],
            )
        )
        changed = [] if before is None else _changed_fields(before, _application_values(row))
        _, outcome = save_application(
            session, cohort, row, channel="import", now=now, actor=actor, person=person
        )
        report.counts[outcome] += 1
        line = int(row.get("line") or 0)
        labels = [BY_NAME[name].french.lower() for name in changed]
        if outcome == "late":
            report.late.append((line, person.email))
        elif outcome == "frozen":
            report.frozen.append((line, person.email, labels))
        elif outcome == "updated":
            report.changes.append((line, person.email, labels))
    return report
