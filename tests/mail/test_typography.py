import pytest

from demo.mail_samples import variants
from mentorat.mail import render
from mentorat.mail.typography import faults, visible_text

NBSP = "\u00a0"
VARIANTS = list(variants())


@pytest.mark.parametrize(
    "bad",
    [
        "Lieu : salle Portalis",
        "Une question ?",
        "Merci !",
        "signez ; puis",
        "Lieu: salle Portalis",
        "Merci!",
        f"« oui{NBSP}»",
        f"«{NBSP}oui »",
        "«oui»",
        "J'ai besoin d'aide",
    ],
)
def test_the_scanner_catches_each_fault(bad):
    assert faults(bad)


@pytest.mark.parametrize(
    "good",
    [
        f"Lieu{NBSP}: salle Portalis",
        "Une question\u202f?",
        f"«{NBSP}oui{NBSP}»",
        "J’ai besoin d’aide",
        "https://mentorat.exemple.fr/r/x?t=a:b;c!d",
        "mailto:alice.martin@justice.exemple.fr",
        "de 14 h 00 à 16:00",
    ],
)
def test_the_scanner_leaves_correct_french_and_urls_alone(good):
    assert faults(good) == []


def test_the_scanner_ignores_html_and_css_code_but_reads_alt_text():
    html = '<p style="margin:0;color:#000">Bonjour</p><style>a:hover{color:red}</style>'
    assert faults(visible_text(html)) == []
    assert faults(visible_text('<img alt="Logo : ministère">'))


@pytest.mark.parametrize(("name", "kind", "ctx"), VARIANTS, ids=[v[0] for v in VARIANTS])
def test_every_email_follows_french_typography(name, kind, ctx):
    rendered = render(kind, ctx)
    found = faults(rendered.subject) + faults(rendered.text) + faults(visible_text(rendered.html))
    assert found == []
