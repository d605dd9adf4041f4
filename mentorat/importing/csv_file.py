"""CSV as Excel writes it in France: `;` between cells, Windows-1252 or UTF-8 with a BOM.

Also reads plain UTF-8 comma files and tab-separated text. Line numbers are those of the
file as a text editor shows them, so they stay right after a cell that spans several lines.
"""

import codecs
import csv
import io
import re
from pathlib import Path

import charset_normalizer

from mentorat.importing.files import read_bytes
from mentorat.importing.table import Cell, Table, TableError, build_table
from mentorat.importing.text import NBSP

MAX_BYTES = 20_000_000
SEPARATORS = (";", "\t", ",")
"""Sniffing order: on a tie, French Excel's `;` wins."""


def read_csv_table(path: Path) -> Table:
    text = decode(read_bytes(path, MAX_BYTES), path.name)
    # Lines split exactly as the csv module sees them (\n, \r\n and \r), so that
    # reader.line_num counts the same lines a text editor shows.
    lines = list(io.StringIO(text, newline=""))
    skipped, delimiter = _declared_separator(lines)
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_separator(lines)
    reader = csv.reader(lines[skipped:], delimiter=delimiter)
    numbered: list[tuple[int, tuple[Cell, ...]]] = []
    start = skipped + 1
    try:
        for record in reader:
            numbered.append((start, tuple(record)))
            start = skipped + reader.line_num + 1
    except csv.Error:
        raise TableError(
            path.name, f"cellule illisible à la ligne {start} (trop longue ou mal formée)."
        ) from None
    if numbered and _ends_inside_quotes("".join(lines[numbered[-1][0] - 1 :]), delimiter):
        raise TableError(
            path.name,
            f"le guillemet ouvert à la ligne {numbered[-1][0]} n'est jamais refermé{NBSP}; "
            "le reste du fichier serait lu comme une seule cellule.",
        )
    return build_table(path.name, numbered)


_SEP_LINE = re.compile(r'^\ufeff?"?sep=(.)"?[;,\t]*\s*$', re.IGNORECASE)


def _declared_separator(lines: list[str]) -> tuple[int, str | None]:
    """Excel's « sep=; » first line: it names the separator and is not part of the table.

    Returns how many lines to skip (0 or 1) and the separator it declares, if any.
    """
    if lines and (match := _SEP_LINE.match(lines[0])):
        return 1, match.group(1)
    return 0, None


def decode(data: bytes, file: str) -> str:
    """UTF-8 (with or without BOM) first, then Windows-1252, then a statistical guess."""
    if not data.strip():
        raise TableError(file, "le fichier est vide.")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError:
            raise TableError(
                file, "le fichier se dit en UTF-8 mais contient des caractères invalides."
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's « Texte Unicode » export.
        return data.decode("utf-16")
    if b"\x00" in data:
        raise TableError(file, "ce n'est pas un fichier texte (CSV).")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    guess = charset_normalizer.from_bytes(data).best()
    if guess is None:
        raise TableError(file, "encodage des caractères non reconnu.")
    return str(guess)


def sniff_separator(lines: list[str]) -> str:
    """The separator that splits the header into the most columns.

    Judged on the header alone: data cells may hold commas (« Paris, Lyon ») in a
    `;` file, but header names do not.
    """
    best, best_width = SEPARATORS[0], 1
    for separator in SEPARATORS:
        width = 0
        try:
            for record in csv.reader(lines, delimiter=separator):
                if any(cell.strip() for cell in record):
                    width = len(record)
                    break
        except csv.Error:
            continue
        if width > best_width:
            best, best_width = separator, width
    return best


def _ends_inside_quotes(tail: str, delimiter: str) -> bool:
    """Whether a quote opened in the last record is never closed.

    The csv module, when not strict, silently reads such a file to its end as one cell;
    this scans only the last record, which is where that cell ends up.
    """
    inside = False
    at_cell_start = True
    position = 0
    while position < len(tail):
        char = tail[position]
        if inside:
            if char == '"':
                if tail[position + 1 : position + 2] == '"':
                    position += 1
                else:
                    inside = False
        elif char == '"' and at_cell_start:
            inside = True
        at_cell_start = not inside and char in (delimiter, "\n", "\r")
        position += 1
    return inside
