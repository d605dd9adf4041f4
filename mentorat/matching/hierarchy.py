"""Lines of hierarchy: who is above whom, through the whole chain of managers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .candidate import Candidate


def managers_of(
    people: Sequence[Candidate], hierarchy: Mapping[str, str | None]
) -> dict[str, str | None]:
    """person_key -> direct manager, from the org chart completed by the applications."""
    managers = dict(hierarchy)
    for person in people:
        if person.manager_key is not None:
            managers[person.person_key] = person.manager_key
    return managers


def chain(key: str, managers: Mapping[str, str | None]) -> list[str]:
    """Every manager above ``key``, nearest first; a loop in the org chart ends the chain."""
    above: list[str] = []
    seen = {key}
    current = managers.get(key)
    while current is not None and current not in seen:
        above.append(current)
        seen.add(current)
        current = managers.get(current)
    return above


def same_line_pairs(
    mentors: Sequence[Candidate],
    mentees: Sequence[Candidate],
    managers: Mapping[str, str | None],
) -> list[tuple[int, int]]:
    """(mentee index, mentor index) of pairs where one is above the other, at any depth."""
    mentor_at: dict[str, list[int]] = {}
    for j, mentor in enumerate(mentors):
        mentor_at.setdefault(mentor.person_key, []).append(j)
    mentee_at: dict[str, list[int]] = {}
    for i, mentee in enumerate(mentees):
        mentee_at.setdefault(mentee.person_key, []).append(i)
    pairs: set[tuple[int, int]] = set()
    # Most people have no manager on record: skip them before walking any chain.
    for i, mentee in enumerate(mentees):
        if managers.get(mentee.person_key) is not None:
            for boss in chain(mentee.person_key, managers):
                for j in mentor_at.get(boss, ()):
                    pairs.add((i, j))
    for j, mentor in enumerate(mentors):
        if managers.get(mentor.person_key) is not None:
            for boss in chain(mentor.person_key, managers):
                for i in mentee_at.get(boss, ()):
                    pairs.add((i, j))
    return sorted(pairs)
