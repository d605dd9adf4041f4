"""What the engine proposes to the operator: pairs with their reasons, and the unmatched."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .report import QualityReport

if TYPE_CHECKING:
    from .feasibility import Feasibility


@dataclass(frozen=True)
class CriterionScore:
    name: str
    points: float
    max_points: float  # 0 when the mentee gave nothing for this criterion
    label_fr: str


@dataclass(frozen=True)
class ProposedPair:
    mentor_id: int
    mentee_id: int
    score: float  # 0..100, the sum of the criteria's points
    criteria: list[CriterionScore]
    explanation_fr: str
    pinned: bool = False


@dataclass(frozen=True)
class Unmatched:
    id: int
    role: Literal["mentor", "mentee"]
    reason_code: str
    reason_fr: str
    rules: tuple[str, ...] = ()  # the hard rules that left no one, most excluding first
    candidates: int = 0  # mentors (or mentees) that were allowed for this person


@dataclass
class Proposal:
    pairs: list[ProposedPair]
    unmatched: list[Unmatched]
    report: QualityReport
    greedy_pairs: list[tuple[int, int]] = field(default_factory=list)
    feasibility: Feasibility | None = None

    @property
    def problem(self) -> bool:
        """Far fewer pairs than capacity allows (or none): report it, do not ask approval."""
        return self.feasibility is not None and self.feasibility.problem
