"""Signed, expiring links bound to one person, one purpose and one occurrence.

Participants have no account: the token in the link is their credential for that one request.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

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


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="mentorat.link.v1")


def make_token(secret_key: str, person_id: int, purpose: str, occurrence: int) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    return _serializer(secret_key).dumps([person_id, purpose, occurrence])


def read_token(secret_key: str, token: str, *, max_age_seconds: int) -> LinkClaim:
    try:
        person_id, purpose, occurrence = _serializer(secret_key).loads(
            token, max_age=max_age_seconds
        )
    except SignatureExpired:
        raise LinkError("expired") from None
    except (BadSignature, ValueError, TypeError):
        raise LinkError("invalid") from None
    return LinkClaim(int(person_id), str(purpose), int(occurrence))


def make_url(
    public_url: str,
    secret_key: str,
    person_id: int,
    purpose: str,
    occurrence: int,
    answer: str | None = None,
) -> str:
    url = f"{public_url}/r/{make_token(secret_key, person_id, purpose, occurrence)}"
    return f"{url}?reponse={answer}" if answer else url
