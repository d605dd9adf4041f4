"""Assignment values, the full Hungarian solve and the min-cost flow on candidate lists.

The dense solver normally solves on shortlists and proves optimality (``certify``); the
full Hungarian solve here is its last resort. All maximise the sum of a pair value. In
"coverage" mode the most mentees are matched first (a bonus per pair larger than any
possible gain in score, or a maximum flow), and the total is maximised among those
assignments. With fairness on, the value of a pair below the floor loses ``strength``
points per point under it: a concave utility, so lifting a worst-off mentee is worth more
than the same gain for a well-served one.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow
from scipy.optimize import linear_sum_assignment

from .rules import MatchingRules


def utility(score: np.ndarray, floor: float | None, strength: float) -> np.ndarray:
    """score + strength * min(0, score - floor), in the dtype of ``score``."""
    if floor is None or strength == 0:
        return score.copy()
    u = np.minimum(score, score.dtype.type(floor))
    u -= score.dtype.type(floor)
    u *= score.dtype.type(strength)
    u += score
    return u


def _bonus(rules: MatchingRules, floor: float | None, strength: float) -> float:
    """What every allowed pair is worth on top of its utility, so it beats no pair at all."""
    if floor is None or strength == 0:
        return 0.0
    return (
        strength * max(0.0, floor - (rules.quality_threshold if rules.mode == "quality" else 0.0))
        + 1e-3
    )


def pair_bonus(
    rules: MatchingRules, floor: float | None, strength: float, mentees: int, slots: int
) -> float:
    """What a pair is worth on top of its utility in the linear program (flow, certificate).

    In coverage mode it exceeds any total utility difference, so the most pairs win first.
    """
    if rules.mode == "coverage":
        return (100.0 + strength * (floor or 0.0)) * (min(mentees, slots) + 1)
    return _bonus(rules, floor, strength)


def dense_cost(
    score: np.ndarray,
    ok: np.ndarray,
    capacity: np.ndarray,
    rules: MatchingRules,
    floor: float | None,
    strength: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The Hungarian cost matrix (float64, one column per mentor slot) and slot -> mentor.

    Every mentee row is assigned to some column (or every column to some row when mentees
    outnumber slots), so a constant added to the cost of all of a row's forbidden entries
    shifts all assignments alike. In coverage mode a forbidden entry costs more than any
    possible gain in score, which is the same as a bonus per pair made: most pairs first.
    In quality mode it costs nothing, as a pair not made, and the total score decides.
    """
    cost = utility(score, floor, strength)
    cost += cost.dtype.type(_bonus(rules, floor, strength))
    np.negative(cost, out=cost)
    if rules.mode == "coverage":
        forbidden_cost = (100.0 + strength * (floor or 0.0)) * (min(score.shape) + 1) + 1.0
    else:
        forbidden_cost = 0.0
    np.copyto(cost, cost.dtype.type(forbidden_cost), where=~ok)
    slots = np.repeat(np.arange(len(capacity)), capacity)
    return np.repeat(cost.astype(np.float64), capacity, axis=1), slots


def dense_assign(
    cost: np.ndarray, slots: np.ndarray, ok: np.ndarray
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    if cost.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rows, cols = linear_sum_assignment(cost)
    mentors = slots[cols]
    keep = ok[rows, mentors]  # zero-cost filler pairs are not pairs
    order = np.argsort(rows[keep], kind="stable")
    return rows[keep][order].astype(np.int64), mentors[keep][order].astype(np.int64)


def flow_assign(
    mentee: np.ndarray,
    mentor: np.ndarray,
    score: np.ndarray,
    capacity: np.ndarray,
    n_mentees: int,
    rules: MatchingRules,
    floor: float | None,
    strength: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Min-cost flow on the candidate edges: source -> mentee -> mentor -> sink.

    Coverage mode asks for a maximum flow (the most pairs) of minimum cost, which keeps the
    costs to the pairs' utilities: a bonus per pair large enough to make pairs come first
    would make the cost range, and the solver's scaling phases, far larger. Quality mode
    adds a mentee -> sink arc meaning "left unmatched", worth nothing, and any pair at the
    threshold is worth more than that. Costs are integers: hundredths of a point.
    """
    m = len(capacity)
    if len(mentee) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    coverage = rules.mode == "coverage"
    bonus = 0.0 if coverage else _bonus(rules, floor, strength)
    value = np.rint((bonus + utility(score.astype(np.float64), floor, strength)) * 100)
    value = value.astype(np.int64)
    top = max(int(value.max()), 0)
    source, sink = n_mentees + m, n_mentees + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = [mentee, np.full(n_mentees, source), n_mentees + np.arange(m)]
    heads = [n_mentees + mentor, np.arange(n_mentees), np.full(m, sink)]
    caps = [np.ones(len(mentee), np.int64), np.ones(n_mentees, np.int64), capacity]
    costs = [top - value, np.zeros(n_mentees, np.int64), np.zeros(m, np.int64)]
    if not coverage:
        tails.append(np.arange(n_mentees))
        heads.append(np.full(n_mentees, sink))
        caps.append(np.ones(n_mentees, np.int64))
        costs.append(np.full(n_mentees, top))
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails),
        np.concatenate(heads),
        np.concatenate(caps).astype(np.int64),
        np.concatenate(costs),
    )
    flow.set_node_supply(source, n_mentees)
    flow.set_node_supply(sink, -n_mentees)
    status = flow.solve_max_flow_with_min_cost() if coverage else flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    used = flow.flows(np.arange(len(mentee))) > 0
    order = np.argsort(mentee[used], kind="stable")
    return mentee[used][order].astype(np.int64), mentor[used][order].astype(np.int64)
