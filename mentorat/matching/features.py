"""Encode candidates as feature rows so that the whole score matrix is one matrix product.

Every criterion is bilinear in a mentee row and a mentor row: a share of the mentee's tags
that the mentor offers is ``(tags_i / |tags_i|) . tags_j``; a function of two small
categorical codes is ``onehot(code_i) . T[:, code_j]``; a TF-IDF cosine is a dot product.
The column rules (career stage, seniority, language, remote format for overseas mentees)
are bilinear too, as a large penalty, so ``X @ Y.T`` gives scores and eligibility at once.
Rules that forbid single pairs (hierarchy, operator, earlier cohorts) are applied after.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .candidate import FORMATS, REMOTE_FORMATS, Candidate
from .concepts import Matcher
from .rules import CRITERIA, MatchingRules
from .text import tfidf_pair

PENALTY = np.float32(1e6)
# A pair is eligible when no penalty was added; scores are never below zero.
ELIGIBLE_ABOVE = -1.0
_FORMAT_BITS = {"presentiel": 1, "distanciel": 2, "mixte": 4}


@dataclass
class Encoding:
    x: np.ndarray  # mentees x features, float32
    y: np.ndarray  # mentors x features, float32
    slices: dict[str, slice]  # criterion -> its columns (the rest are penalties)
    max_points: np.ndarray  # mentees x criteria: points a criterion is worth, 0 if not applicable
    mentor_ok: dict[str, np.ndarray]  # column rule -> mentors that pass it (bool)
    language_ok: np.ndarray  # mentee language code x mentor language code (bool)
    mentee_language: np.ndarray
    mentor_language: np.ndarray
    mentee_overseas: np.ndarray
    mentor_remote: np.ndarray
    mentee_unit: np.ndarray  # unit code, -1 when none
    mentor_unit: np.ndarray


def format_compatibility(wanted: frozenset[str], offered: frozenset[str]) -> float:
    """1 when a format is shared (or the mentor states none), 0.5 when only « mixte » bridges."""
    if not offered or wanted & offered:
        return 1.0
    if "mixte" in wanted | offered:
        return 0.5
    return 0.0


def _format_code(formats: frozenset[str]) -> int:
    return sum(_FORMAT_BITS[f] for f in formats)


def _format_set(code: int) -> frozenset[str]:
    return frozenset(f for f in FORMATS if code & _FORMAT_BITS[f])


def _codes(values: Sequence[Hashable], vocabulary: Mapping[Any, int]) -> NDArray[np.int64]:
    # Any key type: a value the vocabulary lacks (None included) is coded -1.
    return np.fromiter((vocabulary.get(v, -1) for v in values), np.int64, len(values))


def encode(
    mentors: Sequence[Candidate], mentees: Sequence[Candidate], rules: MatchingRules
) -> Encoding:
    n, m = len(mentees), len(mentors)
    weights = rules.weights.as_dict()
    hard = rules.hard

    def flags(values: Iterable[bool]) -> NDArray[np.bool_]:
        return np.fromiter(values, bool, n)

    applicable = np.stack(
        [
            flags(bool(e.objectives) for e in mentees),
            flags(bool(e.expertise) for e in mentees),
            flags(e.region is not None or e.overseas for e in mentees),
            flags(bool(e.formats) for e in mentees),
            flags(e.preferred_mentor_gender is not None for e in mentees),
            flags(bool(e.availability) for e in mentees),
            flags(bool(e.text.strip()) for e in mentees),
        ],
        axis=1,
    ).reshape(n, len(CRITERIA))
    w = np.array([weights[c] for c in CRITERIA])
    max_points = applicable * w
    total = max_points.sum(axis=1)
    scale = np.divide(100.0, total, out=np.zeros(n), where=total > 0)
    max_points *= scale[:, None]

    blocks_x: list[np.ndarray] = []
    blocks_y: list[np.ndarray] = []
    slices: dict[str, slice] = {}
    width = 0

    def add(name: str | None, bx: np.ndarray, by: np.ndarray) -> None:
        nonlocal width
        if name is not None:
            slices[name] = slice(width, width + bx.shape[1])
        width += bx.shape[1]
        blocks_x.append(bx.astype(np.float32))
        blocks_y.append(by.astype(np.float32))

    def tag_share(
        name: str,
        wanted: list[frozenset[str]],
        offered: list[frozenset[str]],
        empty_offer_means_all: bool,
    ) -> None:
        vocab = {t: k for k, t in enumerate(sorted(set().union(*wanted)))} if wanted else {}

        def rows(
            sets: list[frozenset[str]], row_of: Callable[[frozenset[str]], np.ndarray]
        ) -> np.ndarray:
            # The same few tag sets come back again and again: one row per distinct set.
            distinct: dict[frozenset[str], int] = {}
            codes = np.fromiter((distinct.setdefault(t, len(distinct)) for t in sets), np.int64)
            table = np.zeros((len(distinct), len(vocab)))
            for tags, k in distinct.items():
                table[k] = row_of(tags)
            return table[codes] if len(sets) else np.zeros((0, len(vocab)))

        def share(tags: frozenset[str]) -> np.ndarray:
            row = np.zeros(len(vocab))
            row[[vocab[t] for t in tags]] = 1.0 / max(1, len(tags))
            return row

        def offer(tags: frozenset[str]) -> np.ndarray:
            if not tags and empty_offer_means_all:
                return np.ones(len(vocab))
            row = np.zeros(len(vocab))
            row[[vocab[t] for t in tags if t in vocab]] = 1.0
            return row

        bx, by = rows(wanted, share), rows(offered, offer)
        add(name, bx * max_points[:, [CRITERIA.index(name)]], by)

    # What the mentee seeks (objectives, wished domains) against what the mentor offers.
    matcher = Matcher(rules.labels)
    offers = [(r.expertise, r.objectives) for r in mentors]
    for name in ("objectives", "expertise"):
        bx, by = matcher.cover_rows([getattr(e, name) for e in mentees], offers)
        add(name, bx * max_points[:, [CRITERIA.index(name)]], by)

    # Region: an overseas mentee is matched remotely, so every mentor earns the points.
    regions = {r: k for k, r in enumerate(sorted({e.region for e in mentees if e.region}))}
    bx = np.zeros((n, len(regions) + 1))
    for i, e in enumerate(mentees):
        if e.overseas:
            bx[i, -1] = 1.0
        elif e.region in regions:
            bx[i, regions[e.region]] = 1.0
    by = np.zeros((m, len(regions) + 1))
    by[:, -1] = 1.0
    codes = _codes([r.region for r in mentors], regions)
    by[np.flatnonzero(codes >= 0), codes[codes >= 0]] = 1.0
    add("region", bx * max_points[:, [CRITERIA.index("region")]], by)

    bx = np.zeros((n, 8))
    bx[np.arange(n), [_format_code(e.formats) for e in mentees]] = 1.0
    table = np.array(
        [[format_compatibility(_format_set(a), _format_set(b)) for b in range(8)] for a in range(8)]
    )
    by = table[:, [_format_code(r.formats) for r in mentors]].T
    add("format", bx * max_points[:, [CRITERIA.index("format")]], by)

    prefs = {
        p: k
        for k, p in enumerate(
            sorted(
                {
                    e.preferred_mentor_gender
                    for e in mentees
                    if e.preferred_mentor_gender is not None
                }
            )
        )
    }
    bx = np.zeros((n, len(prefs)))
    for i, e in enumerate(mentees):
        if e.preferred_mentor_gender is not None:
            bx[i, prefs[e.preferred_mentor_gender]] = 1.0
    by = np.zeros((m, len(prefs)))
    codes = _codes([r.gender for r in mentors], prefs)
    by[np.flatnonzero(codes >= 0), codes[codes >= 0]] = 1.0
    add("preference", bx * max_points[:, [CRITERIA.index("preference")]], by)

    tag_share(
        "availability", [e.availability for e in mentees], [r.availability for r in mentors], True
    )

    # The mentee's expectations against the mentor's experience: profile and expertise.
    offered_words = {
        tags: " ".join(matcher.label(t) for t in sorted(tags))
        for tags in {r.expertise for r in mentors}
    }
    tx, ty = tfidf_pair(
        [e.text for e in mentees],
        [f"{r.text}\n{offered_words[r.expertise]}" for r in mentors],
        rules.text_max_terms,
    )
    add("text", tx * max_points[:, [CRITERIA.index("text")]], ty)

    # Column rules, as penalties on a constant mentee feature.
    mentor_ok = {
        "career_stage": np.array(
            [
                not hard.mentor_career_stages or r.career_stage in hard.mentor_career_stages
                for r in mentors
            ],
            bool,
        ),
        "seniority": np.array(
            [
                hard.min_mentor_seniority_years <= 0
                or (r.seniority_years or 0) >= hard.min_mentor_seniority_years
                for r in mentors
            ],
            bool,
        ),
    }
    ok = mentor_ok["career_stage"] & mentor_ok["seniority"]
    add(None, np.ones((n, 1)), np.where(ok, 0.0, -PENALTY)[:, None])

    language_sets = sorted(
        {e.languages for e in mentees} | {r.languages for r in mentors}, key=lambda s: sorted(s)
    )
    lang_vocab = {s: k for k, s in enumerate(language_sets)}
    mentee_language = _codes([e.languages for e in mentees], lang_vocab)
    mentor_language = _codes([r.languages for r in mentors], lang_vocab)
    language_ok = np.array([[bool(a & b) for b in language_sets] for a in language_sets], bool)
    if not hard.shared_language:
        language_ok[:] = True
    if not language_ok.all():
        bx = np.zeros((n, len(language_sets)))
        bx[np.arange(n), mentee_language] = 1.0
        by = np.where(language_ok[:, mentor_language].T, 0.0, -PENALTY)
        add(None, bx, by)

    mentee_overseas = np.array([e.overseas for e in mentees], bool)
    mentor_remote = np.array(
        [not r.formats or bool(r.formats & REMOTE_FORMATS) for r in mentors], bool
    )
    if not hard.overseas_remote:
        mentor_remote[:] = True
    if mentee_overseas.any() and not mentor_remote.all():
        add(
            None,
            mentee_overseas[:, None].astype(float),
            np.where(mentor_remote, 0.0, -PENALTY)[:, None],
        )
    mentor_ok["language"] = np.ones(m, bool)  # pairwise; reported per mentee, see reasons
    mentor_ok["overseas_format"] = mentor_remote

    units = {u: k for k, u in enumerate(sorted({c.unit for c in (*mentees, *mentors) if c.unit}))}
    return Encoding(
        x=np.ascontiguousarray(np.hstack(blocks_x)) if blocks_x else np.zeros((n, 0), np.float32),
        y=np.ascontiguousarray(np.hstack(blocks_y)) if blocks_y else np.zeros((m, 0), np.float32),
        slices=slices,
        max_points=max_points,
        mentor_ok=mentor_ok,
        language_ok=language_ok,
        mentee_language=mentee_language,
        mentor_language=mentor_language,
        mentee_overseas=mentee_overseas,
        mentor_remote=mentor_remote,
        mentee_unit=_codes([e.unit for e in mentees], units),
        mentor_unit=_codes([r.unit for r in mentors], units),
    )
