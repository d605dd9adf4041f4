"""What a programme's rules need from a candidates file, and whether the file gives it.

A hard rule whose column is absent does not fail: it passes every pair. Same-unit with no
unit column lets two people of one jurisdiction be paired; hierarchy with no manager column
pairs a manager with their own team. So a column a rule depends on that is absent, unread
or empty is an error naming the rule, unless the operator accepts it knowingly.

Pure: the caller (mentorat.services.intake) turns the programme's rules into `Need`s.
"""

from dataclasses import dataclass

from mentorat.importing.columns import BY_NAME
from mentorat.importing.result import ImportResult, RowError
from mentorat.importing.text import COLON, NBSP, quoted
from mentorat.importing.vocabulary import Role

ROLE_WORDS: dict[Role, str] = {"mentor": "mentors", "mentee": "mentoré·es"}


@dataclass(frozen=True)
class Need:
    rule: str
    """The name the operator gives to --accept-missing, as in the programme's settings."""
    label: str
    """French, what the rule does: « jamais dans la même unité »."""
    field: str
    roles: tuple[Role, ...]
    """Whose rows must carry the value (a capacity is a mentor's, an objective a mentee's)."""


@dataclass(frozen=True)
class Coverage:
    need: Need
    column: str | None
    """The header as written in the file, None when no column is read as the field."""
    filled: int
    total: int
    accepted: bool

    @property
    def missing(self) -> bool:
        """Absent, unread, or empty for every row it concerns (rows it concerns exist)."""
        return self.total > 0 and (self.column is None or self.filled == 0)

    @property
    def field_label(self) -> str:
        return BY_NAME[self.need.field].french

    def seen(self) -> str:
        """« Unité : 18/20 renseignées (mentors et mentoré·es) »."""
        whose = " et ".join(ROLE_WORDS[role] for role in self.need.roles)
        if self.column is None:
            return f"{self.field_label}{COLON} colonne absente ou non reconnue ({whose})"
        return f"{self.field_label}{COLON} {self.filled}/{self.total} renseignées ({whose})"


def coverage(result: ImportResult, needs: list[Need], accepted: set[str]) -> list[Coverage]:
    return [
        Coverage(
            need=need,
            column=result.column_of(need.field),
            filled=sum(result.filled[(need.field, role)] for role in need.roles),
            total=sum(result.by_role[role] for role in need.roles),
            accepted=need.rule in accepted,
        )
        for need in needs
    ]


def requirement_errors(result: ImportResult, coverages: list[Coverage]) -> list[RowError]:
    """One error per rule left without its column, on the header line."""
    errors = []
    for item in coverages:
        if not item.missing or item.accepted:
            continue
        state = (
            "absente du fichier ou non reconnue"
            if item.column is None
            else f"vide sur les {item.total} lignes concernées"
        )
        errors.append(
            RowError(
                result.file,
                result.header_line,
                item.column or item.field_label,
                item.need.field,
                f"la règle {quoted(item.need.label)} ({item.need.rule}) du programme s’appuie "
                f"sur la colonne {quoted(item.field_label)}, {state}{NBSP}; sans elle, la "
                "règle laisserait tout passer. Ajoutez ou remplissez la colonne, faites-la "
                f"lire avec --columns, ou poursuivez sciemment avec --accept-missing "
                f"{item.need.rule}",
            )
        )
    return errors
