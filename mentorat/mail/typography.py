"""Find French typography faults in what a reader sees (used by the tests and the preview).

French sets a non-breaking space (U+00A0, or the narrow U+202F) before : ; ! ? and inside
« »; the apostrophe is typographic (’). URLs, e-mail addresses and HTML/CSS code are not
prose and are left out of the scan.
"""

import re
from html.parser import HTMLParser

_CODE = re.compile(r"(?:https?://|mailto:)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_RULES = (
    (re.compile(r"[ \t]+[:;!?]"), "ordinary space before a high punctuation mark"),
    (re.compile(r"[^\s\u00a0\u202f\d][;!?]"), "no space before a high punctuation mark"),
    # A colon glued to a word (« Lieu: ») is English; digits are left out for times (14:00).
    (re.compile(r"[^\W\d]:(?=\s|$)"), "no space before a colon"),
    (re.compile(r"«(?![\u00a0\u202f])"), "« not followed by a non-breaking space"),
    (re.compile(r"(?<![\u00a0\u202f])»"), "» not preceded by a non-breaking space"),
    (re.compile(r"(?<=\w)'(?=\w)"), "straight apostrophe"),
)


class _Visible(HTMLParser):
    """Collect the text a reader sees; style and script contents are code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        for name, value in attrs:
            # Alternative text and titles are read out by screen readers: they are prose.
            if name in ("alt", "title", "aria-label") and value:
                self.chunks.append(f"\n{value}\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1
        self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return "".join(parser.chunks)


def faults(text: str) -> list[str]:
    """Each fault as « reason: …context… »; an empty list means the text is clean."""
    prose = _CODE.sub(" URL ", text)
    found = []
    for pattern, reason in _RULES:
        for match in pattern.finditer(prose):
            start, end = max(match.start() - 25, 0), match.end() + 25
            found.append(f"{reason}: {prose[start:end]!r}")
    return found
