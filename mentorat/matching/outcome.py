"""From the chosen pairs to the Proposal the operator reviews.

Each pair, pinned ones included, gets its score by criterion and a French sentence; each
mentee and mentor left out gets a reason code and a French reason (for a mentee no mentor
was even allowed for, the hard rules that excluded them, most excluding first); the
quality report compares the result with the greedy baseline.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence

import numpy as np

from .candidate import Candidate
from .exclusions import PAIR_RULES
from .explain import TagWords, explain_pair, mentee_reason, mentor_reason
from .feasibility import assess
from .features import Encoding
from .proposal import Proposal, ProposedPair, Unmatched
from .report import QualityReport, ScoreSummary
from .rules import CRITERIA, MatchingRules
from .scoring import PairRules, pair_points
from .solvers import Solved

# The order of the rules in a left-out mentee's reason, among those excluding as many mentors
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


def build_proposal(
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    enc: Encoding,
    rules: MatchingRules,
    pair_rules: PairRules,
    solved: Solved,
    pin_e: np.ndarray,
    pin_r: np.ndarray,
    optimal: bool,
    timings: dict[str, float],
) -> Proposal:
    """The pinned pairs with the solver's (or, not ``optimal``, the greedy baseline's),
    explained; the people left out with their reasons; the report. Candidates sorted by id,
    pairs as indices into them."""
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
    feasibility = assess(
        mentors,
        mentees,
        enc,
        rules,
        pair_rules,
        unmatched,
        len(pairs),
        exact_mentors=solved.solver == "dense",
    )
    report = dataclasses.replace(report, feasibility=feasibility.as_dict())
    greedy_pairs = [
        (mentors[j].id, mentees[i].id) for i, j in zip(g_e.tolist(), g_r.tolist(), strict=True)
    ]
    return Proposal(
        pairs,
        unmatched,
        report,
        sorted(greedy_pairs, key=lambda p: (p[1], p[0])),
        feasibility,
    )


def _criteria_met(
    points: np.ndarray, max_points: np.ndarray, rules: MatchingRules
) -> dict[str, int]:
    met = (max_points > 0) & (points >= rules.criterion_met_ratio * max_points - 1e-9)
    return {name: int(met[:, k].sum()) for k, name in enumerate(CRITERIA)}


def _blocking(
    i: int, enc: Encoding, rules: MatchingRules, by_mentee: Mapping[int, Mapping[str, set[int]]]
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


def _unmatched(
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    enc: Encoding,
    rules: MatchingRules,
    pair_rules: PairRules,
    solved: Solved,
    all_e: np.ndarray,
    all_r: np.ndarray,
) -> list[Unmatched]:
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
