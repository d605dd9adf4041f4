"""Links and reply addresses across a key rotation, and signed payloads of every wrong shape."""

from __future__ import annotations

import secrets
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from mentorat.links import (
    LinkClaim,
    LinkError,
    make_token,
    read_reply_address,
    read_token,
    reply_address,
)
from mentorat.settings import Settings

OLD = "previous-key-Hq8-zN3_wK5xRb1mT7vYc4LsJ2"
NEW = "current-key-Pd6_eG9-uA2yWq5nV8rBj3XkM0"
DAY = 86400


def rotated(**extra: str) -> Settings:
    """A production configuration after a rotation: NEW signs, OLD still verifies."""
    values = {
        "environment": "production",
        "mail_from": "Mentorat <mentorat@justice.exemple.fr>",
        "secret_key": NEW,
        "secret_key_previous": OLD,
        **extra,
    }
    return Settings(**values)


def test_a_link_signed_with_the_previous_key_stays_valid_after_a_rotation():
    settings = rotated()
    old_link = make_token(OLD, 7, "checkin", 42)
    assert read_token(settings.secret_keys(), old_link, max_age_seconds=DAY) == LinkClaim(
        7, "checkin", 42
    )


def test_a_link_signed_with_any_other_key_is_refused():
    settings = rotated()
    forged = make_token(secrets.token_urlsafe(32), 7, "checkin", 42)
    with pytest.raises(LinkError, match="invalid"):
        read_token(settings.secret_keys(), forged, max_age_seconds=DAY)


def test_new_links_are_signed_with_the_current_key_only():
    settings = rotated()
    new_link = make_token(settings.secret_key, 7, "checkin", 42)
    assert read_token(NEW, new_link, max_age_seconds=DAY).person_id == 7
    with pytest.raises(LinkError):
        read_token(OLD, new_link, max_age_seconds=DAY)


def test_without_a_previous_key_the_old_links_end():
    old_link = make_token(OLD, 7, "checkin", 42)
    settings = Settings(environment="production", secret_key=NEW)
    with pytest.raises(LinkError, match="invalid"):
        read_token(settings.secret_keys(), old_link, max_age_seconds=DAY)


def test_a_reply_address_signed_with_the_previous_key_is_still_read():
    before = rotated(secret_key=OLD, secret_key_previous="")
    address = reply_address(before, 12, "checkin", 34)
    assert read_reply_address(rotated(), address) == LinkClaim(12, "checkin", 34)
    assert OLD not in reply_address(rotated(), 12, "checkin", 34)
    assert reply_address(rotated(), 12, "checkin", 34) != address
    stranger = rotated(secret_key=secrets.token_urlsafe(32), secret_key_previous="")
    assert read_reply_address(stranger, address) is None


# Validly signed with the real key, so that only their content is wrong.
BAD_PAYLOADS = [
    {"person": 1, "purpose": "checkin", "occurrence": 1},
    ["1", "checkin", 1],
    [1, "checkin", "1"],
    [1.0, "checkin", 1],
    [True, "checkin", 1],
    [1, ["checkin"], 1],
    [1, {"a": 1}, 1],
    [1, "inconnu", 1],
    [1, "checkin"],
    [1, "checkin", 1, 1],
    [-1, "checkin", 1],
    [2**63, "checkin", 1],
    [1, "checkin", 10**30],
    [None, None, None],
    "checkin",
    None,
    42,
    [],
]


@pytest.mark.parametrize("payload", BAD_PAYLOADS, ids=repr)
def test_a_well_signed_payload_of_the_wrong_shape_is_an_invalid_link(payload):
    token = URLSafeTimedSerializer(NEW, salt="mentorat.link.v1").dumps(payload)
    with pytest.raises(LinkError, match="invalid"):
        read_token(NEW, token, max_age_seconds=DAY)


class _Past(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 60 * DAY


@pytest.mark.parametrize("payload", BAD_PAYLOADS[:4], ids=repr)
def test_an_old_payload_of_the_wrong_shape_is_invalid_not_expired(payload):
    token = URLSafeTimedSerializer(NEW, salt="mentorat.link.v1", signer=_Past).dumps(payload)
    with pytest.raises(LinkError, match="invalid"):
        read_token(NEW, token, max_age_seconds=DAY)
    good = URLSafeTimedSerializer(NEW, salt="mentorat.link.v1", signer=_Past).dumps(
        [1, "checkin", 1]
    )
    with pytest.raises(LinkError, match="expired"):
        read_token(NEW, good, max_age_seconds=DAY)


@pytest.mark.parametrize(
    "token",
    ["", ".", "...", "!!!!", "é" * 40, "\x00", "a" * 5000, "WzEsImNoZWNraW4iLDFd.abc.def"],
    ids=repr,
)
def test_garbage_is_an_invalid_link(token):
    with pytest.raises(LinkError, match="invalid"):
        read_token(NEW, token, max_age_seconds=DAY)
