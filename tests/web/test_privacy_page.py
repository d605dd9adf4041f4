"""The privacy notice (« Données personnelles »): public, one per programme, from its
`[privacy]` settings, linked from every email's footer and from « Mes informations »."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from demo.mail_samples import variants
from mentorat.db import session_scope
from mentorat.mail import render
from mentorat.mail.typography import faults, visible_text
from models import Cohort, OutboxMessage, Programme
from tests.web.pages import text_of
from tests.web.world import deliver_pending

PATH = "/confidentialite/mirhe"
URL = "https://mentorat.exemple.fr" + PATH


def test_the_notice_is_public_and_falls_back_on_the_programme_and_its_operator(world, client):
    client.cookies.clear()  # no link, no session: anyone may read it
    page = client.get(PATH)
    assert page.status_code == 200
    text = text_of(page.text)
    with session_scope(world.settings.database_url) as session:
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None
        programme, operator = cohort.programme, (cohort.operator_name, cohort.operator_email)
        controller = programme.organisation or programme.name
    assert text.startswith("Données personnelles – MIRHE")
    assert f"Le responsable du traitement est {controller}." in text
    assert re.search(rf"écrivez à {operator[0]}, {re.escape(operator[1])} ?\.", text)
    assert f'href="mailto:{operator[1]}"' in page.text
    assert "conservées 12 mois après sa clôture, puis anonymisées" in text
    for right in (
        "accéder à vos données",
        "les faire rectifier",
        "demander leur effacement",
        "vous opposer à leur traitement",
        "demander la limitation",
        "réclamation à la Commission nationale de l’informatique et des libertés (CNIL)",
    ):
        assert right in text, right
    for purpose in ("binômes", "points mensuels", "bilan du programme"):
        assert purpose in text
    assert "délégué à la protection des données" not in text  # none set
    assert faults(visible_text(page.text)) == []


def test_the_notice_says_what_the_programme_settings_say(world, client):
    with session_scope(world.settings.database_url) as session:
        programme = session.scalar(select(Programme).where(Programme.slug == "mirhe"))
        assert programme is not None
        programme.settings = {
            **programme.settings,
            "privacy": {
                "controller": "le ministère de la Justice (secrétariat général)",
                "contact": "donnees-mentorat@justice.exemple.fr",
                "dpo": "dpd@justice.exemple.fr",
                "retention_months": 18,
                "retention_notice_days": 10,
            },
        }
    page = client.get(PATH)
    text = text_of(page.text)
    assert (
        "Le responsable du traitement est le ministère de la Justice (secrétariat général)." in text
    )
    assert 'href="mailto:donnees-mentorat@justice.exemple.fr"' in page.text
    assert 'href="mailto:dpd@justice.exemple.fr"' in page.text
    assert "conservées 18 mois après sa clôture" in text and "prévenue 10 jours avant" in text
    assert "rh-mentorat@exemple.fr" not in text.split("Contact")[-1].split("Une question")[0]


@pytest.mark.parametrize("slug", ["inconnu", "MIRHE", "a" * 300, "%00", "mirhe%2F..%2Fx"])
def test_an_unknown_programme_gets_the_french_not_found_page(world, client, slug):
    page = client.get(f"/confidentialite/{slug}")
    assert page.status_code == 404
    assert "Page introuvable" in text_of(page.text)
    assert "Traceback" not in page.text and "Internal Server Error" not in page.text


def test_every_email_of_the_cohort_links_to_the_notice_in_both_parts(world, client, smtp):
    deliver_pending(world.settings)
    with session_scope(world.settings.database_url) as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.cohort_id == world.cohort_id)
        ).all()
        assert len(rows) > 10
        for row in rows:
            assert URL in row.body_text, row.kind
            assert f'href="{URL}"' in row.body_html, row.kind
    sent = [m.message() for m in smtp.messages]
    assert sent
    for message in sent:
        parts = {
            p.get_content_type(): p.get_content() for p in message.walk() if not p.is_multipart()
        }
        assert URL in parts["text/plain"] and f'href="{URL}"' in parts["text/html"]
    # The footer's link is the notice's address.
    assert client.get(URL.removeprefix("https://mentorat.exemple.fr")).status_code == 200


@pytest.mark.parametrize(("name", "kind", "ctx"), list(variants()), ids=[v[0] for v in variants()])
def test_every_kind_of_email_carries_the_link_in_its_footer(name, kind, ctx):
    rendered = render(kind, ctx)
    url = f"{ctx['public_url'].rstrip('/')}/confidentialite/{ctx['programme']['slug']}"
    text_footer = rendered.text.rsplit("\n-- \n", 1)[-1]
    assert f"Vos données personnelles\u00a0: {url}" in text_footer
    html_footer = rendered.html.rsplit("border-top:1px solid #dddddd", 1)[1]
    assert re.search(rf'<a href="{re.escape(url)}"[^>]*>{re.escape(url)}</a>', html_footer)
