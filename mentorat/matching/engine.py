"""solve() and greedy(): from candidates and rules to a proposal the operator reviews."""

from __future__ import annotations

import dataclasses
import gc
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Literal

import numpy as np

from .assign import dense_assign, dense_cost, flow_assign, pair_bonus
from .baseline import greedy_edges, greedy_lists
from .candidate import Candidate
from .certify import certified_assign
from .errors import InfeasibleRules
from .exclusions import PAIR_RULES, pair_exclusions
from .explain import TagWords, explain_pair, mentee_reason, mentor_reason
from .features import ELIGIBLE_ABOVE, PENALTY, Encoding, encode
from .labels_fr import RULE_LABELS_FR, quoted
from .proposal import Proposal, ProposedPair, Unmatched
from .report import QualityReport, ScoreSummary
from .rules import CRITERIA, MatchingRules
from .scoring import Candidates, PairRules, lowest_allowed, pair_points, score_rows
from .shortlist import more_of_rows, scan

Mode = Literal["coverage", "quality"]
_RULE_ORDER = (
    "hierarchy",
    "same_person",
    "excluded",
    "no_repeat",
    "same_unit",
    "career_stage",
    "seniority",
    "language",
    "overseas_format",
)


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


@dataclasses.dataclass
class _Solved:
    solver: str
    pairs: tuple[np.ndarray, np.ndarray]  # mentee index, mentor index (pinned excluded)
    greedy: tuple[np.ndarray, np.ndarray]
    eligible_per_mentee: np.ndarray  # indexed by mentee index
    allowed_per_mentee: np.ndarray
    best_per_mentee: np.ndarray
    eligible_per_mentor: np.ndarray
    floor: float | None
    rounds: int | None = None  # certificate rounds of the dense solver


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


def _run(*args, **kwargs) -> Proposal:
    with _collector_paused():
        return _run_paused(*args, **kwargs)


def _run_paused(
    mentors, mentees, rules, hierarchy, pinned, forbidden, previous_pairs, mode, labels, optimal
):
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
    pin_e, pin_r = _check_pins(
        list(pinned), set(forbidden), mentors, mentees, enc, rules, pair_rules
    )
    capacity = np.array([r.capacity for r in mentors], np.int64)
    capacity -= np.bincount(pin_r, minlength=len(mentors)).astype(np.int64)
    free = np.setdiff1d(np.arange(len(mentees)), pin_e)
    timings["rules"] = time.perf_counter() - clock

    solved = _solve(enc, rules, pair_rules, free, capacity, len(mentees), optimal, timings)
    clock = time.perf_counter()
    opt_e, opt_r = solved.pairs if optimal else solved.greedy
    all_e = np.concatenate([pin_e, opt_e])
    all_r = np.concatenate([pin_r, opt_r])
    order = np.lexsort((all_r, all_e))
    all_e, all_r = all_e[order], all_r[order]
    pinned_set = set(zip(pin_e.tolist(), pin_r.tolist(), strict=True))

    points = pair_points(enc, all_e, all_r)
    shown = np.round(points, 2).tolist()
    shown_max = np.round(enc.max_points[all_e], 2).tolist()
    words = TagWords(rules.labels)
    pairs: list[ProposedPair] = []
    for k, (i, j) in enumerate(zip(all_e.tolist(), all_r.tolist(), strict=True)):
        is_pinned = (i, j) in pinned_set
        score, criteria, text = explain_pair(
            mentors[j], mentees[i], shown[k], shown_max[k], words, is_pinned
        )
        pairs.append(ProposedPair(mentors[j].id, mentees[i].id, score, criteria, text, is_pinned))

    unmatched = _unmatched(mentors, mentees, enc, rules, pair_rules, solved, all_e, all_r)

    g_e = np.concatenate([pin_e, solved.greedy[0]])
    g_r = np.concatenate([pin_r, solved.greedy[1]])
    g_points = pair_points(enc, g_e, g_r)
    scores = np.array([p.score for p in pairs])
    reasons: dict[str, int] = {}
    for u in unmatched:
        reasons[u.reason_code] = reasons.get(u.reason_code, 0) + 1
    report = QualityReport(
        mode=rules.mode,
        solver=solved.solver if optimal else "greedy",
        fairness=rules.fairness and optimal,
        fairness_floor=None if solved.floor is None else round(solved.floor, 2),
        mentors=len(mentors),
        mentees=len(mentees),
        slots=int(sum(r.capacity for r in mentors)),
        pinned=len(pin_e),
        result=ScoreSummary.of(scores),
        greedy=ScoreSummary.of(np.round(g_points, 2).sum(axis=1)),
        unmatched_mentees=sum(1 for u in unmatched if u.role == "mentee"),
        unmatched_mentors=sum(1 for u in unmatched if u.role == "mentor"),
        criteria_met=_criteria_met(points, enc.max_points[all_e], rules),
        greedy_criteria_met=_criteria_met(g_points, enc.max_points[g_e], rules),
        unmatched_reasons=reasons,
        top_k=rules.top_k if solved.solver == "sparse" else None,
        certificate_rounds=solved.rounds if optimal else None,
        timings=timings,
    )
    timings["explain"] = time.perf_counter() - clock
    greedy_pairs = [
        (mentors[j].id, mentees[i].id) for i, j in zip(g_e.tolist(), g_r.tolist(), strict=True)
    ]
    return Proposal(pairs, unmatched, report, sorted(greedy_pairs, key=lambda p: (p[1], p[0])))


def _criteria_met(points: np.ndarray, max_points: np.ndarray, rules: MatchingRules):
    met = (max_points > 0) & (points >= rules.criterion_met_ratio * max_points - 1e-9)
    return {name: int(met[:, k].sum()) for k, name in enumerate(CRITERIA)}


def _fairness_floor(rules: MatchingRules, best_per_mentee: np.ndarray) -> float | None:
    if not rules.fairness or rules.fairness_strength == 0:
        return None
    if rules.fairness_floor is not None:
        return float(rules.fairness_floor)
    # By default, the score the worst-served tenth of mentees could at best reach: a pair
    # below it is a poor one for anybody.
    best = best_per_mentee[np.isfinite(best_per_mentee)]
    return float(np.percentile(best, 10)) if len(best) else None


def _solve(enc: Encoding, rules, pair_rules, free, capacity, n, optimal, timings) -> _Solved:
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
    floor = _fairness_floor(rules, cand.score[first].astype(np.float64))
    timings["score"] = time.perf_counter() - clock
    (g_e, g_r), timings["greedy"] = _timed(
        greedy_edges, cand.mentee, cand.mentor, cand.score, capacity, n
    )
    g_scores = _edge_scores(cand, g_e, g_r)
    pairs = (np.zeros(0, np.int64), np.zeros(0, np.int64))
    if optimal:

        def run(strength: float):
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
    return _Solved("sparse", pairs, (g_e, g_r), eligible_e, allowed_e, best_e, shortlisted, floor)


def _counts(sc, free: np.ndarray, n: int):
    """Per mentee (all of them, pinned ones at 0): eligible, allowed, best eligible score."""
    eligible_e = np.zeros(n, np.int64)
    allowed_e = np.zeros(n, np.int64)
    best_e = np.full(n, -np.inf)
    eligible_e[free], allowed_e[free], best_e[free] = sc.eligible, sc.allowed, sc.best
    best_e[best_e <= ELIGIBLE_ABOVE] = -np.inf
    return eligible_e, allowed_e, best_e


def _solve_dense(enc: Encoding, rules, pair_rules, free, capacity, n, optimal, timings):
    clock = time.perf_counter()
    k = rules.top_k
    low = lowest_allowed(rules)
    # The whole matrix is kept, with each mentee's best allowed mentors: where both the
    # greedy baseline and the optimal assignment start, each fetching more of the matrix
    # only where it must.
    sc = scan(enc, free, rules, pair_rules, capacity > 0, k, keep=True)
    score = sc.matrix
    eligible_e, allowed_e, best_e = _counts(sc, free, n)
    short = (sc.row, sc.mentor, sc.score)
    best_allowed = np.full(len(free), -np.inf)
    best_allowed[short[0][::-1]] = short[2][::-1]  # the first entry of each row wins
    floor = _fairness_floor(rules, best_allowed)
    timings["score"] = time.perf_counter() - clock

    def more(rows, after_score, after_mentor):
        return more_of_rows(score, low, rows, after_score, after_mentor, k)

    (g_e, g_r), timings["greedy"] = _timed(
        greedy_lists, *short, sc.allowed, np.maximum(capacity, 0), more
    )
    pairs = (np.zeros(0, np.int64), np.zeros(0, np.int64))
    certificate: list[int] = []
    if optimal:
        slots = int(np.maximum(capacity, 0).sum())

        def run(strength: float):
            def hungarian():
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
    return _Solved(
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


def _timed(fn, *args):
    clock = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - clock


def _edge_scores(cand, e: np.ndarray, r: np.ndarray) -> np.ndarray:
    if len(e) == 0:
        return np.zeros(0)
    # Edges are unique per (mentee, mentor); look the chosen ones up by a combined key.
    m = int(cand.mentor.max()) + 1
    keys = cand.mentee * m + cand.mentor
    order = np.argsort(keys)
    pos = order[np.searchsorted(keys, e * m + r, sorter=order)]
    return cand.score[pos].astype(np.float64)


def _blocking(
    i: int, enc: Encoding, rules: MatchingRules, by_mentee: dict
) -> list[tuple[str, int]]:
    """The hard rules that exclude mentors for mentee i, with how many each excludes."""
    counts: dict[str, int] = {}
    counts["career_stage"] = int((~enc.mentor_ok["career_stage"]).sum())
    counts["seniority"] = int((~enc.mentor_ok["seniority"]).sum())
    if rules.hard.shared_language:
        counts["language"] = int(
            (~enc.language_ok[enc.mentee_language[i], enc.mentor_language]).sum()
        )
    if enc.mentee_overseas[i]:
        counts["overseas_format"] = int((~enc.mentor_remote).sum())
    if rules.hard.same_unit and enc.mentee_unit[i] >= 0:
        counts["same_unit"] = int((enc.mentor_unit == enc.mentee_unit[i]).sum())
    for rule, mentors_hit in by_mentee.get(i, {}).items():
        counts[rule] = len(mentors_hit)
    found = [(r, c) for r, c in counts.items() if c > 0]
    return sorted(found, key=lambda rc: (-rc[1], _RULE_ORDER.index(rc[0])))


def _unmatched(mentors, mentees, enc, rules, pair_rules, solved: _Solved, all_e, all_r):
    out: list[Unmatched] = []
    matched_e = np.zeros(len(mentees), bool)
    matched_e[all_e] = True
    lonely = np.flatnonzero(~matched_e)
    by_mentee: dict[int, dict[str, set[int]]] = {}
    need = set(lonely[solved.eligible_per_mentee[lonely] == 0].tolist())
    for i, j, r in zip(
        pair_rules.mentee_idx.tolist(),
        pair_rules.mentor_idx.tolist(),
        pair_rules.rule_idx.tolist(),
        strict=True,
    ):
        if i in need:
            by_mentee.setdefault(i, {}).setdefault(PAIR_RULES[r], set()).add(j)
    for i in lonely.tolist():
        best = solved.best_per_mentee[i]
        out.append(
            mentee_reason(
                mentees[i].id,
                int(solved.eligible_per_mentee[i]),
                int(solved.allowed_per_mentee[i]),
                _blocking(i, enc, rules, by_mentee) if i in need else [],
                float(best) if np.isfinite(best) else None,
                rules,
                len(mentors),
            )
        )
    used = np.zeros(len(mentors), bool)
    used[all_r] = True
    for j in np.flatnonzero(~used).tolist():
        failed = [rule for rule in ("career_stage", "seniority") if not enc.mentor_ok[rule][j]]
        out.append(
            mentor_reason(
                mentors[j].id,
                failed,
                int(solved.eligible_per_mentor[j]),
                shortlist=solved.solver == "sparse",
            )
        )
    return out


def _check_pins(pinned, forbidden, mentors, mentees, enc: Encoding, rules, pair_rules):
    """Indices of the pinned pairs; InfeasibleRules if a pin cannot hold."""
    mentor_at = {c.id: j for j, c in enumerate(mentors)}
    mentee_at = {c.id: i for i, c in enumerate(mentees)}
    e_list: list[int] = []
    r_list: list[int] = []
    for mentor_id, mentee_id in sorted(set(pinned)):
        if mentor_id not in mentor_at or mentee_id not in mentee_at:
            raise InfeasibleRules(
                "pinned",
                f"le binôme fixé (mentor {mentor_id}, mentoré "
                f"{mentee_id}) désigne une candidature absente de la session",
                mentor_id=mentor_id,
                mentee_id=mentee_id,
            )
        if (mentor_id, mentee_id) in forbidden:
            raise InfeasibleRules(
                "excluded",
                f"le binôme (mentor {mentor_id}, mentoré {mentee_id}) est à la fois fixé et exclu",
                mentor_id=mentor_id,
                mentee_id=mentee_id,
            )
        i, j = mentee_at[mentee_id], mentor_at[mentor_id]
        broken = _pair_breaks(i, j, enc, rules, pair_rules)
        if broken:
            raise InfeasibleRules(
                broken,
                f"le binôme fixé (mentor {mentor_id}, mentoré "
                f"{mentee_id}) enfreint la règle {quoted(RULE_LABELS_FR[broken])}",
                mentor_id=mentor_id,
                mentee_id=mentee_id,
            )
        e_list.append(i)
        r_list.append(j)
    e = np.asarray(e_list, np.int64)
    r = np.asarray(r_list, np.int64)
    twice = np.flatnonzero(np.bincount(e, minlength=len(mentees)) > 1)
    if len(twice):
        mentee_id = mentees[int(twice[0])].id
        raise InfeasibleRules(
            "pinned", f"le mentoré {mentee_id} est fixé avec plusieurs mentors", mentee_id=mentee_id
        )
    over = np.flatnonzero(
        np.bincount(r, minlength=len(mentors)) > np.array([c.capacity for c in mentors], np.int64)
    )
    if len(over):
        mentor_id = mentors[int(over[0])].id
        raise InfeasibleRules(
            "capacity",
            f"le mentor {mentor_id} a plus de binômes fixés que sa capacité",
            mentor_id=mentor_id,
        )
    return e, r


def _pair_breaks(i: int, j: int, enc: Encoding, rules, pair_rules: PairRules) -> str | None:
    hit = (pair_rules.mentee_idx == i) & (pair_rules.mentor_idx == j)
    if hit.any():
        return PAIR_RULES[int(pair_rules.rule_idx[hit].min())]
    if (
        rules.hard.same_unit
        and enc.mentee_unit[i] >= 0
        and enc.mentee_unit[i] == enc.mentor_unit[j]
    ):
        return "same_unit"
    for rule in ("career_stage", "seniority"):
        if not enc.mentor_ok[rule][j]:
            return rule
    if not enc.language_ok[enc.mentee_language[i], enc.mentor_language[j]]:
        return "language"
    if enc.mentee_overseas[i] and not enc.mentor_remote[j]:
        return "overseas_format"
    # Everything above is what the penalties encode; they must agree.
    assert float(enc.x[i] @ enc.y[j]) > ELIGIBLE_ABOVE or PENALTY == 0
    return None


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
