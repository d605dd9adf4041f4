"""Personal data: a person's export ("my data") and erasure requests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorat.mail import labels
from mentorat.mail.dates import as_utc
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


# What the JSON download says about itself: its structure, in the participant's words.
ABOUT = (
    "Les informations que le programme détient à votre sujet, par promotion (« cohortes ») "
    "puis par binôme ; chaque binôme liste vos points mensuels, un par mois. Les dates et "
    "heures sont au format international ISO 8601, en temps universel (UTC) ; « null » "
    "signifie « non renseigné ». Les courriels reçus sont listés par objet, sans leur texte."
)


def _name(app: Application | None) -> str | None:
    if app is None or app.person is None:
        return None
    return f"{app.person.first_name} {app.person.last_name}".strip() or None


def personal_data(
    session: Session, person_id: int, *, now: datetime | None = None
) -> dict[str, Any]:
    """Everything held about one person, grouped by cohort then pair, with French keys and
    French labels instead of codes. Dates stay datetimes (the page writes them in French,
    the JSON download in ISO 8601: `as_json`)."""
    from models import ErasureRequest, InboundReply, OutboxMessage, Pair

    person = session.get(Person, person_id)
    if person is None:
        raise ServiceError("personne inconnue")
    apps = list(
        session.scalars(
            select(Application).where(Application.person_id == person_id).order_by(Application.id)
        )
    )
    cohorts = {
        c.id: c
        for c in session.scalars(select(Cohort).where(Cohort.id.in_([a.cohort_id for a in apps])))
    }
    mails = list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.person_id == person_id)
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
    )
    replies = list(
        session.scalars(
            select(InboundReply)
            .where(InboundReply.person_id == person_id)
            .order_by(InboundReply.received_at, InboundReply.id)
        )
    )
    data: dict[str, Any] = {
        "à propos": ABOUT,
        "personne": {
            "prénom": person.first_name,
            "nom": person.last_name,
            "adresse électronique": person.email,
            "téléphone": person.phone or None,
            "état de l’adresse": labels.label("email_status", person.email_status),
            "enregistrée le": person.created_at,
        },
        "cohortes": [],
        "autres courriels reçus": [
            _mail(m) for m in mails if m.cohort_id is None or m.cohort_id not in cohorts
        ],
        "autres réponses par courriel": [
            _reply(r) for r in replies if r.cohort_id is None or r.cohort_id not in cohorts
        ],
        "demandes d’effacement": [
            {
                "demandée le": req.requested_at,
                "statut": labels.label("erasure_status", req.status),
                "traitée le": req.done_at,
            }
            for req in session.scalars(
                select(ErasureRequest)
                .where(ErasureRequest.person_id == person_id)
                .order_by(ErasureRequest.requested_at)
            )
        ],
    }
    if now is not None:
        data["produit le"] = now
    for app in apps:
        cohort = cohorts[app.cohort_id]
        pairs = list(
            session.scalars(
                select(Pair)
                .where(
                    (Pair.mentor_application_id == app.id) | (Pair.mentee_application_id == app.id),
                    # A proposal the operator has not approved was never announced.
                    Pair.status.not_in(("proposed", "superseded")),
                )
                .order_by(Pair.id)
            )
        )
        checkins: dict[int, list[CheckIn]] = {}
        for row in session.scalars(
            select(CheckIn)
            .where(CheckIn.application_id == app.id)
            .order_by(CheckIn.pair_id, CheckIn.month)
        ):
            checkins.setdefault(row.pair_id, []).append(row)
        signatures: dict[int, list[CharterSignature]] = {}
        for sig in session.scalars(
            select(CharterSignature)
            .where(CharterSignature.application_id == app.id)
            .order_by(CharterSignature.signed_at, CharterSignature.id)
        ):
            signatures.setdefault(sig.pair_id, []).append(sig)
        data["cohortes"].append(
            {
                "cohorte": cohort.code,
                "promotion": cohort.label,
                "programme": cohort.programme.name,
                "candidature": _application(app),
                "binômes": [
                    _pair(
                        session, pair, app, signatures.get(pair.id, []), checkins.get(pair.id, [])
                    )
                    for pair in pairs
                ],
                "séances de supervision": _supervision(session, app),
                "évaluation finale": _evaluation(session, app),
                "atelier de restitution": _workshop(session, app),
                "courriels reçus": [_mail(m) for m in mails if m.cohort_id == cohort.id],
                "réponses par courriel": [_reply(r) for r in replies if r.cohort_id == cohort.id],
            }
        )
    return data


def _application(app: Application) -> dict[str, Any]:
    mentor = app.role == "mentor"
    fields: dict[str, Any] = {
        "rôle": labels.label("role", app.role),
        "statut": labels.label("application_status", app.status),
        "reçue": labels.label("channel", app.channel),
        "service": app.unit or None,
        "région": app.region or None,
        "outre-mer": app.overseas,
        "adresse de votre responsable": app.manager_email or None,
        "étape de carrière": labels.label("career_stage", app.career_stage),
        "années d’expérience": app.seniority_years,
        "genre": labels.label("gender", app.gender),
        "formats de rencontre": labels.labels("format", app.formats),
        "disponibilités": labels.labels("slot", app.availability),
        "langues": [labels.language(code) for code in app.languages or []],
        "objectifs": list((app.objectives or {}).values()),
    }
    if mentor:
        fields["domaines d’expérience"] = list((app.expertise or {}).values())
        fields["binômes acceptés"] = app.capacity
    else:
        fields["genre souhaité du mentor"] = labels.label("gender", app.preferred_mentor_gender)
    fields["prise de poste"] = app.post_start_date
    fields["attentes"] = app.expectations or None
    fields["enregistrée le"] = app.created_at
    fields["modifiée le"] = app.updated_at
    return fields


def _pair(
    session: Session,
    pair: Any,
    app: Application,
    signatures: list[CharterSignature],
    rows: list[CheckIn],
) -> dict[str, Any]:
    partner = pair.mentee if pair.mentor_application_id == app.id else pair.mentor
    return {
        "avec": _name(partner),
        "son rôle": labels.label("role", partner.role) if partner is not None else None,
        "statut": labels.label("pair_status", pair.status),
        "commencé le": pair.activated_at,
        "terminé le": pair.ended_at,
        # One signature per charter version the cohort adopted (the latest last).
        "signatures de la charte": [_signature(session, sig) for sig in signatures],
        # One entry per month: (pair, application, month) is unique.
        "points mensuels": [_checkin(row) for row in rows],
    }


def _signature(session: Session, sig: CharterSignature) -> dict[str, Any]:
    version = session.get(CharterVersion, sig.charter_version_id)
    return {
        "version": version.version if version else None,
        "nom signé": sig.signed_name,
        "signée le": sig.signed_at,
        "signée": labels.label("channel", sig.channel),
    }


def _checkin(row: CheckIn) -> dict[str, Any]:
    return {
        "mois": row.month,
        "demandé le": row.due_at,
        "clos le": row.closes_at,
        "statut": labels.label("checkin_status", row.status),
        "répondu le": row.answered_at,
        "réponse reçue": labels.label("channel", row.channel),
        "rencontre": row.met,
        "nombre de rencontres": row.meetings,
        "format": labels.label("format", row.format),
        "appréciation sur 5": row.mood,
        "besoin d’aide": row.need_help,
        "message à la personne référente": row.help_message or None,
    }


def _supervision(session: Session, app: Application) -> list[dict[str, Any]]:
    from models import SupervisionSession

    out = []
    for att, sess in session.execute(
        select(SupervisionAttendance, SupervisionSession)
        .join(SupervisionSession, SupervisionSession.id == SupervisionAttendance.session_id)
        .where(SupervisionAttendance.application_id == app.id)
        .order_by(SupervisionSession.starts_at)
    ):
        out.append(
            {
                "séance": labels.label("session_kind", sess.kind),
                "numéro": sess.number,
                "date": sess.starts_at,
                "annulée le": sess.cancelled_at,
                "réponse": labels.label("rsvp", att.rsvp),
                "répondu le": att.rsvp_at,
                "présence": att.attended,
            }
        )
    return out


def _evaluation(session: Session, app: Application) -> dict[str, Any] | None:
    ev = session.scalar(
        select(EvaluationAnswer)
        .where(EvaluationAnswer.application_id == app.id)
        .order_by(EvaluationAnswer.id.desc())
        .limit(1)
    )
    if ev is None:
        return None
    return {
        "objectifs atteints sur 5": ev.objectives_reached,
        "satisfaction sur 5": ev.satisfaction,
        "recommandation sur 10": ev.recommend,
        "à nouveau mentor": ev.mentor_again,
        "commentaires": ev.comments or None,
        "répondu le": ev.answered_at,
        "réponse reçue": labels.label("channel", ev.channel),
    }


def _workshop(session: Session, app: Application) -> dict[str, Any] | None:
    inv = session.scalar(
        select(WorkshopInvitation).where(WorkshopInvitation.application_id == app.id).limit(1)
    )
    if inv is None:
        return None
    return {
        "invitation le": inv.invited_at,
        "réponse": labels.label("rsvp", inv.rsvp),
        "répondu le": inv.rsvp_at,
    }


def _mail(msg: Any) -> dict[str, Any]:
    return {
        "objet": msg.subject,
        "écrit le": msg.created_at,
        "envoyé le": msg.sent_at,
        "statut": labels.label("outbox_status", msg.status),
    }


def _reply(reply: Any) -> dict[str, Any]:
    return {
        "reçue le": reply.received_at,
        "compris comme": labels.label("inbound_answer", reply.answer),
        "suite donnée": labels.label("inbound_outcome", reply.outcome),
        "texte": reply.text or None,
    }


def as_json(data: Any) -> Any:
    """`personal_data` with its dates in ISO 8601 (UTC datetimes as stored)."""
    if isinstance(data, dict):
        return {key: as_json(value) for key, value in data.items()}
    if isinstance(data, list):
        return [as_json(value) for value in data]
    if isinstance(data, datetime):
        return as_utc(data).isoformat()
    if isinstance(data, date):
        return data.isoformat()
    return data
