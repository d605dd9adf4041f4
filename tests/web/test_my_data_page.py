"""« Mes informations »: see what is held, download it as JSON, ask for erasure."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from mentorat.db import session_scope
from mentorat.mail import labels
from models import Cohort, ErasureRequest
from tests.web.my_data_world import mentor_with_two_pairs
from tests.web.pages import csrf_of, text_of
from tests.web.world import deliver_pending

# Codes stored in the database that a participant must never read (the page once showed
# « answered », « hybrid », « female »…), nor Python's renderings of values.
CODES = [
    "submitted", "matched", "unmatched", "withdrawn", "late", "unpaired",
    "web", "email", "import", "demo", "operator",
    "open", "answered", "missed", "unasked",
    "in_person", "remote", "hybrid", "female", "male", "mentee",
    "early", "mid", "morning", "noon", "evening",
    "proposed", "approved", "active", "ended", "superseded", "cancelled",
    "yes", "no", "pending", "sending", "sent", "failed", "ok", "failing", "done",
    "group", "individual", "recorded", "unclear", "auto_reply",
    "True", "False", "None", "null",
]  # fmt: skip
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
ADDRESS_OR_URL = re.compile(r"\S+@\S+|https?://\S+")


def _codes_in(text: str) -> list[str]:
    prose = ADDRESS_OR_URL.sub(" ", text)
    return [code for code in CODES if re.search(rf"(?<![\w-]){code}(?![\w-])", prose)]


def _pairs_of(html: str) -> list[str]:
    """The HTML of each pair's section, in page order."""
    return re.findall(r'<section class="my-pair".*?</section>', html, re.S)


def test_it_shows_and_exports_what_is_held_about_the_person(world, client):
    checkin_id, person_id, first_name = world.checkin()
    page = client.get(world.url(person_id, "my_data", world.cohort_id))
    assert page.status_code == 200
    assert first_name in text_of(page.text)
    export = client.get(world.url(person_id, "my_data", world.cohort_id) + "/donnees.json")
    assert export.headers["content-type"].startswith("application/json")
    assert "mes-donnees.json" in export.headers["content-disposition"]
    data = json.loads(export.content)
    assert data["personne"]["prénom"] == first_name
    assert list(data)[:2] == ["à propos", "personne"]  # the structure explains itself first
    (cohort,) = data["cohortes"]
    assert cohort["cohorte"] == "MIRHE-2027"
    assert any(m["objet"] for m in cohort["courriels reçus"])


def test_an_erasure_request_is_recorded_once_and_the_operator_is_told(world, client, smtp):
    _, person_id, first_name = world.checkin()
    link = world.url(person_id, "my_data", world.cohort_id)
    deliver_pending(world.settings)
    before = len(smtp.messages)
    csrf = csrf_of(client.get(link).text)
    assert client.post(link, data={"csrf": csrf}).status_code == 400  # box not ticked
    for _ in range(2):
        client.post(link, data={"csrf": csrf, "confirm_erasure": "1"})
    with session_scope(world.settings.database_url) as session:
        requests = session.scalars(
            select(ErasureRequest).where(ErasureRequest.person_id == person_id)
        ).all()
        assert [r.status for r in requests] == ["pending"]
    told = [m.message() for m in smtp.messages[before:]]
    assert [m["To"] for m in told] == ["rh-mentorat@exemple.fr"]
    assert "Demande d’effacement" in str(told[0]["Subject"])
    assert "est en cours de traitement" in text_of(client.get(link).text)


@pytest.fixture
def two_pairs(world):  # type: ignore[no-untyped-def]
    return mentor_with_two_pairs(world)


def test_a_mentor_with_two_pairs_sees_each_month_once_under_each_pair(world, client, two_pairs):
    page = client.get(world.url(two_pairs.mentor_person_id, "my_data", world.cohort_id))
    assert page.status_code == 200
    sections = _pairs_of(page.text)
    assert len(sections) == 2
    for section, partner in zip(sections, sorted_partners(two_pairs), strict=True):
        text = text_of(section)
        assert f"Binôme avec {partner}" in text
        assert text.count("1er mois") == 1 and text.count("2e mois") == 1, text
    # Nowhere else on the page are months listed: each twice in all, once per pair.
    months = re.findall(r"<strong>(\d+(?:er|e)) mois</strong>", page.text)
    assert months == ["1er", "2e", "1er", "2e"]
    data = json.loads(
        client.get(
            world.url(two_pairs.mentor_person_id, "my_data", world.cohort_id) + "/donnees.json"
        ).content
    )
    (cohort,) = data["cohortes"]
    assert [[m["mois"] for m in p["points mensuels"]] for p in cohort["binômes"]] == [[1, 2]] * 2


def sorted_partners(two_pairs) -> list[str]:  # type: ignore[no-untyped-def]
    return two_pairs.partner_names  # pairs are listed by id, as the fixture's


def test_the_page_is_in_french_with_french_dates_and_no_codes(world, client, two_pairs):
    page = client.get(world.url(two_pairs.mentor_person_id, "my_data", world.cohort_id))
    text = text_of(page.text)
    assert _codes_in(text) == []
    assert not ISO_MOMENT.search(text), ISO_MOMENT.search(text)
    at = two_pairs.answered_at
    assert at.month == 11 and at.hour == 13  # 14 h 05 in Paris (UTC+1 in November)
    assert f"Répondu le {at.day} novembre 2027 à 14 h 05, en ligne." in text
    assert "Rencontre : oui, 2 fois, mixte. Appréciation : 4 sur 5." in text
    assert "Candidature comme mentor : retenue (en binôme)".lower() in text.lower()
    # A mentor's application: French labels of the stored codes.
    assert re.search(r"Étape de carrière en fin de carrière", text)
    assert re.search(r"Genre (femme|homme)", text)
    assert "\u00a0h\u00a005" in page.text  # the time never splits across lines


def test_the_page_is_grouped_compact_and_links_its_other_versions(world, client, two_pairs):
    path = world.url(two_pairs.mentor_person_id, "my_data", world.cohort_id)
    html = client.get(path).text
    # Cohort, then its pairs: one h2 per cohort, one h3 per pair inside it.
    cohort_section = re.search(r'<section class="my-cohort".*?<h2[^>]*>(.*?)</h2>', html, re.S)
    with session_scope(world.settings.database_url) as session:
        label = session.get(Cohort, world.cohort_id).label  # type: ignore[union-attr]
    assert cohort_section and cohort_section.group(1).strip() == label
    assert len(re.findall(r"<h3 ", html)) == 2
    # Long lists are folded: the application and the emails are <details>, closed.
    summaries = re.findall(r"<details[^>]*>\s*<summary>(.*?)</summary>", html, re.S)
    assert "Ma candidature" in summaries
    assert any(s.startswith("Courriels reçus (") for s in summaries)
    assert not re.search(r"<details[^>]* open", html)
    assert f'href="{path}/donnees.json"' in html
    assert f'href="{path}?version=imprimable"' in html
    assert 'href="/confidentialite/mirhe"' in html
    assert 'href="/static/my_data.css"' in html
    assert client.get("/static/my_data.css").status_code == 200


def test_the_printable_version_opens_everything_and_has_no_form(world, client, two_pairs):
    path = world.url(two_pairs.mentor_person_id, "my_data", world.cohort_id)
    html = client.get(path + "?version=imprimable").text
    details = re.findall(r"<details[^>]*>", html)
    assert details and all(" open" in d for d in details)
    assert "<form" not in html and "donnees.json" not in html
    assert "Mes informations" in text_of(html)
    assert len(_pairs_of(html)) == 2
    assert re.search(r"au \d{1,2} [a-zéû]+ 2027 à \d{1,2} h \d{2}", text_of(html))


def test_the_json_download_has_french_keys_labels_and_iso_dates(world, client, two_pairs):
    path = world.url(two_pairs.mentor_person_id, "my_data", world.cohort_id)
    data = json.loads(client.get(path + "/donnees.json").content)
    assert set(data) >= {
        "à propos", "personne", "cohortes", "autres courriels reçus", "demandes d’effacement"
    }  # fmt: skip
    (cohort,) = data["cohortes"]
    assert cohort["candidature"]["rôle"] == "mentor"
    answered = [
        m for p in cohort["binômes"] for m in p["points mensuels"] if m["statut"] == "répondu"
    ]
    assert len(answered) == 1
    (month,) = answered
    assert (month["format"], month["nombre de rencontres"], month["rencontre"]) == (
        "mixte",
        2,
        True,
    )
    assert datetime.fromisoformat(month["répondu le"]) == two_pairs.answered_at

    def strings(value):  # type: ignore[no-untyped-def]
        if isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, str):
            yield value

    values = [ADDRESS_OR_URL.sub(" ", v) for v in strings(data)]
    assert [v for v in values if v in CODES] == []


@pytest.mark.parametrize(
    ("table", "codes"),
    [
        ("application_status", ["submitted", "matched", "unmatched", "withdrawn", "late"]),
        ("channel", ["web", "email", "import", "demo", "operator"]),
        ("checkin_status", ["open", "answered", "missed", "unasked"]),
        ("format", ["in_person", "remote", "hybrid"]),
        ("gender", ["female", "male"]),
        ("career_stage", ["early", "mid", "late"]),
        ("slot", ["morning", "noon", "evening"]),
        ("pair_status", ["proposed", "approved", "active", "superseded"]),
        ("rsvp", ["yes", "no"]),
        ("outbox_status", ["pending", "sending", "sent", "failed", "cancelled"]),
        ("email_status", ["ok", "failing"]),
        ("erasure_status", ["pending", "done"]),
        ("session_kind", ["group", "individual"]),
        ("inbound_outcome", ["recorded", "unclear", "auto_reply", "unmatched", "closed"]),
        ("inbound_answer", ["vu", "pas-vu", "aide", "oui", "non"]),
    ],
)
def test_every_stored_code_has_a_french_label(table, codes):
    for code in codes:
        assert labels.label(table, code) not in (None, labels.UNKNOWN), code
    assert labels.label(table, "no-such-code") == labels.UNKNOWN
    assert labels.label(table, None) is None
    assert labels.language("fr") == "français"
