"""One pass over the score matrix by row blocks: each mentee's best mentors, and counts.

A row's shortlist is its first k allowed entries in a fixed order, score descending then
mentor ascending, so it is always a prefix of that order: more of the row can be fetched
later (``more_of_rows``), which keeps the greedy baseline and the certified assignment
exact and independent of input order.

Each block of rows is scored (one matrix product), counted and shortlisted while it is
still in cache; two blocks run at once, since numpy releases the GIL. The dense solver
keeps the whole matrix (``keep=True``); the sparse one only the shortlists.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .blas import single_threaded
from .features import ELIGIBLE_ABOVE, PENALTY, Encoding
from .rules import MatchingRules
from .scoring import PairRules, UnitBlocks, lowest_allowed, score_rows

_BLOCK_CELLS = 4_000_000  # about 16 MB of float32 per block
_SAMPLE = 512

# (row, mentor, score) entries of shortlists, row by row in order
Entries = tuple[np.ndarray, np.ndarray, np.ndarray]
# What ``scan`` finds in one block: its entries, then eligible, allowed and best per row,
# and eligible per mentor
_BlockScan = tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray
]


@dataclass
class Scan:
    """What one pass over the rows found; rows are positions in the ``rows`` scanned."""

    row: np.ndarray  # shortlist: row position, mentor index and score, row by row in order
    mentor: np.ndarray
    score: np.ndarray
    eligible: np.ndarray  # per row: mentors no hard rule excludes
    allowed: np.ndarray  # per row: eligible, with a free slot, at the threshold (quality mode)
    best: np.ndarray  # per row: best eligible score, -inf if none
    eligible_per_mentor: np.ndarray  # per mentor: rows for which the mentor is eligible
    matrix: np.ndarray | None  # the whole score matrix when asked to keep it


def where2d(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.nonzero of a 2-D mask, row-major: ten times faster through the flat indices."""
    return np.divmod(np.flatnonzero(mask), mask.shape[1])


def _allowed_only(block: np.ndarray, low: float) -> np.ndarray:
    return np.where(block >= np.float32(low), block, np.float32(-np.inf))


def _exact_cut(block: np.ndarray, k: int) -> np.ndarray:
    """Each row's k-th largest value; the lowest float if the row has fewer (all kept)."""
    kk = min(k, block.shape[1])
    if kk == 0:
        return np.full(block.shape[0], np.inf, np.float32)
    cut = -np.partition(-block, kk - 1, axis=1)[:, kk - 1]
    return np.where(np.isfinite(cut), cut, np.finfo(np.float32).min).astype(np.float32)


def _in_order(r: np.ndarray, c: np.ndarray, v: np.ndarray, rows: int, k: int) -> Entries:
    """Entries (row-major, as where2d gives them) sorted by row, score desc, mentor asc;
    the first k of each row."""
    # Scores of kept entries lie in [-1, 101], so one float64 key orders them exactly
    # (float32 scores fit in its mantissa with room for the row), and a stable sort keeps
    # mentors ascending among equal scores.
    order = np.argsort(r * 256.0 + (128.0 - v.astype(np.float64)), kind="stable")
    r, c, v = r[order], c[order], v[order]
    starts = np.searchsorted(r, np.arange(rows))
    keep = np.arange(len(r)) - starts[r] < k
    return r[keep], c[keep], v[keep]


def _sample_cut(block: np.ndarray, sample: np.ndarray, rank: int, low: float) -> np.ndarray:
    """A cut at about the rank-th best of the sampled columns, never below ``low``.

    Repeated maxima find it faster than a partition of many short rows; ties make it lower
    than the exact rank-th value, which only lets more entries through.
    """
    sampled = block[:, sample]
    cut = sampled.max(axis=1)
    for _ in range(rank - 1):
        below = np.where(sampled < cut[:, None], sampled, np.float32(-np.inf)).max(axis=1)
        cut = np.where(np.isfinite(below), below, cut)
    return np.maximum(cut, np.float32(low))


def _shortlist(block: np.ndarray, low: float, k: int, sample: np.ndarray) -> Entries:
    m = block.shape[1]
    if len(sample) < m:
        rank = int(np.ceil(2 * k * len(sample) / m)) + 1
        cut = _sample_cut(block, sample, rank, low)
        r, c = where2d(block >= cut[:, None])
        found = np.bincount(r, minlength=block.shape[0])
        short = np.flatnonzero(found < k)
        if len(short):
            # Rows where the sample aimed too high are redone exactly.
            drop = np.isin(r, short)
            r, c = r[~drop], c[~drop]
            exact = _allowed_only(block[short], low)
            sr, sc = where2d(exact >= _exact_cut(exact, k)[:, None])
            r, c = np.concatenate([r, short[sr]]), np.concatenate([c, sc])
            order = np.argsort(r, kind="stable")
            r, c = r[order], c[order]
    else:
        exact = _allowed_only(block, low)
        r, c = where2d(exact >= _exact_cut(exact, k)[:, None])
    return _in_order(r, c, block[r, c], block.shape[0], k)


def scan(
    enc: Encoding,
    rows: np.ndarray,
    rules: MatchingRules,
    pairs: PairRules,
    usable: np.ndarray,
    k: int,
    keep: bool = False,
    counts: bool = True,
) -> Scan:
    """Score the given (ascending) mentee rows against every mentor, block by block.

    ``k=0`` skips the shortlists, ``counts=False`` the counts (left at 0 and -inf).
    """
    n, m = len(rows), enc.y.shape[0]
    low = lowest_allowed(rules)
    units = UnitBlocks(enc) if rules.hard.same_unit else None
    unusable = np.flatnonzero(~usable)
    sample = np.sort(np.random.default_rng(0).choice(m, size=min(m, _SAMPLE), replace=False))
    size = int(np.clip(_BLOCK_CELLS // max(m, 1), 64, 1024))
    matrix = np.empty((n, m), np.float32) if keep else None
    # One block buffer per worker thread, reused: fresh pages for every block would cost
    # more in page faults than the arithmetic that fills them.
    buffers = threading.local()

    def one(start: int) -> _BlockScan:
        stop = min(n, start + size)
        if matrix is not None:
            out = matrix[start:stop]
        else:
            if getattr(buffers, "block", None) is None:
                buffers.block = np.empty((size, m), np.float32)
            out = buffers.block[: stop - start]
        block = score_rows(enc, rows[start:stop], rules, pairs, units=units, out=out)
        e_row = a_row = np.zeros(stop - start, np.int64)
        e_col = np.zeros(m, np.int64)
        best = np.full(stop - start, -np.inf, np.float32)
        if counts:
            eligible = block > ELIGIBLE_ABOVE
            e_row = np.count_nonzero(eligible, axis=1)
            e_col = np.count_nonzero(eligible, axis=0)
            best = np.where(e_row > 0, block.max(axis=1, initial=-np.inf), -np.inf)
        if len(unusable):
            # Mentors whose slots are all pinned count as eligible, not as candidates.
            block[:, unusable] = -PENALTY
        if counts and (rules.mode == "quality" or len(unusable)):
            a_row = np.count_nonzero(block >= np.float32(low), axis=1)
        elif counts:
            a_row = e_row
        if k > 0:
            r, c, v = _shortlist(block, low, k, sample)
        else:
            r, c, v = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
        return r + start, c, v, e_row, a_row, best, e_col

    with single_threaded(), ThreadPoolExecutor(max_workers=2) as pool:
        parts = list(pool.map(one, range(0, n, size)))
    if not parts:
        empty = np.zeros(0, np.int64)
        return Scan(
            empty,
            empty.copy(),
            np.zeros(0, np.float32),
            empty.copy(),
            empty.copy(),
            np.zeros(0),
            np.zeros(m, np.int64),
            matrix,
        )
    return Scan(
        row=np.concatenate([p[0] for p in parts]).astype(np.int64),
        mentor=np.concatenate([p[1] for p in parts]).astype(np.int64),
        score=np.concatenate([p[2] for p in parts]),
        eligible=np.concatenate([p[3] for p in parts]).astype(np.int64),
        allowed=np.concatenate([p[4] for p in parts]).astype(np.int64),
        best=np.concatenate([p[5] for p in parts]).astype(np.float64),
        eligible_per_mentor=np.sum([p[6] for p in parts], axis=0).astype(np.int64),
        matrix=matrix,
    )


def more_of_rows(
    score: np.ndarray,
    low: float,
    rows: np.ndarray,
    after_score: np.ndarray,
    after_col: np.ndarray,
    k: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The next k allowed entries of the given rows, after (after_score, after_col) in order."""
    if len(rows) == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty.copy(), np.zeros(0, np.float32)
    block = _allowed_only(score[rows], low)
    cols = np.arange(block.shape[1])[None, :]
    last = after_score[:, None].astype(np.float32)
    later = (block < last) | ((block == last) & (cols > after_col[:, None]))
    block = np.where(later, block, -np.inf)
    r, c = where2d(block >= _exact_cut(block, k)[:, None])
    r, c, v = _in_order(r, c, block[r, c], len(rows), k)
    return rows[r], c, v


def best_of_rows(
    score: np.ndarray, low: float, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, score) of each row's first k entries scored at least ``low``, for a
    matrix already built (``scan`` does the same block by block while scoring)."""
    score = np.asarray(score, np.float32)
    m = score.shape[1]
    if score.shape[0] == 0 or m == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty.copy(), np.zeros(0, np.float32)
    sample = np.sort(np.random.default_rng(0).choice(m, size=min(m, _SAMPLE), replace=False))
    return _shortlist(score, low, k, sample)
