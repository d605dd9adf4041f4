"""One entry point that picks the reader from the file's extension."""

from pathlib import Path

from mentorat.importing.csv_file import read_csv_table
from mentorat.importing.table import Table, TableError
from mentorat.importing.text import COLON, quoted
from mentorat.importing.xlsx_file import read_xlsx_table


def read_table(path: str | Path) -> Table:
    """Read a .csv, .tsv, .txt or .xlsx file. Raises TableError when it is not a table."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv", ".txt"}:
        return read_csv_table(path)
    if suffix == ".xlsx":
        return read_xlsx_table(path)
    if suffix in {".xls", ".ods", ".xlsm", ".xlsb", ".numbers"}:
        raise TableError(
            path.name,
            f"le format {quoted(suffix)} n'est pas pris en charge{COLON} enregistrez le fichier "
            "au format .xlsx ou CSV.",
        )
    raise TableError(
        path.name,
        f"extension {quoted(suffix or '(aucune)')} non prise en charge{COLON} utilisez un "
        "fichier .csv, .tsv, .txt ou .xlsx.",
    )
