"""Header keys: the words of a column title, however people write them.

HR files name one column in a dozen ways: « Nombre de mentoré·e·s souhaité »,
« NB MENTORES (max) », « mentorés : nombre ». A key keeps only what identifies the column:
accents, case, punctuation, inclusive-writing marks, plurals, filler words and word order
are all dropped, so those three headers give the same key. Titles that hold two names
(« Juridiction / service », « Unité (affectation) ») are also tried part by part.
"""

import re
from collections.abc import Iterator

from mentorat.importing.text import strip_accents

HeaderKey = frozenset[str]

# « mentoré·e·s », « mentoré.e.s », « mentoré-e-s », « mentoré(e)s », « mentoré/e/s »,
# « mentoré·es », « directeur·rice » -> the word without its feminine marks (then plurals
# fold « mentorés » and « mentoré » together).
_INCLUSIVE = (
    re.compile(r"(?<=[a-z])\((?:e|es|s|ne|le|te|trice|rice|euse)\)"),
    re.compile(r"(?<=[a-z])[·•.\-/](?:e|ne|le|te|trice|rice|euse)[·•.\-/]?(?=s\b)"),
    re.compile(r"(?<=[a-z])[·•.\-/](?:e|es|ne|le|te|trice|rice|euse)\b"),
)
_WORD = re.compile(r"[a-z0-9+@]+")
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_PARTS = re.compile(r"\s*(?:/|\||\bou\b|\bor\b)\s*")

STOPWORDS = frozenset((
    "a", "au", "aux", "d", "de", "des", "du", "l", "la", "le", "les", "en", "et", "ou", "un",
    "une", "s", "y", "sur", "dans", "par", "pour", "the", "of", "for", "your", "my", "votre",
    "vos", "son", "sa", "ses", "mon", "ma", "mes", "leur", "cette", "ce",
))  # fmt: skip
FILLERS = frozenset((
    # Words that qualify a title without changing what the column holds (stemmed).
    "souhaite", "actuel", "actuelle", "indique", "indiquez", "precise", "precisez", "svp",
    "facultatif", "optionnel", "obligatoire", "renseigne", "renseigner", "merci", "please",
    "optional", "required", "professionnel", "professionnelle", "pro",
))  # fmt: skip


def _stem(word: str) -> str:
    """Plural and feminine endings off, so that singular and plural give one word."""
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 4 and word.endswith("ee"):
        word = word[:-1]
    return word


def normalise(text: str) -> str:
    """Lower case, no accents, no inclusive-writing marks; punctuation kept for splitting."""
    folded = strip_accents(text).casefold().replace("’", "'").replace("‘", "'")
    for pattern in _INCLUSIVE:
        folded = pattern.sub("", folded)
    return folded


def key_of(text: str) -> HeaderKey:
    """The set of meaningful (stemmed) words of a header."""
    words = (_stem(word) for word in _WORD.findall(normalise(text).replace("n°", "numero ")))
    return frozenset(w for w in words if w not in STOPWORDS and w not in FILLERS)


def readings(header: str) -> Iterator[list[HeaderKey]]:
    """The ways to read a header, best first; each is a list of keys that must agree.

    1. the whole title (a trailing « * » or « : » dropped);
    2. the title without its parenthesised parts (« Capacité (nombre de mentorés) »);
    3. each part of the title: parentheses' contents and the pieces around « / », « | »,
       « ou » (« Juridiction / service d'affectation »). All the parts that name a column
       must name the same one.
    """
    text = normalise(header.strip().rstrip("*:").strip())
    yield [key_of(text)]
    outside = _PARENTHESES.sub(" ", text)
    yield [key_of(outside)]
    pieces = [*_PARTS.split(outside), *_PARENTHESES.findall(text)]
    yield [key_of(piece) for piece in pieces if key_of(piece)]
