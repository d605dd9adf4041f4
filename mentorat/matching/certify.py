"""The optimal dense assignment, solved on shortlists and proven optimal on the whole matrix.

The Hungarian algorithm on the full mentee x slot matrix spends most of its time on
pairs that no optimum uses. Here the assignment is solved on each mentee's best entries
only (a sparse Jonker-Volgenant solve), then dual prices are derived for it: a price
``v`` per mentor and ``u`` per mentee with ``u + v >= value`` on every shortlisted pair
and equality on the chosen ones. If the inequality holds on every allowed pair of the
full matrix, linear-programming duality proves the assignment optimal for the full
matrix; otherwise the pairs that break it join the shortlists and the solve is redone.

The problem is the transportation linear program
``max sum value[i, j] x[i, j]``, each mentee at most one mentor, mentor j at most
``capacity[j]`` mentees. Its dual is ``min sum u + sum capacity * v`` with ``u, v >= 0``
and ``u[i] + v[j] >= value[i, j]``; complementary slackness says ``u[i] = 0`` for an
unmatched mentee and ``v[j] = 0`` for a mentor with a free slot.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from .assign import utility
from .shortlist import where2d

_ROUNDS = 12
_EPS = 1e-6
_BLOCK_ROWS = 1024

Edges = tuple[np.ndarray, np.ndarray, np.ndarray]


def pair_value(
    score: np.ndarray, bonus: float, floor: float | None, strength: float
) -> NDArray[np.float64]:
    """What a pair is worth to the linear program (float64)."""
    return utility(np.asarray(score, np.float64), floor, strength) + bonus


def score_at_most(
    value: np.ndarray, bonus: float, floor: float | None, strength: float
) -> NDArray[np.float64]:
    """The largest score whose pair value is at most ``value`` (the inverse of pair_value)."""
    y = np.asarray(value, np.float64) - bonus
    if floor is None or strength == 0:
        return y
    # utility is score above the floor and floor + (1 + strength) (score - floor) below.
    return np.where(y >= floor, y, floor + (y - floor) / (1.0 + strength))


def solve_shortlist(
    mentee: np.ndarray, mentor: np.ndarray, value: np.ndarray, capacity: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-value assignment on the given pairs (sparse Jonker-Volgenant).

    Each mentor is expanded into ``capacity`` identical slot columns, and each mentee gets a
    private "left unmatched" column worth 0, so that a full matching always exists.
    Returns the chosen (mentee, mentor) pairs, sorted by mentee.
    """
    if len(mentee) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    cap = capacity[mentor]
    slot_start = np.concatenate([[0], np.cumsum(capacity)[:-1]])
    first = np.repeat(np.cumsum(cap) - cap, cap)
    offset = np.arange(int(cap.sum())) - first
    rows = np.concatenate([np.repeat(mentee, cap), np.arange(n)])
    slots = int(capacity.sum())
    cols = np.concatenate([np.repeat(slot_start[mentor], cap) + offset, slots + np.arange(n)])
    # Costs must be non-zero for the sparse solver: all are at least 1.
    top = float(value.max()) + 1.0
    costs = np.concatenate([top - np.repeat(value, cap), np.full(n, top)])
    graph = sparse.csr_matrix((costs, (rows, cols)), shape=(n, slots + n))
    r, c = min_weight_full_bipartite_matching(graph)
    real = c < slots
    slot_mentor = np.repeat(np.arange(len(capacity)), capacity)
    return r[real].astype(np.int64), slot_mentor[c[real]].astype(np.int64)


def dual_prices(
    mentee: np.ndarray,
    mentor: np.ndarray,
    value: np.ndarray,
    chosen_e: np.ndarray,
    chosen_r: np.ndarray,
    capacity: np.ndarray,
    n: int,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Prices (u per mentee, v per mentor) proving the chosen pairs optimal on these pairs.

    The conditions are difference constraints between mentor prices (a mentee matched to
    k prefers k at prices v: ``v[k] - v[j] <= value[i, k] - value[i, j]``), so the largest
    prices are shortest-path distances from a root fixed at 0 (Bellman-Ford). Returns None
    if the chosen pairs are not optimal after all (a negative cycle), which the caller
    treats as a failed certificate.
    """
    m = len(capacity)
    root = m
    match = np.full(n, -1, np.int64)
    match[chosen_e] = chosen_r
    key = mentee * m + mentor
    order = np.argsort(key)
    pos = order[np.searchsorted(key, chosen_e * m + chosen_r, sorter=order)]
    chosen_value = np.zeros(n)
    chosen_value[chosen_e] = value[pos]

    load = np.bincount(chosen_r, minlength=m)
    matched = match[mentee] >= 0
    other = matched & (mentor != match[mentee])
    # Arcs tail -> head of length: v[head] <= v[tail] + length.
    tails = np.concatenate(
        [
            mentor[other],
            np.full(len(chosen_e), root),
            np.full(int((load < capacity).sum()), root),
        ]
    )
    heads = np.concatenate([match[mentee[other]], chosen_r, np.flatnonzero(load < capacity)])
    lengths = np.concatenate(
        [
            chosen_value[mentee[other]] - value[other],
            chosen_value[chosen_e],
            np.zeros(int((load < capacity).sum())),
        ]
    )
    dist = np.full(m + 1, np.inf)
    dist[root] = 0.0
    by_head = np.argsort(heads, kind="stable")
    tails, heads, lengths = tails[by_head], heads[by_head], lengths[by_head]
    starts = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]]) if len(heads) else heads
    for _ in range(m + 2):
        reach = dist[tails] + lengths
        best = np.minimum.reduceat(reach, starts) if len(heads) else reach
        target = heads[starts] if len(heads) else heads
        better = best < dist[target] - 1e-9
        if not better.any():
            break
        dist[target[better]] = best[better]
    else:
        return None
    v = dist[:m]
    v[~np.isfinite(v)] = 0.0  # mentors without any shortlisted pair
    if (v < -_EPS).any():
        return None
    v = np.maximum(v, 0.0)
    u = np.zeros(n)
    u[chosen_e] = chosen_value[chosen_e] - v[chosen_r]
    # The constraints the shortest paths do not enforce: they must hold, or no prices exist.
    if (u < -_EPS).any() or (value - u[mentee] - v[mentor] > _EPS).any():
        return None
    return u, v


def violations(
    score: np.ndarray,
    low: float,
    u: np.ndarray,
    v: np.ndarray,
    bonus: float,
    floor: float | None,
    strength: float,
    k: int,
    beyond: np.ndarray,
) -> Edges:
    """Allowed pairs (score >= low) where ``u + v >= value`` fails, up to k per row.

    ``beyond[i]`` bounds the scores of row i's pairs that are not shortlisted (the
    shortlist is a prefix of the row in score order; -inf when it holds the whole row):
    shortlisted pairs meet the inequality by construction, so a row whose ``u`` alone
    pays for ``beyond`` needs no look at all.
    """
    # Prices are never negative, so a pair whose score is at most what u alone pays for
    # is fine whatever its mentor's price: one comparison in float32 rules out almost all
    # (the margin covers float32 rounding; the survivors are checked in float64).
    reach = np.maximum(score_at_most(u, bonus, floor, strength) - 1e-3, low - 1e-3)
    reach = reach.astype(np.float32)
    look = np.flatnonzero(reach < beyond)
    out_e, out_r, out_v = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0)]
    for s in range(0, len(look), _BLOCK_ROWS):
        rows = look[s : s + _BLOCK_ROWS]
        r, c = where2d(score[rows] > reach[rows, None])
        r = rows[r]
        found = score[r, c]
        val = pair_value(found, bonus, floor, strength)
        bad = (val - u[r] - v[c] > _EPS) & (found >= np.float32(low))
        out_e.append(r[bad])
        out_r.append(c[bad])
        out_v.append(val[bad])
    e, r, val = np.concatenate(out_e), np.concatenate(out_r), np.concatenate(out_v)
    if len(e) == 0:
        return e.astype(np.int64), r.astype(np.int64), val
    # The worst-broken first, at most k per row: enough for the next round to move.
    slack = val - u[e] - v[r]
    order = np.lexsort((r, -slack, e))
    e, r, val = e[order], r[order], val[order]
    starts = np.searchsorted(e, np.arange(score.shape[0]))
    keep = np.arange(len(e)) - starts[e] < k
    return e[keep].astype(np.int64), r[keep].astype(np.int64), val[keep]


def certified_assign(
    score: np.ndarray,
    low: float,
    capacity: np.ndarray,
    shortlist: Edges,
    bonus: float,
    floor: float | None,
    strength: float,
    k: int,
    fallback: Callable[[], tuple[np.ndarray, np.ndarray]],
) -> tuple[tuple[np.ndarray, np.ndarray], int]:
    """The optimal (mentee, mentor) pairs of the full matrix, and the rounds it took.

    ``shortlist`` is (mentee, mentor, score) of each mentee's best allowed pairs; the
    allowed pairs are those scored at least ``low`` (mentors without capacity are below).
    After ``_ROUNDS`` rounds without a certificate, ``fallback()`` (the full Hungarian
    solve) decides.
    """
    n = score.shape[0]
    mentee, mentor = shortlist[0], shortlist[1]
    value = pair_value(shortlist[2], bonus, floor, strength)
    # The lowest shortlisted score of each row bounds the rest of the row, unless the
    # shortlist holds all of the row's allowed pairs.
    beyond = np.full(n, -np.inf, np.float32)
    beyond[mentee] = shortlist[2]  # each row in descending order: the last write wins
    beyond[np.bincount(mentee, minlength=n) < k] = -np.inf
    for rounds in range(1, _ROUNDS + 1):
        chosen = solve_shortlist(mentee, mentor, value, capacity, n)
        prices = dual_prices(mentee, mentor, value, *chosen, capacity, n)
        if prices is None:
            break
        e, r, val = violations(score, low, *prices, bonus, floor, strength, k, beyond)
        if len(e) == 0:
            return chosen, rounds
        mentee = np.concatenate([mentee, e])
        mentor = np.concatenate([mentor, r])
        value = np.concatenate([value, val])
    return fallback(), -1
