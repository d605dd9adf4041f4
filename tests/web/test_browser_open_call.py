"""In a real browser, on a 360 px phone: someone applies through the cohort's open link; the
form, its errors (an address outside the allowed domains) and the answer pass axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from demo.clock import SimulatedClock
from demo.simulation import setup_cohort
from mentorat.db import session_scope
from mentorat.services import open_call
from models import Application, Cohort, Person
from tests.conftest import START
from tests.web.live import serving_pages
from tests.web.test_browser_pages import check

pytestmark = pytest.mark.browser


def test_someone_applies_as_a_mentor_through_the_open_link(settings, browser, smtp):  # type: ignore[no-untyped-def]
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=2, opens_at=START)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        open_call.open_link(session, cohort, domains=["justice.fr"], now=START, actor="op")
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    phone = context.new_page()
    with serving_pages(settings, clock=SimulatedClock(START + timedelta(days=1))) as live:
        phone.goto(f"{live}/candidater/JAAE-2027")
        check(phone, "open-apply-form")
        phone.get_by_label("Mentor : je transmets mon expérience").check()
        phone.get_by_label("Prénom").fill("Hélène")
        phone.get_by_label("Nom", exact=True).fill("Garnier")
        phone.get_by_label("Adresse électronique professionnelle").fill("helene.garnier@gmail.com")
        phone.get_by_label("Service ou juridiction d’affectation").fill("CAA de Nantes")
        phone.get_by_label("Région d’affectation").select_option("Pays de la Loire")
        phone.get_by_label("En fin de carrière").check()
        phone.get_by_label("Années d’expérience professionnelle").fill("25")
        phone.get_by_label("Vos objectifs pour ce mentorat").fill("Transmettre")
        phone.get_by_label("Mentors : les domaines d’expérience").fill("Présider une audience")
        phone.get_by_label("En présentiel").check()
        phone.get_by_label("J’accepte que ces informations").check()
        phone.get_by_role("button", name="Envoyer ma candidature").click()
        phone.get_by_role("alert").wait_for()  # not an address of the allowed domain
        check(phone, "open-apply-errors")
        field = phone.get_by_label("Adresse électronique professionnelle")
        assert field.get_attribute("aria-invalid") == "true"
        field.fill("helene.garnier@caa-nantes.justice.fr")
        phone.get_by_role("button", name="Envoyer ma candidature").click()
        phone.get_by_role("status").wait_for()
        check(phone, "open-apply-sent")
    context.close()
    with session_scope(settings.database_url) as session:
        app = session.scalar(
            select(Application)
            .join(Person)
            .where(Person.email == "helene.garnier@caa-nantes.justice.fr")
        )
        assert app is not None and (app.role, app.capacity, app.unit) == (
            "mentor",
            1,
            "CAA de Nantes",
        )
