"""Cohorts: created as drafts, launched, and their timeline."""

from __future__ import annotations

import copy
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, object_session

from mentorat import timeline as tl
from mentorat.clock import as_utc
from mentorat.presets import ProgrammePreset
from mentorat.services import ServiceError, audit
from mentorat.services.programmes import _latest_charter, cohort_parts, programme_parts
from models import (
    Cohort,
    Programme,
    SupervisionSession,
)


def create_cohort(
    session: Session,
    *,
    programme_slug: str,
    code: str,
    label: str,
    call_opens_at: datetime,
    operator_name: str,
    operator_email: str,
    supervisor_name: str,
    supervisor_email: str,
    now: datetime,
    actor: str,
) -> Cohort:
    programme = session.scalar(select(Programme).where(Programme.slug == programme_slug))
    if programme is None:
        raise ServiceError(f"programme « {programme_slug} » inconnu : ajoutez-le d’abord")
    if session.scalar(select(Cohort).where(Cohort.code == code)) is not None:
        raise ServiceError(f"la cohorte « {code} » existe déjà")
    charter = _latest_charter(session, programme.id)
    assert charter is not None  # add_programme always writes version 1
    cohort = Cohort(
        code=code,
        label=label,
        programme=programme,
        # The cohort keeps the programme's settings of today: a preset edited later
        # reaches it only through update_settings (mentorat.services.cohort_changes).
        settings=copy.deepcopy(programme.settings),
        charter=charter,
        operator_name=operator_name,
        operator_email=operator_email.lower(),
        supervisor_name=supervisor_name,
        supervisor_email=supervisor_email.lower(),
        call_opens_at=call_opens_at,
        phase="draft",
        workshop_location=programme_parts(programme).workshop.location,
        created_at=now,
    )
    session.add(cohort)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="cohort.created",
        entity="cohort",
        entity_id=cohort.id,
        cohort_id=cohort.id,
    )
    return cohort


def get_cohort(session: Session, code: str) -> Cohort:
    cohort = session.scalar(select(Cohort).where(Cohort.code == code))
    if cohort is None:
        raise ServiceError(f"cohorte « {code} » inconnue")
    return cohort


def timeline_of(cohort: Cohort) -> tl.Timeline:
    """Everything due in the cohort's life, from its own settings' timing (the programme's
    when the cohort was created), its approval date, the individual supervision sessions
    set up after escalations (read through the cohort's session) and a charter version
    adopted mid-cohort."""
    return timeline_with(cohort, cohort_parts(cohort))


def timeline_with(cohort: Cohort, parts: ProgrammePreset) -> tl.Timeline:
    """The cohort's timeline had it the settings `parts` (what update_settings compares)."""
    session = object_session(cohort)
    assert session is not None, "timeline_of needs a cohort attached to a session"
    # Sessions with their own reminder: the individual ones, and group sessions the operator
    # moved from their slot (services.fixes); a cancelled one has none.
    individual = session.scalars(
        select(SupervisionSession.starts_at).where(
            SupervisionSession.cohort_id == cohort.id,
            or_(SupervisionSession.kind == "individual", SupervisionSession.sequence > 0),
            SupervisionSession.cancelled_at.is_(None),
        )
    )
    return tl.build(
        parts.timing,
        parts.supervision,
        parts.workshop,
        call_opens_at=cohort.call_opens_at,
        approved_at=cohort.matching_approved_at,
        individual_sessions=tuple(as_utc(start) for start in individual),
        charter_adopted_at=as_utc(cohort.charter_adopted_at) if cohort.charter_adopted_at else None,
        workshop_moved_to=as_utc(cohort.workshop_moved_to) if cohort.workshop_moved_to else None,
    )


def launch_cohort(session: Session, cohort: Cohort, *, now: datetime, actor: str) -> None:
    if cohort.launched_at is not None:
        return
    cohort.launched_at = now
    cohort.phase = "call"
    audit.record(
        session,
        at=now,
        actor=actor,
        action="cohort.launched",
        entity="cohort",
        entity_id=cohort.id,
        cohort_id=cohort.id,
    )
