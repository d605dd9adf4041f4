"""solve(), greedy() and score_matrix(): from candidates and rules to a proposal to review.

The entry points of the package, and the run they share: candidates sorted by id, rules
and pins checked (``exclusions``, ``pins``), the cohort encoded (``features``), solved
(``solvers``: the dense or sparse solver and the greedy baseline), then explained and
reported (``outcome``). Python's cyclic garbage collector is paused meanwhile.
"""

from __future__ import annotations

import dataclasses
import gc
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Literal

import numpy as np

from .candidate import Candidate
from .exclusions import pair_exclusions
from .features import ELIGIBLE_ABOVE, encode
from .outcome import build_proposal
from .pins import check_pins
from .proposal import Proposal
from .rules import MatchingRules
from .scoring import PairRules, score_rows
from .solvers import run_solver

Mode = Literal["coverage", "quality"]


def solve(
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    rules: MatchingRules,
    *,
    hierarchy: Mapping[str, str | None] | None = None,
    pinned: Iterable[tuple[int, int]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
    previous_pairs: Iterable[tuple[str, str]] = (),
    mode: Mode | None = None,
    labels: Mapping[str, str] | None = None,
) -> Proposal:
    """The optimal assignment under the programme's rules, explained, with its report.

    ``labels`` gives French labels of tags (``{"mobilite-hors-juridiction": "Mobilité hors
    juridiction"}``, as applications store them), over the preset's ``[matching.labels]``;
    a tag with no label is shown with its dashes turned into spaces.
    """
    return _run(
        mentors,
        mentees,
        rules,
        hierarchy or {},
        pinned,
        forbidden,
        previous_pairs,
        mode,
        labels,
        optimal=True,
    )


def greedy(
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    rules: MatchingRules,
    *,
    hierarchy: Mapping[str, str | None] | None = None,
    pinned: Iterable[tuple[int, int]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
    previous_pairs: Iterable[tuple[str, str]] = (),
    mode: Mode | None = None,
    labels: Mapping[str, str] | None = None,
) -> Proposal:
    """The greedy baseline under the same rules (best remaining pair first), explained;
    ``labels`` as for ``solve``."""
    return _run(
        mentors,
        mentees,
        rules,
        hierarchy or {},
        pinned,
        forbidden,
        previous_pairs,
        mode,
        labels,
        optimal=False,
    )


def _sorted(people: Sequence[Candidate], role: str) -> list[Candidate]:
    # Sorting by id makes the result independent of the order the rows came in.
    ordered = sorted(people, key=lambda c: c.id)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.id == b.id:
            raise ValueError(f"{role} id {a.id} appears twice")
    for c in ordered:
        if c.role != role:
            raise ValueError(f"candidate {c.id} is a {c.role}, given as a {role}")
    return ordered


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the engine runs.

    The engine creates no reference cycles, but it creates tens of thousands of small
    objects (explanations, criteria), and each full collection they trigger walks the
    whole cohort again: measured, a third of the run time on 5 000 x 5 000. Nothing is
    lost: the collector resumes as it was, and frees what it must later.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _run(
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    rules: MatchingRules,
    hierarchy: Mapping[str, str | None],
    pinned: Iterable[tuple[int, int]],
    forbidden: Iterable[tuple[int, int]],
    previous_pairs: Iterable[tuple[str, str]],
    mode: Mode | None,
    labels: Mapping[str, str] | None,
    *,
    optimal: bool,
) -> Proposal:
    with _collector_paused():
        return _run_paused(
            mentors,
            mentees,
            rules,
            hierarchy,
            pinned,
            forbidden,
            previous_pairs,
            mode,
            labels,
            optimal,
        )


def _run_paused(
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    rules: MatchingRules,
    hierarchy: Mapping[str, str | None],
    pinned: Iterable[tuple[int, int]],
    forbidden: Iterable[tuple[int, int]],
    previous_pairs: Iterable[tuple[str, str]],
    mode: Mode | None,
    labels: Mapping[str, str] | None,
    optimal: bool,
) -> Proposal:
    if mode is not None:
        rules = dataclasses.replace(rules, mode=mode)
    if labels:
        rules = dataclasses.replace(rules, labels={**rules.labels, **labels})
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    mentors, mentees = _sorted(mentors, "mentor"), _sorted(mentees, "mentee")
    forbidden = list(forbidden)
    enc = encode(mentors, mentees, rules)
    pair_rules = PairRules(
        *pair_exclusions(mentors, mentees, rules, hierarchy, forbidden, previous_pairs)
    )
    pin_e, pin_r = check_pins(
        list(pinned), set(forbidden), mentors, mentees, enc, rules, pair_rules
    )
    capacity = np.array([r.capacity for r in mentors], np.int64)
    capacity -= np.bincount(pin_r, minlength=len(mentors)).astype(np.int64)
    free = np.setdiff1d(np.arange(len(mentees)), pin_e)
    timings["rules"] = time.perf_counter() - clock

    solved = run_solver(enc, rules, pair_rules, free, capacity, len(mentees), optimal, timings)
    return build_proposal(
        mentors, mentees, enc, rules, pair_rules, solved, pin_e, pin_r, optimal, timings
    )


def score_matrix(
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    rules: MatchingRules,
    *,
    hierarchy: Mapping[str, str | None] | None = None,
    forbidden: Iterable[tuple[int, int]] = (),
    previous_pairs: Iterable[tuple[str, str]] = (),
) -> tuple[list[int], list[int], np.ndarray]:
    """(mentee ids, mentor ids, scores) with NaN where a hard rule forbids the pair.

    For inspection and for checking the solver against another one; ``solve`` does not
    build this matrix when the cohort is large.
    """
    mentors, mentees = _sorted(mentors, "mentor"), _sorted(mentees, "mentee")
    enc = encode(mentors, mentees, rules)
    pair_rules = PairRules(
        *pair_exclusions(mentors, mentees, rules, hierarchy or {}, list(forbidden), previous_pairs)
    )
    block = score_rows(enc, np.arange(len(mentees)), rules, pair_rules).astype(np.float64)
    block[block <= ELIGIBLE_ABOVE] = np.nan
    return [c.id for c in mentees], [c.id for c in mentors], block
