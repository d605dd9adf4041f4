"""One received reply, from raw bytes to a recorded answer, or to the operator.

The reply is logged (inbound_reply) in the same transaction as the answer it carries, so a
crash records both or neither and the mail server delivers it again; a Message-ID seen
before is a redelivery and changes nothing. An answer is recorded only when the reply is
tied to its request by a signed address or Message-ID (inbound.match), comes from the person
who was asked, and says it plainly (inbound.intent); anything else goes to the operator.

A message that cannot be read (inbound.reading) or that trips the handling is stored as
unclear with what could be read: only a database that cannot be reached is a temporary
failure (`is_transient`), for the mail server to try again later.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import exc as sa_exc
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorat.db import session_scope
from mentorat.inbound import intent, to_operator
from mentorat.inbound.autoreply import is_auto_reply
from mentorat.inbound.extract import calendar_answer
from mentorat.inbound.match import match
from mentorat.inbound.reading import Reading, read
from mentorat.services import ServiceError, answers, inbound_log, notices
from mentorat.services.targets import Target, resolve
from mentorat.settings import Settings
from models import InboundReply

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    # recorded | unclear | auto_reply | unmatched | unverified | wrong_sender | closed |
    # not_answerable | duplicate
    outcome: str
    answer: str | None = None


def is_transient(error: BaseException) -> bool:
    """Worth a 4xx (the mail server tries again): the database could not be reached."""
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(
        error, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError | OSError
    )


def _record(session: Session, target: Target, answer: str, text: str, now: datetime) -> None:
    if target.purpose == "checkin" and answer == "aide":
        answers.request_help(session, target.entity.id, channel="email", now=now, message=text)
    elif target.purpose == "checkin":
        met = answer == "vu"
        answers.record_checkin(
            session, target.entity.id, met=met, channel="email", now=now, meetings=int(met)
        )
    elif target.purpose == "supervision":
        answers.rsvp_supervision(session, target.entity.id, coming=answer == "oui", now=now)
    else:
        answers.rsvp_workshop(session, target.entity.id, coming=answer == "oui", now=now)


def _read_answer(target: Target, text: str, message: EmailMessage | None) -> tuple[str | None, str]:
    if target.purpose == "checkin":
        return intent.checkin_answer(text), "recorded"
    if target.purpose in {"supervision", "workshop"}:
        # Accept or Decline in a calendar: its REPLY says it better than its text.
        answer = calendar_answer(message) if message is not None else None
        return answer or intent.rsvp_answer(text), "recorded"
    return None, "not_answerable"


def _handle(
    settings: Settings,
    reading: Reading,
    now: datetime,
    recipients: list[str],
    envelope_sender: str | None,
) -> tuple[Outcome, list[int]]:
    """The outcome, and the cohorts whose operator was written to."""
    with session_scope(settings.database_url) as session:
        seen = select(InboundReply.id).where(InboundReply.message_id == reading.message_id)
        if session.scalar(seen):
            return Outcome("duplicate"), []
        found = match(session, settings, reading.headers, recipients)
        target = resolve(session, found.claim) if found.claim else None
        concerned = to_operator.concerned(session, reading, target, found.unverified)
        person, cohorts = concerned
        fields = {
            # A reply tied to no request still says whose it is, when the sender is known.
            "person_id": person.id if person else None,
            "cohort_id": cohorts[0].id if person and cohorts else None,
            "purpose": target.purpose if target else None,
            "occurrence": found.claim.occurrence if found.claim and target else None,
            "matched_by": found.matched_by if target else None,
            "text": reading.text,
        }
        answer: str | None = None
        if is_auto_reply(reading.message or reading.headers, envelope_sender):
            # Out of office and the like: never an answer, but the operator is told once.
            outcome = "auto_reply"
        elif target is None:
            outcome = "unverified" if found.unverified is not None else "unmatched"
        elif reading.sender != target.person.email.lower():
            outcome = "wrong_sender"
        elif reading.problem is not None:
            outcome = "unclear"
        else:
            answer, outcome = _read_answer(target, reading.text, reading.message)
            if outcome == "recorded" and answer is None:
                outcome = "unclear"
            if outcome == "recorded" and not target.is_open(now):
                outcome = "closed"
        if outcome == "recorded" and target is not None and answer is not None:
            try:
                with session.begin_nested():
                    _record(session, target, answer, reading.text, now)
            except ServiceError:
                outcome = "closed"
        reply = inbound_log.log_inbound(
            session,
            message_id=reading.message_id,
            now=now,
            outcome=outcome,
            answer=answer if outcome == "recorded" else None,
            **fields,
        )
        if outcome == "recorded":
            return Outcome(outcome, answer), []
        told = to_operator.tell(
            session,
            settings,
            reply=reply,
            reading=reading,
            target=target,
            concerned=concerned,
            now=now,
        )
        return Outcome(outcome), told


def handle(
    settings: Settings,
    raw: bytes,
    *,
    now: datetime,
    recipients: list[str] | None = None,
    envelope_sender: str | None = None,
) -> Outcome:
    """Store one received message and act on it; raises only when it could not be stored
    (then `is_transient` says whether the mail server should try again)."""
    reading = read(raw)
    rcpts = list(recipients or [])
    try:
        outcome, told = _handle(settings, reading, now, rcpts, envelope_sender)
    except Exception as error:
        if is_transient(error):
            raise
        # Something in this message trips the handling: store it as raw text, for a person.
        log.warning("inbound reply stored unread after %s", type(error).__name__)
        outcome, told = _handle(settings, reading.unreadable(raw), now, rcpts, envelope_sender)
    for cohort_id in told:
        notices.deliver(settings, cohort_id)
    log.info("inbound reply %s", outcome.outcome)
    return outcome
