"""Reading a candidates file into typed rows, collecting every error of the file at once."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mentorat.importing import cells
from mentorat.importing.cells import CellError
from mentorat.importing.columns import BY_NAME, COLUMNS, map_header
from mentorat.importing.reader import read_table
from mentorat.importing.result import CandidateRow, ImportResult, RowError
from mentorat.importing.table import Cell, Table, TableRow, is_blank
from mentorat.importing.text import COLON, NBSP, fold, quoted
from mentorat.importing.vocabulary import (
    AMBIGUOUS_ROLES,
    CAREER_STAGES,
    FORMATS,
    GENDERS,
    NO_PREFERENCE,
    ROLES,
    SLOTS,
    Gender,
    Role,
    languages,
)

MAX_EXPECTATIONS = 2000


def read_candidates(path: str | Path) -> ImportResult:
    """Read and check a candidates file. Raises TableError when it is not a table at all."""
    return candidates_from_table(read_table(path))


def role(cell: Cell) -> Role | None:
    text = cells.text_of(cell)
    if not text:
        return None
    key = re.sub(r"\s+", "", text.lower())
    if key in AMBIGUOUS_ROLES:
        raise CellError(
            f"rôle ambigu ({quoted(text)}), écrivez {quoted('mentor')} ou {quoted('mentoré')}"
        )
    if key not in ROLES:
        raise CellError(
            f"rôle non reconnu ({quoted(text)}), {quoted('mentor')} ou {quoted('mentoré')} attendu"
        )
    return ROLES[key]


def preferred_gender(cell: Cell) -> Gender | None:
    if fold(cells.text_of(cell)) in NO_PREFERENCE:
        return None
    return cells.choice(cell, GENDERS, "F, M, indifférent")


PARSERS: dict[str, Callable[[Cell], Any]] = {
    "email": cells.email,
    "first_name": cells.name,
    "last_name": cells.name,
    "role": role,
    "objectives": cells.tags,
    "expertise": cells.tags,
    "unit": cells.optional_text,
    "manager_email": cells.email,
    "region": cells.optional_text,
    "overseas": cells.yes_no,
    "formats": lambda c: cells.choices(c, FORMATS, "présentiel, distanciel, mixte"),
    "languages": lambda c: cells.choices(c, languages(), "fr, en, français, anglais…"),
    "capacity": lambda c: cells.whole_number(c, 1, 10),
    "career_stage": lambda c: cells.choice(c, CAREER_STAGES, "début, milieu, fin"),
    "seniority_years": lambda c: cells.whole_number(c, 0, 60, " ans"),
    "gender": lambda c: cells.choice(c, GENDERS, "F, M, femme, homme"),
    "preferred_mentor_gender": preferred_gender,
    "availability": lambda c: cells.choices(c, SLOTS, "matin, midi, soir"),
    "post_start_date": cells.a_date,
    "expectations": lambda c: cells.long_text(c, MAX_EXPECTATIONS),
    "phone": lambda c: cells.optional_text(c, limit=40),
}
assert set(PARSERS) == {column.name for column in COLUMNS}


def candidates_from_table(table: Table) -> ImportResult:
    result = ImportResult()
    fields = _check_header(table, result)
    if not table.rows:
        result.errors.append(
            RowError(table.file, table.header_line, "", "", "aucun candidat sous l'en-tête")
        )
    columns = {name: index for index, name in fields.items()}
    first_line: dict[tuple[str, str], int] = {}
    for row in table.rows:
        values, errors = _parse_row(table, row, fields)
        if values.get("role") == "mentee":
            errors = _ignore_capacity(table, row, columns, values, errors, result.warnings)
        errors += _check_row(table, row, columns, values, first_line)
        result.errors += errors
        if not errors and not any(c.required and c.name not in values for c in COLUMNS):
            result.rows.append(CandidateRow(line=row.line, **values))
    return result


def _check_header(table: Table, result: ImportResult) -> dict[int, str]:
    header_map = map_header(table.header)
    line = table.header_line
    for column in header_map.missing:
        accepted = ", ".join(quoted(h) for h in (column.french, column.english, *column.aliases))
        result.errors.append(
            RowError(
                table.file, line, column.french, column.name,
                f"colonne obligatoire absente (en-têtes acceptés{COLON} {accepted})",
            )
        )  # fmt: skip
    for first, later in header_map.repeated:
        result.errors.append(
            RowError(
                table.file, line, table.header[later], header_map.fields[first],
                f"colonne en double, {quoted(table.header[first])} donne déjà ce champ",
            )
        )  # fmt: skip
    for index in header_map.unknown:
        header = table.header[index]
        result.unknown_columns.append(header)
        result.warnings.append(
            f"{table.file}, ligne {line}, colonne {quoted(header)}{COLON} colonne non "
            "reconnue, ses valeurs sont ignorées"
        )
    for index in _unnamed_columns_with_values(table):
        result.warnings.append(
            f"{table.file}, colonne n°{NBSP}{index + 1}{COLON} colonne sans en-tête, ses "
            "valeurs sont ignorées"
        )
    return header_map.fields


def _unnamed_columns_with_values(table: Table) -> list[int]:
    width = len(table.header)
    return [
        index
        for index in range(width)
        if not table.header[index]
        and any(index < len(row.cells) and not is_blank(row.cells[index]) for row in table.rows)
    ]


def _parse_row(
    table: Table, row: TableRow, fields: dict[int, str]
) -> tuple[dict[str, Any], list[RowError]]:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for index, name in fields.items():
        cell = row.cells[index] if index < len(row.cells) else None
        try:
            value = PARSERS[name](cell)
            if value is None and BY_NAME[name].required:
                raise CellError("valeur obligatoire manquante")
        except CellError as error:
            errors.append(RowError(table.file, row.line, table.header[index], name, str(error)))
            continue
        if value is not None:
            values[name] = value
    width = len(table.header)
    overflow = [cell for cell in row.cells[width:] if not is_blank(cell)]
    if overflow:
        errors.append(
            RowError(
                table.file, row.line, "", "",
                f"{len(overflow)} valeur(s) au-delà des {width} colonnes de l'en-tête{NBSP}; "
                "vérifiez le séparateur et les guillemets de cette ligne",
            )
        )  # fmt: skip
    return values, errors


def _check_row(
    table: Table,
    row: TableRow,
    columns: dict[str, int],
    values: dict[str, Any],
    first_line: dict[tuple[str, str], int],
) -> list[RowError]:
    """Rules across cells of a row and across rows."""
    errors: list[RowError] = []
    email, role = values.get("email"), values.get("role")
    if email and role:
        seen = first_line.setdefault((email, role), row.line)
        if seen != row.line:
            errors.append(
                RowError(
                    table.file, row.line, table.header[columns["email"]], "email",
                    f"doublon de la ligne {seen} (même courriel, même rôle)",
                )
            )  # fmt: skip
    if email and values.get("manager_email") == email:
        errors.append(
            RowError(
                table.file, row.line, table.header[columns["manager_email"]], "manager_email",
                "le responsable hiérarchique ne peut pas être la personne elle-même",
            )
        )  # fmt: skip
    if role == "mentor":
        values.setdefault("capacity", 1)
    return errors


def _ignore_capacity(
    table: Table,
    row: TableRow,
    columns: dict[str, int],
    values: dict[str, Any],
    errors: list[RowError],
    warnings: list[str],
) -> list[RowError]:
    """A mentee takes no mentees: whatever the capacity cell says, it is only a warning."""
    values.pop("capacity", None)
    index = columns.get("capacity")
    if index is None:
        return errors
    cell = row.cells[index] if index < len(row.cells) else None
    if not is_blank(cell):
        warnings.append(
            f"{table.file}, ligne {row.line}, colonne {quoted(table.header[index])}{COLON} la "
            f"capacité ne concerne que les mentors, valeur ignorée ({quoted(cells.text_of(cell))})"
        )
    return [error for error in errors if error.field != "capacity"]
