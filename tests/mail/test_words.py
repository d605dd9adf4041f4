import pytest

from mentorat.mail.words import alert_label, join_fr, ordinal_fr, partner_role_fr, role_fr


def test_roles_read_in_inclusive_french():
    assert role_fr("mentor") == "mentor"
    assert role_fr("mentee") == "mentoré·e"
    assert partner_role_fr("mentor") == "mentoré·e"


def test_it_refuses_a_role_it_cannot_word():
    with pytest.raises(ValueError):
        role_fr("coach")


def test_it_refuses_an_alert_kind_it_cannot_word():
    with pytest.raises(ValueError):
        alert_label("panic")


def test_lists_join_with_et():
    assert join_fr([]) == ""
    assert join_fr([3]) == "3"
    assert join_fr([2, 3]) == "2 et 3"
    assert join_fr(["2e", "3e", "5e"]) == "2e, 3e et 5e"


def test_ordinals():
    assert ordinal_fr(1) == "1er"
    assert ordinal_fr(4) == "4e"
