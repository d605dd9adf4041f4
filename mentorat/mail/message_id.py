"""Signed, deterministic Message-IDs: the same outbox row always yields the same header, and
nobody without the secret key can write one.

A reply may be tied to its request through In-Reply-To/References, so a Message-ID is a
credential: `<mentorat.MAC@domain>`, where MAC is an HMAC-SHA256, under the secret key, of
this database's installation id (mentorat.installation) and the outbox key. A retried send
carries the same id; two installations never share one; knowing an address and the shape of
an outbox key is not enough to forge one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

_DOMAIN = re.compile(r"^[A-Za-z0-9.-]+$")
_SHAPE = re.compile(r"^<mentorat\.([0-9a-f]{40})@[A-Za-z0-9.-]+>$")


def _mac(secret_key: str, installation: str, key: str) -> str:
    message = f"mentorat.message-id.v2|{installation}|{key}".encode()
    return hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).hexdigest()[:40]


def make_message_id(key: str, domain: str, *, secret_key: str, installation: str) -> str:
    """`<mentorat.MAC@domain>` for an outbox key; the key itself never appears (it names a
    cohort, a step and a recipient)."""
    if not key:
        raise ValueError("message id key must not be empty")
    if not secret_key or not installation:
        raise ValueError("a message id needs the secret key and the installation id")
    if not _DOMAIN.match(domain):
        raise ValueError(f"invalid message id domain: {domain!r}")
    return f"<mentorat.{_mac(secret_key, installation, key)}@{domain}>"


def verify_message_id(
    message_id: str, key: str, *, secret_keys: Iterable[str], installation: str
) -> bool:
    """True if `message_id` is the one this installation signed for `key` with one of the keys
    (the current one, then a previous one kept during a rotation). The domain is not signed:
    changing the mail domain leaves earlier requests answerable."""
    match = _SHAPE.match(message_id.strip())
    if match is None or not key or not installation:
        return False
    return any(
        hmac.compare_digest(_mac(secret, installation, key), match.group(1))
        for secret in secret_keys
        if secret
    )
