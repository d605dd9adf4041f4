"""The cohort's open application page, `/candidater/<code>`: anyone from the allowed domains
applies while the call is open; everything else gets a clear French page and no application,
and the page never tells whether an address had applied."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from demo.clock import SimulatedClock
from demo.simulation import setup_cohort
from demo.smtp_sink import SmtpSink
from mentorat.cli import app as cli_app
from mentorat.db import session_scope
from mentorat.mail.typography import faults, visible_text
from mentorat.services import applications, cohorts, open_call
from mentorat.settings import Settings
from mentorat.web import create_app
from mentorat.web.limits import Limits
from models import Application, AuditEvent, Cohort, OutboxMessage, Person
from tasks import call as call_phase
from tests.conftest import START
from tests.support import phases
from tests.web.pages import csrf_of, text_of

NBSP = "\u00a0"
CODE = "JAAE-2027"
PAGE = f"/candidater/{CODE}"
DAMIEN = "damien.roux@ta-lyon.justice.fr"
GOOD = {
    "role": "mentee",
    "first_name": "Damien",
    "last_name": "Roux",
    "email": DAMIEN,
    "phone": "",
    "unit": "Tribunal administratif de Lyon",
    "region": "Auvergne-Rhône-Alpes",
    "manager_email": "",
    "formats": ["remote"],
    "availability": ["noon"],
    "career_stage": "early",
    "seniority_years": "2",
    "objectives": "Prise de poste\nAnimer une équipe",
    "expertise": "",
    "expectations": "",
    "consent": "1",
}


@dataclass
class Call:
    client: TestClient
    clock: SimulatedClock
    settings: Settings
    smtp: SmtpSink
    cohort_id: int

    def form(self, code: str = CODE) -> str:
        """The CSRF field of the open form, as a browser gets it."""
        page = self.client.get(f"/candidater/{code}")
        assert page.status_code == 200, page.text
        return csrf_of(page.text)

    def apply(self, **changes: object) -> object:
        data = {**GOOD, "csrf": self.form(), **changes}
        return self.client.post(PAGE, data=data, follow_redirects=False)

    def applications_of(self, address: str) -> list[Application]:
        with session_scope(self.settings.database_url) as session:
            return list(
                session.scalars(
                    select(Application)
                    .join(Person)
                    .where(Person.email == address, Application.cohort_id == self.cohort_id)
                )
            )

    def emails_to(self, address: str) -> list[str]:
        return [
            str(m.message()["X-Mentorat-Kind"])
            for m in self.smtp.messages
            if address in m.recipients
        ]


def serve(settings: Settings, clock: SimulatedClock, limits: Limits) -> TestClient:
    return TestClient(
        create_app(settings, clock=clock, limits=limits), base_url="https://mentorat.exemple.fr"
    )


@pytest.fixture
def limits() -> Limits:
    return Limits()


@pytest.fixture
def call(settings, smtp, limits) -> Iterator[Call]:  # type: ignore[no-untyped-def]
    """JAAE 2027, its call open two days ago, its link opened to @justice.fr addresses."""
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=2, opens_at=START)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        open_call.open_link(session, cohort, domains=["justice.fr"], now=START, actor="op")
    clock = SimulatedClock(START + timedelta(days=2))
    with serve(settings, clock, limits) as client:
        yield Call(client, clock, settings, smtp, cohort_id)


def closes_at(call: Call) -> datetime:
    with session_scope(call.settings.database_url) as session:
        cohort = session.get(Cohort, call.cohort_id)
        assert cohort is not None
        return cohorts.timeline_of(cohort).call_closes_at


def test_the_link_the_command_prints_is_the_page_and_an_application_is_acknowledged_at_once(
    call,
):
    result = CliRunner().invoke(
        cli_app, ["call", "link", "--cohort", CODE, "--domain", "justice.fr"]
    )
    assert result.exit_code == 0, result.output
    assert f"https://mentorat.exemple.fr{PAGE}" in result.output.split()
    page = call.client.get(PAGE)
    text = text_of(page.text)
    assert page.status_code == 200 and "Candidature au programme JAAE" in text
    assert "réservé aux adresses @justice.fr" in text and faults(visible_text(page.text)) == []
    assert "Ce lien vous est personnel" not in text

    done = call.apply()
    assert done.status_code == 303 and done.headers["location"] == f"{PAGE}?envoye=1"
    thanks = call.client.get(done.headers["location"])
    assert "Un courriel part à l’adresse que vous avez indiquée." in text_of(thanks.text)
    assert faults(visible_text(thanks.text)) == []
    (app,) = call.applications_of(DAMIEN)
    assert (app.role, app.channel, app.status, app.unit) == (
        "mentee",
        "web",
        "submitted",
        "Tribunal administratif de Lyon",
    )
    # Sent after the answer, without waiting for the cohort's next run ...
    assert call.emails_to(DAMIEN) == ["application_received"]
    body = call.smtp.messages[-1].message().get_body(("plain",))
    assert body is not None and "À la clôture de l’appel à candidatures" in body.get_content()
    # ... and the call phase, which acknowledges every application, does not write it twice.
    phases.advance(call.settings, call.cohort_id, call_phase, call.clock.now())
    with session_scope(call.settings.database_url) as session:
        written = session.scalar(
            select(func.count()).where(
                OutboxMessage.kind == "application_received",
                OutboxMessage.to_addr == DAMIEN,
            )
        )
        assert written == 1


def test_an_unknown_cohort_and_one_whose_link_was_never_opened_are_not_found(call):
    setup_cohort(call.settings, programme="mirhe", pairs=2, opens_at=START)  # link never opened
    unknown, hidden = (
        call.client.get("/candidater/NOPE-2027"),
        call.client.get("/candidater/MIRHE-2027"),
    )
    assert unknown.status_code == hidden.status_code == 404
    assert unknown.text == hidden.text and "Page introuvable" in unknown.text
    csrf = call.form()
    for code in ("NOPE-2027", "MIRHE-2027"):
        # A token made for another page is refused before anything is looked up.
        refused = call.client.post(f"/candidater/{code}", data={**GOOD, "csrf": csrf})
        assert refused.status_code == 403
    assert call.applications_of(DAMIEN) == []


def test_after_the_call_closes_the_page_says_so_and_records_nothing(call):
    csrf = call.form()
    closes = closes_at(call)
    call.clock.set(closes + timedelta(days=1))
    page = call.client.get(PAGE)
    text = text_of(page.text)
    assert page.status_code == 410
    assert "L’appel à candidatures est clos depuis le" in text and "<form" not in page.text
    assert faults(visible_text(page.text)) == []
    late = call.client.post(PAGE, data={**GOOD, "csrf": csrf}, follow_redirects=False)
    assert late.status_code == 410 and "est clos depuis le" in text_of(late.text)
    assert call.applications_of(DAMIEN) == [] and call.emails_to(DAMIEN) == []


def test_before_the_opening_and_once_the_operator_closed_the_link_the_page_says_so(call):
    csrf = call.form()
    with serve(call.settings, SimulatedClock(START - timedelta(days=1)), Limits()) as before:
        early = before.get(PAGE)
    assert "L’appel à candidatures ouvrira le" in text_of(early.text) and "<form" not in early.text
    result = CliRunner().invoke(cli_app, ["call", "link", "--cohort", CODE, "--close"])
    assert result.exit_code == 0, result.output
    closed = call.client.post(PAGE, data={**GOOD, "csrf": csrf}, follow_redirects=False)
    assert closed.status_code == 410
    assert "Ce lien de candidature a été fermé par l’équipe du programme." in text_of(closed.text)
    assert call.applications_of(DAMIEN) == []


@pytest.mark.parametrize(
    "address", ["damien.roux@gmail.com", "damien@notjustice.fr", "damien@justice.fr.evil.com"]
)
def test_an_address_outside_the_allowed_domains_gets_the_form_again_with_its_error(call, address):
    bad = call.apply(email=address)
    assert bad.status_code == 400 and 'id="email-erreur"' in bad.text
    assert f"réservé aux adresses professionnelles (@justice.fr){NBSP}:" in bad.text
    assert address in bad.text and "Tribunal administratif de Lyon" in bad.text
    assert faults(visible_text(bad.text)) == []
    assert call.applications_of(address) == [] and call.smtp.messages == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "Damien\r\nBcc: tous@justice.fr"),
        ("last_name", "Roux\nX-Injected: oui"),
        ("unit", "TA\u2028Lyon"),
        ("email", f"{DAMIEN}\r\nBcc: tous@justice.fr"),
    ],
)
def test_a_line_break_in_a_one_line_field_is_refused_beside_it(call, field, value):
    bad = call.apply(**{field: value})
    assert bad.status_code == 400 and f'id="{field}-erreur"' in bad.text
    with session_scope(call.settings.database_url) as session:
        assert session.scalar(select(func.count()).select_from(Application).where(
            Application.channel == "web")) == 0  # fmt: skip
    assert call.smtp.messages == []


def test_a_second_application_from_an_address_changes_nothing_and_gets_the_same_page(call):
    first = call.apply()
    again = call.apply(role="mentor", expertise="Gestion", unit="Ailleurs", first_name="Dam")
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    (app,) = call.applications_of(DAMIEN)
    assert (app.role, app.unit) == ("mentee", "Tribunal administratif de Lyon")
    with session_scope(call.settings.database_url) as session:
        person = session.scalar(select(Person).where(Person.email == DAMIEN))
        assert person is not None and person.first_name == "Damien"
        audit = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "application.open_duplicate")
        )
        assert audit is not None and audit.entity_id == app.id
    # The address's owner, and only them, learns it, with the link to the application.
    assert call.emails_to(DAMIEN) == ["application_received", "application_exists"]
    notice = call.smtp.messages[-1].message().get_body(("plain",))
    assert notice is not None
    text = notice.get_content()
    assert "Ce nouvel envoi n’a pas été pris en compte" in text and "/r/" in text
    call.apply(role="mentor", expertise="Gestion")  # within the hour: no third email
    assert call.emails_to(DAMIEN) == ["application_received", "application_exists"]


def test_someone_the_hr_file_lists_applies_under_the_names_on_file(call):
    with session_scope(call.settings.database_url) as session:
        cohort = session.get(Cohort, call.cohort_id)
        applications.add_call_recipients(
            session, cohort, [("chloe.dubois@justice.fr", "Chloé", "Dubois")], now=START
        )
    done = call.apply(email="chloe.dubois@justice.fr", first_name="Quelqu’un", last_name="Autre")
    assert done.status_code == 303
    (app,) = call.applications_of("chloe.dubois@justice.fr")
    with session_scope(call.settings.database_url) as session:
        person = session.get(Person, app.person_id)
        assert person is not None and (person.first_name, person.last_name) == ("Chloé", "Dubois")


def test_a_forged_form_is_refused(call):
    csrf = call.form()
    assert call.client.post(PAGE, data=GOOD).status_code == 403  # no token
    forged = call.client.post(PAGE, data={**GOOD, "csrf": csrf + "x"})
    assert forged.status_code == 403 and "Cette page a expiré" in text_of(forged.text)
    cross = call.client.post(
        PAGE, data={**GOOD, "csrf": csrf}, headers={"Origin": "https://attaquant.example"}
    )
    assert cross.status_code == 403
    stranger = serve(call.settings, call.clock, Limits())  # another browser: no cookie
    assert stranger.post(PAGE, data={**GOOD, "csrf": csrf}).status_code == 403
    assert call.applications_of(DAMIEN) == []


@pytest.mark.parametrize("limits", [Limits(open_applications_per_client=2)])
def test_a_client_sending_form_after_form_is_slowed_down(call):
    answers = [call.apply(email=f"agent{n}@justice.fr").status_code for n in range(3)]
    assert answers == [303, 303, 429]
    assert call.applications_of("agent2@justice.fr") == []
