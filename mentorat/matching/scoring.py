"""Score matrices from the encoding: dense for moderate sizes, top-K candidate lists beyond."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .features import ELIGIBLE_ABOVE, PENALTY, Encoding
from .rules import CRITERIA, MatchingRules

_BLOCK_ROWS = 1024


class PairRules:
    """Pair-level exclusions, indexed by mentee row for quick application to row blocks."""

    def __init__(self, mentee_idx: np.ndarray, mentor_idx: np.ndarray, rule_idx: np.ndarray):
        self.mentee_idx, self.mentor_idx, self.rule_idx = mentee_idx, mentor_idx, rule_idx

    def restrict(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exclusions of the given mentee rows, as (position in rows, mentor index)."""
        position = np.full(int(max(rows.max(initial=-1), self.mentee_idx.max(initial=-1))) + 1, -1)
        position[rows] = np.arange(len(rows))
        local = position[self.mentee_idx]
        keep = local >= 0
        return local[keep], self.mentor_idx[keep]


def score_rows(
    enc: Encoding, rows: np.ndarray, rules: MatchingRules, pairs: PairRules
) -> np.ndarray:
    """Scores (0..100) of the given mentees against every mentor; ineligible pairs < 0."""
    block = enc.x[rows] @ enc.y.T
    if rules.hard.same_unit:
        unit = enc.mentee_unit[rows][:, None]
        block[(unit == enc.mentor_unit[None, :]) & (unit >= 0)] = -PENALTY
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


def _floor_value(rules: MatchingRules) -> float:
    return rules.quality_threshold - 1e-3 if rules.mode == "quality" else ELIGIBLE_ABOVE + 1e-3


def _best_k(block: np.ndarray, rows: np.ndarray, k: int, floor: float):
    """Top-k allowed entries of every row of a small block, by argpartition."""
    kk = min(k, block.shape[1])
    masked = np.where(block >= floor, block, -np.inf)
    part = (
        np.argpartition(-masked, kk - 1, axis=1)[:, :kk]
        if kk < block.shape[1]
        else (np.broadcast_to(np.arange(kk), (len(rows), kk)))
    )
    vals = np.take_along_axis(masked, part, axis=1)
    keep = np.isfinite(vals)
    return np.broadcast_to(rows[:, None], part.shape)[keep], part[keep], vals[keep]


def top_k(
    enc: Encoding, rows: np.ndarray, rules: MatchingRules, pairs: PairRules, usable: np.ndarray
) -> Candidates:
    """Each mentee's best ``rules.top_k`` allowed mentors, never building the full matrix.

    A row's cut is read from a fixed sample of mentor columns, set so that about twice k
    entries pass it; one comparison then picks them. Rows where fewer than k pass are
    redone exactly, so every mentee gets its true top k.
    """
    k = rules.top_k
    floor = _floor_value(rules)
    m = enc.y.shape[0]
    sample = np.sort(np.random.default_rng(0).choice(m, size=min(m, 2048), replace=False))
    rank = int(np.ceil(2 * k * len(sample) / max(m, 1))) + 1
    blocks = [rows[s : s + _BLOCK_ROWS] for s in range(0, len(rows), _BLOCK_ROWS)]

    def one(block_rows: np.ndarray):
        block = score_rows(enc, block_rows, rules, pairs)
        block[:, ~usable] = -PENALTY
        if rank < len(sample):
            sampled = block[:, sample]
            cut = -np.partition(-sampled, rank - 1, axis=1)[:, rank - 1]
            cut = np.maximum(cut, floor)
        else:
            cut = np.full(len(block_rows), floor, np.float32)
        r, c = np.nonzero(block >= cut[:, None].astype(np.float32))
        v = block[r, c]
        found = np.bincount(r, minlength=len(block_rows))
        short = np.flatnonzero(found < k)
        if len(short):
            drop = np.isin(r, short)
            r, c, v = r[~drop], c[~drop], v[~drop]
            sr, sc, sv = _best_k(block[short], short, k, floor)
            r, c, v = np.concatenate([r, sr]), np.concatenate([c, sc]), np.concatenate([v, sv])
        # Best score first, then lowest mentor index: the same lists in any input order.
        order = np.lexsort((c, -v, r))
        r, c, v = r[order], c[order], v[order]
        starts = np.searchsorted(r, np.arange(len(block_rows)))
        keep = np.arange(len(r)) - starts[r] < k
        return block_rows[r[keep]], c[keep], v[keep]

    # numpy and BLAS release the GIL, so two row blocks run at once on two cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(one, blocks))
    if not results or m == 0:
        empty = np.zeros(0, np.int64)
        return Candidates(empty, empty.copy(), np.zeros(0, np.float32))
    return Candidates(
        mentee=np.concatenate([r[0] for r in results]).astype(np.int64),
        mentor=np.concatenate([r[1] for r in results]).astype(np.int64),
        score=np.concatenate([r[2] for r in results]),
    )


def row_counts(
    enc: Encoding, rows: np.ndarray, rules: MatchingRules, pairs: PairRules, usable: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per mentee: eligible mentors, allowed mentors (usable, at the threshold), best score."""
    eligible, allowed_n, best = [], [], []
    for s in range(0, len(rows), _BLOCK_ROWS):
        block = score_rows(enc, rows[s : s + _BLOCK_ROWS], rules, pairs)
        ok = block > ELIGIBLE_ABOVE
        eligible.append(np.count_nonzero(ok, axis=1))
        best.append(np.where(ok, block, -np.inf).max(axis=1, initial=-np.inf))
        allowed_n.append(np.count_nonzero(allowed(block, rules) & usable[None, :], axis=1))
    if not eligible:
        empty = np.zeros(0, np.int64)
        return empty, empty.copy(), np.zeros(0)
    return np.concatenate(eligible), np.concatenate(allowed_n), np.concatenate(best)


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
