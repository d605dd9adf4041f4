import hashlib
import re

import pytest

from mentorat.mail import make_message_id
from mentorat.mail.message_id import verify_message_id

KEY = "c3:checkin_2:p17:0"
SECRET = "test-secret-key-0123456789abcdef0123456789"
HERE = "3f2a9c0d5e6b7a81"


def signed(key=KEY, domain="mentorat.exemple.fr", secret=SECRET, installation=HERE):  # type: ignore[no-untyped-def]
    return make_message_id(key, domain, secret_key=secret, installation=installation)


def test_the_same_key_always_gives_the_same_id():
    assert signed() == signed()


def test_different_keys_give_different_ids():
    assert len({signed(f"c3:checkin_{m}:p17:0") for m in range(1, 7)}) == 6


def test_two_installations_never_share_an_id_for_the_same_key():
    assert signed(installation="3f2a9c0d5e6b7a81") != signed(installation="77aa01c2d3e4f506")


def test_the_id_depends_on_the_secret_key():
    assert signed(secret=SECRET) != signed(secret=SECRET + "x")


def test_the_id_is_well_formed_and_does_not_reveal_the_key():
    message_id = signed()
    assert re.fullmatch(r"<mentorat\.[0-9a-f]{40}@mentorat\.exemple\.fr>", message_id)
    assert "p17" not in message_id and HERE not in message_id


def test_only_the_signed_id_verifies():
    keys = [SECRET]
    assert verify_message_id(signed(), KEY, secret_keys=keys, installation=HERE)
    # The same key in another database, or another key here, does not.
    assert not verify_message_id(signed(), KEY, secret_keys=keys, installation="77aa01c2d3e4f506")
    other_key = "c3:checkin_2:p18:0"
    assert not verify_message_id(signed(), other_key, secret_keys=keys, installation=HERE)
    # Recomputed without the secret (the former scheme: a bare hash of the key).
    unkeyed = f"<mentorat.{hashlib.sha256(KEY.encode()).hexdigest()[:40]}@mentorat.exemple.fr>"
    assert not verify_message_id(unkeyed, KEY, secret_keys=keys, installation=HERE)
    assert not verify_message_id("<garbage>", KEY, secret_keys=keys, installation=HERE)


def test_an_id_signed_with_a_previous_key_verifies_while_that_key_is_kept():
    old = signed(secret="previous-secret-key-0123456789abcdef")
    assert not verify_message_id(old, KEY, secret_keys=[SECRET], installation=HERE)
    assert verify_message_id(
        old, KEY, secret_keys=[SECRET, "previous-secret-key-0123456789abcdef"], installation=HERE
    )


def test_a_changed_mail_domain_keeps_the_id_verifiable():
    moved = signed(domain="ancien.exemple.fr")
    assert verify_message_id(moved, KEY, secret_keys=[SECRET], installation=HERE)


@pytest.mark.parametrize(
    ("key", "domain", "secret", "installation"),
    [
        ("", "exemple.fr", SECRET, HERE),
        (KEY, "exemple.fr>", SECRET, HERE),
        (KEY, "", SECRET, HERE),
        (KEY, "exemple.fr", "", HERE),
        (KEY, "exemple.fr", SECRET, ""),
    ],
)
def test_it_refuses_an_empty_key_secret_or_installation_or_a_bad_domain(
    key, domain, secret, installation
):
    with pytest.raises(ValueError):
        make_message_id(key, domain, secret_key=secret, installation=installation)
