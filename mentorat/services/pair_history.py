"""A pair's history, in time order, for the console: its proposal and score, the overrides
and their reasons, each member's charter signatures (with the version), every email to its
members about it with its delivery status, each answer, the escalations, the supervision
sessions and attendance, and every change with its author.

What a viewer reads follows the charter: a supervisor (référent·e) sees the escalations, the
help requests with their messages and the sessions with attendance, nothing else; the
programme's team sees the rest, but never an email's body (its subject and status suffice)
nor a help message, which is written for the supervisor alone (`CheckIn.help_message`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from mentorat.mail.dates import as_utc, datetime_fr
from mentorat.mail.labels import CHANNEL, FORMAT
from mentorat.mail.words import ordinal_fr, role_fr
from mentorat.services import ServiceError
from mentorat.services.operators import Viewer
from models import (
    Application,
    AuditEvent,
    CharterSignature,
    CharterVersion,
    CheckIn,
    Cohort,
    EvaluationAnswer,
    MatchingDecision,
    Operator,
    OutboxMessage,
    Pair,
    SupervisionAttendance,
    SupervisionSession,
    WorkshopInvitation,
)

SYSTEM = "système"
SEP = "\u00a0; "
HELP_MESSAGE_HIDDEN = "avec un message, réservé à la ou au référent·e"
# What each event is about (the page's and the export's « Type » column).
PROPOSAL, CHANGE, CHARTER, EMAIL, ANSWER, HELP, ALERT, SESSION = (
    "proposition",
    "modification",
    "charte",
    "courriel",
    "réponse",
    "demande d’aide",
    "alerte",
    "séance",
)
RANK = {PROPOSAL: 0, CHARTER: 1, ANSWER: 1, HELP: 1, CHANGE: 2, SESSION: 2, ALERT: 3, EMAIL: 4}
# What the charter lets a supervisor see.
SUPERVISOR_SEES = frozenset({HELP, ALERT, SESSION})

PAIR_STATES = {
    "approved": "charte à signer",
    "active": "en cours",
    "ended": "terminé",
    "proposed": "proposé",
    "superseded": "remplacé",
}
END_REASONS = {"withdrawal": "retrait d’un membre", "ended": "fin décidée par l’équipe"}
OUTBOX_STATUS = {
    "pending": "en attente d’envoi",
    "sending": "en cours d’envoi",
    "sent": "envoyé",
    "failed": "refusé par la messagerie du destinataire",
    "cancelled": "non envoyé",
}
# Kinds written for one pair (their occurrence is the pair's id) or one check-in (its id).
PAIR_KINDS = frozenset(
    {
        "pair_introduction",
        "charter_request",
        "charter_reminder",
        "charter_new_version",
        "pair_ended",
    }
)
CHECKIN_KINDS = frozenset({"checkin_request", "checkin_reminder"})
OPERATOR_KINDS = frozenset({"operator_alert", "erasure_request", "inbound_unclear"})
ESCALATION_REASONS = {
    "escalation_help": "demande d’aide",
    "escalation_missed": "points mensuels manqués",
    "escalation_not_met": "binôme sans rencontre",
    "charter_escalation": "charte non signée à l’échéance",
}
# Audit actions shown as changes (others about the pair are drawn from their own rows).
CHANGES = {
    "matching.pin": "Binôme imposé (épinglé) pour l’appariement",
    "matching.forbid": "Binôme exclu de l’appariement",
    "matching.approved": "Proposition de binômes validée",
    "pair.activated": "Binôme actif\u00a0: les deux chartes sont signées",
    "pair.ended": "Fin du binôme",
    "application.withdrawn": "Retrait du programme",
    "person.address_corrected": "Adresse électronique corrigée",
    "supervision.moved": "Séance déplacée",
    "supervision.cancelled": "Séance annulée",
    "supervision.attendance": "Présences relevées",
}
SESSION_ACTIONS = frozenset(
    {"supervision.moved", "supervision.cancelled", "supervision.attendance"}
)


@dataclass(frozen=True)
class Event:
    when: datetime  # UTC
    kind: str  # one of the categories above
    what: str  # a French sentence
    who: str  # « système », an operator, or the participant for their own answers
    details: str = ""


@dataclass(frozen=True)
class Member:
    application_id: int
    person_id: int
    name: str
    role: str  # French


@dataclass(frozen=True)
class PairSummary:
    id: int
    mentor: Member
    mentee: Member
    state: str
    formed: str  # « proposé par l'appariement » or « formé après la validation »
    created_at: datetime
    activated_at: datetime | None
    ended_at: datetime | None
    end_reason: str
    score: float
    explanation: str


@dataclass
class _Ctx:
    session: Session
    cohort: Cohort
    pair: Pair
    members: dict[int, Member]  # by application id
    checkins: list[CheckIn]
    events: list[Event] = field(default_factory=list)
    operators: dict[int, str] = field(default_factory=dict)

    def add(self, when: datetime | None, kind: str, what: str, who: str, details: str = "") -> None:
        if when is not None:
            self.events.append(Event(as_utc(when), kind, what, who, details))

    def by_person(self, person_id: int) -> Member | None:
        return next((m for m in self.members.values() if m.person_id == person_id), None)


def _pair(session: Session, cohort: Cohort, pair_id: int) -> Pair | None:
    pair = session.get(Pair, pair_id)
    if pair is None or pair.cohort_id != cohort.id:
        return None
    return pair


def _member(app: Application) -> Member:
    return Member(
        app.id, app.person_id, f"{app.person.first_name} {app.person.last_name}", role_fr(app.role)
    )


def summary(session: Session, cohort: Cohort, pair_id: int) -> PairSummary | None:
    """The pair's members and state, or None if the cohort has no such pair."""
    pair = _pair(session, cohort, pair_id)
    if pair is None:
        return None
    decision = session.get(MatchingDecision, pair.decision_id)
    manual = decision is not None and decision.status == "manual"
    return PairSummary(
        id=pair.id,
        mentor=_member(pair.mentor),
        mentee=_member(pair.mentee),
        state=PAIR_STATES.get(pair.status, pair.status),
        formed="formé par l’équipe après la validation" if manual else "proposé par l’appariement",
        created_at=pair.created_at,
        activated_at=pair.activated_at,
        ended_at=pair.ended_at,
        end_reason=END_REASONS.get(pair.end_reason or "", ""),
        score=pair.score,
        explanation=pair.explanation,
    )


def history(session: Session, cohort: Cohort, pair_id: int, viewer: Viewer) -> list[Event]:
    """The pair's events in time order, as `viewer` may read them."""
    pair = _pair(session, cohort, pair_id)
    if pair is None:
        raise ServiceError(f"aucun binôme B-{pair_id} dans cette cohorte.")
    checkins = list(
        session.scalars(select(CheckIn).where(CheckIn.pair_id == pair.id).order_by(CheckIn.id))
    )
    members = {app.id: _member(app) for app in (pair.mentor, pair.mentee)}
    ctx = _Ctx(session, cohort, pair, members, checkins)
    audits = _audit_events(ctx)
    _proposal(ctx, audits)
    _charter(ctx)
    _checkins(ctx, audits)
    _emails(ctx)
    _escalations(ctx)
    _sessions(ctx)
    _other_answers(ctx)
    _changes(ctx, audits)
    # At one instant, cause before effect: an approval or an end before its emails, the
    # signatures before the pair's start, a help request before its alert.
    events = sorted(ctx.events, key=lambda e: (e.when, RANK[e.kind]))
    if viewer.role == "supervisor":
        # The alert's letter is the supervisor's own, but not its subject's business here.
        return [
            replace(e, details="") if e.kind == ALERT else e
            for e in events
            if e.kind in SUPERVISOR_SEES
        ]
    return [_for_team(e) for e in events]


def _for_team(event: Event) -> Event:
    """A help message is written for the supervisor alone: the team reads that there is one."""
    if event.kind == HELP:
        return replace(event, details=HELP_MESSAGE_HIDDEN if event.details else "")
    return event


# --- Who -----------------------------------------------------------------------------------


def _who(ctx: _Ctx, actor: str) -> str:
    kind, _, rest = actor.partition(":")
    if kind in {"system", "flow", "participant"} or not actor:
        return SYSTEM
    if kind in {"person", "application"} and rest.isdigit():
        number = int(rest)
        member = ctx.members.get(number) if kind == "application" else ctx.by_person(number)
        return member.name if member else f"participant·e n°\u00a0{number}"
    if kind == "operator":
        if rest.startswith("id-") and rest[3:].isdigit():
            return _operator(ctx, int(rest[3:]))
        if rest == "cli":
            return "Opérateur·rice (ligne de commande)"
        if rest.startswith("cohort-"):
            return "Opérateur·rice de la cohorte (formulaire de validation)"
        return f"Opérateur·rice «\u00a0{rest}\u00a0»"
    return actor


def _operator(ctx: _Ctx, number: int) -> str:
    if number not in ctx.operators:
        operator = ctx.session.get(Operator, number)
        title = "Référent·e" if operator is not None and operator.role == "supervisor" else None
        name = f"{title or 'Opérateur·rice'} n°\u00a0{number}"
        ctx.operators[number] = f"{name} ({operator.display_name})" if operator else name
    return ctx.operators[number]


# --- The audit trail -----------------------------------------------------------------------


def _audit_events(ctx: _Ctx) -> list[AuditEvent]:
    """The audit events about this pair, its members, its check-ins and their sessions."""
    pair, apps = ctx.pair, list(ctx.members)
    persons = [m.person_id for m in ctx.members.values()]
    attendance = list(
        ctx.session.execute(
            select(SupervisionAttendance.id, SupervisionAttendance.session_id).where(
                SupervisionAttendance.application_id.in_(apps)
            )
        ).tuples()
    )
    about = or_(
        (AuditEvent.entity == "pair") & (AuditEvent.entity_id == pair.id),
        (AuditEvent.entity == "matching_decision") & (AuditEvent.entity_id == pair.decision_id),
        (AuditEvent.entity == "check_in") & AuditEvent.entity_id.in_([c.id for c in ctx.checkins]),
        (AuditEvent.entity == "application") & AuditEvent.entity_id.in_(apps),
        (AuditEvent.entity == "person") & AuditEvent.entity_id.in_(persons),
        (AuditEvent.entity == "pair_override"),
        (AuditEvent.entity == "supervision_session")
        & AuditEvent.entity_id.in_({s for _, s in attendance}),
        (AuditEvent.entity == "supervision_attendance")
        & AuditEvent.entity_id.in_([a for a, _ in attendance]),
    )
    rows = ctx.session.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.cohort_id == ctx.cohort.id, AuditEvent.cohort_id.is_(None)), about)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    mentor, mentee = pair.mentor_application_id, pair.mentee_application_id
    return [
        e
        for e in rows
        if e.entity != "pair_override"
        or (
            e.details.get("mentor_application_id") == mentor
            and e.details.get("mentee_application_id") == mentee
        )
    ]


def _changes(ctx: _Ctx, audits: list[AuditEvent]) -> None:
    for e in audits:
        label = CHANGES.get(e.action)
        if label is None:
            continue
        if e.action == "matching.approved" and ctx.pair.status == "superseded":
            continue
        details: list[str] = []
        if e.entity in {"application", "person"}:
            member = (
                ctx.members.get(e.entity_id or 0)
                if e.entity == "application"
                else ctx.by_person(e.entity_id or 0)
            )
            label = f"{label} ({member.name})" if member else label
        if e.action == "pair.ended":
            count = e.details.get("withdrawn_emails")
            if count:
                details.append(f"courriels en attente retirés\u00a0: {count}")
        if e.action == "person.address_corrected":
            details.append(
                f"courriels réadressés\u00a0: {e.details.get('readdressed', 0)}, "
                f"renvoyés\u00a0: {e.details.get('requeued', 0)}"
            )
        if e.reason:
            details.insert(0, f"raison\u00a0: {e.reason}")
        kind = SESSION if e.action in SESSION_ACTIONS else CHANGE
        ctx.add(e.at, kind, label, _who(ctx, e.actor), SEP.join(details))


# --- The proposal ----------------------------------------------------------------------------


def _criteria(criteria: Iterable[Any]) -> str:
    parts = []
    for c in criteria:
        if isinstance(c, dict) and "label" in c:
            parts.append(
                f"{c['label']} ({_number(c.get('points'))}/{_number(c.get('max_points'))})"
            )
    return SEP.join(parts)


def _number(value: Any) -> str:
    """A figure the French way: 0,5 ; 12."""
    if not isinstance(value, int | float):
        return "?"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _proposal(ctx: _Ctx, audits: list[AuditEvent]) -> None:
    pair = ctx.pair
    decision = ctx.session.get(MatchingDecision, pair.decision_id)
    manual = decision is not None and decision.status == "manual"
    # The explanation per criterion, with its points (the explanation the members read,
    # when the criteria were not kept).
    criteria = _criteria(pair.criteria or [])
    explanation = f"critères\u00a0: {criteria}" if criteria else pair.explanation
    details = [f"score\u00a0: {_number(pair.score)}", *([explanation] if explanation else [])]
    if manual:
        formed = next((e for e in audits if e.action == "pair.re_paired"), None)
        if formed is not None and formed.reason:
            details.insert(0, f"raison\u00a0: {formed.reason}")
        who = _who(
            ctx, formed.actor if formed else (decision.approved_by or "") if decision else ""
        )
        ctx.add(
            pair.created_at,
            PROPOSAL,
            "Binôme formé par l’équipe après la validation",
            who,
            SEP.join(details),
        )
        return
    what = "Binôme proposé par l’appariement"
    if pair.pinned:
        what += " (imposé par l’équipe)"
    proposed = next((e for e in audits if e.action == "matching.proposed"), None)
    who = _who(ctx, proposed.actor) if proposed else SYSTEM
    ctx.add(pair.created_at, PROPOSAL, what, who, SEP.join(details))


# --- Charter, check-ins and the other answers ------------------------------------------------


def _charter(ctx: _Ctx) -> None:
    rows = ctx.session.execute(
        select(CharterSignature, CharterVersion)
        .join(CharterVersion, CharterVersion.id == CharterSignature.charter_version_id)
        .where(CharterSignature.pair_id == ctx.pair.id)
        .order_by(CharterSignature.signed_at, CharterSignature.id)
    ).tuples()
    for signature, version in rows:
        member = ctx.members.get(signature.application_id)
        name = member.name if member else SYSTEM
        ctx.add(
            signature.signed_at,
            CHARTER,
            f"Charte signée, version {version.version} («\u00a0{version.title}\u00a0»)",
            name,
            f"signée au nom de «\u00a0{signature.signed_name}\u00a0», "
            f"{CHANNEL.get(signature.channel, signature.channel)}",
        )


def _checkins(ctx: _Ctx, audits: list[AuditEvent]) -> None:
    asked_help = {
        e.entity_id: e.at
        for e in reversed(audits)  # the first request of each check-in wins
        if e.action == "checkin.help_requested"
    }
    for c in ctx.checkins:
        member = ctx.members.get(c.application_id)
        name = member.name if member else "?"
        month = f"point du {ordinal_fr(c.month)} mois"
        if c.status == "answered":
            ctx.add(
                c.answered_at,
                ANSWER,
                f"Réponse au {month}",
                name,
                _answer(c),
            )
        elif c.status == "missed":
            ctx.add(c.closes_at, ANSWER, f"{month.capitalize()} sans réponse", SYSTEM, name)
        if c.need_help:
            ctx.add(
                asked_help.get(c.id) or c.answered_at or c.due_at,
                HELP,
                f"Demande d’aide ({month})",
                name,
                # Written for the supervisor alone; `history` drops it for everyone else.
                c.help_message or "",
            )


def _answer(c: CheckIn) -> str:
    parts = ["rencontre\u00a0: " + ("oui" if c.met else "non")]
    if c.met and c.meetings:
        parts[0] += f" ({c.meetings}\u00a0fois)"
    if c.format:
        parts.append(FORMAT.get(c.format, c.format))
    if c.mood is not None:
        parts.append(f"appréciation\u00a0: {c.mood}/5")
    if c.need_help:
        parts.append("demande de l’aide")
    if c.channel:
        parts.append(CHANNEL.get(c.channel, c.channel))
    return ", ".join(parts)


def _other_answers(ctx: _Ctx) -> None:
    apps = list(ctx.members)
    for answer in ctx.session.scalars(
        select(EvaluationAnswer).where(EvaluationAnswer.application_id.in_(apps))
    ):
        details = (
            f"objectifs atteints\u00a0: {answer.objectives_reached}/5, "
            f"satisfaction\u00a0: {answer.satisfaction}/5, "
            f"recommandation\u00a0: {answer.recommend}/10"
        )
        if answer.comments.strip():
            details += f"{SEP}avec un commentaire (non affiché)"
        ctx.add(
            answer.answered_at,
            ANSWER,
            "Évaluation de fin de programme",
            ctx.members[answer.application_id].name,
            details,
        )
    for invitation in ctx.session.scalars(
        select(WorkshopInvitation).where(
            WorkshopInvitation.cohort_id == ctx.cohort.id,
            WorkshopInvitation.application_id.in_(apps),
        )
    ):
        if invitation.rsvp is not None:
            ctx.add(
                invitation.rsvp_at,
                ANSWER,
                "Réponse à l’invitation à l’atelier de clôture",
                ctx.members[invitation.application_id].name,
                "vient" if invitation.rsvp == "yes" else "ne vient pas",
            )


# --- Emails and escalations -----------------------------------------------------------------


def _occurrence(key: str) -> str:
    # mentorat.outbox.letter_key: "c{cohort}:{step}:{who}:{occurrence}"
    return key.rsplit(":", 1)[-1]


def _status(message: OutboxMessage) -> str:
    status = OUTBOX_STATUS.get(message.status, message.status)
    if message.status == "sent" and message.sent_at is not None:
        status += f" le {datetime_fr(message.sent_at, weekday=False)}"
    if message.status in {"failed", "cancelled"} and message.last_error:
        status += f" ({message.last_error[:200]})"
    return status


def _emails(ctx: _Ctx) -> None:
    persons = {m.person_id: m for m in ctx.members.values()}
    checkin_ids = {str(c.id) for c in ctx.checkins}
    for message in ctx.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.cohort_id == ctx.cohort.id,
            OutboxMessage.person_id.in_(list(persons)),
            OutboxMessage.kind.not_in(OPERATOR_KINDS),
        )
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    ):
        occurrence = _occurrence(message.key)
        if message.kind in PAIR_KINDS and occurrence != str(ctx.pair.id):
            continue  # about another pair of the same member
        if message.kind in CHECKIN_KINDS and occurrence not in checkin_ids:
            continue
        member = persons[message.person_id or 0]
        ctx.add(
            message.created_at,
            EMAIL,
            f"Courriel à {member.name}\u00a0: «\u00a0{message.subject}\u00a0»",
            SYSTEM,
            _status(message),
        )


def _escalations(ctx: _Ctx) -> None:
    """The alerts sent to the supervisor about this pair (their letters' keys name it)."""
    checkin_ids = {str(c.id) for c in ctx.checkins}
    months = {f"{c.application_id}-{c.month}": c for c in ctx.checkins}
    by_id = {str(c.id): c for c in ctx.checkins}
    for message in ctx.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.cohort_id == ctx.cohort.id,
            OutboxMessage.kind.in_(("escalation", "charter_escalation")),
        )
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    ):
        occurrence = _occurrence(message.key)
        checkin: CheckIn | None = None
        if message.step == "charter_escalation":
            if occurrence != str(ctx.pair.id):
                continue
        elif message.step == "escalation_help":
            if occurrence not in checkin_ids:
                continue
            checkin = by_id[occurrence]
        elif occurrence in months:
            checkin = months[occurrence]
        else:
            continue
        what = "Alerte à la ou au référent·e\u00a0: " + ESCALATION_REASONS.get(
            message.step, message.step
        )
        if checkin is not None:
            member = ctx.members.get(checkin.application_id)
            what += (
                f" ({member.name if member else '?'}, point du {ordinal_fr(checkin.month)} mois)"
            )
        ctx.add(
            message.created_at,
            ALERT,
            what,
            SYSTEM,
            f"courriel «\u00a0{message.subject}\u00a0»\u00a0: {_status(message)}",
        )


# --- Supervision -----------------------------------------------------------------------------


def _sessions(ctx: _Ctx) -> None:
    from mentorat.services.fixes import session_title

    rows = ctx.session.execute(
        select(SupervisionAttendance, SupervisionSession)
        .join(SupervisionSession, SupervisionSession.id == SupervisionAttendance.session_id)
        .where(SupervisionAttendance.application_id.in_(list(ctx.members)))
        .order_by(SupervisionSession.starts_at, SupervisionAttendance.id)
    ).tuples()
    for attendance, meeting in rows:
        name = ctx.members[attendance.application_id].name
        title = session_title(meeting)
        day = datetime_fr(meeting.starts_at, weekday=False)
        if attendance.rsvp is not None:
            ctx.add(
                attendance.rsvp_at,
                SESSION,
                f"Réponse à l’invitation\u00a0: {title} du {day}",
                name,
                "vient" if attendance.rsvp == "yes" else "ne vient pas",
            )
        if meeting.cancelled_at is not None:
            state = "séance annulée"
        elif attendance.attended is None:
            state = "présence non relevée"
        else:
            state = "présent·e" if attendance.attended else "absent·e"
        ctx.add(
            meeting.starts_at,
            SESSION,
            f"{title} ({meeting.location})",
            SYSTEM,
            f"{name}\u00a0: {state}",
        )
