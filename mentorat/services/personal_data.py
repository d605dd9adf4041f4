"""Personal data: a person's export ("my data") and erasure requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorat.services import ServiceError, audit
from models import (
    Application,
    CharterSignature,
    CharterVersion,
    CheckIn,
    Cohort,
    EvaluationAnswer,
    Person,
    SupervisionAttendance,
    WorkshopInvitation,
)


def request_erasure(
    session: Session, person_id: int, *, cohort_id: int | None, channel: str, now: datetime
) -> tuple[Any, bool]:
    """Record a request to erase a person's data; returns it and whether it is new."""
    from models import ErasureRequest

    pending = session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.person_id == person_id, ErasureRequest.status == "pending"
        )
    )
    if pending is not None:
        return pending, False
    request = ErasureRequest(
        person_id=person_id,
        cohort_id=cohort_id,
        requested_at=now,
        channel=channel,
        status="pending",
    )
    session.add(request)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=f"person:{person_id}",
        action="erasure.requested",
        entity="person",
        entity_id=person_id,
        cohort_id=cohort_id,
        channel=channel,
    )
    return request, True


_FIELD_LABELS_FR = {
    "objectives": "objectifs",
    "expertise": "domaines d’expérience",
    "unit": "service",
    "manager_email": "courriel du ou de la responsable",
    "region": "région",
    "overseas": "outre-mer",
    "formats": "formats",
    "languages": "langues",
    "capacity": "binômes acceptés",
    "career_stage": "étape de carrière",
    "seniority_years": "années d’expérience",
    "gender": "genre",
    "preferred_mentor_gender": "préférence de genre du mentor",
    "availability": "disponibilités",
    "expectations": "attentes",
}


def personal_data(session: Session, person_id: int) -> dict[str, Any]:
    """Everything held about one person, as plain JSON-ready data (the "my data" export)."""
    from models import ErasureRequest, OutboxMessage

    person = session.get(Person, person_id)
    if person is None:
        raise ServiceError("personne inconnue")

    def when(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    apps = list(
        session.scalars(
            select(Application).where(Application.person_id == person_id).order_by(Application.id)
        )
    )
    app_ids = [a.id for a in apps]
    cohorts = {
        c.id: c
        for c in session.scalars(select(Cohort).where(Cohort.id.in_([a.cohort_id for a in apps])))
    }
    data: dict[str, Any] = {
        "personne": {
            "courriel": person.email,
            "prénom": person.first_name,
            "nom": person.last_name,
            "téléphone": person.phone,
            "état de l’adresse": person.email_status,
            "créée le": when(person.created_at),
        },
        "candidatures": [],
        "signatures": [],
        "points_mensuels": [],
        "évaluations": [],
        "supervision": [],
        "atelier": [],
        "courriels_envoyés": [],
        "demandes_effacement": [],
    }
    for app in apps:
        cohort = cohorts[app.cohort_id]
        data["candidatures"].append(
            {
                "cohorte": cohort.code,
                "rôle": app.role,
                "statut": app.status,
                "canal": app.channel,
                **{label: getattr(app, name) for name, label in _FIELD_LABELS_FR.items()},
                "prise de poste": str(app.post_start_date) if app.post_start_date else None,
                "créée le": when(app.created_at),
                "modifiée le": when(app.updated_at),
            }
        )
    for sig in session.scalars(
        select(CharterSignature).where(CharterSignature.application_id.in_(app_ids))
    ):
        version = session.get(CharterVersion, sig.charter_version_id)
        data["signatures"].append(
            {
                "binôme": sig.pair_id,
                "nom signé": sig.signed_name,
                "version de la charte": version.version if version else None,
                "signée le": when(sig.signed_at),
                "canal": sig.channel,
            }
        )
    for row in session.scalars(
        select(CheckIn).where(CheckIn.application_id.in_(app_ids)).order_by(CheckIn.month)
    ):
        data["points_mensuels"].append(
            {
                "mois": row.month,
                "statut": row.status,
                "répondu le": when(row.answered_at),
                "canal": row.channel,
                "rencontre": row.met,
                "rencontres": row.meetings,
                "format": row.format,
                "appréciation": row.mood,
                "besoin d’aide": row.need_help,
                "message au référent": row.help_message,
            }
        )
    for ev in session.scalars(
        select(EvaluationAnswer).where(EvaluationAnswer.application_id.in_(app_ids))
    ):
        data["évaluations"].append(
            {
                "objectifs atteints": ev.objectives_reached,
                "satisfaction": ev.satisfaction,
                "recommandation": ev.recommend,
                "à nouveau mentor": ev.mentor_again,
                "commentaires": ev.comments,
                "répondu le": when(ev.answered_at),
            }
        )
    for att in session.scalars(
        select(SupervisionAttendance).where(SupervisionAttendance.application_id.in_(app_ids))
    ):
        data["supervision"].append(
            {
                "séance": att.session_id,
                "réponse": att.rsvp,
                "répondu le": when(att.rsvp_at),
                "présence": att.attended,
            }
        )
    for inv in session.scalars(
        select(WorkshopInvitation).where(WorkshopInvitation.application_id.in_(app_ids))
    ):
        data["atelier"].append({"réponse": inv.rsvp, "répondu le": when(inv.rsvp_at)})
    for msg in session.scalars(
        select(OutboxMessage).where(OutboxMessage.person_id == person_id).order_by(OutboxMessage.id)
    ):
        data["courriels_envoyés"].append(
            {
                "objet": msg.subject,
                "statut": msg.status,
                "écrit le": when(msg.created_at),
                "envoyé le": when(msg.sent_at),
            }
        )
    for req in session.scalars(select(ErasureRequest).where(ErasureRequest.person_id == person_id)):
        data["demandes_effacement"].append(
            {"demandée le": when(req.requested_at), "statut": req.status}
        )
    return data
