"""Reading an HR file for a cohort: the programme's column mapping, what its rules need.

The reader (mentorat.importing) knows columns; the programme knows which of them its rules
depend on. Here the two meet: a rule left without its column is an error unless the
operator accepts it by name (`--accept-missing RULE`), and that choice goes to the audit.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from mentorat import matching
from mentorat.importing import ImportResult, read_candidates
from mentorat.importing.columns import BY_NAME, IGNORE, field_named
from mentorat.importing.requirements import Coverage, Need, coverage, requirement_errors
from mentorat.services import ServiceError, audit
from mentorat.services.programmes import cohort_parts
from models import Cohort

STAGE_WORDS = {"early": "début", "mid": "milieu", "late": "fin"}


def needs_of(rules: matching.MatchingRules) -> list[Need]:
    """The columns each hard rule, the capacity and the two main criteria depend on."""
    hard, weights = rules.hard, rules.weights
    needs = []
    if hard.hierarchy:
        label = "jamais dans la ligne hiérarchique"
        needs.append(Need("hierarchy", label, "manager_email", ("mentor", "mentee")))
    if hard.same_unit:
        needs.append(Need("same_unit", "jamais dans la même unité", "unit", ("mentor", "mentee")))
    if hard.mentor_career_stages:
        stages = ", ".join(STAGE_WORDS.get(s, s) for s in hard.mentor_career_stages)
        label = f"étape de carrière des mentors : {stages}"
        needs.append(Need("mentor_career_stages", label, "career_stage", ("mentor",)))
    if hard.min_mentor_seniority_years:
        label = f"au moins {hard.min_mentor_seniority_years} ans d’ancienneté pour les mentors"
        needs.append(Need("min_mentor_seniority_years", label, "seniority_years", ("mentor",)))
    if hard.shared_language:
        needs.append(
            Need("shared_language", "une langue en commun", "languages", ("mentor", "mentee"))
        )
    if hard.overseas_remote:
        needs.append(
            Need("overseas_remote", "à distance pour l’outre-mer", "overseas", ("mentee",))
        )
    needs.append(Need("capacity", "nombre de mentoré·es par mentor", "capacity", ("mentor",)))
    if weights.objectives:
        label = f"objectifs des mentoré·es (poids {weights.objectives:g})"
        needs.append(Need("objectives", label, "objectives", ("mentee",)))
    if weights.expertise:
        label = f"expertise des mentors (poids {weights.expertise:g})"
        needs.append(Need("expertise", label, "expertise", ("mentor",)))
    return needs


def cohort_needs(cohort: Cohort) -> list[Need]:
    """What the cohort's matching rules (its own settings) need from the candidates' file."""
    return needs_of(matching.MatchingRules.from_preset(cohort_parts(cohort).matching))


def read_mapping_file(path: Path) -> dict[str, str]:
    """A TOML file of `"header as written" = "field"`; the field may be its name (unit),
    its French header (« Unité ») or « ignorer »."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ServiceError(f"{path.name} : fichier introuvable") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ServiceError(f"{path.name} : fichier TOML illisible ({error})") from None
    mapping: dict[str, str] = {}
    for header, target in data.items():
        name = field_named(target) if isinstance(target, str) else None
        if name is None:
            known = ", ".join([*BY_NAME, IGNORE])
            raise ServiceError(
                f"{path.name}, en-tête « {header} » : champ « {target} » inconnu "
                f"(champs possibles : {known})"
            )
        mapping[header] = name
    return mapping


@dataclass
class Reading:
    result: ImportResult
    coverages: list[Coverage]
    mapping: dict[str, str]
    accepted: set[str] = field(default_factory=set)

    @property
    def accepted_missing(self) -> list[str]:
        """Rules the operator accepted and that are indeed missing their column."""
        return [c.need.rule for c in self.coverages if c.missing and c.accepted]


def read_for_cohort(
    cohort: Cohort,
    path: Path,
    *,
    extra_mapping: dict[str, str] | None = None,
    accepted: set[str] | frozenset[str] = frozenset(),
    people_only: bool = False,
) -> Reading:
    """Read `path` with the programme's mapping (then `extra_mapping`), and check it gives
    every column the programme's rules need. Raises TableError when it is not a table.

    `people_only`: a call's recipients, not candidates: no role and no rule to feed.
    """
    mapping = {**cohort.programme.column_mapping, **(extra_mapping or {})}
    needs = [] if people_only else cohort_needs(cohort)
    unknown = set(accepted) - {need.rule for need in needs}
    if unknown:
        rules = ", ".join(need.rule for need in needs)
        raise ServiceError(
            f"--accept-missing : règle inconnue « {sorted(unknown)[0]} » "
            f"(règles du programme : {rules})"
        )
    result = read_candidates(path, mapping, people_only=people_only)
    coverages = coverage(result, needs, set(accepted))
    result.errors[:0] = requirement_errors(result, coverages)
    return Reading(result, coverages, mapping, set(accepted))


def remember(
    session: Session, cohort: Cohort, reading: Reading, *, now: datetime, actor: str
) -> None:
    """Keep the mapping for the programme's next import; audit the rules accepted missing."""
    programme = cohort.programme
    if reading.mapping != programme.column_mapping:
        programme.column_mapping = dict(reading.mapping)
        audit.record(
            session,
            at=now,
            actor=actor,
            action="programme.column_mapping",
            entity="programme",
            entity_id=programme.id,
            cohort_id=cohort.id,
            fields=sorted(set(reading.mapping.values())),
        )
    for rule in reading.accepted_missing:
        audit.record(
            session,
            at=now,
            actor=actor,
            action="import.rule_accepted_missing",
            entity="cohort",
            entity_id=cohort.id,
            cohort_id=cohort.id,
            reason=f"l’opérateur poursuit sans la colonne de la règle {rule}",
            rule=rule,
        )
