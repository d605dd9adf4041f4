"""From the scored cohort to the chosen pairs: the dense or the sparse solver, and greedy.

``run_solver`` picks the solver (``rules.solver``, or by size under ``"auto"``), scans the
score matrix once, sets the fairness floor, runs the greedy baseline and, when asked for
the optimum, the assignment: on the dense path the certified assignment on shortlists
(``certify``, the Hungarian algorithm as last resort), on the sparse path a min-cost flow
on each mentee's ``top_k`` best mentors. If fairness would bring the total under the
greedy baseline's, the plain optimum is kept. It also counts, per mentee and per mentor,
what the explanations of the people left out need. Pinned mentees are not passed in.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import TypeVar, TypeVarTuple

import numpy as np
from numpy.typing import NDArray

from .assign import dense_assign, dense_cost, flow_assign, pair_bonus
from .baseline import greedy_edges, greedy_lists
from .certify import certified_assign
from .features import ELIGIBLE_ABOVE, Encoding
from .rules import MatchingRules
from .scoring import Candidates, PairRules, lowest_allowed
from .shortlist import Scan, more_of_rows, scan

_T = TypeVar("_T")
_Args = TypeVarTuple("_Args")
# (mentee index, mentor index) of pairs
Pairs = tuple[NDArray[np.int64], NDArray[np.int64]]


@dataclasses.dataclass
class Solved:
    solver: str
    pairs: tuple[np.ndarray, np.ndarray]  # mentee index, mentor index (pinned excluded)
    greedy: tuple[np.ndarray, np.ndarray]
    eligible_per_mentee: np.ndarray  # indexed by mentee index
    allowed_per_mentee: np.ndarray
    best_per_mentee: np.ndarray
    eligible_per_mentor: np.ndarray
    floor: float | None
    rounds: int | None = None  # certificate rounds of the dense solver


def fairness_floor(rules: MatchingRules, best_per_mentee: np.ndarray) -> float | None:
    """The score under which a pair counts for less; None when fairness is off."""
    if not rules.fairness or rules.fairness_strength == 0:
        return None
    if rules.fairness_floor is not None:
        return float(rules.fairness_floor)
    # By default, the score the worst-served tenth of mentees could at best reach: a pair
    # below it is a poor one for anybody.
    best = best_per_mentee[np.isfinite(best_per_mentee)]
    return float(np.percentile(best, 10)) if len(best) else None


def run_solver(
    enc: Encoding,
    rules: MatchingRules,
    pair_rules: PairRules,
    free: np.ndarray,
    capacity: np.ndarray,
    n: int,
    optimal: bool,
    timings: dict[str, float],
) -> Solved:
    """The pairs of the ``free`` mentees (of ``n``) on the mentors' remaining ``capacity``."""
    usable = capacity > 0
    solver = rules.solver
    if solver == "auto":
        solver = (
            "dense"
            if len(free) * max(1, int(capacity.sum())) <= rules.dense_max_cells
            else "sparse"
        )
    if solver == "dense":
        return _solve_dense(enc, rules, pair_rules, free, capacity, n, optimal, timings)

    clock = time.perf_counter()
    # Counts are only needed for the mentees left out: a second look at few rows, below.
    sc = scan(enc, free, rules, pair_rules, usable, rules.top_k, counts=False)
    cand = Candidates(free[sc.row], sc.mentor, sc.score)
    first = np.ones(len(cand.mentee), bool)
    first[1:] = cand.mentee[1:] != cand.mentee[:-1]
    floor = fairness_floor(rules, cand.score[first].astype(np.float64))
    timings["score"] = time.perf_counter() - clock
    (g_e, g_r), timings["greedy"] = _timed(
        greedy_edges, cand.mentee, cand.mentor, cand.score, capacity, n
    )
    g_scores = _edge_scores(cand, g_e, g_r)
    pairs: Pairs = (np.zeros(0, np.int64), np.zeros(0, np.int64))
    if optimal:

        def run(strength: float) -> Pairs:
            return flow_assign(
                cand.mentee, cand.mentor, cand.score, capacity, n, rules, floor, strength
            )

        clock = time.perf_counter()
        pairs = run(rules.fairness_strength if floor is not None else 0.0)
        timings["assign"] = time.perf_counter() - clock
        if floor is not None and _edge_scores(cand, *pairs).sum() < g_scores.sum():
            plain = run(0.0)
            if _edge_scores(cand, *plain).sum() > _edge_scores(cand, *pairs).sum():
                pairs = plain
    matched = np.zeros(n, bool)
    matched[pairs[0] if optimal else g_e] = True
    lonely = free[~matched[free]]
    eligible_e, allowed_e, best_e = _counts(
        scan(enc, lonely, rules, pair_rules, usable, 0), lonely, n
    )
    shortlisted = np.bincount(cand.mentor, minlength=enc.y.shape[0])
    return Solved("sparse", pairs, (g_e, g_r), eligible_e, allowed_e, best_e, shortlisted, floor)


def _counts(
    sc: Scan, free: np.ndarray, n: int
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Per mentee (all of them, pinned ones at 0): eligible, allowed, best eligible score."""
    eligible_e = np.zeros(n, np.int64)
    allowed_e = np.zeros(n, np.int64)
    best_e = np.full(n, -np.inf)
    eligible_e[free], allowed_e[free], best_e[free] = sc.eligible, sc.allowed, sc.best
    best_e[best_e <= ELIGIBLE_ABOVE] = -np.inf
    return eligible_e, allowed_e, best_e


def _solve_dense(
    enc: Encoding,
    rules: MatchingRules,
    pair_rules: PairRules,
    free: np.ndarray,
    capacity: np.ndarray,
    n: int,
    optimal: bool,
    timings: dict[str, float],
) -> Solved:
    clock = time.perf_counter()
    k = rules.top_k
    low = lowest_allowed(rules)
    # The whole matrix is kept, with each mentee's best allowed mentors: where both the
    # greedy baseline and the optimal assignment start, each fetching more of the matrix
    # only where it must.
    sc = scan(enc, free, rules, pair_rules, capacity > 0, k, keep=True)
    score = sc.matrix
    assert score is not None  # scan(keep=True) keeps it
    eligible_e, allowed_e, best_e = _counts(sc, free, n)
    short = (sc.row, sc.mentor, sc.score)
    best_allowed = np.full(len(free), -np.inf)
    best_allowed[short[0][::-1]] = short[2][::-1]  # the first entry of each row wins
    floor = fairness_floor(rules, best_allowed)
    timings["score"] = time.perf_counter() - clock

    def more(
        rows: NDArray[np.int64], after_score: NDArray[np.float32], after_mentor: NDArray[np.int64]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return more_of_rows(score, low, rows, after_score, after_mentor, k)

    (g_e, g_r), timings["greedy"] = _timed(
        greedy_lists, *short, sc.allowed, np.maximum(capacity, 0), more
    )
    pairs: tuple[np.ndarray, np.ndarray] = (np.zeros(0, np.int64), np.zeros(0, np.int64))
    certificate: list[int] = []
    if optimal:
        slots = int(np.maximum(capacity, 0).sum())

        def run(strength: float) -> tuple[np.ndarray, np.ndarray]:
            def hungarian() -> Pairs:
                ok = score >= np.float32(low)
                cost, slot_mentor = dense_cost(
                    score, ok, np.maximum(capacity, 0), rules, floor, strength
                )
                return dense_assign(cost, slot_mentor, ok)

            bonus = pair_bonus(rules, floor, strength, len(free), slots)
            chosen, rounds = certified_assign(
                score, low, np.maximum(capacity, 0), short, bonus, floor, strength, k, hungarian
            )
            certificate.append(rounds)
            return chosen

        clock = time.perf_counter()
        pairs = run(rules.fairness_strength if floor is not None else 0.0)
        timings["assign"] = time.perf_counter() - clock
        if floor is not None and score[pairs].sum() < score[g_e, g_r].sum():
            # Fairness must not cost more than the greedy baseline's total: keep the plain
            # optimum in the rare case the fairness penalty went that far.
            plain = run(0.0)
            if score[plain].sum() > score[pairs].sum():
                pairs = plain
    return Solved(
        "dense",
        (free[pairs[0]], pairs[1]),
        (free[g_e], g_r),
        eligible_e,
        allowed_e,
        best_e,
        sc.eligible_per_mentor,
        floor,
        (-1 if -1 in certificate else sum(certificate)) if certificate else None,
    )


def _timed(fn: Callable[[*_Args], _T], *args: *_Args) -> tuple[_T, float]:
    clock = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - clock


def _edge_scores(cand: Candidates, e: np.ndarray, r: np.ndarray) -> NDArray[np.float64]:
    if len(e) == 0:
        return np.zeros(0)
    # Edges are unique per (mentee, mentor); look the chosen ones up by a combined key.
    m = int(cand.mentor.max()) + 1
    keys = cand.mentee * m + cand.mentor
    order = np.argsort(keys)
    pos = order[np.searchsorted(keys, e * m + r, sorter=order)]
    return cand.score[pos].astype(np.float64)
