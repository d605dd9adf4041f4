"""Charters in CommonMark (markdown-it-py): what the hand-written subset broke, and what must
never come through (raw HTML, script links)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorat.web.markdown import charter_html

PRESETS = Path(__file__).resolve().parents[2] / "mentorat" / "presets"


def test_wrapped_list_items_stay_one_item():
    html = charter_html("- une phrase longue\n  qui continue\n- la suivante\n")
    assert html.count("<li>") == 2
    assert "une phrase longue\nqui continue" in html


def test_numbered_and_nested_lists_keep_their_shape():
    html = charter_html("1. Premier\n2. Second\n   - détail a\n   - détail b\n")
    assert html.startswith("<ol>")
    assert html.count("<li>") == 4
    assert "<ul>" in html.split("Second", 1)[1]


def test_headings_start_under_the_page_title_and_french_spacing_is_kept():
    html = charter_html("# Engagements\n\nLe mentor s’engage : **écouter** ; « soutenir » !\n")
    assert "<h2>Engagements</h2>" in html
    assert "s’engage\u00a0: <strong>écouter</strong>\u00a0; «\u00a0soutenir\u00a0»\u00a0!" in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[clic](javascript:alert(1))",
    ],
)
def test_no_markup_or_script_link_comes_through(hostile: str):
    html = charter_html(f"Texte\n\n{hostile}\n")
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html


@pytest.mark.parametrize("path", sorted(PRESETS.glob("*.charter.md")), ids=lambda p: p.stem)
def test_every_preset_charter_renders(path: Path):
    html = charter_html(path.read_text(encoding="utf-8"))
    assert "<h2>" in html or "<p>" in html
    assert "**" not in html  # no emphasis left unrendered
