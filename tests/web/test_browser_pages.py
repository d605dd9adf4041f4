"""In a real browser: signing the charter, applying, answering an invitation and the final
evaluation, on a 360 px phone; every page, and its error state, passes axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from mentorat.db import session_scope
from mentorat.services import applications
from models import Application, CharterSignature, Cohort, EvaluationAnswer, SupervisionAttendance
from tests.web.live import axe_violations, shot
from tests.web.world import active_member, supervision_invitation, timeline

pytestmark = pytest.mark.browser


def check(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """No accessibility violation, nothing wider than the phone, and a screenshot kept."""
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, name)


def test_a_mentor_signs_the_charter(world, live, phone):
    (app_id, person_id, first, last), _ = world.pair_members(world.unsigned_pair_id)
    phone.goto(live + world.url(person_id, "charter", world.unsigned_pair_id))
    check(phone, "charter-page")
    phone.get_by_role("button", name="Signer la charte").click()
    phone.get_by_role("alert").wait_for()
    check(phone, "charter-errors")
    phone.get_by_label("J’ai lu la charte du mentorat").check()
    phone.get_by_label("Vos prénom et nom, en guise de signature").fill(f"{first} {last}")
    phone.get_by_role("button", name="Signer la charte").click()
    phone.get_by_role("status").wait_for()
    check(phone, "charter-signed")
    with session_scope(world.settings.database_url) as session:
        assert (
            session.scalar(
                select(CharterSignature.signed_name).where(
                    CharterSignature.pair_id == world.unsigned_pair_id,
                    CharterSignature.application_id == app_id,
                )
            )
            == f"{first} {last}"
        )


def test_a_candidate_applies_as_a_mentee(settings, browser, smtp):
    from demo.clock import SimulatedClock
    from demo.simulation import setup_cohort
    from tests.conftest import START
    from tests.web.live import serving_pages

    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=2, opens_at=START)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        applications.add_call_recipients(
            session, cohort, [("chloe.dubois@exemple.fr", "Chloé", "Dubois")], now=START
        )
    from mentorat import links
    from models import Person

    with session_scope(settings.database_url) as session:
        person_id = session.scalar(
            select(Person.id).where(Person.email == "chloe.dubois@exemple.fr")
        )
    path = links.make_url("", settings.secret_key, person_id, "apply", cohort_id)
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    phone = context.new_page()
    with serving_pages(settings, clock=SimulatedClock(START + timedelta(days=1))) as live:
        phone.goto(live + path)
        check(phone, "apply-form")
        phone.get_by_label("Mentoré·e").check()
        phone.get_by_label("Service ou juridiction d’affectation").fill("Cour d’appel de Douai")
        phone.get_by_label("Région d’affectation").select_option("Hauts-de-France")
        phone.get_by_label("En début de carrière").check()
        phone.get_by_label("Années d’expérience professionnelle").fill("2")
        phone.get_by_label("Vos objectifs pour ce mentorat").fill("Prise de poste")
        phone.get_by_label("À distance", exact=True).check()
        phone.get_by_role("button", name="Envoyer ma candidature").click()
        phone.get_by_role("alert").wait_for()  # consent not given yet
        check(phone, "apply-errors")
        phone.get_by_label("J’accepte que ces informations").check()
        phone.get_by_role("button", name="Envoyer ma candidature").click()
        phone.get_by_role("status").wait_for()
        check(phone, "apply-recorded")
    context.close()
    with session_scope(settings.database_url) as session:
        app = session.scalar(select(Application).where(Application.person_id == person_id))
        assert app is not None and (app.role, app.region) == ("mentee", "Hauts-de-France")


def test_a_mentor_accepts_a_supervision_session_and_can_add_it_to_the_calendar(
    world, live, phone, clock
):
    att_id, person_id, sent_at = supervision_invitation(world)
    clock.set(sent_at + timedelta(hours=1))
    phone.goto(live + world.url(person_id, "supervision", att_id, "oui"))
    check(phone, "supervision-confirm")
    assert (
        phone.get_by_role("link", name="Ajouter à mon agenda")
        .get_attribute("href")
        .endswith("/agenda.ics")
    )
    phone.get_by_role("button", name="Confirmer ma réponse").click()
    phone.get_by_role("status").wait_for()
    check(phone, "supervision-recorded")
    with session_scope(world.settings.database_url) as session:
        assert session.get(SupervisionAttendance, att_id).rsvp == "yes"  # type: ignore[union-attr]


def test_a_mentor_answers_the_final_evaluation(world, live, phone, clock):
    clock.set(timeline(world).evaluation_opens_at + timedelta(days=1))
    app_id, person_id = active_member(world, "mentor")
    phone.goto(live + world.url(person_id, "evaluation", app_id))
    check(phone, "evaluation-form")
    group = phone.get_by_role("group", name="Avez-vous atteint les objectifs")
    group.get_by_label("4", exact=True).check()
    phone.get_by_role("group", name="Êtes-vous satisfait·e du mentorat ?").get_by_label(
        "5 – Tout à fait"
    ).check()
    phone.get_by_role("group", name="Recommanderiez-vous").get_by_label("9", exact=True).check()
    phone.get_by_label("Oui", exact=True).check()
    phone.get_by_label("Vos commentaires").fill("Une année riche <b>d’échanges</b>.")
    phone.get_by_role("button", name="Enregistrer mes réponses").click()
    phone.get_by_role("status").wait_for()
    check(phone, "evaluation-recorded")
    with session_scope(world.settings.database_url) as session:
        answer = session.scalar(
            select(EvaluationAnswer).where(EvaluationAnswer.application_id == app_id)
        )
        assert answer is not None
        assert (answer.objectives_reached, answer.satisfaction, answer.recommend) == (4, 5, 9)


def test_my_data_and_the_link_error_pages_are_accessible(world, live, phone):
    checkin_id, person_id, _ = world.checkin()
    phone.goto(live + world.url(person_id, "my_data", world.cohort_id))
    check(phone, "my-data")
    phone.goto(live + "/r/not-a-real-token")
    assert phone.get_by_role("heading", name="Ce lien n’est pas valide").is_visible()
    check(phone, "link-invalid")
    phone.goto(live + "/")
    check(phone, "home")
