"""Which request a reply answers: its signed Reply-To address, or a Message-ID in In-Reply-To or
References that this installation signed (mentorat.mail.message_id). Nothing else.

Both are unguessable without the secret key, so knowing a participant's address and the shape
of an outbox key forges nothing. A thread that names one of our requests by a Message-ID that
does not verify (sent before the ids were signed, or forged) ties the reply to nothing, but
says whose request it claims to answer, for the operator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorat.installation import installation_id
from mentorat.links import LinkClaim, read_reply_address
from mentorat.mail.message_id import verify_message_id
from mentorat.settings import Settings
from models import OutboxMessage

# Emails without a Reply-To address that a reply may still answer through the thread (the
# request is then handled on the web page: the operator is told).
KIND_PURPOSE = {
    "charter_request": "charter",
    "charter_reminder": "charter",
    "charter_new_version": "charter",
    "pair_introduction": "charter",
    "evaluation_request": "evaluation",
    "evaluation_reminder": "evaluation",
}
_IDS = re.compile(r"<[^<>\s]{1,250}>")
_ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To")


@dataclass(frozen=True)
class Match:
    claim: LinkClaim | None
    matched_by: str | None  # reply_to | thread
    # A request of ours the thread names by a Message-ID that does not verify.
    unverified: OutboxMessage | None = None


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name) or "")
    except Exception:  # a malformed header reads as absent
        return ""


def _claim_of(settings: Settings, row: OutboxMessage) -> LinkClaim | None:
    if row.reply_to:
        return read_reply_address(settings, row.reply_to)
    purpose = KIND_PURPOSE.get(row.kind)
    occurrence = row.key.rsplit(":", 1)[-1]
    if purpose is None or row.person_id is None or not occurrence.isdigit():
        return None
    return LinkClaim(row.person_id, purpose, int(occurrence))


def match(
    session: Session, settings: Settings, headers: EmailMessage, recipients: list[str]
) -> Match:
    fields = recipients + [_header(headers, h) for h in _ADDRESS_HEADERS]
    for _, address in getaddresses(fields):
        claim = read_reply_address(settings, address) if address else None
        if claim is not None:
            return Match(claim, "reply_to")
    thread = " ".join(_header(headers, h) for h in ("In-Reply-To", "References"))
    ids = _IDS.findall(thread)[-20:]
    if not ids:
        return Match(None, None)
    rows = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.message_id.in_(ids), OutboxMessage.person_id.is_not(None))
        .order_by(OutboxMessage.id.desc())
    ).all()
    if not rows:
        return Match(None, None)
    installation = installation_id(session)
    keys = settings.secret_keys()  # the current key, and the previous one during a rotation
    unverified: OutboxMessage | None = None
    for row in rows:
        if verify_message_id(row.message_id, row.key, secret_keys=keys, installation=installation):
            claim = _claim_of(settings, row)
            if claim is not None:
                return Match(claim, "thread")
        elif unverified is None:
            unverified = row
    return Match(None, None, unverified)
