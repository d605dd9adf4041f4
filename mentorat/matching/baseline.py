"""The greedy baseline: repeatedly take the best remaining allowed pair.

It is what a person would do by hand, and the yardstick the quality report compares the
optimal assignment with. Ties go to the lower mentee, then the lower mentor index.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

# more(rows, after_score, after_mentor) -> (mentee, mentor, score) of the rows' next entries
MoreRows = Callable[
    [NDArray[np.int64], NDArray[np.float32], NDArray[np.int64]],
    tuple[np.ndarray, np.ndarray, np.ndarray],
]


def greedy_edges(
    mentee: np.ndarray, mentor: np.ndarray, score: np.ndarray, capacity: np.ndarray, n_mentees: int
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy on an edge list; returns the chosen (mentee, mentor) index arrays."""
    order = np.lexsort((mentor, mentee, -score.astype(np.float64)))
    left = capacity.astype(np.int64).copy()
    taken = np.zeros(n_mentees, bool)
    e, r = mentee[order], mentor[order]
    chosen = _walk(e.tolist(), r.tolist(), taken, left)
    return e[chosen].astype(np.int64), r[chosen].astype(np.int64)


def _walk(
    mentee: list[int], mentor: list[int], taken: np.ndarray, left: np.ndarray
) -> NDArray[np.int64]:
    """Positions of the edges the greedy takes, walking them in order (state is updated)."""
    # Plain Python containers: indexing a numpy array one item at a time is far slower.
    is_taken = bytearray(taken.tobytes())
    slots = left.tolist()
    chosen: list[int] = []
    for pos, (i, j) in enumerate(zip(mentee, mentor, strict=True)):
        if not is_taken[i] and slots[j] > 0:
            is_taken[i] = 1
            slots[j] -= 1
            chosen.append(pos)
    taken[:] = np.frombuffer(bytes(is_taken), np.uint8).astype(bool)
    left[:] = slots
    return np.asarray(chosen, np.int64)


def greedy_lists(
    mentee: np.ndarray,
    mentor: np.ndarray,
    score: np.ndarray,
    allowed_count: np.ndarray,
    capacity: np.ndarray,
    more: MoreRows,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact greedy on a dense matrix from each row's shortlist (see ``shortlist``).

    A row whose shortlist runs out before the row is taken, while it has more allowed
    entries, would have its next entry considered by the full greedy at a later point: the
    choices made up to that point are kept, the row gets ``more(rows, after_score,
    after_mentor)`` entries, and the walk resumes from there. ``allowed_count`` is indexed
    by row (mentee); rows must come sorted in shortlist order.
    """
    n = len(allowed_count)
    left = capacity.astype(np.int64).copy()
    taken = np.zeros(n, bool)
    listed = np.bincount(mentee, minlength=n)
    last = np.full(n, -1, np.int64)  # position of each row's last listed entry in the input
    last[mentee] = np.arange(len(mentee))
    last_score, last_mentor = np.zeros(n, np.float32), np.zeros(n, np.int64)
    has = last >= 0
    last_score[has], last_mentor[has] = score[last[has]], mentor[last[has]]
    out_e: list[np.ndarray] = []
    out_r: list[np.ndarray] = []
    e, r, v = mentee, mentor, score
    while len(e):
        order = np.lexsort((r, e, -v.astype(np.float64)))
        e, r, v = e[order], r[order], v[order]
        keep = ~taken[e] & (left[r] > 0)
        e, r, v = e[keep], r[keep], v[keep]
        trial_taken, trial_left = taken.copy(), left.copy()
        chosen = _walk(e.tolist(), r.tolist(), trial_taken, trial_left)
        row_end = np.full(n, -1, np.int64)
        row_end[e] = np.arange(len(e))  # e is in walk order: the last write is the row's end
        # Rows that may still have entries beyond their shortlist, and were not taken; one
        # whose shortlist was used up before this walk ran dry at its start (-1).
        dry = np.flatnonzero(~trial_taken & (listed < allowed_count))
        if len(dry) == 0:
            out_e.append(e[chosen])
            out_r.append(r[chosen])
            break
        stop = int(row_end[dry].min())
        sure = chosen[chosen <= stop]
        taken[e[sure]] = True
        np.subtract.at(left, r[sure], 1)
        out_e.append(e[sure])
        out_r.append(r[sure])
        # Rows that ran dry get their next entries; nothing before ``stop`` can change.
        dry = dry[~taken[dry]]
        ne, nr, nv = more(dry, last_score[dry], last_mentor[dry])
        np.add.at(listed, ne, 1)
        got = np.bincount(ne, minlength=n)[dry] > 0
        # A dry row with no more allowed entries is done: it is no longer "truncated".
        listed[dry[~got]] = allowed_count[dry[~got]]
        if len(ne):
            ends = np.full(n, -1, np.int64)
            ends[ne] = np.arange(len(ne))
            filled = dry[got]
            last_score[filled], last_mentor[filled] = nv[ends[filled]], nr[ends[filled]]
        e = np.concatenate([e[stop + 1 :], ne])
        r = np.concatenate([r[stop + 1 :], nr])
        v = np.concatenate([v[stop + 1 :], nv])
    if not out_e:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_e), np.concatenate(out_r)
