"""Reading pages in tests: the hidden CSRF field, the visible text."""

from __future__ import annotations

import re

from mentorat.mail.typography import visible_text

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no form"
    return match.group(1)


def text_of(html: str) -> str:
    return " ".join(visible_text(html).split())
