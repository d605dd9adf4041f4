import re
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from demo.mail_samples import sample, variants
from mentorat.mail import KINDS, render

VARIANTS = list(variants())
IDS = [name for name, _, _ in VARIANTS]


@pytest.mark.parametrize(("name", "kind", "ctx"), VARIANTS, ids=IDS)
def test_every_kind_renders_subject_text_and_html_from_its_sample(name, kind, ctx):
    rendered = render(kind, ctx)
    assert rendered.subject.startswith("[MIRHE] ")
    assert "Bonjour " in rendered.text
    assert rendered.html.lstrip().startswith("<!DOCTYPE html>")
    assert rendered.text.endswith("\n") and "\n\n\n" not in rendered.text


@pytest.mark.parametrize(("name", "kind", "ctx"), VARIANTS, ids=IDS)
def test_subjects_are_one_short_line(name, kind, ctx):
    subject = render(kind, ctx).subject
    assert "\n" not in subject
    assert len(subject) <= 78, subject


@pytest.mark.parametrize(("name", "kind", "ctx"), VARIANTS, ids=IDS)
def test_the_text_part_carries_every_link_of_the_html_part(name, kind, ctx):
    rendered = render(kind, ctx)
    hrefs = re.findall(r'href="([^"]+)"', rendered.html)
    for href in hrefs:
        target = href.removeprefix("mailto:").replace("&amp;", "&")
        assert target in rendered.text, target


@pytest.mark.parametrize("kind", KINDS)
def test_a_missing_common_key_raises(kind):
    for key in ("programme", "cohort", "recipient", "operator", "public_url"):
        ctx = sample(kind)
        del ctx[key]
        with pytest.raises(UndefinedError):
            render(kind, ctx)


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("call", "apply_url"),
        ("pair_introduction", "charter_url"),
        ("checkin_request", "urls"),
        ("escalation", "message"),
        ("supervision_invitation", "session"),
        ("certificate", "certificate_ref"),
        ("operator_alert", "alert"),
    ],
)
def test_a_missing_kind_specific_key_raises(kind, key):
    ctx = sample(kind)
    del ctx[key]
    with pytest.raises(UndefinedError):
        render(kind, ctx)


def test_a_missing_nested_key_raises():
    ctx = sample("pair_introduction")
    del ctx["partner"]["email"]
    with pytest.raises(UndefinedError):
        render("pair_introduction", ctx)


def test_it_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown email kind"):
        render("newsletter", sample("call"))


def test_it_refuses_an_unknown_role():
    ctx = sample("application_received")
    ctx["role"] = "coach"
    with pytest.raises(ValueError, match="unknown role"):
        render("application_received", ctx)


def test_it_refuses_an_unknown_escalation_reason():
    ctx = sample("escalation")
    ctx["reason"] = "bored"
    with pytest.raises(ValueError, match="unknown escalation reason"):
        render("escalation", ctx)


def test_html_escapes_a_script_in_a_name_while_the_text_shows_it_raw():
    ctx = sample("pair_introduction")
    ctx["partner"]["last_name"] = "<script>alert(1)</script>"
    rendered = render("pair_introduction", ctx)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "Bruno <script>alert(1)</script>" in rendered.text


def test_a_line_break_in_a_value_cannot_reach_the_subject_header():
    ctx = sample("operator_alert")
    ctx["alert"]["title"] = "Adresse en échec\nBcc: victime@exemple.fr"
    subject = render("operator_alert", ctx).subject
    assert "\n" not in subject


def test_the_check_in_offers_three_answers_a_form_and_a_reply():
    ctx = sample("checkin_request")
    rendered = render("checkin_request", ctx)
    for label in ("Nous nous sommes vus", "Pas ce mois-ci", "J’ai besoin d’aide"):
        assert label in rendered.html
        assert label in rendered.text
    for url in ctx["urls"].values():
        assert f'href="{url}"' in rendered.html
        assert url in rendered.text
    for reply in ("oui", "pas encore", "besoin d’aide"):
        assert f"«\u00a0{reply}\u00a0»" in rendered.text


def test_the_help_message_is_shown_to_the_supervisor_only_when_there_is_one():
    ctx = sample("escalation")
    assert "créneaux" in render("escalation", ctx).text
    ctx["message"] = None
    assert "Aucun message n’accompagne cette demande" in render("escalation", ctx).text


def test_the_certificate_thanks_the_mentor():
    rendered = render("certificate", sample("certificate"))
    assert "Certificat d’engagement" in rendered.html
    assert "Bruno Lefèvre" in rendered.html
    assert "remerciements" in rendered.text
    assert "MIRHE-2027-B-12-M" in rendered.text


def test_dates_are_written_in_french_in_paris_time():
    # 13:30 UTC on 17 November 2026 is 14:30 in Paris (winter time).
    text = render("supervision_invitation", sample("supervision_invitation")).text
    assert "mardi 17 novembre 2026" in text
    assert "de 14\u00a0h\u00a030 à 16\u00a0h\u00a030" in text


def test_templates_can_come_from_another_folder(tmp_path: Path):
    for name in ("call.subject.txt", "call.txt", "call.html"):
        (tmp_path / name).write_text("{{ recipient.first_name }} ici", encoding="utf-8")
    rendered = render("call", sample("call"), templates_dir=tmp_path)
    assert rendered.subject == "[MIRHE] Alice ici"
    assert rendered.text == "Alice ici\n"
