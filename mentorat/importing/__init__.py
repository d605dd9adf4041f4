"""Reading candidates files (CSV, XLSX) into checked rows. Pure: no database, no Prefect.

`read_candidates(path)` raises TableError when the file is not a table at all; otherwise
it returns an ImportResult whose `errors` list every problem of the file, and whose
`rows` may be imported only when `ok` is true.
"""

from mentorat.importing.candidates import read_candidates
from mentorat.importing.columns import COLUMNS, Column
from mentorat.importing.reader import read_table
from mentorat.importing.result import CandidateRow, ImportResult, PersonRow, RowError
from mentorat.importing.table import Table, TableError, TableRow

__all__ = [
    "COLUMNS",
    "CandidateRow",
    "Column",
    "ImportResult",
    "PersonRow",
    "RowError",
    "Table",
    "TableError",
    "TableRow",
    "read_candidates",
    "read_table",
]
