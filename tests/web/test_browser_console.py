"""In a real browser (Debian's chromium), on a 360 px wide phone: an operator signs in to the
console with the link emailed to them and opens their cohort; every page passes axe-core."""

from __future__ import annotations

import re

import pytest

from mentorat.db import session_scope
from mentorat.services import operators
from models import Cohort
from tests.conftest import START
from tests.web.live import axe_violations, shot
from tests.web.world import deliver_pending

pytestmark = pytest.mark.browser
DELPHINE = "delphine.roux@justice.exemple.fr"


def check(page, name: str) -> None:  # type: ignore[no-untyped-def]
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, name)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_operator_signs_in_by_email_and_opens_the_cohort_on_a_phone(
    world, settings, smtp, live, phone
):
    with session_scope(settings.database_url) as session:
        operators.add_operator(
            session, DELPHINE, programme_slug="mirhe", role="operator", name="Delphine Roux",
            now=START, actor="test",
        )  # fmt: skip
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None
        code, label = cohort.code, cohort.label
    phone.goto(live + "/gestion/")  # no session: the login page
    phone.get_by_role("heading", name="Connexion à la console de gestion").wait_for()
    check(phone, "console-login")
    phone.get_by_label("Votre adresse électronique").fill(DELPHINE)
    phone.get_by_role("button", name="Recevoir un lien de connexion").click()
    phone.get_by_role("status").wait_for()
    check(phone, "console-login-sent")

    link = None
    for _ in range(100):  # the worker writes the email just after the answer
        deliver_pending(settings)
        received = [m.message() for m in smtp.messages if DELPHINE in m.recipients]
        if received:
            text = received[-1].get_body(preferencelist=("plain",)).get_content()
            link = re.search(r"(http://127\.0\.0\.1:\d+/gestion/connexion/\S+)", text)
            break
        phone.wait_for_timeout(100)
    assert link is not None, "no login link received"
    phone.goto(link.group(1))
    check(phone, "console-login-confirm")
    phone.get_by_role("button", name="Me connecter").click()
    phone.get_by_role("heading", name="Cohortes", exact=True).wait_for()
    check(phone, "console-home")
    phone.get_by_role("link", name=label).click()
    phone.get_by_role("heading", level=1).wait_for()
    assert code in phone.get_by_role("heading", level=1).inner_text()
    assert phone.get_by_role("heading", name=re.compile("Charte non signée")).is_visible()
    check(phone, "console-cohort")
    # A fix from the phone: end the first pair, with its reason, and see it confirmed.
    phone.get_by_text(re.compile(r"Agir sur le binôme B-")).first.click()
    phone.get_by_label("Raison (consignée au journal)").first.fill("Incompatibilité d’agenda")
    check(phone, "console-cohort-fix-open")
    phone.get_by_role("button", name="Mettre fin au binôme").first.click()
    phone.get_by_role("status").wait_for()
    assert "Binôme terminé" in phone.get_by_role("status").inner_text()
    assert "terminé" in phone.locator("#binomes-liste li").first.inner_text()
    check(phone, "console-cohort-fixed")
    phone.get_by_role("button", name="Se déconnecter").click()
    phone.get_by_role("heading", name="Vous êtes déconnecté·e").wait_for()
    check(phone, "console-logged-out")
