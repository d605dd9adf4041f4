"""The application form of the call for candidates: validation, then the confirmation email
the cohort flow sends once the application is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from demo.clock import SimulatedClock
from demo.simulation import setup_cohort
from mentorat.db import session_scope
from mentorat.services import applications
from mentorat.web import create_app
from models import Application, Cohort, Person
from tasks import call as call_phase
from tests.conftest import START
from tests.support import phases
from tests.web.pages import csrf_of, text_of
from tests.web.world import deliver_pending

CHLOE = "chloe.dubois@justice.exemple.fr"
GOOD = {
    "role": "mentee",
    "first_name": "Chloé",
    "last_name": "Dubois",
    "phone": "",
    "unit": "Tribunal judiciaire de Lyon",
    "region": "Auvergne-Rhône-Alpes",
    "manager_email": "bruno.lefevre@justice.exemple.fr",
    "formats": ["remote", "hybrid"],
    "availability": ["noon"],
    "career_stage": "early",
    "seniority_years": "3",
    "objectives": "Prise de poste\nManagement d’équipe",
    "expertise": "",
    "expectations": "Prendre du recul sur mes premières décisions.",
    "consent": "1",
}


@pytest.fixture
def call(settings):  # type: ignore[no-untyped-def]
    """A cohort whose call is open, and Chloé Dubois, who received it and has not applied."""
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=2, opens_at=START)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        applications.add_call_recipients(session, cohort, [(CHLOE, "Chloé", "Dubois")], now=START)
        person_id = session.scalar(select(Person.id).where(Person.email == CHLOE))
    clock = SimulatedClock(START + timedelta(days=2))
    with TestClient(
        create_app(settings, clock=clock), base_url="https://mentorat.exemple.fr"
    ) as client:
        yield client, clock, cohort_id, person_id


def url(settings, person_id, cohort_id):  # type: ignore[no-untyped-def]
    from mentorat import links

    return links.make_url("", settings.secret_key, person_id, "apply", cohort_id)


def test_an_application_is_stored_and_confirmed_by_email(settings, smtp, call):
    client, clock, cohort_id, person_id = call
    link = url(settings, person_id, cohort_id)
    page = client.get(link)
    assert "Candidature au programme JAAE" in text_of(page.text)
    done = client.post(link, data={**GOOD, "csrf": csrf_of(page.text)}, follow_redirects=False)
    assert done.status_code == 303
    with session_scope(settings.database_url) as session:
        app = session.scalar(select(Application).where(Application.person_id == person_id))
        assert app is not None
        assert (app.role, app.channel, app.region, app.formats) == (
            "mentee",
            "web",
            "Auvergne-Rhône-Alpes",
            ["hybrid", "remote"],
        )
        assert sorted(app.objectives.values()) == ["Management d’équipe", "Prise de poste"]
    assert "Un courriel de confirmation" in text_of(client.get(done.headers["location"]).text)
    # The stored application wakes the flow, which writes and sends the confirmation.
    phases.advance(settings, cohort_id, call_phase, clock.now())
    deliver_pending(settings)
    confirmations = [m.message() for m in smtp.messages if CHLOE in m.recipients]
    assert "application_received" in [m["X-Mentorat-Kind"] for m in confirmations]


def test_it_shows_every_mistake_beside_its_field_and_keeps_what_was_typed(settings, call):
    client, _, cohort_id, person_id = call
    link = url(settings, person_id, cohort_id)
    bad = client.post(
        link,
        data={
            **GOOD,
            "csrf": csrf_of(client.get(link).text),
            "role": "",
            "region": "Atlantide",
            "seniority_years": "trois",
            "manager_email": "pas une adresse",
            "formats": [],
            "consent": "",
        },
    )
    assert bad.status_code == 400
    for field in ("role", "region", "seniority_years", "manager_email", "formats", "consent"):
        assert f'id="{field}-erreur"' in bad.text, field
    assert "Tribunal judiciaire de Lyon" in bad.text
    with session_scope(settings.database_url) as session:
        assert session.scalar(select(Application).where(Application.person_id == person_id)) is None


def test_a_mentor_must_say_what_experience_she_offers(settings, call):
    client, _, cohort_id, person_id = call
    link = url(settings, person_id, cohort_id)
    bad = client.post(link, data={**GOOD, "role": "mentor", "csrf": csrf_of(client.get(link).text)})
    assert bad.status_code == 400 and 'id="expertise-erreur"' in bad.text


def test_after_the_call_closes_the_form_is_closed(settings, call):
    client, clock, cohort_id, person_id = call
    link = url(settings, person_id, cohort_id)
    csrf = csrf_of(client.get(link).text)
    clock.set(START + timedelta(days=30))
    assert "L’appel à candidatures est clos." in text_of(client.get(link).text)
    assert client.post(link, data={**GOOD, "csrf": csrf}).status_code == 409


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "Chloé\r\nBcc: tous@justice.exemple.fr", "votre prénom"),
        ("last_name", 'Dubois\n=HYPERLINK("https://attaquant.example")', "votre nom"),
        ("unit", "Tribunal judiciaire\rde Lyon", "votre service ou juridiction"),
        ("phone", "01 02\u202803 04 05", "votre numéro de téléphone"),
    ],
)
def test_a_line_break_in_a_one_line_field_is_refused_beside_it(
    settings, call, field, value, message
):
    client, _, cohort_id, person_id = call
    link = url(settings, person_id, cohort_id)
    bad = client.post(link, data={**GOOD, field: value, "csrf": csrf_of(client.get(link).text)})
    assert bad.status_code == 400 and f'id="{field}-erreur"' in bad.text
    assert f"Saisissez {message} sur une seule ligne, sans retour à la ligne." in text_of(bad.text)
    with session_scope(settings.database_url) as session:
        assert session.scalar(select(Application).where(Application.person_id == person_id)) is None


def test_a_name_like_a_formula_is_accepted_as_a_name(settings, call):
    """Refused in the exports (written as text), not here: it may be someone's real name."""
    client, _, cohort_id, person_id = call
    link = url(settings, person_id, cohort_id)
    data = {**GOOD, "last_name": "=Dubois", "csrf": csrf_of(client.get(link).text)}
    assert client.post(link, data=data, follow_redirects=False).status_code == 303
