"""Small text helpers shared by the readers: French quoting, accent folding, tags."""

import re
import unicodedata

NBSP = "\u00a0"
"""Non-breaking space: French typography puts one before « : » and inside « »."""

COLON = f"{NBSP}:"

_SEPARATORS = re.compile(r"[\s_\-'’‘`.]+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def clean(text: str) -> str:
    """NFC form (macOS exports decomposed accents), Unix newlines, no outer spaces."""
    text = unicodedata.normalize("NFC", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Key for comparing what people type: no accents, lower case, one space between words.

    Underscores, hyphens, apostrophes and dots count as spaces, so « Adresse e-mail »,
    « adresse_email » and « ADRESSE E MAIL » give nearly the same key.
    """
    folded = strip_accents(text).casefold()
    return _SEPARATORS.sub(" ", folded).strip()


def tag_of(label: str) -> str:
    """« Mobilité hors juridiction » -> « mobilite-hors-juridiction »."""
    return _NOT_ALNUM.sub("-", strip_accents(label).casefold()).strip("-")


def quoted(value: object, limit: int = 60) -> str:
    """A value between French guillemets, cut short so a message stays one line."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"«{NBSP}{text}{NBSP}»"


def count(number: int) -> str:
    """10000 -> « 10 000 » with a narrow non-breaking space, as French writes numbers."""
    return f"{number:,}".replace(",", "\u202f")
