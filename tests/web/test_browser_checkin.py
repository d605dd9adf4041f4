"""In a real browser (Debian's chromium): answering the monthly check-in in one click, and
through the form with the keyboard alone, on a 360 px wide phone."""

from __future__ import annotations

import pytest

from mentorat.db import session_scope
from models import CheckIn
from tests.web.live import axe_violations, shot

pytestmark = pytest.mark.browser


def answer_of(world, checkin_id):  # type: ignore[no-untyped-def]
    with session_scope(world.settings.database_url) as session:
        row = session.get(CheckIn, checkin_id)
        assert row is not None
        return row.status, row.met, row.need_help, row.channel


def fits_the_screen(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_participant_answers_the_check_in_in_one_click(world, live, phone):
    checkin_id, person_id, _ = world.checkin()
    phone.goto(live + world.url(person_id, "checkin", checkin_id, "vu"))
    assert phone.get_by_role("heading", name="Confirmez votre réponse").is_visible()
    assert axe_violations(phone) == []
    assert fits_the_screen(phone)
    shot(phone, "checkin-one-click-confirm")
    assert answer_of(world, checkin_id)[0] == "open"
    phone.get_by_role("button", name="Confirmer ma réponse").click()
    phone.get_by_role("status").wait_for()
    assert "Votre réponse est enregistrée" in phone.get_by_role("status").inner_text()
    shot(phone, "checkin-one-click-recorded")
    assert axe_violations(phone) == []
    assert answer_of(world, checkin_id) == ("answered", True, False, "web-quick")


def test_a_participant_asks_for_help_in_one_click_with_a_message(world, live, phone):
    checkin_id, person_id, _ = world.checkin(1)
    phone.goto(live + world.url(person_id, "checkin", checkin_id, "aide"))
    phone.get_by_label("Votre message à la personne référente").fill(
        "Mon mentor ne répond plus depuis trois semaines."
    )
    shot(phone, "checkin-help-confirm")
    phone.get_by_role("button", name="Confirmer ma réponse").click()
    phone.get_by_role("status").wait_for()
    assert answer_of(world, checkin_id)[2] is True


def test_the_check_in_form_works_with_the_keyboard_and_shows_errors_beside_fields(
    world, live, phone
):
    checkin_id, person_id, _ = world.checkin(2)
    phone.goto(live + world.url(person_id, "checkin", checkin_id))
    assert axe_violations(phone) == []
    # Submitting nothing: the summary takes the focus's attention and each error is tied.
    phone.get_by_role("button", name="Enregistrer ma réponse").click()
    phone.get_by_role("alert").wait_for()
    assert (
        phone.get_by_role("group", name="Vous êtes-vous rencontrés ce mois-ci ?").get_attribute(
            "aria-describedby"
        )
        == "met-erreur"
    )
    assert axe_violations(phone) == []
    shot(phone, "checkin-form-errors")
    # Keyboard only: focus the first radio, choose it with Space, then submit with Enter.
    phone.get_by_label("Oui, nous nous sommes vus").focus()
    phone.keyboard.press("Space")
    phone.get_by_label("Combien de fois ?").focus()
    phone.keyboard.type("2")
    phone.get_by_label("4", exact=True).focus()
    phone.keyboard.press("Space")
    phone.get_by_role("button", name="Enregistrer ma réponse").focus()
    phone.keyboard.press("Enter")
    phone.get_by_role("status").wait_for()
    shot(phone, "checkin-form-recorded")
    assert answer_of(world, checkin_id) == ("answered", True, False, "web")
