"""Score rows from the encoding: one matrix product, then the rules that forbid single pairs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .features import ELIGIBLE_ABOVE, PENALTY, Encoding
from .rules import CRITERIA, MatchingRules


class PairRules:
    """Pair-level exclusions, sorted by mentee row for quick application to row blocks."""

    def __init__(self, mentee_idx: np.ndarray, mentor_idx: np.ndarray, rule_idx: np.ndarray):
        self.mentee_idx, self.mentor_idx, self.rule_idx = mentee_idx, mentor_idx, rule_idx
        self._order = np.argsort(mentee_idx, kind="stable")
        self._sorted = mentee_idx[self._order]

    def restrict(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exclusions of the given (ascending) mentee rows, as (position in rows, mentor)."""
        if len(rows) == 0 or len(self._sorted) == 0:
            empty = np.zeros(0, np.int64)
            return empty, empty.copy()
        lo = np.searchsorted(self._sorted, rows[0], side="left")
        hi = np.searchsorted(self._sorted, rows[-1], side="right")
        picked = self._order[lo:hi]
        mentee = self.mentee_idx[picked]
        local = np.minimum(np.searchsorted(rows, mentee), len(rows) - 1)
        hit = rows[local] == mentee
        return local[hit], self.mentor_idx[picked[hit]]


class UnitBlocks:
    """Mentors grouped by unit: a mentee's same-unit mentors are one slice, so the rule
    costs the size of the excluded blocks, not a comparison per pair."""

    def __init__(self, enc: Encoding):
        units = int(max(enc.mentor_unit.max(initial=-1), enc.mentee_unit.max(initial=-1))) + 1
        self.by_unit = np.argsort(enc.mentor_unit, kind="stable")
        grouped = enc.mentor_unit[self.by_unit]
        self.start = np.searchsorted(grouped, np.arange(units))
        self.size = np.searchsorted(grouped, np.arange(units), side="right") - self.start
        self.mentee_unit = enc.mentee_unit

    def pairs(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in rows, mentor index) of the pairs in the same unit."""
        unit = self.mentee_unit[rows]
        has = unit >= 0
        count = np.zeros(len(rows), np.int64)
        count[has] = self.size[unit[has]]
        first = np.zeros(len(rows), np.int64)
        first[has] = self.start[unit[has]]
        local = np.repeat(np.arange(len(rows)), count)
        offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        return local, self.by_unit[np.repeat(first, count) + offset]


def score_rows(
    enc: Encoding,
    rows: np.ndarray,
    rules: MatchingRules,
    pairs: PairRules,
    *,
    units: UnitBlocks | None = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Scores (0..100) of the given mentees against every mentor; ineligible pairs < 0."""
    block = np.matmul(enc.x[rows], enc.y.T, out=out)
    if rules.hard.same_unit:
        r, c = (units or UnitBlocks(enc)).pairs(rows)
        block[r, c] = -PENALTY
    r, c = pairs.restrict(rows)
    block[r, c] = -PENALTY
    return block


def allowed(block: np.ndarray, rules: MatchingRules) -> np.ndarray:
    """Pairs the solver may make: eligible, and at the threshold in quality mode."""
    if rules.mode == "quality":
        # A hair below the threshold so that a score printed as 30,00 is never refused at 30.
        return block >= rules.quality_threshold - 1e-3
    return block > ELIGIBLE_ABOVE


@dataclass
class Candidates:
    """Each mentee's best allowed mentors, as edges sorted by mentee then score."""

    mentee: np.ndarray
    mentor: np.ndarray
    score: np.ndarray


def lowest_allowed(rules: MatchingRules) -> float:
    """The lowest score of a pair the solver may make (ineligible pairs are far below);
    the same pairs as ``allowed``."""
    return rules.quality_threshold - 1e-3 if rules.mode == "quality" else ELIGIBLE_ABOVE + 1e-3


def pair_points(enc: Encoding, mentee: np.ndarray, mentor: np.ndarray) -> np.ndarray:
    """Points of each criterion for the given pairs (pairs x criteria), in float64."""
    points = np.zeros((len(mentee), len(CRITERIA)))
    for k, name in enumerate(CRITERIA):
        cols = enc.slices[name]
        points[:, k] = np.einsum(
            "ij,ij->i",
            enc.x[mentee, cols].astype(np.float64),
            enc.y[mentor, cols].astype(np.float64),
        )
    return points
