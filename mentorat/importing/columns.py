"""The documented columns of a candidates file and the header names each one accepts.

Headers are compared after `fold` (no accents, lower case, separators as spaces), so
« Prénom », « PRENOM » and « prenom » are one header. Keep docs/candidates.md in step.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from mentorat.importing.text import fold


@dataclass(frozen=True)
class Column:
    name: str
    """Canonical field name, as on CandidateRow."""
    french: str
    """The documented French header, used in messages when the column is missing."""
    english: str
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("email", "Courriel", "Email",
           ("e-mail", "mail", "adresse électronique", "adresse e-mail", "adresse mail",
            "adresse courriel", "email address"), required=True),
    Column("first_name", "Prénom", "First name", ("firstname", "given name"), required=True),
    Column("last_name", "Nom", "Last name",
           ("nom de famille", "lastname", "surname", "family name"), required=True),
    Column("role", "Rôle", "Role", (), required=True),
    Column("objectives", "Objectifs", "Objectives", ("objectif",)),
    Column("expertise", "Domaines d'expertise", "Expertise",
           ("domaine d'expertise", "expertises", "areas of expertise")),
    Column("unit", "Unité", "Unit", ("service", "juridiction", "department")),
    Column("manager_email", "Responsable hiérarchique", "Manager",
           ("courriel du responsable", "courriel du responsable hiérarchique",
            "responsable", "n+1", "manager email", "manager's email")),
    Column("region", "Région", "Region"),
    Column("overseas", "Outre-mer", "Overseas"),
    Column("formats", "Formats", "Formats", ("format", "format des rencontres")),
    Column("languages", "Langues", "Languages", ("langue", "language")),
    Column("capacity", "Capacité", "Capacity",
           ("nombre de mentorés", "nombre de mentorés souhaité", "max mentees")),
    Column("career_stage", "Étape de carrière", "Career stage", ("carrière", "career")),
    Column("seniority_years", "Ancienneté", "Seniority",
           ("années d'expérience", "years of experience")),
    Column("gender", "Genre", "Gender", ("sexe",)),
    Column("preferred_mentor_gender", "Préférence de genre du mentor", "Preferred mentor gender",
           ("genre souhaité du mentor", "genre du mentor souhaité")),
    Column("availability", "Disponibilités", "Availability", ("disponibilité",)),
    Column("post_start_date", "Date de prise de poste", "Post start date",
           ("prise de poste", "start date")),
    Column("expectations", "Attentes", "Expectations",
           ("profil", "commentaire", "commentaires", "profile", "comments", "comment")),
    Column("phone", "Téléphone", "Phone", ("tél", "tel", "portable", "mobile", "phone number")),
)  # fmt: skip

BY_NAME = {column.name: column for column in COLUMNS}

_PARENTHESES = re.compile(r"\([^)]*\)")


def _build_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for column in COLUMNS:
        for header in (column.name, column.french, column.english, *column.aliases):
            key = fold(header)
            owner = aliases.setdefault(key, column.name)
            assert owner == column.name, f"header {header!r} claimed by {owner} and {column.name}"
    return aliases


ALIASES = _build_aliases()


def field_of(header: str) -> str | None:
    """The canonical field a header names, or None.

    Also tried without a trailing « * » or « : » and without parentheses, so that
    « Courriel * » and « Capacité (nombre de mentorés) » are recognised.
    """
    key = fold(header.strip().rstrip("*:").strip())
    if key in ALIASES:
        return ALIASES[key]
    return ALIASES.get(fold(_PARENTHESES.sub(" ", key)))


@dataclass
class HeaderMap:
    fields: dict[int, str] = field(default_factory=dict)
    """Column index -> canonical field, for every recognised column."""
    unknown: list[int] = field(default_factory=list)
    """Indexes of columns whose header names no field."""
    repeated: list[tuple[int, int]] = field(default_factory=list)
    """(first index, later index) of two columns naming the same field; the later is ignored."""
    missing: list[Column] = field(default_factory=list)
    """Required columns absent from the header."""


def map_header(header: Sequence[str]) -> HeaderMap:
    result = HeaderMap()
    first_index: dict[str, int] = {}
    for index, text in enumerate(header):
        if not text:
            continue
        name = field_of(text)
        if name is None:
            result.unknown.append(index)
        elif name in first_index:
            result.repeated.append((first_index[name], index))
        else:
            first_index[name] = index
            result.fields[index] = name
    result.missing = [c for c in COLUMNS if c.required and c.name not in first_index]
    return result
