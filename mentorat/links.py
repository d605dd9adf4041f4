"""How a participant answers a request without an account: the signed, expiring link bound to
one person, one purpose and one occurrence, and the signed Reply-To address of the email.

The web pages read links, the reply channel reads reply addresses, and the outbox writes
both: this module is the one place that makes and checks them.

Key rotation: links and addresses are signed with MENTORAT_SECRET_KEY only, and checked
against it and MENTORAT_SECRET_KEY_PREVIOUS, so that the links already sent keep working
(for their usual lifetime) after the key changes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from pydantic import SecretStr

from mentorat.settings import Settings

PURPOSES = frozenset(
    {"apply", "charter", "checkin", "supervision", "evaluation", "workshop", "my_data"}
)


@dataclass(frozen=True)
class LinkClaim:
    person_id: int
    purpose: str
    occurrence: int


class LinkError(ValueError):
    def __init__(self, reason: str) -> None:  # "expired" | "invalid"
        super().__init__(reason)
        self.reason = reason


Key = str | SecretStr
# Ids are database integers: anything outside them is refused before it reaches a query.
_MAX_ID = 2**31 - 1


def _plain(key: Key) -> str:
    return key.get_secret_value() if isinstance(key, SecretStr) else key


def _serializer(secret_keys: Key | Sequence[Key]) -> URLSafeTimedSerializer:
    keys = [secret_keys] if isinstance(secret_keys, str | SecretStr) else list(secret_keys)
    # itsdangerous signs with the last key and accepts any: the current key goes last.
    return URLSafeTimedSerializer([_plain(k) for k in reversed(keys)], salt="mentorat.link.v1")


def make_token(secret_key: Key, person_id: int, purpose: str, occurrence: int) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    return _serializer(secret_key).dumps([person_id, purpose, occurrence])


def _is_id(value: object) -> bool:
    return type(value) is int and 0 <= value <= _MAX_ID  # bool is not an id


def _claim(payload: object) -> LinkClaim:
    """The claim a verified payload makes, or LinkError("invalid") whatever its shape."""
    if isinstance(payload, list) and len(payload) == 3:
        person_id, purpose, occurrence = payload
        known = isinstance(purpose, str) and purpose in PURPOSES
        if known and _is_id(person_id) and _is_id(occurrence):
            return LinkClaim(person_id, purpose, occurrence)
    raise LinkError("invalid")


def read_token(secret_keys: Key | Sequence[Key], token: str, *, max_age_seconds: int) -> LinkClaim:
    """The claim of a link signed by one of `secret_keys` (the current key first). Any
    malformed, foreign or tampered token is "invalid", whatever went wrong inside it."""
    serializer = _serializer(secret_keys)
    try:
        return _claim(serializer.loads(token, max_age=max_age_seconds))
    except SignatureExpired as exc:
        try:  # well signed but old: say so only if it is a well-formed link of ours
            _claim(serializer.load_payload(exc.payload) if exc.payload is not None else None)
        except (BadData, ValueError, TypeError, UnicodeError):
            raise LinkError("invalid") from None
        raise LinkError("expired") from None
    except (BadData, ValueError, TypeError, UnicodeError):
        raise LinkError("invalid") from None


def make_url(
    public_url: str,
    secret_key: Key,
    person_id: int,
    purpose: str,
    occurrence: int,
    answer: str | None = None,
) -> str:
    url = f"{public_url}/r/{make_token(secret_key, person_id, purpose, occurrence)}"
    return f"{url}?reponse={answer}" if answer else url


# --- reply addresses ----------------------------------------------------------------------
# `mentorat+<tag>.<mac>@domain`: short enough for the 64-character limit of an address's local
# part, lower-case (some servers fold case), and signed, so that nobody can write an address
# that records an answer for someone else.

REPLY_CODES = {
    "checkin": "c",
    "supervision": "s",
    "workshop": "w",
    "charter": "h",
    "evaluation": "e",
    "apply": "a",
    "my_data": "d",
}
_REPLY_PURPOSES = {code: purpose for purpose, code in REPLY_CODES.items()}
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_TAG = re.compile(r"^([a-z])([0-9a-z]+)\.([0-9a-z]+)\.([a-z2-7]{16})$")


def _b36(number: int) -> str:
    if number < 0:
        raise ValueError("ids are positive")
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = _DIGITS[digit] + out
        if not number:
            return out


def _mac(secret_key: str, tag: str) -> str:
    digest = hmac.new(
        secret_key.encode(), f"mentorat.reply.v1|{tag}".encode(), hashlib.sha256
    ).digest()
    return base64.b32encode(digest[:10]).decode().lower()  # 80 bits, 16 characters


def reply_address(settings: Settings, person_id: int, purpose: str, occurrence: int) -> str:
    """The address a reply to this request should go to (the outbox's reply_to)."""
    local, domain = settings.sender_address.rsplit("@", 1)
    tag = f"{REPLY_CODES[purpose]}{_b36(person_id)}.{_b36(occurrence)}"
    mac = _mac(settings.secret_key.get_secret_value(), tag)
    return f"{local.split('+', 1)[0]}+{tag}.{mac}@{domain}"


def read_reply_address(settings: Settings, address: str) -> LinkClaim | None:
    """The request a reply address stands for, or None if it is not one of ours or forged."""
    local, _, domain = address.strip().strip("<>").lower().rpartition("@")
    if domain != settings.mail_domain.lower() or "+" not in local:
        return None
    match = _TAG.match(local.split("+", 1)[1])
    if match is None:
        return None
    code, person, occurrence, mac = match.groups()
    tag = f"{code}{person}.{occurrence}"
    if code not in _REPLY_PURPOSES or not any(
        hmac.compare_digest(_mac(key, tag), mac) for key in settings.secret_keys()
    ):
        return None
    return LinkClaim(int(person, 36), _REPLY_PURPOSES[code], int(occurrence, 36))
