from __future__ import annotations

import pytest

from mentorat.links import LinkError, make_token, make_url, read_token

SECRET = "a-test-secret-of-sufficient-length-0123456789"


def test_a_link_is_bound_to_one_person_purpose_and_occurrence():
    claim = read_token(SECRET, make_token(SECRET, 12, "checkin", 345), max_age_seconds=60)
    assert (claim.person_id, claim.purpose, claim.occurrence) == (12, "checkin", 345)


def test_a_tampered_or_foreign_link_is_refused():
    token = make_token(SECRET, 12, "checkin", 345)
    with pytest.raises(LinkError, match="invalid"):
        read_token(
            SECRET, token[:-2] + ("AA" if not token.endswith("AA") else "BB"), max_age_seconds=60
        )
    with pytest.raises(LinkError, match="invalid"):
        read_token("another-secret-another-secret-0123456789", token, max_age_seconds=60)


def test_an_expired_link_says_so():
    token = make_token(SECRET, 12, "charter", 3)
    with pytest.raises(LinkError, match="expired"):
        read_token(SECRET, token, max_age_seconds=-1)


def test_urls_carry_the_one_click_answer():
    url = make_url("https://mentorat.exemple.fr", SECRET, 12, "checkin", 345, "vu")
    assert url.startswith("https://mentorat.exemple.fr/r/") and url.endswith("?reponse=vu")
    with pytest.raises(ValueError):
        make_token(SECRET, 12, "unknown", 1)
