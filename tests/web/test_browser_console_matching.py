"""In a real browser (Debian's chromium), on a 360 px wide phone: the matching review of the
console passes axe-core and does not overflow, before and after a forbid with its reason."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from demo.clock import SimulatedClock
from demo.simulation import setup_cohort
from mentorat.db import session_scope
from mentorat.services import operators
from tasks import matching
from tests.conftest import START
from tests.support import phases
from tests.web.live import axe_violations, shot
from tests.web.world import deliver_pending

pytestmark = pytest.mark.browser
DELPHINE = "delphine.roux@justice.exemple.fr"
CLOSED = START + timedelta(days=21)


@pytest.fixture
def clock(settings) -> SimulatedClock:  # type: ignore[no-untyped-def]
    cohort_id, _ = setup_cohort(settings, programme="mirhe", pairs=6, opens_at=START)
    phases.advance(settings, cohort_id, matching, CLOSED)
    return SimulatedClock(CLOSED + timedelta(hours=1))


def check(page, name: str) -> None:  # type: ignore[no-untyped-def]
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, name)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_matching_review_reads_and_acts_on_a_phone(settings, smtp, clock, live, phone):
    with session_scope(settings.database_url) as session:
        operators.add_operator(
            session, DELPHINE, programme_slug="mirhe", role="operator", name="Delphine Roux",
            now=START, actor="test",
        )  # fmt: skip
    phone.goto(live + "/gestion/connexion")
    phone.get_by_label("Votre adresse électronique").fill(DELPHINE)
    phone.get_by_role("button", name="Recevoir un lien de connexion").click()
    phone.get_by_role("status").wait_for()
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
    phone.get_by_role("button", name="Me connecter").click()
    phone.get_by_role("heading", name="Cohortes", exact=True).wait_for()
    phone.goto(live + "/gestion/cohortes/MIRHE-2027")
    phone.get_by_role("link", name=re.compile("Appariement")).click()
    phone.get_by_role("heading", level=1, name=re.compile("Appariement")).wait_for()
    assert re.search(r"Score\s:\s\d+,\d sur 100", phone.locator("main").inner_text())
    check(phone, "console-matching")
    phone.get_by_text(re.compile(r"Interdire le binôme")).first.click()
    phone.get_by_label("Raison (consignée au journal)").first.fill("Même service")
    check(phone, "console-matching-forbid-open")
    phone.get_by_role("button", name="Interdire ce binôme").first.click()
    phone.get_by_role("status").wait_for()
    assert "Binôme interdit" in phone.get_by_role("status").inner_text()
    assert "Même service" in phone.locator("#choix-liste").inner_text()
    check(phone, "console-matching-forbidden")
