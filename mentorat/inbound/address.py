"""The Reply-To address of a request: `mentorat+<tag>.<mac>@domain`, short enough for the
64-character limit of an address's local part, lower-case (some servers fold case), and
signed, so that nobody can write an address that records an answer for someone else."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from mentorat.links import LinkClaim
from mentorat.settings import Settings

CODES = {
    "checkin": "c",
    "supervision": "s",
    "workshop": "w",
    "charter": "h",
    "evaluation": "e",
    "apply": "a",
    "my_data": "d",
}
PURPOSES = {code: purpose for purpose, code in CODES.items()}
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
    tag = f"{CODES[purpose]}{_b36(person_id)}.{_b36(occurrence)}"
    return f"{local.split('+', 1)[0]}+{tag}.{_mac(settings.secret_key, tag)}@{domain}"


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
    if code not in PURPOSES or not hmac.compare_digest(_mac(settings.secret_key, tag), mac):
        return None
    return LinkClaim(int(person, 36), PURPOSES[code], int(occurrence, 36))
