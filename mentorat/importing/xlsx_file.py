"""XLSX workbooks: the first sheet, rows numbered as the spreadsheet shows them."""

import warnings
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from mentorat.importing.files import read_bytes
from mentorat.importing.table import MAX_ROWS, Cell, Table, TableError, build_table, is_blank
from mentorat.importing.text import COLON

MAX_BYTES = 20_000_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Compound-file header: an encrypted (password-protected) workbook or an old .xls."""


def read_xlsx_table(path: Path) -> Table:
    head = read_bytes(path, MAX_BYTES)[:8]
    if not head:
        raise TableError(path.name, "le fichier est vide.")
    if head == _OLE_MAGIC:
        raise TableError(
            path.name,
            "le classeur est protégé par un mot de passe ou enregistré au format Excel 97-2003"
            f"{COLON} enregistrez-le au format .xlsx sans mot de passe.",
        )
    try:
        # openpyxl warns about workbook features it drops (data validation, styles…):
        # irrelevant to reading values, and pytest turns warnings into errors.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return build_table(path.name, _numbered_rows(path))
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, EOFError):
        raise TableError(
            path.name, "ce n'est pas un classeur Excel lisible (fichier endommagé ?)."
        ) from None


def _numbered_rows(path: Path) -> list[tuple[int, tuple[Cell, ...]]]:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        # Some producers write a wrong sheet size; without this, rows past it would be lost.
        sheet.reset_dimensions()
        numbered = []
        # Read-only sheets yield every row from row 1, filling gaps with empty rows,
        # so counting them gives the row numbers the spreadsheet shows.
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if all(is_blank(cell) for cell in cells):
                continue
            numbered.append((line, tuple(cells)))
            if len(numbered) > MAX_ROWS + 1:
                break  # header + one row too many: build_table reports it, stop reading
        return numbered
    finally:
        workbook.close()
