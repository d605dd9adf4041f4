"""A new set of links, by email, for someone whose link expired or was damaged.

The links go only to the address on file, whatever was typed, and the page answers the same
whether or not the address is known: nobody learns who takes part in a programme.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorat import links
from mentorat.mail.words import ordinal_fr
from mentorat.services import notices
from mentorat.services.cohorts import timeline_of
from mentorat.settings import Settings
from models import (
    Application,
    CallRecipient,
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
class OpenRequest:
    label: str
    url: str
    deadline: datetime | None


def open_requests(
    session: Session, settings: Settings, person: Person, now: datetime
) -> tuple[list[OpenRequest], int | None]:
    """What the person can still answer, with a fresh link each; and their latest cohort."""

    def url(purpose: str, occurrence: int) -> str:
        return links.make_url(
            settings.public_url, settings.secret_key, person.id, purpose, occurrence
        )

    out: list[OpenRequest] = []
    apps = list(
        session.scalars(
            select(Application).where(Application.person_id == person.id).order_by(Application.id)
        )
    )
    app_ids = [a.id for a in apps]
    cohort_ids = {a.cohort_id for a in apps} | set(
        session.scalars(select(CallRecipient.cohort_id).where(CallRecipient.person_id == person.id))
    )
    cohorts = {c.id: c for c in session.scalars(select(Cohort).where(Cohort.id.in_(cohort_ids)))}
    for cohort in cohorts.values():
        t = timeline_of(cohort)
        if t.call_opens_at <= now < t.call_closes_at and cohort.matching_approved_at is None:
            out.append(
                OpenRequest(
                    "Déposer ou modifier ma candidature", url("apply", cohort.id), t.call_closes_at
                )
            )
    signed = set(
        session.scalars(
            select(CharterSignature.application_id).where(
                CharterSignature.application_id.in_(app_ids)
            )
        )
    )
    for pair in session.scalars(
        select(Pair).where(
            Pair.status == "approved",
            Pair.mentor_application_id.in_(app_ids) | Pair.mentee_application_id.in_(app_ids),
        )
    ):
        mine = (
            pair.mentor_application_id
            if pair.mentor_application_id in app_ids
            else pair.mentee_application_id
        )
        if mine not in signed:
            out.append(OpenRequest("Lire et signer la charte", url("charter", pair.id), None))
    for row in session.scalars(
        select(CheckIn)
        .where(CheckIn.application_id.in_(app_ids), CheckIn.closes_at > now)
        .order_by(CheckIn.month)
    ):
        out.append(
            OpenRequest(
                f"Point mensuel du {ordinal_fr(row.month)} mois",
                url("checkin", row.id),
                row.closes_at,
            )
        )
    for att, meeting in session.execute(
        select(SupervisionAttendance, SupervisionSession)
        .join(SupervisionSession)
        .where(
            SupervisionAttendance.application_id.in_(app_ids), SupervisionSession.starts_at > now
        )
    ):
        out.append(
            OpenRequest("Séance de supervision", url("supervision", att.id), meeting.starts_at)
        )
    for inv in session.scalars(
        select(WorkshopInvitation).where(WorkshopInvitation.application_id.in_(app_ids))
    ):
        starts = timeline_of(cohorts[inv.cohort_id]).workshop_starts_at
        if starts is not None and now < starts:
            out.append(OpenRequest("Atelier de restitution", url("workshop", inv.id), starts))
    for app in apps:
        t = timeline_of(cohorts[app.cohort_id])
        if (
            t.evaluation_opens_at
            and t.evaluation_closes_at
            and t.evaluation_opens_at <= now < t.evaluation_closes_at
        ):
            out.append(
                OpenRequest(
                    "Questionnaire d’évaluation", url("evaluation", app.id), t.evaluation_closes_at
                )
            )
    latest = max(cohorts) if cohorts else None
    if latest is not None:
        out.append(OpenRequest("Consulter mes informations", url("my_data", latest), None))
    return out, latest


def send(session: Session, settings: Settings, person: Person, now: datetime) -> int | None:
    """Queue the email of fresh links (at most one an hour); returns the cohort to deliver for."""
    if person.erased_at is not None or person.email_status == "failing":
        return None
    requests, cohort_id = open_requests(session, settings, person, now)
    if cohort_id is None:
        return None
    cohort = session.get(Cohort, cohort_id)
    assert cohort is not None
    queued = notices.queue_for_person(
        session,
        settings,
        cohort,
        person,
        kind="fresh_links",
        occurrence=f"{now:%Y%m%d%H}",
        now=now,
        requests=requests,
    )
    return cohort_id if queued else None
