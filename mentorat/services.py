"""The one door through which the command line, the flows, the demo and the web pages
change a cohort's state. Every function takes the caller's session (the caller commits),
writes an audit event, and queues a Prefect event for participants' answers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentorat import audit, events, presets
from mentorat.lifecycle import timeline as tl
from models import (
    Application,
    CallRecipient,
    CharterSignature,
    CharterVersion,
    CheckIn,
    Cohort,
    EvaluationAnswer,
    Pair,
    Person,
    Programme,
    SupervisionAttendance,
    WorkshopInvitation,
)


class ServiceError(ValueError):
    """A request the state does not allow; the message is French, for the operator."""


# --- programmes and cohorts -------------------------------------------------------------


def add_programme(session: Session, preset_name: str, *, now: datetime, actor: str) -> Programme:
    """Create the programme from a preset, or update it; a changed charter is a new version."""
    preset, charter_text = presets.load(preset_name)
    info = preset.programme
    programme = session.scalar(select(Programme).where(Programme.slug == info.slug))
    if programme is None:
        programme = Programme(
            slug=info.slug,
            name=info.name,
            short_name=info.short_name,
            preset=preset_name if isinstance(preset_name, str) else info.slug,
            settings=preset.settings(),
            created_at=now,
        )
        session.add(programme)
        session.flush()
        audit.record(
            session,
            at=now,
            actor=actor,
            action="programme.created",
            entity="programme",
            entity_id=programme.id,
        )
    else:
        programme.name, programme.short_name = info.name, info.short_name
        programme.settings = preset.settings()
    digest = presets.charter_digest(charter_text)
    latest = _latest_charter(session, programme.id)
    if latest is None or latest.sha256 != digest:
        version = CharterVersion(
            programme_id=programme.id,
            version=(latest.version + 1) if latest else 1,
            title=preset.charter.title,
            text=charter_text,
            sha256=digest,
            created_at=now,
        )
        session.add(version)
        session.flush()
        audit.record(
            session,
            at=now,
            actor=actor,
            action="charter.versioned",
            entity="charter_version",
            entity_id=version.id,
            version=version.version,
        )
    return programme


def _latest_charter(session: Session, programme_id: int) -> CharterVersion | None:
    return session.scalar(
        select(CharterVersion)
        .where(CharterVersion.programme_id == programme_id)
        .order_by(CharterVersion.version.desc())
        .limit(1)
    )


def programme_parts(programme: Programme) -> presets.ProgrammePreset:
    data = dict(programme.settings)
    return presets.ProgrammePreset.model_validate(
        {
            "programme": {
                "slug": programme.slug,
                "name": programme.name,
                "short_name": programme.short_name,
            },
            "charter": {"title": "", "file": ""},
            **data,
        }
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
    parts = programme_parts(cohort.programme)
    return tl.build(
        parts.timing,
        parts.supervision,
        parts.workshop,
        call_opens_at=cohort.call_opens_at,
        approved_at=cohort.matching_approved_at,
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


# --- people and applications ------------------------------------------------------------


def upsert_person(
    session: Session,
    email: str,
    first_name: str,
    last_name: str,
    *,
    now: datetime,
    phone: str | None = None,
) -> Person:
    email = email.strip().lower()
    person = session.scalar(select(Person).where(Person.email == email))
    if person is None:
        person = Person(
            email=email,
            first_name=first_name,
            last_name=last_name,
            phone=phone,
            email_status="ok",
            created_at=now,
        )
        session.add(person)
        session.flush()
    elif (person.first_name, person.last_name) != (first_name, last_name):
        person.first_name, person.last_name = first_name, last_name
    return person


def add_call_recipients(
    session: Session, cohort: Cohort, people: Iterable[tuple[str, str, str]], *, now: datetime
) -> int:
    added = 0
    known = set(
        session.scalars(select(CallRecipient.person_id).where(CallRecipient.cohort_id == cohort.id))
    )
    for email, first_name, last_name in people:
        person = upsert_person(session, email, first_name, last_name, now=now)
        if person.id not in known:
            session.add(CallRecipient(cohort_id=cohort.id, person_id=person.id, created_at=now))
            known.add(person.id)
            added += 1
    return added


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
) -> tuple[Application, str]:
    """Create or update one application; returns it and "created" | "updated" | "unchanged"."""
    role = data["role"]
    if role not in {"mentor", "mentee"}:
        raise ServiceError(f"rôle inconnu : {role}")
    person = upsert_person(
        session,
        data["email"],
        data["first_name"],
        data["last_name"],
        now=now,
        phone=data.get("phone"),
    )
    values = _application_values(data)
    fingerprint = _fingerprint(
        {
            "email": person.email,
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "role": role,
        },
        values,
    )
    application = session.scalar(
        select(Application).where(
            Application.cohort_id == cohort.id,
            Application.person_id == person.id,
            Application.role == role,
        )
    )
    if application is not None and application.fingerprint == fingerprint:
        return application, "unchanged"
    if application is None:
        application = Application(
            cohort_id=cohort.id,
            person_id=person.id,
            role=role,
            status="submitted",
            channel=channel,
            created_at=now,
            updated_at=now,
            fingerprint=fingerprint,
            **values,
        )
        session.add(application)
        outcome = "created"
    else:
        if cohort.matching_approved_at is not None:
            raise ServiceError(
                "les binômes sont déjà validés : la candidature ne peut plus changer"
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
    )
    if channel != "import":
        events.answer_recorded(session, cohort.id, "application")
    return application, outcome


def import_applications(
    session: Session,
    cohort: Cohort,
    rows: Iterable[Mapping[str, Any]],
    *,
    now: datetime,
    actor: str,
) -> dict[str, int]:
    """All rows or none: the caller's transaction holds the whole file."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        _, outcome = save_application(session, cohort, row, channel="import", now=now, actor=actor)
        counts[outcome] += 1
    return counts


# --- participants' answers --------------------------------------------------------------


def _pairs_of(session: Session, application_id: int) -> list[Pair]:
    """A mentor may be in several pairs (capacity > 1)."""
    return list(
        session.scalars(
            select(Pair)
            .where(
                Pair.status.in_(("approved", "active")),
                (Pair.mentor_application_id == application_id)
                | (Pair.mentee_application_id == application_id),
            )
            .order_by(Pair.id)
        )
    )


def sign_charter(
    session: Session,
    application_id: int,
    *,
    signed_name: str,
    channel: str,
    now: datetime,
    pair_id: int | None = None,
) -> CharterSignature:
    """Sign the charter for one pair (the link names it); without `pair_id`, the first of
    the person's pairs they have not signed yet."""
    application = session.get(Application, application_id)
    pairs = _pairs_of(session, application_id) if application else []
    if pair_id is not None:
        pairs = [p for p in pairs if p.id == pair_id]
    else:
        signed = set(
            session.scalars(
                select(CharterSignature.pair_id).where(
                    CharterSignature.application_id == application_id
                )
            )
        )
        pairs = [p for p in pairs if p.id not in signed] or pairs
    if application is None or not pairs:
        raise ServiceError("aucun binôme en attente de signature pour cette personne")
    pair = pairs[0]
    cohort = session.get(Cohort, application.cohort_id)
    assert cohort is not None
    signature = session.scalar(
        select(CharterSignature).where(
            CharterSignature.pair_id == pair.id, CharterSignature.application_id == application_id
        )
    )
    if signature is None:
        signature = CharterSignature(
            pair_id=pair.id,
            application_id=application_id,
            charter_version_id=cohort.charter_version_id,
            signed_name=signed_name.strip()[:250],
            signed_at=now,
            channel=channel,
        )
        session.add(signature)
        session.flush()
        audit.record(
            session,
            at=now,
            actor=f"person:{application.person_id}",
            action="charter.signed",
            entity="pair",
            entity_id=pair.id,
            cohort_id=cohort.id,
            channel=channel,
            charter_version_id=cohort.charter_version_id,
        )
    signed = session.scalar(
        select(func.count())
        .select_from(CharterSignature)
        .where(CharterSignature.pair_id == pair.id)
    )
    if signed == 2 and pair.status == "approved":
        pair.status, pair.activated_at = "active", now
        audit.record(
            session,
            at=now,
            actor="system",
            action="pair.activated",
            entity="pair",
            entity_id=pair.id,
            cohort_id=cohort.id,
        )
    events.answer_recorded(session, cohort.id, "charter")
    return signature


def record_checkin(
    session: Session,
    checkin_id: int,
    *,
    met: bool,
    channel: str,
    now: datetime,
    meetings: int | None = None,
    format: str | None = None,
    mood: int | None = None,
    need_help: bool = False,
    help_message: str | None = None,
) -> CheckIn:
    checkin = session.get(CheckIn, checkin_id)
    if checkin is None:
        raise ServiceError("point mensuel introuvable")
    if now > checkin.closes_at and checkin.status != "answered":
        raise ServiceError("ce point mensuel est clos")
    if mood is not None and not 1 <= mood <= 5:
        raise ServiceError("l’appréciation va de 1 à 5")
    checkin.status, checkin.answered_at, checkin.channel = "answered", now, channel
    checkin.met, checkin.meetings, checkin.format, checkin.mood = met, meetings, format, mood
    # Asking for help cannot be withdrawn by a later edit: the supervisor has been told.
    checkin.need_help = checkin.need_help or need_help
    if help_message:
        checkin.help_message = help_message[:4000]
    audit.record(
        session,
        at=now,
        actor=f"application:{checkin.application_id}",
        action="checkin.answered",
        entity="check_in",
        entity_id=checkin.id,
        cohort_id=checkin.cohort_id,
        channel=channel,
        month=checkin.month,
    )
    events.answer_recorded(session, checkin.cohort_id, "checkin")
    return checkin


def rsvp_supervision(
    session: Session, attendance_id: int, *, coming: bool, now: datetime
) -> SupervisionAttendance:
    attendance = session.get(SupervisionAttendance, attendance_id)
    if attendance is None:
        raise ServiceError("invitation introuvable")
    attendance.rsvp, attendance.rsvp_at = ("yes" if coming else "no"), now
    application = session.get(Application, attendance.application_id)
    assert application is not None
    audit.record(
        session,
        at=now,
        actor=f"application:{application.id}",
        action="supervision.rsvp",
        entity="supervision_attendance",
        entity_id=attendance.id,
        cohort_id=application.cohort_id,
        coming=coming,
    )
    events.answer_recorded(session, application.cohort_id, "supervision")
    return attendance


def record_attendance(
    session: Session, attendance_id: int, *, attended: bool, now: datetime, actor: str
) -> None:
    attendance = session.get(SupervisionAttendance, attendance_id)
    if attendance is None:
        raise ServiceError("invitation introuvable")
    attendance.attended = attended
    audit.record(
        session,
        at=now,
        actor=actor,
        action="supervision.attendance",
        entity="supervision_attendance",
        entity_id=attendance.id,
        attended=attended,
    )


def submit_evaluation(
    session: Session,
    application_id: int,
    *,
    objectives_reached: int,
    satisfaction: int,
    recommend: int,
    mentor_again: bool | None,
    comments: str,
    channel: str,
    now: datetime,
) -> EvaluationAnswer:
    application = session.get(Application, application_id)
    if application is None:
        raise ServiceError("candidature introuvable")
    if not (1 <= objectives_reached <= 5 and 1 <= satisfaction <= 5 and 0 <= recommend <= 10):
        raise ServiceError("réponse hors des bornes (1 à 5, recommandation de 0 à 10)")
    answer = session.scalar(
        select(EvaluationAnswer).where(EvaluationAnswer.application_id == application_id)
    )
    if answer is None:
        answer = EvaluationAnswer(
            application_id=application_id,
            cohort_id=application.cohort_id,
            answered_at=now,
            channel=channel,
            objectives_reached=objectives_reached,
            satisfaction=satisfaction,
            recommend=recommend,
            mentor_again=mentor_again,
            comments=comments[:4000],
        )
        session.add(answer)
    else:
        answer.objectives_reached, answer.satisfaction = objectives_reached, satisfaction
        answer.recommend, answer.mentor_again = recommend, mentor_again
        answer.comments, answer.answered_at = comments[:4000], now
    session.flush()
    audit.record(
        session,
        at=now,
        actor=f"application:{application_id}",
        action="evaluation.answered",
        entity="evaluation_answer",
        entity_id=answer.id,
        cohort_id=application.cohort_id,
        channel=channel,
    )
    events.answer_recorded(session, application.cohort_id, "evaluation")
    return answer


def rsvp_workshop(
    session: Session, invitation_id: int, *, coming: bool, now: datetime
) -> WorkshopInvitation:
    invitation = session.get(WorkshopInvitation, invitation_id)
    if invitation is None:
        raise ServiceError("invitation introuvable")
    invitation.rsvp, invitation.rsvp_at = ("yes" if coming else "no"), now
    audit.record(
        session,
        at=now,
        actor=f"application:{invitation.application_id}",
        action="workshop.rsvp",
        entity="workshop_invitation",
        entity_id=invitation.id,
        cohort_id=invitation.cohort_id,
        coming=coming,
    )
    events.answer_recorded(session, invitation.cohort_id, "workshop")
    return invitation


# --- participant pages and replies by email (mentorat.web, mentorat.inbound) -------------
# Added for the participant pages: notices the web process writes to the outbox itself,
# erasure requests, the inbound-reply log and the "my data" export.


def queue_notice(
    session: Session,
    *,
    key: str,
    cohort_id: int | None,
    person_id: int | None,
    kind: str,
    to_addr: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    now: datetime,
) -> bool:
    """Write one already-rendered email to the outbox; False if its key exists already.

    The key carries the occurrence (e.g. the hour of a fresh-link request), so a repeated
    request inside it sends nothing twice.
    """
    from sqlalchemy.dialects import postgresql, sqlite

    from models import OutboxMessage

    dialect = session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(OutboxMessage)
    result = session.execute(
        insert.values(
            key=key,
            cohort_id=cohort_id,
            person_id=person_id,
            kind=kind,
            step=kind,
            to_addr=to_addr,
            subject=subject,
            body_text=text,
            body_html=html,
            ics=None,
            reply_to=None,
            message_id=message_id,
            status="pending",
            attempts=0,
            created_at=now,
        ).on_conflict_do_nothing(index_elements=["key"])
    )
    written = bool(result.rowcount)
    if written:
        audit.record(
            session,
            at=now,
            actor="system",
            action="notice.queued",
            entity="person",
            entity_id=person_id,
            cohort_id=cohort_id,
            kind=kind,
        )
    return written


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


def log_inbound(session: Session, *, message_id: str, now: datetime, **fields: Any) -> Any:
    """Store one received reply before acting on it (see models.web.InboundReply)."""
    from models import InboundReply

    reply = InboundReply(message_id=message_id[:250], received_at=now, **fields)
    session.add(reply)
    session.flush()
    audit.record(
        session,
        at=now,
        actor="system",
        action=f"inbound.{fields['outcome']}",
        entity="inbound_reply",
        entity_id=reply.id,
        cohort_id=fields.get("cohort_id"),
    )
    return reply


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


def sign_pair_charter(
    session: Session,
    pair_id: int,
    application_id: int,
    *,
    signed_name: str,
    channel: str,
    now: datetime,
) -> CharterSignature:
    """Sign the charter of one given pair (a mentor with two mentees signs once per pair)."""
    pair = session.get(Pair, pair_id)
    if pair is None or application_id not in (
        pair.mentor_application_id,
        pair.mentee_application_id,
    ):
        raise ServiceError("aucun binôme en attente de signature pour cette personne")
    return sign_charter(
        session, application_id, signed_name=signed_name, channel=channel, now=now, pair_id=pair_id
    )
