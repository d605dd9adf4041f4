"""Optimal assignment: a dense Hungarian solve, or a min-cost flow on candidate lists.

Both maximise the sum of a pair value. In "coverage" mode every allowed pair is worth a
bonus larger than any possible gain in score, so the most mentees are matched first and
the total score is maximised among those assignments. With fairness on, the value of a
pair below the floor loses ``strength`` points per point under it: a concave utility, so
lifting a worst-off mentee is worth more than the same gain for a well-served one.
"""

from __future__ import annotations

import numpy as np
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


def dense_assign(cost: np.ndarray, slots: np.ndarray, ok: np.ndarray):
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
):
    """Min-cost flow: mentee -> mentor arcs for the candidate edges, mentor -> sink capacity,
    and a mentee -> sink arc meaning "left unmatched", so the flow is always feasible."""
    m = len(capacity)
    if len(mentee) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if rules.mode == "coverage":
        bonus = (100.0 + strength * (floor or 0.0)) * (min(n_mentees, int(capacity.sum())) + 1)
    else:
        bonus = _bonus(rules, floor, strength)
    # Integer costs: hundredths of a point, all non-negative (cost = top value - value).
    u = utility(score.astype(np.float64), floor, strength)
    value = np.rint((bonus + u) * 100).astype(np.int64)
    top = int(value.max())
    sink = n_mentees + m
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([mentee, np.arange(n_mentees), n_mentees + np.arange(m)])
    heads = np.concatenate([n_mentees + mentor, np.full(n_mentees, sink), np.full(m, sink)])
    caps = np.concatenate(
        [np.ones(len(mentee), np.int64), np.ones(n_mentees, np.int64), capacity.astype(np.int64)]
    )
    costs = np.concatenate([top - value, np.full(n_mentees, top), np.zeros(m, np.int64)])
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(sink + 1, np.int64)
    supplies[:n_mentees] = 1
    supplies[sink] = -n_mentees
    flow.set_nodes_supplies(np.arange(sink + 1), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    used = flow.flows(np.arange(len(mentee))) > 0
    order = np.argsort(mentee[used], kind="stable")
    return mentee[used][order].astype(np.int64), mentor[used][order].astype(np.int64)
