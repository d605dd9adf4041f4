"""Deterministic Message-IDs: the same outbox row always yields the same header."""

import hashlib
import re

_DOMAIN = re.compile(r"^[A-Za-z0-9.-]+$")


def make_message_id(key: str, domain: str) -> str:
    """`<hash@domain>` from an outbox key, so a retried send is recognisably the same message.

    The key itself never appears: it names a cohort, a step and a recipient.
    """
    if not key:
        raise ValueError("message id key must not be empty")
    if not _DOMAIN.match(domain):
        raise ValueError(f"invalid message id domain: {domain!r}")
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    return f"<mentorat.{digest}@{domain}>"
