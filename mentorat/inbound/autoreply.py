"""Recognise automatic replies (out of office, vacation, delivery reports): never answers."""

from __future__ import annotations

import re
from email.message import EmailMessage

_SUBJECT = re.compile(
    r"^\s*(r[ée]ponse automatique|absence|message d[’']absence|out of (the )?office|"
    r"automatic reply|auto(matic)?[ -]?reply|auto:|abwesenheit|vacation|cong[ée]s?\b|"
    r"undeliverable|non remis|delivery status notification|mail delivery)",
    re.IGNORECASE,
)


def is_auto_reply(message: EmailMessage, envelope_sender: str | None = None) -> bool:
    auto = (message.get("Auto-Submitted") or "no").strip().lower()
    if auto != "no":
        return True  # RFC 3834: auto-replied, auto-generated, auto-notified
    if any(message.get(h) for h in ("X-Autoreply", "X-Autorespond", "X-Autoreply-From")):
        return True
    precedence = (message.get("Precedence") or message.get("X-Precedence") or "").lower()
    if precedence.strip() in {"auto_reply", "bulk", "junk", "list"}:
        return True
    if envelope_sender is not None and envelope_sender.strip("<> ") == "":
        return True  # a null sender: a bounce or a notification
    if message.get_content_type() == "multipart/report":
        return True
    return bool(_SUBJECT.match(str(message.get("Subject") or "")))
