"""What a mentee seeks, met by what a mentor offers: tag against tag, by meaning.

A mentee's objective (« Prise de poste ») and a mentor's expertise (« Management
d'équipe ») are free labels written by different people, so they rarely are the same
tag. Each label is read as a set of concepts: its content words stemmed with Snowball
(encadrer, encadrant, encadrement meet), where phrases and words of the programmes'
vocabulary (``THESAURUS``) become one concept (« gestion d'équipe », « encadrement »,
« management » are all management). An offered label covers a wanted one by the share of
the wanted label's concepts it has; under ``MIN_COVER`` it does not count at all, so that
one shared word of three (« prise » in « prise de parole » and « prise de poste ») is no
match.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .labels_fr import tag_label
from .text import tokens

MIN_COVER = 0.5

# Concept -> ways of saying it (phrases first matched as stemmed word sequences, longest
# first; then single words). Kept to the programmes' own vocabulary (the seeds, the demo).
THESAURUS: dict[str, tuple[str, ...]] = {
    "management": (
        "management d'équipe",
        "gestion d'équipe",
        "gestion des équipes",
        "encadrement d'équipe",
        "animation d'équipe",
        "direction d'équipe",
        "pilotage d'équipe",
        "conduite d'équipe",
        "compétences managériales",
        "management",
        "manager",
        "managers",
        "managérial",
        "managériale",
        "encadrement",
        "encadrer",
        "encadrant",
        "leadership",
    ),
    "prise de poste": (
        "prise de poste",
        "prise de fonction",
        "prise de fonctions",
        "nouveau poste",
        "nouvelles fonctions",
        "premier poste",
        "nouvelle affectation",
    ),
    "mobilité": ("mobilité", "mutation", "changement de poste"),
    "négociation": ("négociation", "négocier", "dialogue social", "relations syndicales"),
    "prise de parole": ("prise de parole", "parler en public", "éloquence", "art oratoire"),
    "responsabilités": (
        "responsabilités",
        "évolution de carrière",
        "avancement",
        "promotion",
    ),
    "équilibre des temps": (
        "équilibre des temps",
        "équilibre vie professionnelle",
        "équilibre vie pro perso",
        "conciliation des temps",
        "vie personnelle",
    ),
    "conduite du changement": ("conduite du changement", "transformation", "réforme"),
    "isolement": ("isolement", "solitude"),
    "réseau": ("réseau", "réseau professionnel", "networking"),
    "gouvernance": ("gouvernance", "pilotage"),
    "conseil d'état": ("conseil d'état",),
}

# Words that say nothing on their own: a label made only of them is matched by its tag.
GENERIC = frozenset(
    tokens(
        "prise professionnel professionnelle nouveau nouvelle premier accru accrue accrues "
        "développer développement améliorer amélioration conduite juridiction"
    )
)


def _phrases() -> tuple[list[tuple[tuple[str, ...], str]], dict[str, str]]:
    phrases: list[tuple[tuple[str, ...], str]] = []
    words: dict[str, str] = {}
    for concept, sayings in THESAURUS.items():
        key = "=" + concept  # never a stem: stems have no "="
        for saying in sayings:
            stems = tuple(tokens(saying))
            if len(stems) == 1:
                words[stems[0]] = key
            elif stems:
                phrases.append((stems, key))
    phrases.sort(key=lambda p: -len(p[0]))
    return phrases, words


_PHRASES, _WORDS = _phrases()


@lru_cache(maxsize=50_000)
def concepts(text: str) -> frozenset[str]:
    """The concepts of a label: thesaurus concepts, then remaining non-generic stems."""
    stems = tokens(text)
    found: set[str] = set()
    k = 0
    while k < len(stems):
        for phrase, key in _PHRASES:
            if tuple(stems[k : k + len(phrase)]) == phrase:
                found.add(key)
                k += len(phrase)
                break
        else:
            word = stems[k]
            if word in _WORDS:
                found.add(_WORDS[word])
            elif word not in GENERIC:
                found.add(word)
            k += 1
    return frozenset(found)


@dataclass(frozen=True)
class Cover:
    """How well one offered tag covers one wanted tag (0, or MIN_COVER..1)."""

    share: float
    offered: str | None  # the offered tag that covers best, None if none does
    source: str  # "expertise" or "objectives": where the mentor stated it


NO_COVER = Cover(0.0, None, "expertise")


class Matcher:
    """Cover of wanted tags by offered tags, each label read once: the same few tags come
    back in thousands of pairs."""

    def __init__(self, labels: Mapping[str, str]):
        self.labels = dict(labels)
        self._pair: dict[tuple[str, str], float] = {}

    def label(self, tag: str) -> str:
        return tag_label(tag, self.labels)

    def concepts_of(self, tag: str) -> frozenset[str]:
        return concepts(self.label(tag))

    def share(self, wanted: str, offered: str) -> float:
        """The share of ``wanted``'s concepts that ``offered`` has; 1 for the same tag."""
        known = self._pair.get((wanted, offered))
        if known is not None:
            return known
        if wanted == offered:
            value = 1.0
        else:
            want = self.concepts_of(wanted)
            value = len(want & self.concepts_of(offered)) / len(want) if want else 0.0
            if value < MIN_COVER:
                value = 0.0
        self._pair[(wanted, offered)] = value
        return value

    def best(self, wanted: str, expertise: frozenset[str], objectives: frozenset[str]) -> Cover:
        """The mentor's best cover of one wanted tag; the expertise wins a tie."""
        best = NO_COVER
        for source, offered in (("expertise", expertise), ("objectives", objectives)):
            for tag in sorted(offered):
                value = self.share(wanted, tag)
                if value > best.share:
                    best = Cover(value, tag, source)
        return best

    def cover_rows(
        self, wanted: Sequence[frozenset[str]], mentors: Sequence[tuple[frozenset[str], ...]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows whose products are the share of each mentee's wanted tags a mentor covers.

        ``mentors`` holds each mentor's (expertise, objectives). A mentee's row has 1/|wanted|
        on each wanted tag; a mentor's row has, for each tag some mentee wants, the best cover
        the mentor gives it. Both are computed once per distinct set.
        """
        vocab = {t: k for k, t in enumerate(sorted(set().union(*wanted)))} if wanted else {}
        # The same few sets come back again and again: one row per distinct set, then
        # each person's row picked from them by code.
        sets: dict[frozenset[str], int] = {}
        codes = np.fromiter((sets.setdefault(t, len(sets)) for t in wanted), np.int64)
        table = np.zeros((len(sets), len(vocab)))
        for tags, k in sets.items():
            table[k, [vocab[t] for t in tags]] = 1.0 / max(1, len(tags))
        x = table[codes] if len(wanted) else np.zeros((0, len(vocab)))
        # Cover of every wanted tag by every offered tag, then each distinct offer's best.
        offered = sorted(set().union(*(tags for offer in mentors for tags in offer)))
        at = {t: k for k, t in enumerate(offered)}
        share = np.array([[self.share(w, o) for o in offered] for w in vocab]).reshape(
            len(vocab), len(offered)
        )
        offers: dict[tuple[frozenset[str], ...], int] = {}
        codes = np.fromiter((offers.setdefault(o, len(offers)) for o in mentors), np.int64)
        table = np.zeros((len(offers), len(vocab)))
        for offer, k in offers.items():
            columns = [at[t] for tags in offer for t in tags]
            if columns:
                table[k] = share[:, columns].max(axis=1)
        y = table[codes] if len(mentors) else np.zeros((0, len(vocab)))
        return x, y
