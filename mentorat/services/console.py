"""What the operator's console shows: the cohorts one may see and, for one cohort, the people
who need attention, by name (the console is the only place names are shown; nothing here goes
to Prefect)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, aliased

from mentorat.mail.words import ordinal_fr, role_fr
from mentorat.services.cohorts import timeline_of
from mentorat.services.operators import Viewer
from mentorat.services.status import PHASE_LABELS
from models import (
    Application,
    CharterSignature,
    CheckIn,
    Cohort,
    Pair,
    Person,
    SupervisionAttendance,
    SupervisionSession,
    WorkshopInvitation,
)


@dataclass(frozen=True)
class CohortCard:
    code: str
    label: str
    programme: str
    phase: str
    next_due: datetime | None
    participants: int
    pairs: int


@dataclass(frozen=True)
class Named:
    """One person in a list: their name and what the list says about them (`ref`: the
    person's or application's number, for the list's actions)."""

    name: str
    detail: str
    ref: int = 0


@dataclass(frozen=True)
class Attention:
    unsigned_charter: list[Named]
    missed_checkins: list[Named]
    asked_for_help: list[Named]
    bounced: list[Named] | None  # None: not for this viewer (a supervisor)


def _visible(viewer: Viewer) -> Select[tuple[Cohort]]:
    query = select(Cohort)
    if not viewer.sees_all_programmes:
        query = query.where(Cohort.programme_id == viewer.programme_id)
    return query


def visible_cohorts(session: Session, viewer: Viewer, now: datetime) -> list[CohortCard]:
    cohorts = list(session.scalars(_visible(viewer).order_by(Cohort.call_opens_at.desc())))
    ids = [c.id for c in cohorts]
    participants: dict[int, int] = dict(  # .all(): a Result has keys(), dict() misreads it
        session.execute(
            select(Application.cohort_id, func.count())
            .where(Application.cohort_id.in_(ids))
            .group_by(Application.cohort_id)
        )
        .tuples()
        .all()
    )
    pairs: dict[int, int] = dict(
        session.execute(
            select(Pair.cohort_id, func.count())
            .where(Pair.cohort_id.in_(ids), Pair.status == "approved")
            .group_by(Pair.cohort_id)
        )
        .tuples()
        .all()
    )
    return [
        CohortCard(
            code=c.code,
            label=c.label,
            programme=c.programme.short_name,
            phase=PHASE_LABELS.get(c.phase, c.phase),
            next_due=timeline_of(c).next_after(now),
            participants=participants.get(c.id, 0),
            pairs=pairs.get(c.id, 0),
        )
        for c in cohorts
    ]


def visible_cohort(session: Session, viewer: Viewer, code: str) -> Cohort | None:
    """The cohort of that code if the viewer may see it (otherwise as if it did not exist)."""
    return session.scalar(_visible(viewer).where(Cohort.code == code))


def _name(person: Person) -> str:
    return f"{person.first_name} {person.last_name}"


def attention(session: Session, cohort: Cohort, viewer: Viewer, now: datetime) -> Attention:
    unsigned: list[Named] = []
    signed = set(
        session.execute(
            select(CharterSignature.pair_id, CharterSignature.application_id)
            .join(Pair, Pair.id == CharterSignature.pair_id)
            .where(Pair.cohort_id == cohort.id)
        ).tuples()
    )
    for pair in session.scalars(
        select(Pair).where(Pair.cohort_id == cohort.id, Pair.status == "approved").order_by(Pair.id)
    ):
        for app in (pair.mentor, pair.mentee):
            if (pair.id, app.id) not in signed:
                unsigned.append(Named(_name(app.person), role_fr(app.role)))

    def checkins(*where: ColumnElement[bool]) -> list[Named]:
        rows = session.execute(
            select(CheckIn.month, Person)
            .join(Application, Application.id == CheckIn.application_id)
            .join(Person, Person.id == Application.person_id)
            .where(CheckIn.cohort_id == cohort.id, *where)
            .order_by(CheckIn.month, Person.last_name, Person.first_name)
        ).tuples()
        return [Named(_name(p), f"point du {ordinal_fr(month)} mois") for month, p in rows]

    missed = checkins(
        (CheckIn.status == "missed") | ((CheckIn.status == "open") & (CheckIn.closes_at <= now))
    )
    helped = checkins(CheckIn.need_help.is_(True))
    bounced: list[Named] | None = None
    if viewer.sees_bounces:
        member = aliased(Application)
        bounced = [
            Named(_name(p), p.email, p.id)
            for p in session.scalars(
                select(Person)
                .where(
                    Person.email_status == "failing",
                    Person.id.in_(select(member.person_id).where(member.cohort_id == cohort.id)),
                )
                .order_by(Person.last_name, Person.first_name)
            )
        ]
    return Attention(unsigned, missed, helped, bounced)


# --- What the fixes act on (mentorat.services.fixes) ---------------------------------------

PAIR_STATES = {"approved": "charte à signer", "active": "en cours", "ended": "terminé"}
RSVP_FR = {"yes": "vient", "no": "ne vient pas", None: "sans réponse"}


@dataclass(frozen=True)
class PairRow:
    id: int
    mentor: Named
    mentee: Named
    state: str
    live: bool


@dataclass(frozen=True)
class Invitee:
    application_id: int
    name: str
    rsvp: str
    attended: bool | None


@dataclass(frozen=True)
class SessionRow:
    id: int
    title: str
    starts_at: datetime
    location: str
    cancelled: bool
    past: bool
    invitees: list[Invitee]


def pair_rows(session: Session, cohort: Cohort) -> list[PairRow]:
    rows = []
    for pair in session.scalars(
        select(Pair)
        .where(Pair.cohort_id == cohort.id, Pair.status.in_(tuple(PAIR_STATES)))
        .order_by(Pair.id)
    ):
        mentor, mentee = pair.mentor, pair.mentee
        rows.append(
            PairRow(
                pair.id,
                Named(_name(mentor.person), role_fr(mentor.role), mentor.id),
                Named(_name(mentee.person), role_fr(mentee.role), mentee.id),
                PAIR_STATES[pair.status],
                pair.status != "ended",
            )
        )
    return rows


def pool_rows(session: Session, cohort: Cohort) -> list[Named]:
    from mentorat.services import fixes

    return [
        Named(_name(app.person), role_fr(app.role), app.id)
        for app in fixes.pool(session, cohort.id)
    ]


def session_rows(session: Session, cohort: Cohort, now: datetime) -> list[SessionRow]:
    from mentorat.services import fixes

    meetings = list(
        session.scalars(
            select(SupervisionSession)
            .where(SupervisionSession.cohort_id == cohort.id)
            .order_by(SupervisionSession.starts_at, SupervisionSession.id)
        )
    )
    invited: dict[int, list[Invitee]] = {m.id: [] for m in meetings}
    for att, person in session.execute(
        select(SupervisionAttendance, Person)
        .join(Application, Application.id == SupervisionAttendance.application_id)
        .join(Person, Person.id == Application.person_id)
        .where(SupervisionAttendance.session_id.in_(list(invited)))
        .order_by(Person.last_name, Person.first_name)
    ).tuples():
        invited[att.session_id].append(
            Invitee(att.application_id, _name(person), RSVP_FR[att.rsvp], att.attended)
        )
    return [
        SessionRow(
            m.id,
            fixes.session_title(m),
            m.starts_at,
            m.location,
            m.cancelled_at is not None,
            m.starts_at <= now,
            invited[m.id],
        )
        for m in meetings
    ]


@dataclass(frozen=True)
class WorkshopRow:
    title: str
    starts_at: datetime
    location: str
    cancelled: bool
    past: bool
    invited: int
    coming: int


def workshop_row(session: Session, cohort: Cohort, now: datetime) -> WorkshopRow | None:
    """The recognition workshop, once its date is known (the pairs approved)."""
    from mentorat.services.programmes import cohort_parts

    t = timeline_of(cohort)
    if t.workshop_starts_at is None or t.workshop_ends_at is None:
        return None
    answers = list(
        session.scalars(
            select(WorkshopInvitation.rsvp).where(WorkshopInvitation.cohort_id == cohort.id)
        )
    )
    return WorkshopRow(
        cohort_parts(cohort).workshop.title,
        t.workshop_starts_at,
        cohort.workshop_location,
        cohort.workshop_cancelled_at is not None,
        t.workshop_ends_at <= now,
        len(answers),
        sum(a == "yes" for a in answers),
    )
