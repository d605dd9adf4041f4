"""A cohort's progress in counts (no names): for `mentorat cohort status` and the Prefect
artifact that admins watch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from mentorat.services.cohorts import timeline_of
from models import (
    Application,
    CallRecipient,
    CharterSignature,
    CheckIn,
    Cohort,
    EvaluationAnswer,
    OutboxMessage,
    Pair,
    SupervisionAttendance,
    SupervisionSession,
    WorkshopInvitation,
)

PHASE_LABELS = {
    "draft": "brouillon",
    "call": "appel à candidatures",
    "matching": "appariement",
    "charter": "charte",
    "checkins": "points mensuels",
    "evaluation": "évaluation finale",
    "workshop": "atelier de restitution",
    "closed": "terminée",
}


@dataclass(frozen=True)
class Row:
    phase: str
    measure: str
    value: int | str


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def cohort_rows(session: Session, cohort: Cohort, now: datetime | None = None) -> list[Row]:
    cid = cohort.id
    rows = [Row("cohorte", "phase", PHASE_LABELS.get(cohort.phase, cohort.phase))]
    rows.append(
        Row(
            "appel",
            "destinataires de l’appel",
            _count(session, select(CallRecipient.id).where(CallRecipient.cohort_id == cid)),
        )
    )
    for role, label in (("mentor", "candidatures mentor"), ("mentee", "candidatures mentoré·e")):
        rows.append(
            Row(
                "appel",
                label,
                _count(
                    session,
                    select(Application.id).where(
                        Application.cohort_id == cid, Application.role == role
                    ),
                ),
            )
        )
    for status, label in (
        ("proposed", "binômes proposés"),
        ("approved", "binômes validés, charte en attente"),
        ("active", "binômes actifs"),
    ):
        rows.append(
            Row(
                "appariement",
                label,
                _count(
                    session, select(Pair.id).where(Pair.cohort_id == cid, Pair.status == status)
                ),
            )
        )
    rows.append(
        Row(
            "appariement",
            "sans binôme",
            _count(
                session,
                select(Application.id).where(
                    Application.cohort_id == cid, Application.status == "unmatched"
                ),
            ),
        )
    )
    # Arrived after the approval (mentorat.services.applications): in no pair, to be handled.
    rows.append(
        Row(
            "appariement",
            "candidatures tardives (après validation)",
            _count(
                session,
                select(Application.id).where(
                    Application.cohort_id == cid, Application.status == "late"
                ),
            ),
        )
    )
    rows.append(
        Row(
            "charte",
            "signatures",
            _count(
                session,
                select(CharterSignature.id)
                .join(Pair, Pair.id == CharterSignature.pair_id)
                .where(Pair.cohort_id == cid),
            ),
        )
    )
    for status, label in (
        ("answered", "points mensuels répondus"),
        ("open", "points mensuels ouverts"),
        ("missed", "points mensuels manqués"),
        ("unasked", "points mensuels clos sans avoir été demandés"),
    ):
        rows.append(
            Row(
                "points mensuels",
                label,
                _count(
                    session,
                    select(CheckIn.id).where(CheckIn.cohort_id == cid, CheckIn.status == status),
                ),
            )
        )
    rows.append(
        Row(
            "points mensuels",
            "demandes d’aide",
            _count(
                session,
                select(CheckIn.id).where(CheckIn.cohort_id == cid, CheckIn.need_help.is_(True)),
            ),
        )
    )
    rows.append(
        Row(
            "supervision",
            "séances",
            _count(
                session, select(SupervisionSession.id).where(SupervisionSession.cohort_id == cid)
            ),
        )
    )
    rows.append(
        Row(
            "supervision",
            "réponses « je viendrai »",
            _count(
                session,
                select(SupervisionAttendance.id)
                .join(SupervisionSession)
                .where(SupervisionSession.cohort_id == cid, SupervisionAttendance.rsvp == "yes"),
            ),
        )
    )
    rows.append(
        Row(
            "évaluation",
            "réponses",
            _count(session, select(EvaluationAnswer.id).where(EvaluationAnswer.cohort_id == cid)),
        )
    )
    rows.append(
        Row(
            "atelier",
            "invitations",
            _count(
                session, select(WorkshopInvitation.id).where(WorkshopInvitation.cohort_id == cid)
            ),
        )
    )
    rows.append(
        Row(
            "atelier",
            "réponses « je viendrai »",
            _count(
                session,
                select(WorkshopInvitation.id).where(
                    WorkshopInvitation.cohort_id == cid, WorkshopInvitation.rsvp == "yes"
                ),
            ),
        )
    )
    for status, label in (
        ("sent", "courriels envoyés"),
        ("pending", "courriels en attente"),
        ("failed", "courriels refusés (adresse en échec)"),
    ):
        rows.append(
            Row(
                "courriels",
                label,
                _count(
                    session,
                    select(OutboxMessage.id).where(
                        OutboxMessage.cohort_id == cid, OutboxMessage.status == status
                    ),
                ),
            )
        )
    if now is not None:
        upcoming = timeline_of(cohort).next_after(now)
        rows.append(
            Row(
                "cohorte",
                "prochaine échéance",
                upcoming.strftime("%d/%m/%Y %H:%M UTC") if upcoming else "aucune",
            )
        )
    return rows


def emails_by_kind(session: Session, cohort_id: int) -> dict[str, int]:
    return dict(
        session.execute(
            select(OutboxMessage.kind, func.count())
            .where(OutboxMessage.cohort_id == cohort_id, OutboxMessage.status == "sent")
            .group_by(OutboxMessage.kind)
            .order_by(OutboxMessage.kind)
        )
        .tuples()
        .all()
    )
