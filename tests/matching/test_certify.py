"""The exact shortcuts of the dense solver: shortlists, the greedy from shortlists, and the
assignment solved on shortlists then proven optimal on the whole matrix."""

from functools import partial

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from mentorat.matching import MatchingRules
from mentorat.matching.assign import dense_assign, dense_cost
from mentorat.matching.baseline import greedy_edges, greedy_lists
from mentorat.matching.certify import certified_assign, pair_value
from mentorat.matching.shortlist import best_of_rows, more_of_rows

LOW = -0.5  # scores below are not allowed


@st.composite
def matrices(draw):
    n, m = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # Few distinct scores, so that ties are everywhere; -1e6 marks a forbidden pair.
    score = (rng.integers(0, 6, (n, m)) * 10.0).astype(np.float32)
    score[rng.random((n, m)) < draw(st.sampled_from([0.0, 0.3, 0.8]))] = -1e6
    capacity = rng.integers(0, 3, m)
    score[:, capacity == 0] = -1e6
    return score, capacity, draw(st.integers(1, 3))


def optimum(score, capacity, bonus, floor, strength) -> float:
    """The best total value by the Hungarian algorithm on mentor slots plus a "nobody"
    column per mentee, written apart from the engine."""
    n = score.shape[0]
    value = np.where(score >= LOW, pair_value(score, bonus, floor, strength), -1e12)
    slots = np.repeat(np.arange(score.shape[1]), capacity)
    nobody = np.where(np.eye(n) > 0, 0.0, -1e12)
    full = np.concatenate([value[:, slots], nobody], axis=1)
    rows, cols = linear_sum_assignment(full, maximize=True)
    return float(full[rows, cols].sum())


@settings(max_examples=200, deadline=None)
@given(matrices())
def test_a_shortlist_is_the_start_of_the_row_in_score_then_mentor_order(case):
    score, _, k = case
    rows, cols, values = best_of_rows(score, LOW, k)
    for i in range(score.shape[0]):
        expected = sorted((-score[i, j], j) for j in range(score.shape[1]) if score[i, j] >= LOW)
        assert [(-v, j) for r, j, v in zip(rows, cols, values, strict=True) if r == i] == (
            expected[:k]
        )


@settings(max_examples=200, deadline=None)
@given(matrices())
def test_the_greedy_from_shortlists_makes_the_same_choices_as_the_full_greedy(case):
    score, capacity, k = case
    allowed = (score >= LOW).sum(axis=1)
    more = partial(more_of_rows, score, LOW, k=k)
    e, r = greedy_lists(*best_of_rows(score, LOW, k), allowed, capacity, more)
    full_e, full_r = np.nonzero(score >= LOW)
    expected = greedy_edges(full_e, full_r, score[full_e, full_r], capacity, score.shape[0])
    chosen = sorted(zip(e.tolist(), r.tolist(), strict=True))
    assert chosen == sorted(zip(expected[0].tolist(), expected[1].tolist(), strict=True))


@settings(max_examples=200, deadline=None)
@given(
    matrices(),
    st.sampled_from(["coverage", "quality"]),
    st.sampled_from([None, 15.0, 35.0]),
    st.sampled_from([0.0, 1.0, 2.0]),
)
def test_the_certified_assignment_is_optimal_even_from_one_candidate_per_mentee(
    case, mode, floor, strength
):
    score, capacity, k = case
    n = score.shape[0]
    slots = int(capacity.sum())
    top = 100.0 + strength * (floor or 0.0)
    bonus = top * (min(n, slots) + 1) if mode == "coverage" else top

    def hungarian():
        raise AssertionError("the certificate should not need the full Hungarian solve")

    (e, r), _ = certified_assign(
        score, LOW, capacity, best_of_rows(score, LOW, k), bonus, floor, strength, k, hungarian
    )
    assert len(set(e.tolist())) == len(e)
    assert (np.bincount(r, minlength=len(capacity)) <= capacity).all()
    assert (score[e, r] >= LOW).all()
    total = float(pair_value(score[e, r], bonus, floor, strength).sum())
    assert abs(total - optimum(score, capacity, bonus, floor, strength)) < 1e-6 * max(1, total)


@settings(max_examples=100, deadline=None)
@given(matrices(), st.sampled_from([None, 15.0]), st.sampled_from([0.0, 1.0]))
def test_the_full_hungarian_fallback_is_optimal_too(case, floor, strength):
    # What certified_assign falls back on if no certificate comes: the coverage mode's
    # cost matrix over mentor slots, solved whole.
    score, capacity, _ = case
    n, slots = score.shape[0], int(capacity.sum())
    rules = MatchingRules(mode="coverage")
    ok = score >= LOW
    e, r = dense_assign(*dense_cost(score, ok, capacity, rules, floor, strength), ok)
    bonus = (100.0 + strength * (floor or 0.0)) * (min(n, slots) + 1)
    total = float(pair_value(score[e, r], bonus, floor, strength).sum())
    assert abs(total - optimum(score, capacity, bonus, floor, strength)) < 1e-6 * max(1, total)
