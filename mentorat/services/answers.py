"""Participants' answers: charter signatures, check-ins, RSVPs, attendance, evaluations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentorat import events
from mentorat.services import ServiceError, audit
from models import (
    Application,
    CharterSignature,
    CheckIn,
    Cohort,
    EvaluationAnswer,
    Pair,
    SupervisionAttendance,
    WorkshopInvitation,
)


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
    """Sign the cohort's current charter version for one pair (the link names it); without
    `pair_id`, the first of the person's pairs they have not signed it for yet. A signature
    of an earlier version stays on record beside it."""
    application = session.get(Application, application_id)
    cohort = session.get(Cohort, application.cohort_id) if application else None
    pairs = _pairs_of(session, application_id) if application else []
    if pair_id is not None:
        pairs = [p for p in pairs if p.id == pair_id]
    elif cohort is not None:
        signed = set(
            session.scalars(
                select(CharterSignature.pair_id).where(
                    CharterSignature.application_id == application_id,
                    CharterSignature.charter_version_id == cohort.charter_version_id,
                )
            )
        )
        pairs = [p for p in pairs if p.id not in signed] or pairs
    if application is None or cohort is None or not pairs:
        raise ServiceError("aucun binôme en attente de signature pour cette personne")
    pair = pairs[0]
    # The pair's row lock orders its two members' signatures: without it, both signing at
    # once would each count one signature and the pair would never start (PostgreSQL's
    # read committed). NO KEY UPDATE: the signature's foreign key only takes KEY SHARE.
    session.refresh(pair, with_for_update={"key_share": True})
    signature = session.scalar(
        select(CharterSignature).where(
            CharterSignature.pair_id == pair.id,
            CharterSignature.application_id == application_id,
            CharterSignature.charter_version_id == cohort.charter_version_id,
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
    # Members who signed, whatever the version: a pair goes on while a new one is signed.
    signed = session.scalar(
        select(func.count(func.distinct(CharterSignature.application_id))).where(
            CharterSignature.pair_id == pair.id
        )
    )
    activated = signed == 2 and pair.status == "approved"
    if activated:
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
    # The second signature activates the pair: wake the cohort to send what follows.
    events.answer_recorded(session, cohort.id, "charter", urgent=activated)
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
    checkin = _open_checkin(session, checkin_id, now)
    if mood is not None and not 1 <= mood <= 5:
        raise ServiceError("l’appréciation va de 1 à 5")
    checkin.status, checkin.answered_at, checkin.channel = "answered", now, channel
    checkin.met, checkin.meetings, checkin.format, checkin.mood = met, meetings, format, mood
    # Asking for help cannot be withdrawn by a later edit: the supervisor has been told.
    checkin.need_help = checkin.need_help or need_help
    if help_message:
        checkin.help_message = help_message[:4000]
    _audit_checkin(session, checkin, "checkin.answered", channel=channel, now=now)
    events.answer_recorded(session, checkin.cohort_id, "checkin", urgent=need_help)
    return checkin


def _open_checkin(session: Session, checkin_id: int, now: datetime) -> CheckIn:
    """The check-in, if it still takes answers (a closed one may still be corrected once
    answered)."""
    checkin = session.get(CheckIn, checkin_id)
    if checkin is None:
        raise ServiceError("point mensuel introuvable")
    if now > checkin.closes_at and checkin.status != "answered":
        raise ServiceError("ce point mensuel est clos")
    return checkin


def _audit_checkin(
    session: Session, checkin: CheckIn, action: str, *, channel: str, now: datetime
) -> None:
    audit.record(
        session,
        at=now,
        actor=f"application:{checkin.application_id}",
        action=action,
        entity="check_in",
        entity_id=checkin.id,
        cohort_id=checkin.cohort_id,
        channel=channel,
        month=checkin.month,
    )


def request_help(
    session: Session, checkin_id: int, *, channel: str, now: datetime, message: str
) -> CheckIn:
    """« J'ai besoin d'aide », and nothing about the meeting: whether they met, and the
    check-in's status, stay as they were (an email asking for help is no answer to them)."""
    checkin = _open_checkin(session, checkin_id, now)
    checkin.need_help = True
    checkin.help_message = message[:4000]
    _audit_checkin(session, checkin, "checkin.help_requested", channel=channel, now=now)
    events.answer_recorded(session, checkin.cohort_id, "checkin", urgent=True)
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
    # A declined session may need another one (supervision.offer_individual_session).
    events.answer_recorded(session, application.cohort_id, "supervision", urgent=not coming)
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
    comment_consent: bool = False,
) -> EvaluationAnswer:
    """Record (or replace) one person's final evaluation. `comment_consent`: the author
    allows their comment in the bilan, without their name (asked on the page only; an
    answer of no other channel has it)."""
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
            comment_consent=comment_consent,
        )
        session.add(answer)
    else:
        answer.objectives_reached, answer.satisfaction = objectives_reached, satisfaction
        answer.recommend, answer.mentor_again = recommend, mentor_again
        answer.comments, answer.answered_at = comments[:4000], now
        answer.comment_consent = comment_consent
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
