"""The quality report: how good the proposal is, next to the greedy baseline."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np


@dataclass(frozen=True)
class ScoreSummary:
    matched: int
    total: float
    mean: float
    min: float
    p1: float  # 1st percentile of the matched mentees' scores

    @classmethod
    def of(cls, scores: np.ndarray) -> ScoreSummary:
        if len(scores) == 0:
            return cls(0, 0.0, 0.0, 0.0, 0.0)
        s = np.asarray(scores, np.float64)
        return cls(
            len(s),
            round(float(s.sum()), 2),
            round(float(s.mean()), 2),
            round(float(s.min()), 2),
            round(float(np.percentile(s, 1)), 2),
        )


@dataclass(frozen=True)
class QualityReport:
    mode: str
    solver: str  # "dense" or "sparse"
    fairness: bool
    fairness_floor: float | None
    mentors: int
    mentees: int
    slots: int  # the mentors' total capacity
    pinned: int
    result: ScoreSummary
    greedy: ScoreSummary
    unmatched_mentees: int
    unmatched_mentors: int
    criteria_met: dict[str, int] = field(default_factory=dict)
    greedy_criteria_met: dict[str, int] = field(default_factory=dict)
    unmatched_reasons: dict[str, int] = field(default_factory=dict)
    top_k: int | None = None  # candidates kept per mentee by the sparse solver
    # Dense solver: shortlist solves it took to prove the assignment optimal (-1: the full
    # Hungarian solve decided); None for the greedy and the sparse solver.
    certificate_rounds: int | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase
    # Feasibility.as_dict(): what each hard rule excludes, who has nobody, whether the
    # proposal is a problem to report (ids and counts only)
    feasibility: dict = field(default_factory=dict)

    @property
    def total_vs_greedy(self) -> float:
        return round(self.result.total / self.greedy.total, 4) if self.greedy.total else 1.0

    def as_dict(self) -> dict:
        out = asdict(self)
        out["timings"] = {k: round(v, 4) for k, v in self.timings.items()}
        out["total_vs_greedy"] = self.total_vs_greedy
        out["min_gain_vs_greedy"] = round(self.result.min - self.greedy.min, 2)
        out["p1_gain_vs_greedy"] = round(self.result.p1 - self.greedy.p1, 2)
        return out
