"""Candidates as the product builds them, from the demo's population and the docs' example."""

from __future__ import annotations

from typing import Any

from demo.population import population
from demo.sample_candidates import sample_csv_bytes
from mentorat import presets
from mentorat.importing import read_candidates
from mentorat.matching import Candidate, MatchingRules
from mentorat.services.pairing import FORMAT, GENDER, SLOT, STAGE


def candidate(app_id: int, row: Any) -> Candidate:
    """The same mapping as ``mentorat.services.pairing`` applies to a stored application."""

    def get(name: str) -> Any:
        return row[name] if isinstance(row, dict) else getattr(row, name)

    return Candidate(
        id=app_id,
        role=get("role"),
        person_key=get("email"),
        manager_key=get("manager_email"),
        unit=get("unit"),
        region=get("region"),
        overseas=bool(get("overseas")),
        formats=frozenset(FORMAT.get(f, f) for f in get("formats")),
        languages=frozenset(get("languages") or ["fr"]),
        objectives=frozenset(get("objectives")),
        expertise=frozenset(get("expertise")),
        capacity=get("capacity") if get("role") == "mentor" else 1,
        career_stage=STAGE.get(get("career_stage") or "", get("career_stage")),
        seniority_years=get("seniority_years"),
        gender=GENDER.get(get("gender") or "", get("gender")),
        preferred_mentor_gender=GENDER.get(get("preferred_mentor_gender") or "", None),
        availability=frozenset(SLOT.get(a, a) for a in get("availability")),
        text=get("expectations") or "",
    )


def split(rows: list[Any]) -> tuple[list[Candidate], list[Candidate], dict[str, str]]:
    """(mentors, mentees, labels) with application ids 1, 2, … in row order."""
    people = [candidate(k, row) for k, row in enumerate(rows, start=1)]
    labels: dict[str, str] = {}
    for row in rows:
        for name in ("objectives", "expertise"):
            value = row[name] if isinstance(row, dict) else getattr(row, name)
            labels.update(value)
    return (
        [c for c in people if c.role == "mentor"],
        [c for c in people if c.role == "mentee"],
        labels,
    )


def demo(programme: str, pairs: int, seed: int = 7):  # type: ignore[no-untyped-def]
    return split(population(pairs, programme, seed=seed).rows)


def docs_example(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "candidats.csv"
    path.write_bytes(sample_csv_bytes())
    result = read_candidates(path)
    assert result.ok, result.errors
    return split(list(result.rows))


def rules(programme: str) -> MatchingRules:
    preset, _ = presets.load(programme)
    return MatchingRules.from_preset(preset.matching)
