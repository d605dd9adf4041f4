"""Feasibility: what each hard rule takes away, who is left with nobody, and whether the
proposal is a problem to report rather than a proposal to approve.

Counted from the encoding and the pair rules in O(mentees + mentors + forbidden pairs),
never pair by pair, so it costs nothing next to the solve. Everything here is ids, rule
codes and counts (it is stored with the proposal and may reach logs); the French lines
are written from the stored dict by ``problem_lines``, for the operator only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .candidate import Candidate
from .exclusions import PAIR_RULES
from .features import Encoding
from .labels_fr import COLON, RULE_LABELS_FR, plural, quoted
from .proposal import Unmatched
from .rules import MatchingRules
from .scoring import PairRules

# Ids listed in the operator's notice before « et N autres ».
SHOWN_IDS = 20


@dataclass(frozen=True)
class RuleCount:
    rule: str  # code, see RULE_LABELS_FR
    pairs_excluded: int  # mentee x mentor pairs the rule forbids (rules overlap)
    mentors_excluded: int = 0  # mentors the rule excludes from every pair
    missing: int = 0  # candidates the rule needs data from who left it empty
    left_without_partner: int = 0  # mentees with no possible mentor, this rule among causes


@dataclass(frozen=True)
class Feasibility:
    mentees: int
    mentors: int
    slots: int  # the mentors' total capacity
    pairs: int  # pairs proposed (pinned included)
    expected: int  # min(mentees, slots): what capacity allows
    min_ratio: float
    problem: bool
    causes: list[str]  # codes, most telling first
    rules: list[RuleCount] = field(default_factory=list)
    mentees_without_partner: list[int] = field(default_factory=list)  # application ids
    mentors_without_partner: list[int] = field(default_factory=list)
    capacity_exhausted: int = 0  # mentees whose possible mentors were all taken

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def assess(
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    enc: Encoding,
    rules: MatchingRules,
    pair_rules: PairRules,
    unmatched: Sequence[Unmatched],
    pairs: int,
    exact_mentors: bool,
) -> Feasibility:
    """``exact_mentors``: whether a mentor's "no possible mentee" was counted over every
    mentee (the dense solver) or only over shortlists (the sparse one: not reported)."""
    n, m = len(mentees), len(mentors)
    counts = _rule_counts(mentors, mentees, enc, rules, pair_rules)
    lonely = [u for u in unmatched if u.role == "mentee" and u.reason_code == "no_eligible_mentor"]
    for rule, c in counts.items():
        hit = sum(1 for u in lonely if rule in u.rules)
        counts[rule] = RuleCount(rule, c.pairs_excluded, c.mentors_excluded, c.missing, hit)
    mentor_codes = {"mentor_not_eligible"} | ({"no_eligible_mentee"} if exact_mentors else set())
    lonely_mentors = [
        u.id for u in unmatched if u.role == "mentor" and u.reason_code in mentor_codes
    ]
    slots = int(sum(r.capacity for r in mentors))
    expected = min(n, slots)
    problem = pairs == 0 or pairs < rules.min_pairs_ratio * expected
    ranked = sorted(
        (c for c in counts.values() if c.pairs_excluded or c.mentors_excluded or c.missing),
        key=lambda c: (-c.left_without_partner, -c.mentors_excluded, -c.pairs_excluded),
    )
    exhausted = sum(
        1 for u in unmatched if u.reason_code in ("capacity_exhausted", "few_candidates")
    )
    causes: list[str] = []
    if n == 0 or m == 0:
        causes.append("no_candidates")
    causes += [c.rule for c in ranked if c.left_without_partner or c.mentors_excluded]
    if slots < n:
        causes.append("capacity")
    if exhausted:
        causes.append("capacity_exhausted")
    if any(u.reason_code == "below_threshold" for u in unmatched):
        causes.append("threshold")
    return Feasibility(
        mentees=n,
        mentors=m,
        slots=slots,
        pairs=pairs,
        expected=expected,
        min_ratio=rules.min_pairs_ratio,
        problem=bool(problem),
        causes=causes,
        rules=ranked,
        mentees_without_partner=sorted(u.id for u in lonely),
        mentors_without_partner=sorted(lonely_mentors),
        capacity_exhausted=exhausted,
    )


def _rule_counts(
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    enc: Encoding,
    rules: MatchingRules,
    pair_rules: PairRules,
) -> dict[str, RuleCount]:
    n, hard = len(mentees), rules.hard
    out: dict[str, RuleCount] = {}
    if hard.mentor_career_stages:
        bad = int((~enc.mentor_ok["career_stage"]).sum())
        unknown = sum(1 for r in mentors if r.career_stage is None)
        out["career_stage"] = RuleCount("career_stage", bad * n, bad, unknown)
    if hard.min_mentor_seniority_years > 0:
        bad = int((~enc.mentor_ok["seniority"]).sum())
        unknown = sum(1 for r in mentors if r.seniority_years is None)
        out["seniority"] = RuleCount("seniority", bad * n, bad, unknown)
    if hard.same_unit:
        units = int(max(enc.mentee_unit.max(initial=-1), enc.mentor_unit.max(initial=-1))) + 1
        e = np.bincount(enc.mentee_unit[enc.mentee_unit >= 0], minlength=units)
        r = np.bincount(enc.mentor_unit[enc.mentor_unit >= 0], minlength=units)
        missing = sum(1 for c in (*mentors, *mentees) if not c.unit)
        out["same_unit"] = RuleCount("same_unit", int((e * r).sum()), 0, missing)
    if hard.shared_language and len(enc.language_ok):
        k = len(enc.language_ok)
        e = np.bincount(enc.mentee_language, minlength=k)
        r = np.bincount(enc.mentor_language, minlength=k)
        out["language"] = RuleCount("language", int(e @ (~enc.language_ok).astype(int) @ r))
    if hard.overseas_remote:
        pairs = int(enc.mentee_overseas.sum()) * int((~enc.mentor_remote).sum())
        out["overseas_format"] = RuleCount("overseas_format", pairs)
    per_rule = np.bincount(pair_rules.rule_idx, minlength=len(PAIR_RULES))
    for k, rule in enumerate(PAIR_RULES):
        if rule == "hierarchy":
            # Most people have no manager on record; only nobody at all is worth saying.
            nobody = hard.hierarchy and n > 0 and all(c.manager_key is None for c in mentees)
            out[rule] = RuleCount(rule, int(per_rule[k]), 0, n if nobody else 0)
        elif per_rule[k]:
            out[rule] = RuleCount(rule, int(per_rule[k]))
    return out


def _ids(ids: Sequence[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:SHOWN_IDS])
    more = len(ids) - SHOWN_IDS
    return f"{shown} et {more} autres" if more > 0 else shown


_MISSING = {
    "career_stage": "étape de carrière non renseignée",
    "seniority": "ancienneté non renseignée",
    "same_unit": "unité non renseignée",
    "hierarchy": "responsable hiérarchique non renseigné",
}


def _people(count: int) -> str:
    return plural(count, "personne mentorée", "personnes mentorées")


def problem_lines(feasibility: Mapping[str, Any]) -> list[str]:
    """The operator's French account of a stored feasibility dict (``Feasibility.as_dict``):
    how far the proposal is from what capacity allows, and why."""
    f = feasibility
    lines = [
        f"Binômes proposés{COLON}{f['pairs']}, alors que la capacité en permet "
        f"{f['expected']} ({_people(f['mentees'])}, {plural(f['slots'], 'place', 'places')} "
        f"chez {plural(f['mentors'], 'mentor', 'mentors')})"
    ]
    if "no_candidates" in f["causes"]:
        lines.append("Aucun mentor ou aucune personne mentorée dans la session")
    for c in f["rules"]:
        parts = []
        if c["mentors_excluded"]:
            parts.append(
                f"exclut {plural(c['mentors_excluded'], 'mentor', 'mentors')} sur {f['mentors']}"
            )
        if c["pairs_excluded"]:
            parts.append(
                f"écarte {plural(c['pairs_excluded'], 'binôme possible', 'binômes possibles')}"
            )
        if c["left_without_partner"]:
            parts.append(f"laisse {_people(c['left_without_partner'])} sans aucun mentor possible")
        if c["missing"] and c["rule"] in _MISSING:
            parts.append(
                f"{_MISSING[c['rule']]} pour {plural(c['missing'], 'candidature', 'candidatures')}"
            )
        if parts:
            lines.append(f"Règle {quoted(RULE_LABELS_FR[c['rule']])}{COLON}{', '.join(parts)}")
    if "capacity" in f["causes"]:
        lines.append(
            f"Capacité des mentors{COLON}{plural(f['slots'], 'place', 'places')} pour "
            f"{_people(f['mentees'])}"
        )
    if f["capacity_exhausted"]:
        lines.append(
            f"{_people(f['capacity_exhausted'])} sans binôme alors qu’un mentor était "
            "possible (mentors possibles déjà pris)"
        )
    if "threshold" in f["causes"]:
        lines.append("Des binômes possibles restent sous le seuil de qualité du programme")
    if f["mentees_without_partner"]:
        lines.append(
            "Personnes mentorées sans aucun mentor possible (numéros de candidature)"
            f"{COLON}{_ids(f['mentees_without_partner'])}"
        )
    if f["mentors_without_partner"]:
        lines.append(
            "Mentors sans aucune personne mentorée possible (numéros de candidature)"
            f"{COLON}{_ids(f['mentors_without_partner'])}"
        )
    return lines
