"""The operator's pinned pairs, checked before anything is solved.

A pin is kept as it is, so it must hold on its own: both applications in the session,
the pair not also forbidden, no hard rule broken, no mentee pinned twice, no mentor
pinned beyond their capacity. Otherwise ``InfeasibleRules`` says which and why, in French.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from .candidate import Candidate
from .errors import InfeasibleRules
from .exclusions import PAIR_RULES
from .features import ELIGIBLE_ABOVE, PENALTY, Encoding
from .labels_fr import RULE_LABELS_FR, quoted
from .rules import MatchingRules
from .scoring import PairRules


def check_pins(
    pinned: Iterable[tuple[int, int]],
    forbidden: Collection[tuple[int, int]],
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    enc: Encoding,
    rules: MatchingRules,
    pair_rules: PairRules,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(mentee index, mentor index) of the pinned pairs; InfeasibleRules if a pin cannot hold."""
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


def _pair_breaks(
    i: int, j: int, enc: Encoding, rules: MatchingRules, pair_rules: PairRules
) -> str | None:
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
