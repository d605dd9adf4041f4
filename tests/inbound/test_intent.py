"""Plain French answers are recognised; anything mixed or unknown is left to a person."""

from __future__ import annotations

import pytest

from mentorat.inbound.intent import checkin_answer, rsvp_answer


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("oui", "vu"),
        ("Oui !", "vu"),
        ("on s’est vus mardi", "vu"),
        ("Nous nous sommes rencontrés le 3, tout va bien.", "vu"),
        ("pas encore", "pas-vu"),
        ("Non", "pas-vu"),
        ("nous ne nous sommes pas vus", "pas-vu"),
        ("On ne s’est pas encore vus", "pas-vu"),
        ("C’est reporté au mois prochain", "pas-vu"),
        ("besoin d’aide", "aide"),
        ("J’ai besoin d’aide, mon mentor ne répond plus", "aide"),
    ],
)
def test_it_recognises_plain_check_in_answers(text, answer):
    assert checkin_answer(text) == answer


@pytest.mark.parametrize(
    "text",
    [
        "oui mais pas encore ce mois-ci",
        "merci",
        "",
        "Je vous rappelle demain.",
        "oui " + "très long message " * 40,
    ],
)
def test_it_does_not_guess_a_check_in_answer(text):
    assert checkin_answer(text) is None


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("je viendrai", "oui"),
        ("Oui", "oui"),
        ("Je serai présente.", "oui"),
        ("Avec plaisir !", "oui"),
        ("je ne pourrai pas venir", "non"),
        ("Non merci", "non"),
        ("je ne serai pas présente", "non"),
        ("Malheureusement, je suis en déplacement.", "non"),
    ],
)
def test_it_recognises_plain_rsvp_answers(text, answer):
    assert rsvp_answer(text) == answer


@pytest.mark.parametrize("text", ["peut-être", "oui mais je ne pourrai pas rester", "?"])
def test_it_does_not_guess_an_rsvp(text):
    assert rsvp_answer(text) is None
