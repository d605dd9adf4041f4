"""The signed Reply-To address: short, lower-case, and impossible to forge."""

from __future__ import annotations

from mentorat.links import LinkClaim, read_reply_address, reply_address
from mentorat.settings import Settings


def settings(**extra: str) -> Settings:
    values = {
        "mail_from": "Mentorat <mentorat@justice.exemple.fr>",
        "secret_key": "test-secret-key-0123456789abcdef0123456789",
        **extra,
    }
    return Settings(**values)


def test_it_round_trips_and_fits_the_local_part_limit():
    address = reply_address(settings(), 123_456, "checkin", 9_876_543)
    local, domain = address.split("@")
    assert domain == "justice.exemple.fr" and len(local) <= 64 and address == address.lower()
    assert read_reply_address(settings(), address.upper()) == LinkClaim(
        123_456, "checkin", 9_876_543
    )


def test_another_key_or_another_domain_reads_nothing():
    address = reply_address(settings(), 1, "supervision", 2)
    assert read_reply_address(settings(secret_key="x" * 40), address) is None
    assert read_reply_address(settings(), address.replace("justice.exemple.fr", "autre.fr")) is None
    assert read_reply_address(settings(), "mentorat@justice.exemple.fr") is None
