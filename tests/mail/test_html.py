"""The HTML part: one inline-styled layout that mail clients, phones and screen readers accept."""

import re
from html.parser import HTMLParser

import pytest

from demo.mail_samples import sample, variants
from mentorat.mail import render
from mentorat.mail.kinds import OPERATOR_KINDS

VARIANTS = list(variants())
IDS = [name for name, _, _ in VARIANTS]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, two: str) -> float:
    high, low = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(("name", "kind", "ctx"), VARIANTS, ids=IDS)
def test_the_layout_is_french_narrow_and_self_contained(name, kind, ctx):
    html = render(kind, ctx).html
    assert '<html lang="fr">' in html
    assert "max-width:600px" in html
    assert 'name="viewport"' in html
    # Mail clients strip <style> and block remote content: inline styles, nothing fetched.
    for forbidden in ("<style", "<script", "<link", "<img", "@import", "url(", "<iframe"):
        assert forbidden not in html.lower()
    assert not re.search(r"\ssrc=", html)


@pytest.mark.parametrize(("name", "kind", "ctx"), VARIANTS, ids=IDS)
def test_every_button_is_a_link_with_enough_contrast(name, kind, ctx):
    html = render(kind, ctx).html
    for style in re.findall(r'<a href="[^"]+" style="([^"]+)"', html):
        colour = re.search(r"(?:^|;)color:(#[0-9a-f]{6})", style)
        background = re.search(r"background-color:(#[0-9a-f]{6})", style) or None
        assert colour, style
        against = background.group(1) if background else "#ffffff"
        assert _contrast(colour.group(1), against) >= 4.5, style


@pytest.mark.parametrize(("name", "kind", "ctx"), VARIANTS, ids=IDS)
def test_the_footer_says_the_exchanges_are_confidential(name, kind, ctx):
    rendered = render(kind, ctx)
    footer = rendered.html.rsplit("border-top:1px solid #dddddd", 1)[1]
    assert "confidenti" in footer or "données personnelles" in footer
    if kind not in OPERATOR_KINDS:
        assert f'href="mailto:{ctx["operator"]["email"]}"' in footer
        assert ctx["operator"]["email"] in rendered.text.rsplit("\n-- \n", 1)[1]


def test_the_check_in_answers_are_three_big_buttons_in_order():
    html = render("checkin_request", sample("checkin_request")).html
    links = re.findall(r'<a href="[^"]+" style="([^"]+)">([^<]+)</a>', html)
    buttons = [(style, label) for style, label in links if "display:block" in style]
    assert [label for _, label in buttons] == [
        "Nous nous sommes vus",
        "Pas ce mois-ci",
        "J’ai besoin d’aide",
    ]
    for style, _ in buttons:
        assert "padding:14px" in style and "font-size:17px" in style


class _Nesting(HTMLParser):
    VOID = {"meta", "br"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.errors.append(f"</{tag}> inside {self.open[-3:]}")


@pytest.mark.parametrize(("name", "kind", "ctx"), VARIANTS, ids=IDS)
def test_every_tag_is_closed_where_it_was_opened(name, kind, ctx):
    # Mail clients repair broken markup each in their own way: send none.
    parser = _Nesting()
    parser.feed(render(kind, ctx).html)
    assert parser.errors == []
    assert parser.open == []
