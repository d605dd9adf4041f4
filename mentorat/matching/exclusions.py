"""Hard rules that forbid individual pairs: same person, hierarchy, operator, earlier cohorts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from .candidate import Candidate
from .hierarchy import managers_of, same_line_pairs
from .rules import MatchingRules

PAIR_RULES = ("same_person", "hierarchy", "excluded", "no_repeat")


def pair_exclusions(
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    rules: MatchingRules,
    hierarchy: Mapping[str, str | None],
    forbidden: Iterable[tuple[int, int]],
    previous_pairs: Iterable[tuple[str, str]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arrays (mentee index, mentor index, rule index into PAIR_RULES) of forbidden pairs.

    A pair may appear once per rule that forbids it, so that a reason can name each rule.
    """
    rows: list[tuple[int, int, int]] = []

    mentors_by_key: dict[str, list[int]] = {}
    for j, m in enumerate(mentors):
        mentors_by_key.setdefault(m.person_key, []).append(j)
    # Someone who applies on both sides is never their own mentor, whatever the preset says.
    for i, mentee in enumerate(mentees):
        for j in mentors_by_key.get(mentee.person_key, ()):
            rows.append((i, j, 0))

    if rules.hard.hierarchy:
        managers = managers_of([*mentors, *mentees], hierarchy)
        rows.extend((i, j, 1) for i, j in same_line_pairs(mentors, mentees, managers))

    # The lookups below are built only when there is something to look up: on large
    # cohorts each costs a pass over every application.
    forbidden = list(forbidden)
    if forbidden:
        mentor_index = {m.id: j for j, m in enumerate(mentors)}
        mentee_index = {m.id: i for i, m in enumerate(mentees)}
        for mentor_id, mentee_id in forbidden:
            at_r, at_e = mentor_index.get(mentor_id), mentee_index.get(mentee_id)
            if at_e is not None and at_r is not None:
                rows.append((at_e, at_r, 2))

    previous_pairs = list(previous_pairs) if rules.hard.no_repeat else []
    if previous_pairs:
        mentees_by_key: dict[str, list[int]] = {}
        for i, m in enumerate(mentees):
            mentees_by_key.setdefault(m.person_key, []).append(i)
        for mentor_key, mentee_key in previous_pairs:
            for j in mentors_by_key.get(mentor_key, ()):
                for i in mentees_by_key.get(mentee_key, ()):
                    rows.append((i, j, 3))

    if not rows:
        empty = np.zeros(0, np.int64)
        return empty, empty.copy(), empty.copy()
    table = np.asarray(sorted(set(rows)), dtype=np.int64)
    return table[:, 0], table[:, 1], table[:, 2]
