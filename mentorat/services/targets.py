"""What a link points to: the person's own request, or nothing.

A claim whose person is not the one the request belongs to resolves to None, exactly like a
request that does not exist: the pages never tell one case from the other, so a link cannot
be used to probe for people or requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorat.links import LinkClaim
from mentorat.services.cohorts import timeline_of
from models import (
    Application,
    CallRecipient,
    CheckIn,
    Cohort,
    Pair,
    Person,
    SupervisionAttendance,
    SupervisionSession,
    WorkshopInvitation,
)


@dataclass
class Target:
    purpose: str
    person: Person
    cohort: Cohort
    entity: Any  # CheckIn, Pair, SupervisionAttendance, WorkshopInvitation, Application, Cohort
    application: Application | None
    # Until when an answer may be given or changed; None: no deadline.
    deadline: datetime | None

    def is_open(self, now: datetime) -> bool:
        return self.deadline is None or now < self.deadline


def resolve(session: Session, claim: LinkClaim) -> Target | None:
    person = session.get(Person, claim.person_id)
    if person is None or person.erased_at is not None:
        return None
    resolver = _RESOLVERS.get(claim.purpose)
    return resolver(session, person, claim.occurrence) if resolver else None


def _own_application(session: Session, person: Person, application_id: int) -> Application | None:
    app = session.get(Application, application_id)
    return app if app is not None and app.person_id == person.id else None


def _checkin(session: Session, person: Person, occurrence: int) -> Target | None:
    # The hot path (every one-click answer): one query for the row, its owner and cohort.
    found = session.execute(
        select(CheckIn, Application, Cohort)
        .join(Application, Application.id == CheckIn.application_id)
        .join(Cohort, Cohort.id == CheckIn.cohort_id)
        .where(CheckIn.id == occurrence, Application.person_id == person.id)
    ).first()
    if found is None:
        return None
    row, app, cohort = found
    return Target("checkin", person, cohort, row, app, row.closes_at)


def _charter(session: Session, person: Person, occurrence: int) -> Target | None:
    pair = session.get(Pair, occurrence)
    if pair is None or pair.status not in {"approved", "active"}:
        return None
    app = next((a for a in (pair.mentor, pair.mentee) if a.person_id == person.id), None)
    if app is None:
        return None
    cohort = session.get(Cohort, pair.cohort_id)
    assert cohort is not None
    # A signature is final; late signers may still sign (the supervisor follows them up).
    return Target("charter", person, cohort, pair, app, None)


def _supervision(session: Session, person: Person, occurrence: int) -> Target | None:
    att = session.get(SupervisionAttendance, occurrence)
    app = _own_application(session, person, att.application_id) if att else None
    if att is None or app is None:
        return None
    meeting = session.get(SupervisionSession, att.session_id)
    cohort = session.get(Cohort, app.cohort_id)
    assert meeting is not None and cohort is not None
    return Target("supervision", person, cohort, att, app, meeting.starts_at)


def _workshop(session: Session, person: Person, occurrence: int) -> Target | None:
    inv = session.get(WorkshopInvitation, occurrence)
    app = _own_application(session, person, inv.application_id) if inv else None
    if inv is None or app is None:
        return None
    cohort = session.get(Cohort, inv.cohort_id)
    assert cohort is not None
    starts = timeline_of(cohort).workshop_starts_at
    return Target("workshop", person, cohort, inv, app, starts)


def _evaluation(session: Session, person: Person, occurrence: int) -> Target | None:
    app = _own_application(session, person, occurrence)
    if app is None:
        return None
    cohort = session.get(Cohort, app.cohort_id)
    assert cohort is not None
    return Target("evaluation", person, cohort, app, app, timeline_of(cohort).evaluation_closes_at)


def _called_or_applied(
    session: Session, person: Person, occurrence: int
) -> tuple[Cohort, Application | None] | None:
    """The cohort (its id is the occurrence) and the person's application in it, if the
    person applied to it or its call reached them; else None."""
    cohort = session.get(Cohort, occurrence)
    if cohort is None:
        return None
    app = session.scalar(
        select(Application).where(
            Application.cohort_id == cohort.id, Application.person_id == person.id
        )
    )
    invited = session.scalar(
        select(CallRecipient.id).where(
            CallRecipient.cohort_id == cohort.id, CallRecipient.person_id == person.id
        )
    )
    if app is None and invited is None:
        return None
    return cohort, app


def _apply(session: Session, person: Person, occurrence: int) -> Target | None:
    found = _called_or_applied(session, person, occurrence)
    if found is None:
        return None
    cohort, app = found
    deadline = timeline_of(cohort).call_closes_at
    if cohort.matching_approved_at is not None:
        deadline = min(deadline, cohort.matching_approved_at)
    return Target("apply", person, cohort, cohort, app, deadline)


def _my_data(session: Session, person: Person, occurrence: int) -> Target | None:
    found = _called_or_applied(session, person, occurrence)
    if found is None:
        return None
    cohort, app = found
    return Target("my_data", person, cohort, cohort, app, None)


_RESOLVERS = {
    "checkin": _checkin,
    "charter": _charter,
    "supervision": _supervision,
    "workshop": _workshop,
    "evaluation": _evaluation,
    "apply": _apply,
    "my_data": _my_data,
}
