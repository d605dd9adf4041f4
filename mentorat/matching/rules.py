"""A programme's matching rules, read from the ``[matching]`` table of its preset."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

CRITERIA = ("objectives", "expertise", "region", "format", "preference", "availability", "text")
MODES = ("coverage", "quality")
SOLVERS = ("auto", "dense", "sparse")

_Settings = TypeVar("_Settings", bound="DataclassInstance")


@dataclass(frozen=True)
class HardRules:
    hierarchy: bool = True
    same_unit: bool = False
    mentor_career_stages: tuple[str, ...] = ()
    min_mentor_seniority_years: int = 0
    shared_language: bool = True
    no_repeat: bool = True
    overseas_remote: bool = True


@dataclass(frozen=True)
class Weights:
    objectives: float = 35
    expertise: float = 15
    region: float = 10
    format: float = 15
    preference: float = 10
    availability: float = 5
    text: float = 10

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in CRITERIA}


@dataclass(frozen=True)
class MatchingRules:
    mode: Literal["coverage", "quality"] = "coverage"
    quality_threshold: float = 30
    fairness: bool = True
    fairness_floor: float | None = None
    fairness_strength: float = 1.0
    solver: Literal["auto", "dense", "sparse"] = "auto"
    dense_max_cells: int = 60_000_000
    top_k: int = 16
    text_max_terms: int = 256
    few_candidates: int = 3
    criterion_met_ratio: float = 0.5
    min_pairs_ratio: float = 0.8
    hard: HardRules = field(default_factory=HardRules)
    weights: Weights = field(default_factory=Weights)
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"matching.mode must be one of {MODES}, not {self.mode!r}")
        if self.solver not in SOLVERS:
            raise ValueError(f"matching.solver must be one of {SOLVERS}, not {self.solver!r}")
        if not 0 <= self.quality_threshold <= 100:
            raise ValueError("matching.quality_threshold must be between 0 and 100")
        if self.fairness_strength < 0:
            raise ValueError("matching.fairness_strength must not be negative")
        if not 0 <= self.min_pairs_ratio <= 1:
            raise ValueError("matching.min_pairs_ratio must be between 0 and 1")
        if self.top_k < 1:
            raise ValueError("matching.top_k must be at least 1")
        if self.text_max_terms < 1:
            raise ValueError("matching.text_max_terms must be at least 1")
        for name, weight in self.weights.as_dict().items():
            if weight < 0:
                raise ValueError(f"matching.weights.{name} must not be negative")

    @classmethod
    def from_preset(cls, section: Mapping[str, Any]) -> MatchingRules:
        """Build the rules from a preset's ``[matching]`` table; unknown keys are refused."""
        section = dict(section)
        hard = _build(HardRules, section.pop("hard", {}), "matching.hard")
        weights = _build(Weights, section.pop("weights", {}), "matching.weights")
        labels = section.pop("labels", {})
        if not isinstance(labels, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in labels.items()
        ):
            raise ValueError("matching.labels must map tags to French labels (strings)")
        top = _build(cls, section, "matching", skip={"hard", "weights", "labels"})
        return cls(**{**_fields(top), "hard": hard, "weights": weights, "labels": dict(labels)})


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def _build(
    kind: type[_Settings], table: Any, where: str, skip: frozenset[str] | set[str] = frozenset()
) -> _Settings:
    if not isinstance(table, Mapping):
        raise ValueError(f"{where} must be a table")
    defaults = kind()
    known = {f.name for f in fields(kind)} - set(skip)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            raise ValueError(f"{where}.{key} is not a known setting (known: {sorted(known)})")
        values[key] = _coerce(getattr(defaults, key), value, f"{where}.{key}")
    return kind(**values)


def _coerce(default: Any, value: Any, where: str) -> Any:
    # The preset is TOML, so types arrive as TOML types: check them here so that a typo
    # in a programme file fails at load time with the key's name.
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"{where} must be true or false")
        return value
    if isinstance(default, tuple):
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{where} must be a list of strings")
        return tuple(value)
    if isinstance(default, int | float) or default is None:
        if value is None and default is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{where} must be a number")
        return int(value) if isinstance(default, int) and isinstance(value, int) else value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ValueError(f"{where} must be a string")
        return value
    return value
