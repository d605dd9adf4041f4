"""One received reply, from raw bytes to a recorded answer, or to the operator.

The reply is logged (inbound_reply) in the same transaction as the answer it carries, so a
crash records both or neither and the mail server delivers it again; a Message-ID seen
before is a redelivery and changes nothing. Anything not plain goes to the operator.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorat import services
from mentorat.db import session_scope
from mentorat.inbound import intent
from mentorat.inbound.address import read_reply_address
from mentorat.inbound.autoreply import is_auto_reply
from mentorat.inbound.extract import reply_text
from mentorat.links import LinkClaim
from mentorat.settings import Settings
from mentorat.web import notices
from mentorat.web.targets import Target, resolve
from models import Cohort, InboundReply, OutboxMessage

log = logging.getLogger(__name__)

# Which outgoing emails a reply may answer, and the request each stands for.
KIND_PURPOSE = {
    "checkin_request": "checkin",
    "checkin_reminder": "checkin",
    "supervision_invitation": "supervision",
    "supervision_reminder": "supervision",
    "workshop_invitation": "workshop",
    "charter_request": "charter",
    "charter_reminder": "charter",
    "pair_introduction": "charter",
    "evaluation_request": "evaluation",
    "evaluation_reminder": "evaluation",
}
LABELS = {
    "checkin": "point mensuel",
    "supervision": "séance de supervision",
    "workshop": "atelier de restitution",
    "charter": "signature de la charte",
    "evaluation": "évaluation finale",
    "apply": "candidature",
    "my_data": "informations personnelles",
}
REASONS = {
    "unclear": "Une réponse reçue par courriel n’a pas pu être comprise avec certitude.",
    "wrong_sender": "Une réponse a été reçue d’une autre adresse que celle de la personne "
    "à qui la demande avait été envoyée.",
    "closed": "Une réponse est arrivée par courriel après la date limite de la demande.",
    "not_answerable": "Une réponse a été reçue par courriel à une demande qui se traite "
    "sur la page web (charte, évaluation…).",
}


@dataclass(frozen=True)
class Outcome:
    outcome: str  # recorded | unclear | auto_reply | unmatched | wrong_sender | closed | duplicate
    answer: str | None = None


def _message_id(message: EmailMessage, raw: bytes) -> str:
    value = str(message.get("Message-ID") or "").strip()
    return value or f"<sha256.{hashlib.sha256(raw).hexdigest()[:40]}@inbound>"


def _match(
    session: Session, settings: Settings, message: EmailMessage, recipients: list[str]
) -> tuple[LinkClaim | None, str | None]:
    """The request replied to: the signed Reply-To address first, then the thread."""
    headers = [str(message.get(h) or "") for h in ("To", "Cc", "Delivered-To", "X-Original-To")]
    for _, address in getaddresses(recipients + headers):
        claim = read_reply_address(settings, address) if address else None
        if claim is not None:
            return claim, "reply_to"
    ids = " ".join(str(message.get(h) or "") for h in ("In-Reply-To", "References")).split()
    ids = [i for i in ids if i.startswith("<") and i.endswith(">")][-20:]
    if ids:
        row = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.message_id.in_(ids), OutboxMessage.person_id.is_not(None))
            .order_by(OutboxMessage.id.desc())
        ).first()
        if row is not None and row.kind in KIND_PURPOSE:
            occurrence = int(row.key.rsplit(":", 1)[1])
            return LinkClaim(row.person_id, KIND_PURPOSE[row.kind], occurrence), "thread"  # type: ignore[arg-type]
    return None, None


def _record(session: Session, target: Target, answer: str, text: str, now: datetime) -> None:
    if target.purpose == "checkin":
        services.record_checkin(
            session,
            target.entity.id,
            met=answer == "vu",
            channel="email",
            now=now,
            meetings=1 if answer == "vu" else 0,
            need_help=answer == "aide",
            help_message=text if answer == "aide" else None,
        )
    elif target.purpose == "supervision":
        services.rsvp_supervision(session, target.entity.id, coming=answer == "oui", now=now)
    else:
        services.rsvp_workshop(session, target.entity.id, coming=answer == "oui", now=now)


def _tell_operator(
    session: Session,
    settings: Settings,
    reply: InboundReply,
    target: Target | None,
    cohort: Cohort,
    sender: str,
    text: str,
    now: datetime,
) -> None:
    first, _, last = cohort.operator_name.partition(" ")
    person = target.person if target else None
    notices.queue(
        session,
        settings,
        kind="inbound_unclear",
        key=f"inbound:{reply.outcome}:{reply.id}",
        to_addr=cohort.operator_email,
        cohort_id=cohort.id,
        person_id=None,
        now=now,
        ctx={
            "recipient": {"first_name": first, "last_name": last},
            "programme": {"short_name": cohort.programme.short_name},
            "reason": REASONS[reply.outcome],
            "request_label": LABELS.get(reply.purpose or "", "demande inconnue"),
            "person": {
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
            }
            if person
            else None,
            "received_at": now,
            "sender": sender,
            "text": text[:4000],
        },
    )


def handle(
    settings: Settings,
    raw: bytes,
    *,
    now: datetime,
    recipients: list[str] | None = None,
    envelope_sender: str | None = None,
) -> Outcome:
    message: EmailMessage = email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[assignment]
    message_id = _message_id(message, raw)
    sender = parseaddr(str(message.get("From") or ""))[1].lower()
    notify: int | None = None
    with session_scope(settings.database_url) as session:
        if session.scalar(select(InboundReply.id).where(InboundReply.message_id == message_id)):
            return Outcome("duplicate")
        claim, matched_by = _match(session, settings, message, list(recipients or []))
        target = resolve(session, claim) if claim else None
        text = reply_text(message)
        fields = {
            "person_id": target.person.id if target else None,
            "cohort_id": target.cohort.id if target else None,
            "purpose": target.purpose if target else None,
            "occurrence": claim.occurrence if claim and target else None,
            "matched_by": matched_by if target else None,
            "text": text[:4000],
        }
        if is_auto_reply(message, envelope_sender):
            services.log_inbound(
                session, message_id=message_id, now=now, outcome="auto_reply", **fields
            )
            return Outcome("auto_reply")
        if target is None:
            services.log_inbound(
                session, message_id=message_id, now=now, outcome="unmatched", **fields
            )
            return Outcome("unmatched")
        answer: str | None = None
        if sender != target.person.email.lower():
            outcome = "wrong_sender"
        elif target.purpose == "checkin":
            answer, outcome = intent.checkin_answer(text), "recorded"
        elif target.purpose in {"supervision", "workshop"}:
            answer, outcome = intent.rsvp_answer(text), "recorded"
        else:
            outcome = "not_answerable"
        if outcome == "recorded" and answer is None:
            outcome = "unclear"
        if outcome == "recorded" and not target.is_open(now):
            outcome = "closed"
        if outcome == "recorded":
            try:
                with session.begin_nested():
                    _record(session, target, answer, text, now)  # type: ignore[arg-type]
            except services.ServiceError:
                outcome = "closed"
        reply = services.log_inbound(
            session,
            message_id=message_id,
            now=now,
            outcome=outcome,
            answer=answer if outcome == "recorded" else None,
            **fields,
        )
        if outcome != "recorded":
            _tell_operator(session, settings, reply, target, target.cohort, sender, text, now)
            notify = target.cohort.id
    if notify is not None:
        notices.deliver(settings, notify)
    log.info("inbound reply %s", outcome)
    return Outcome(outcome, answer if outcome == "recorded" else None)
