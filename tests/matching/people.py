"""Named people for the matching tests, and an independent checker of the hard rules."""

from __future__ import annotations

from itertools import count

from mentorat.matching import Candidate, MatchingRules

_ids = count(1)


def mentor(name: str, **fields) -> Candidate:
    fields.setdefault("career_stage", "fin")
    fields.setdefault("formats", frozenset({"presentiel", "distanciel"}))
    return Candidate(id=fields.pop("id", next(_ids)), role="mentor", person_key=key(name), **fields)


def mentee(name: str, **fields) -> Candidate:
    fields.setdefault("formats", frozenset({"presentiel"}))
    return Candidate(
        id=fields.pop("id", 1000 + next(_ids)), role="mentee", person_key=key(name), **fields
    )


def key(name: str) -> str:
    return name.lower().replace(" ", ".").replace("è", "e").replace("é", "e") + "@justice.fr"


def breaks(
    m: Candidate, e: Candidate, rules: MatchingRules, managers: dict, forbidden: set, previous: set
) -> list[str]:
    """Hard rules a pair breaks, written plainly and apart from the engine's encoding."""
    broken = []

    def above(person: str) -> set[str]:
        seen, boss = set(), managers.get(person)
        while boss is not None and boss not in seen:
            seen.add(boss)
            boss = managers.get(boss)
        return seen

    if m.person_key == e.person_key:
        broken.append("same_person")
    if rules.hard.hierarchy and (
        m.person_key in above(e.person_key) or e.person_key in above(m.person_key)
    ):
        broken.append("hierarchy")
    if (m.id, e.id) in forbidden:
        broken.append("excluded")
    if rules.hard.no_repeat and (m.person_key, e.person_key) in previous:
        broken.append("no_repeat")
    if rules.hard.same_unit and m.unit is not None and m.unit == e.unit:
        broken.append("same_unit")
    if rules.hard.mentor_career_stages and m.career_stage not in rules.hard.mentor_career_stages:
        broken.append("career_stage")
    if (m.seniority_years or 0) < rules.hard.min_mentor_seniority_years:
        broken.append("seniority")
    if rules.hard.shared_language and not (m.languages & e.languages):
        broken.append("language")
    if (
        rules.hard.overseas_remote
        and e.overseas
        and m.formats
        and not m.formats & {"distanciel", "mixte"}
    ):
        broken.append("overseas_format")
    return broken
