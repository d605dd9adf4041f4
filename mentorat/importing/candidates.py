"""Reading a candidates file into typed rows, collecting every error of the file at once."""

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from mentorat.importing import cells
from mentorat.importing.cells import CellError
from mentorat.importing.columns import BY_NAME, COLUMNS, HeaderMap, map_header
from mentorat.importing.headers import key_of
from mentorat.importing.reader import read_table
from mentorat.importing.result import CandidateRow, ImportResult, PersonRow, RowError
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


def read_candidates(
    path: str | Path, mapping: Mapping[str, str] | None = None, *, people_only: bool = False
) -> ImportResult:
    """Read and check a candidates file. Raises TableError when it is not a table at all.

    `mapping` (header text -> field name or « ignorer ») is the operator's reading of the
    columns the recognition misses; it wins over recognition. `people_only`: a list of
    people (the call's recipients): only who they are is read, into `result.people`."""
    return candidates_from_table(read_table(path), mapping, people_only=people_only)


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
    "hr_id": lambda c: cells.optional_text(c, limit=40),
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
REQUIRED = frozenset(column.name for column in COLUMNS if column.required)
PERSON_REQUIRED = frozenset(("email", "first_name", "last_name"))
PERSON_FIELDS = frozenset((*PERSON_REQUIRED, "hr_id", "phone"))


def candidates_from_table(
    table: Table, mapping: Mapping[str, str] | None = None, *, people_only: bool = False
) -> ImportResult:
    result = ImportResult(header=table.header, header_line=table.header_line, file=table.file)
    required = PERSON_REQUIRED if people_only else REQUIRED
    fields = _check_header(table, result, mapping, required)
    if people_only:
        fields = {index: name for index, name in fields.items() if name in PERSON_FIELDS}
    if not table.rows:
        nobody = "aucune personne" if people_only else "aucun candidat"
        result.errors.append(
            RowError(table.file, table.header_line, "", "", f"{nobody} sous l’en-tête")
        )
    columns = {name: index for index, name in fields.items()}
    first_line: dict[tuple[str, str], int] = {}
    hr_ids: dict[str, tuple[int, str]] = {}
    for row in table.rows:
        values, errors = _parse_row(table, row, fields)
        if role_of_row := values.get("role"):
            result.by_role[role_of_row] += 1
            for name in values:
                result.filled[(name, role_of_row)] += 1
        if values.get("role") == "mentee":
            errors = _ignore_capacity(table, row, columns, values, errors, result.warnings)
        errors += _check_row(table, row, columns, values, first_line)
        errors += _check_hr_id(table, row, columns, values, hr_ids)
        errors += _check_other_dates(table, row, result.header_map)
        result.errors += errors
        if errors or any(name not in values for name in required):
            continue
        if people_only:
            result.people.append(PersonRow(line=row.line, **values))
        else:
            result.rows.append(CandidateRow(line=row.line, **values))
    return result


def _check_hr_id(
    table: Table,
    row: TableRow,
    columns: dict[str, int],
    values: dict[str, Any],
    hr_ids: dict[str, tuple[int, str]],
) -> list[RowError]:
    """One HR identifier is one person: two addresses for it is a mistake in the file."""
    hr_id, email = values.get("hr_id"), values.get("email")
    if not hr_id or not email:
        return []
    line, first_email = hr_ids.setdefault(hr_id, (row.line, email))
    if first_email == email:
        return []
    return [
        RowError(
            table.file, row.line, table.header[columns["hr_id"]], "hr_id",
            f"même matricule qu'à la ligne {line}, avec une autre adresse",
        )
    ]  # fmt: skip


def _check_header(
    table: Table,
    result: ImportResult,
    mapping: Mapping[str, str] | None,
    required: frozenset[str],
) -> dict[int, str]:
    header_map = map_header(table.header, mapping, required)
    result.header_map = header_map
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
    for index, names in header_map.ambiguous.items():
        header = table.header[index]
        result.unknown_columns.append(header)
        named = " ou ".join(quoted(BY_NAME[name].french) for name in names)
        result.warnings.append(
            f"{table.file}, ligne {line}, colonne {quoted(header)}{COLON} l’en-tête peut "
            f"désigner {named}, ses valeurs sont ignorées (précisez-le avec --columns)"
        )
    for index in _unnamed_columns_with_values(table):
        result.warnings.append(
            f"{table.file}, colonne n°{NBSP}{index + 1}{COLON} colonne sans en-tête, ses "
            "valeurs sont ignorées"
        )
    return header_map.fields


def _check_other_dates(table: Table, row: TableRow, header_map: HeaderMap | None) -> list[RowError]:
    """A column we do not read but whose title says it holds dates still gets its dates
    checked: a « 31/02 » there is a typing error the operator wants to know about."""
    errors: list[RowError] = []
    for index in header_map.unknown if header_map else ():
        if "date" not in key_of(table.header[index]):
            continue
        cell = row.cells[index] if index < len(row.cells) else None
        if isinstance(cell, str) and not any(char.isdigit() for char in cell):
            continue  # « à préciser », « inconnue »: not a date, nothing to check
        try:
            cells.a_date(cell)
        except CellError as error:
            errors.append(RowError(table.file, row.line, table.header[index], "", str(error)))
    return errors


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
        if value is not None and value != () and value != {}:
            values[name] = value  # an empty list is no answer: the row's default stands
    width = len(table.header)
    overflow = [cell for cell in row.cells[width:] if not is_blank(cell)]
    if overflow:
        errors.append(
            RowError(
                table.file, row.line, "", "",
                f"{len(overflow)} valeur(s) au-delà des {width} colonnes de l’en-tête{NBSP}; "
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
    if email:
        seen = first_line.setdefault((email, role or ""), row.line)
        if seen != row.line:
            same = "même courriel, même rôle" if role else "même courriel"
            errors.append(
                RowError(
                    table.file, row.line, table.header[columns["email"]], "email",
                    f"doublon de la ligne {seen} ({same})",
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
