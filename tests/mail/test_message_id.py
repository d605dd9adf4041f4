import re

import pytest

from mentorat.mail import make_message_id

KEY = "cohort:3|checkin_2|person:17|0"


def test_the_same_key_always_gives_the_same_id():
    assert make_message_id(KEY, "mentorat.exemple.fr") == make_message_id(
        KEY, "mentorat.exemple.fr"
    )


def test_different_keys_give_different_ids():
    ids = {make_message_id(f"cohort:3|checkin_{m}|person:17|0", "exemple.fr") for m in range(1, 7)}
    assert len(ids) == 6


def test_the_id_is_well_formed_and_does_not_reveal_the_key():
    message_id = make_message_id(KEY, "mentorat.exemple.fr")
    assert re.fullmatch(r"<mentorat\.[0-9a-f]{40}@mentorat\.exemple\.fr>", message_id)
    assert "person" not in message_id


@pytest.mark.parametrize(("key", "domain"), [("", "exemple.fr"), (KEY, "exemple.fr>"), (KEY, "")])
def test_it_refuses_an_empty_key_or_a_bad_domain(key, domain):
    with pytest.raises(ValueError):
        make_message_id(key, domain)
