"""A spreadsheet read from a file: a header and numbered rows, whatever the format."""

from dataclasses import dataclass
from datetime import date, datetime, time

from mentorat.importing.text import COLON, count

Cell = str | int | float | bool | date | datetime | time | None
"""CSV cells are always text; XLSX cells keep their type (numbers, dates, booleans)."""

MAX_ROWS = 10_000
"""A cohort has tens of people: a bigger file is a wrong file, and refusing it bounds memory."""


class TableError(Exception):
    """The file cannot be read as a table at all. The message is French and names the file."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(f"{file}{COLON} {message}")
        self.file = file
        self.message = message


@dataclass(frozen=True)
class TableRow:
    line: int
    """Where a person finds the row: the sheet row number in XLSX; in a CSV, the line of the
    file where the record starts (a cell spanning several lines pushes the next rows down)."""
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    file: str
    """The file name as the operator knows it, used in every message."""
    header: tuple[str, ...]
    header_line: int
    rows: tuple[TableRow, ...]
    """Data rows under the header, fully blank rows left out."""


def is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def build_table(file: str, numbered_rows: list[tuple[int, tuple[Cell, ...]]]) -> Table:
    """The first non-blank row is the header; blank rows are dropped everywhere."""
    filled = [(line, cells) for line, cells in numbered_rows if not all(map(is_blank, cells))]
    if not filled:
        raise TableError(file, "le fichier est vide.")
    (header_line, header_cells), *data = filled
    if len(data) > MAX_ROWS:
        raise TableError(
            file,
            f"le fichier compte {count(len(data))} lignes, {count(MAX_ROWS)} au plus sont "
            "acceptées.",
        )
    header = tuple(_header_text(cell) for cell in header_cells)
    rows = tuple(TableRow(line, cells) for line, cells in data)
    return Table(file=file, header=header, header_line=header_line, rows=rows)


def _header_text(cell: Cell) -> str:
    if cell is None:
        return ""
    # A BOM can survive in the first header cell when a file was saved twice with one.
    return " ".join(str(cell).replace("\ufeff", "").split())
