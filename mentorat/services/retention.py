"""Retention on schedule: a cohort's personal data is anonymised a programme-set number of
months after the cohort closes (`[privacy] retention_months`, default 12), and its operator
is told some days before (`retention_notice_days`, default 7). The `retention` flow
(flows/retention.py) and `mentorat retention run` call `due`, `send_notice` and
`anonymise_cohort`.

The dates. A cohort closes at the end of its recognition workshop (its timeline's
`workshop_ends_at`; tasks/workshop.py sets `phase = "closed"` then). It is anonymised at
close + retention_months, and never less than `retention_notice_days` after its notice was
written: a notice written late (the schedule deployed after the date, a programme that
shortened its retention) pushes the anonymisation back, so that the operator always has
the announced days to export the bilan. Both moments are stored on the cohort
(`retention_notice_at`, `anonymised_at`), each set with a conditional UPDATE: two runs at
once write one notice and anonymise once.

Who is erased. Every person of the cohort (an application, the call, a reply or an email
of the cohort). A person who also belongs to a cohort not yet anonymised (a later cohort,
live or within its own retention) keeps their identity and that cohort's data: only this
cohort's rows of them are erased (`erasure.erase_person(..., cohort_id=...)`), and the
anonymisation of their last cohort erases them everywhere. Anyone else is erased as by
`mentorat person erase`, without the email to the person (the programme's privacy notice
announces the retention period).

What stays: ids, roles, statuses, dates, scores and objective tags, so that the bilan's
figures are the same after (tests/mentorat/test_retention.py compares them); the cohort's
own row (code, label, operator and supervisor, who are staff, not participants).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentorat.clock import as_utc
from mentorat.services import audit, cohorts, erasure, notices
from mentorat.services.programmes import programme_parts
from mentorat.settings import Settings
from models import (
    Application,
    CallRecipient,
    Cohort,
    ErasureRequest,
    InboundReply,
    OutboxMessage,
    Person,
)

ACTOR = "system:retention"
NOTICE_KIND = "retention_notice"


@dataclass(frozen=True)
class Schedule:
    """One closed cohort's retention dates."""

    cohort_id: int
    code: str
    closed_at: datetime
    notice_at: datetime  # when the notice is due
    anonymise_at: datetime  # when the data goes (pushed back by a late notice)
    notice_sent_at: datetime | None


@dataclass
class Plan:
    notices: list[Schedule] = field(default_factory=list)
    anonymise: list[Schedule] = field(default_factory=list)


@dataclass
class Anonymisation:
    cohort_id: int
    already: bool = False  # anonymised before: nothing changed
    erased: int = 0  # people erased everywhere
    kept: int = 0  # people of a cohort still kept: only this cohort's data of them erased
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows changed
    tables: set[str] = field(default_factory=set)

    def add(self, result: erasure.Erasure) -> None:
        for table, rows in result.counts.items():
            self.rows[table] = self.rows.get(table, 0) + rows
        self.tables |= result.tables


def closed_at(cohort: Cohort) -> datetime | None:
    """When the cohort closed (the end of its workshop), None while it has not."""
    if cohort.phase != "closed":
        return None
    return cohorts.timeline_of(cohort).workshop_ends_at


def schedule(cohort: Cohort, now: datetime) -> Schedule | None:
    """The cohort's retention dates; None when it is not closed or already anonymised."""
    closed = closed_at(cohort)
    if closed is None or cohort.anonymised_at is not None:
        return None
    privacy = programme_parts(cohort.programme).privacy
    target = closed + relativedelta(months=privacy.retention_months)
    notice_days = timedelta(days=privacy.retention_notice_days)
    notice_at = target - notice_days
    sent = as_utc(cohort.retention_notice_at) if cohort.retention_notice_at else None
    # Not sent yet: it will be written now at the earliest.
    told = sent if sent is not None else max(notice_at, now)
    return Schedule(
        cohort_id=cohort.id,
        code=cohort.code,
        closed_at=closed,
        notice_at=notice_at,
        anonymise_at=max(target, told + notice_days),
        notice_sent_at=sent,
    )


def due(session: Session, now: datetime) -> Plan:
    """The cohorts whose notice is due at `now` (not written yet) and those to anonymise
    (their notice written at least `retention_notice_days` ago, their date reached)."""
    plan = Plan()
    closed = session.scalars(
        select(Cohort)
        .where(Cohort.phase == "closed", Cohort.anonymised_at.is_(None))
        .order_by(Cohort.id)
    )
    for cohort in closed:
        dates = schedule(cohort, now)
        if dates is None:
            continue
        if dates.notice_sent_at is None and now >= dates.notice_at:
            plan.notices.append(dates)
        if dates.notice_sent_at is not None and now >= dates.anonymise_at:
            plan.anonymise.append(dates)
    return plan


def people_of(session: Session, cohort_id: int) -> list[int]:
    """Everyone the cohort holds data of: applicants, the call's recipients, the senders of
    its replies and the recipients of its emails (not yet erased)."""
    ids: set[int] = set()
    for column, where in (
        (Application.person_id, Application.cohort_id == cohort_id),
        (CallRecipient.person_id, CallRecipient.cohort_id == cohort_id),
        (InboundReply.person_id, InboundReply.cohort_id == cohort_id),
        (OutboxMessage.person_id, OutboxMessage.cohort_id == cohort_id),
        (ErasureRequest.person_id, ErasureRequest.cohort_id == cohort_id),
    ):
        ids.update(i for i in session.scalars(select(column).where(where)) if i is not None)
    if not ids:
        return []
    return sorted(
        session.scalars(select(Person.id).where(Person.id.in_(ids), Person.erased_at.is_(None)))
    )


def _kept_elsewhere(session: Session, person_id: int, cohort_id: int) -> bool:
    """Whether the person belongs to another cohort not yet anonymised."""
    others = (
        select(Application.cohort_id)
        .where(Application.person_id == person_id)
        .union(select(CallRecipient.cohort_id).where(CallRecipient.person_id == person_id))
    )
    return (
        session.scalar(
            select(Cohort.id).where(
                Cohort.id.in_(others.scalar_subquery()),
                Cohort.id != cohort_id,
                Cohort.anonymised_at.is_(None),
            )
        )
        is not None
    )


def send_notice(
    session: Session, settings: Settings, cohort: Cohort, dates: Schedule, *, now: datetime
) -> bool:
    """Write the notice to the cohort's operator, once (False if written already). The
    caller commits, then delivers (`notices.deliver`)."""
    claimed = session.execute(
        update(Cohort)
        .where(Cohort.id == cohort.id, Cohort.retention_notice_at.is_(None))
        .values(retention_notice_at=now)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return False
    session.refresh(cohort)
    privacy = programme_parts(cohort.programme).privacy
    anonymise_on = max(dates.anonymise_at, now + timedelta(days=privacy.retention_notice_days))
    people = len(people_of(session, cohort.id))
    notices.queue_for_operator(
        session,
        settings,
        cohort,
        kind=NOTICE_KIND,
        occurrence="retention",
        now=now,
        anonymise_on=anonymise_on,
        closed_on=dates.closed_at,
        months=privacy.retention_months,
        people=people,
    )
    audit.record(
        session,
        at=now,
        actor=ACTOR,
        action="retention.notice_sent",
        entity="cohort",
        entity_id=cohort.id,
        cohort_id=cohort.id,
        people=people,
        anonymise_at=anonymise_on.isoformat(),
    )
    return True


def anonymise_cohort(
    session: Session, cohort: Cohort, now: datetime, actor: str = ACTOR
) -> Anonymisation:
    """Erase the personal data of every person of the cohort, in the caller's transaction
    (the caller commits, then calls `erasure.reclaim_space(engine, result.tables)`).
    A cohort anonymised already: nothing changes (`Anonymisation.already`)."""
    result = Anonymisation(cohort.id)
    claimed = session.execute(
        update(Cohort)
        .where(Cohort.id == cohort.id, Cohort.anonymised_at.is_(None))
        .values(anonymised_at=now)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        result.already = True
        return result
    for person_id in people_of(session, cohort.id):
        if _kept_elsewhere(session, person_id, cohort.id):
            done = erasure.erase_person(
                session, person_id, actor=actor, now=now, cohort_id=cohort.id
            )
            result.kept += 1
        else:
            done = erasure.erase_person(session, person_id, actor=actor, now=now)
            result.erased += 1
        result.add(done)
    # Replies from addresses that matched nobody: their text and Message-ID go too.
    strangers = session.scalars(
        select(InboundReply).where(
            InboundReply.cohort_id == cohort.id,
            InboundReply.person_id.is_(None),
            InboundReply.text != erasure.ERASED_TEXT,
        )
    )
    for reply in strangers:
        reply.text = erasure.ERASED_TEXT
        reply.message_id = f"<erased-{reply.id}@invalid>"
        result.rows["inbound_reply"] = result.rows.get("inbound_reply", 0) + 1
        result.tables.add("inbound_reply")
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="retention.anonymised",
        entity="cohort",
        entity_id=cohort.id,
        cohort_id=cohort.id,
        people_erased=result.erased,
        people_kept=result.kept,
        rows=dict(sorted(result.rows.items())),
    )
    return result


def undelivered_notices(session: Session) -> list[int]:
    """Cohorts whose retention notice is still waiting in the outbox (a closed cohort has
    no run of its own left to send it: the retention run tries again)."""
    rows = session.scalars(
        select(OutboxMessage.cohort_id)
        .where(OutboxMessage.kind == NOTICE_KIND, OutboxMessage.status == "pending")
        .distinct()
    )
    return sorted(i for i in rows if i is not None)
