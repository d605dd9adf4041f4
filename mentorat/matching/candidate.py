"""One application to a programme, as the matching engine sees it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FORMATS = frozenset({"presentiel", "distanciel", "mixte"})
REMOTE_FORMATS = frozenset({"distanciel", "mixte"})


@dataclass(frozen=True)
class Candidate:
    """A mentor or a mentee. Sets are normalised tags; see the package docstring.

    For a mentee, ``objectives`` and ``expertise`` are what they are looking for; for a
    mentor, what they offer. An empty ``formats`` or ``availability`` on the mentor side
    means "no constraint stated" and is read as flexible.
    """

    id: int
    role: Literal["mentor", "mentee"]
    person_key: str
    manager_key: str | None = None
    unit: str | None = None
    region: str | None = None
    overseas: bool = False
    formats: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset({"fr"})
    objectives: frozenset[str] = frozenset()
    expertise: frozenset[str] = frozenset()
    capacity: int = 1
    career_stage: str | None = None
    seniority_years: int | None = None
    gender: str | None = None
    preferred_mentor_gender: str | None = None
    availability: frozenset[str] = frozenset()
    text: str = ""

    def __post_init__(self) -> None:
        if self.role not in ("mentor", "mentee"):
            raise ValueError(f"candidate {self.id}: role must be 'mentor' or 'mentee'")
        unknown = set(self.formats) - FORMATS
        if unknown:
            raise ValueError(f"candidate {self.id}: unknown formats {sorted(unknown)}")
        if self.role == "mentor" and self.capacity < 1:
            raise ValueError(f"candidate {self.id}: a mentor's capacity must be at least 1")
