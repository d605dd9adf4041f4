"""Files an operator opens in Excel or LibreOffice: every export writes through here.

Text stays text. A participant's name or answer such as `=HYPERLINK("http://…")` would be a
formula in a spreadsheet (a link that leaks the sheet, a command on old versions): a value
that starts with one of the characters that make a formula is written with an apostrophe in
front, in CSV as in XLSX, where it is a string cell as well. Numbers stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: str) -> str:
    """The value, neutralised if a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(value: Any) -> Any:
    return as_text(value) if isinstance(value, str) else value


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    # French Excel opens UTF-8 with a BOM and ";" correctly.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([_cell(h) for h in headers])
        writer.writerows([_cell(v) for v in row] for row in rows)


def fill_sheet(sheet: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write the rows below the headers; every str is a string cell, never a formula."""
    for r, row in enumerate([list(headers), *(list(row) for row in rows)], start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, str):
                # XLSX cannot hold most control characters (openpyxl refuses them).
                cell.value = as_text(ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"
            else:
                cell.value = value


def new_workbook() -> tuple[Workbook, Worksheet]:
    """A workbook and its first sheet."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    return book, sheet
