"""The greedy baseline: repeatedly take the best remaining allowed pair.

It is what a person would do by hand, and the yardstick the quality report compares the
optimal assignment with. Ties go to the lower mentee, then the lower mentor index.
"""

from __future__ import annotations

import numpy as np

_SAMPLE = 200_000


def greedy_edges(
    mentee: np.ndarray, mentor: np.ndarray, score: np.ndarray, capacity: np.ndarray, n_mentees: int
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy on an edge list; returns the chosen (mentee, mentor) index arrays."""
    order = np.lexsort((mentor, mentee, -score.astype(np.float64)))
    left = capacity.astype(np.int64).copy()
    taken = np.zeros(n_mentees, bool)
    out_e: list[int] = []
    out_r: list[int] = []
    for i, j in zip(mentee[order].tolist(), mentor[order].tolist(), strict=True):
        if not taken[i] and left[j] > 0:
            taken[i] = True
            left[j] -= 1
            out_e.append(i)
            out_r.append(j)
    return np.asarray(out_e, np.int64), np.asarray(out_r, np.int64)


def greedy_dense(values: np.ndarray, ok: np.ndarray, capacity: np.ndarray):
    """Exact greedy on a dense matrix without sorting all of it.

    Each round takes every allowed entry at or above a cut chosen so that a few entries per
    open mentee pass, and runs the greedy on them in order; since no entry above the cut is
    left out, the choices are the ones a full sort would make. The next round looks only at
    the mentees and mentors still open, below the cut.
    """
    n, m = values.shape
    left = capacity.astype(np.int64).copy()
    taken = np.zeros(n, bool)
    out_e: list[np.ndarray] = []
    out_r: list[np.ndarray] = []
    rows, cols = np.arange(n), np.arange(m)
    cut = np.inf
    rng = np.random.default_rng(0)
    while len(rows) and len(cols):
        whole = len(rows) == n and len(cols) == m
        sub = values if whole else values[np.ix_(rows, cols)]
        sub_ok = ok if whole else ok[np.ix_(rows, cols)]
        if np.isfinite(cut):
            sub_ok = sub_ok & (sub < cut)
        want = 4 * len(rows)
        if sub.size > 4 * _SAMPLE:
            sample = rng.integers(0, sub.size, _SAMPLE)
            picked = sub.ravel()[sample][sub_ok.ravel()[sample]]
            if len(picked) == 0:
                picked = sub[sub_ok]
            if len(picked) == 0:
                break
            share = min(1.0, want / max(1, int(sub_ok.sum())))
            new_cut = np.quantile(picked, 1.0 - share, method="higher")
        else:
            flat = sub[sub_ok]
            if len(flat) == 0:
                break
            want = min(len(flat), want)
            new_cut = np.partition(flat, len(flat) - want)[len(flat) - want]
        r, c = np.nonzero(sub_ok & (sub >= new_cut))
        e, j = greedy_edges(rows[r], cols[c], sub[r, c], left, n)
        taken[e] = True
        np.subtract.at(left, j, 1)
        out_e.append(e)
        out_r.append(j)
        cut = new_cut
        rows = rows[~taken[rows]]
        cols = cols[left[cols] > 0]
    if not out_e:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_e), np.concatenate(out_r)
