"""Reading a received message without ever failing on it: a poison message (a NUL byte, MIME
nested thousands deep, an unknown or broken charset, a huge body) is read as far as it can be
and marked with its problem, so that it is stored and shown to the operator instead of being
refused for ever with a temporary error.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr

from mentorat.inbound.extract import reply_text

# Larger messages are stored from their headers alone (a reply is a few lines; this is a
# photo or a forwarded file), the listener refuses what is larger still (server.py).
MAX_READ_BYTES = 10 * 1024 * 1024
# A reply nests two or three multiparts; thousands make the standard parser recurse to death.
MAX_MULTIPARTS = 100
TEXT_LIMIT = 4000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MULTIPART = re.compile(rb"multipart/", re.IGNORECASE)
_MIME_LINE = re.compile(r"^(--\S*|content-[a-z-]+:.*|mime-version:.*)$", re.IGNORECASE)

# What the operator is told about each problem (inbound_unclear's « reason »).
PROBLEMS = {
    "too_large": "Une réponse reçue par courriel est trop volumineuse pour être lue\u00a0: "
    "seuls ses en-têtes ont été lus.",
    "too_deep": "Une réponse reçue par courriel a une structure anormale (des parties imbriquées "
    "à l’excès)\u00a0: seul le texte brut a pu en être lu.",
    "undecodable": "Une réponse reçue par courriel contient des caractères illisibles (jeu de "
    "caractères inconnu ou invalide).",
    "control": "Une réponse reçue par courriel contient des caractères de contrôle (octet nul…) "
    "qu’aucun courriel normal ne porte.",
    "unreadable": "Une réponse reçue par courriel n’a pas pu être lue normalement\u00a0: "
    "seul le texte brut a pu en être lu.",
}


@dataclass(frozen=True)
class Reading:
    headers: EmailMessage  # the top-level headers, always readable
    message: EmailMessage | None  # the whole message; None when it could not be parsed
    message_id: str
    sender: str  # the From address, lower case
    text: str  # the words of the reply, without quote nor signature, at most TEXT_LIMIT
    problem: str | None  # a key of PROBLEMS, or None for a normal message

    def unreadable(self, raw: bytes) -> Reading:
        """The same message, read as raw text only (after a failure while handling it)."""
        return replace(self, message=None, text=_raw_text(raw), problem="unreadable")


def clean(value: str) -> str:
    """Without control characters (PostgreSQL refuses NUL in text)."""
    return _CONTROL.sub("", value)


def _headers(raw: bytes) -> EmailMessage:
    parser = BytesParser(policy=email.policy.default)
    try:
        return parser.parsebytes(raw[:262_144], headersonly=True)
    except Exception:  # a header block that cannot be read is an empty one
        return EmailMessage()


def _header(message: EmailMessage, name: str) -> str:
    try:
        return clean(str(message.get(name) or ""))
    except Exception:  # a malformed header reads as absent
        return ""


def _raw_text(raw: bytes) -> str:
    """The body's readable lines, without MIME boundaries and part headers."""
    _, _, body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
    kept: list[str] = []
    size = 0
    for line in body[:MAX_READ_BYTES].splitlines():
        text = clean(line.decode("utf-8", errors="replace")).rstrip()
        if _MIME_LINE.match(text.strip()) or (not text and (not kept or not kept[-1])):
            continue
        kept.append(text)
        size += len(text) + 1
        if size >= TEXT_LIMIT:
            break
    return "\n".join(kept).strip()[:TEXT_LIMIT]


def read(raw: bytes) -> Reading:
    headers = _headers(raw)
    message_id = _header(headers, "Message-ID").strip()[:250]
    if not message_id:
        message_id = f"<sha256.{hashlib.sha256(raw).hexdigest()[:40]}@inbound>"
    sender = clean(parseaddr(_header(headers, "From"))[1]).lower()
    base = Reading(headers, None, message_id, sender, "", None)
    if len(raw) > MAX_READ_BYTES:
        return replace(base, problem="too_large")
    if len(_MULTIPART.findall(raw)) > MAX_MULTIPARTS:
        return replace(base, text=_raw_text(raw), problem="too_deep")
    try:
        message: EmailMessage = email.message_from_bytes(raw, policy=email.policy.default)
        text = reply_text(message)
    except Exception:  # whatever the parser trips on, the raw text is kept
        return base.unreadable(raw)
    problem = None
    if "\ufffd" in text:
        problem = "undecodable"
    elif _CONTROL.search(text):
        problem = "control"
    return replace(base, message=message, text=clean(text)[:TEXT_LIMIT], problem=problem)
