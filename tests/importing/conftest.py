"""Writers of real candidates files in tmp_path, as the tools people use would save them."""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from .writers import csv_text


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """write_csv(rows, name=, delimiter=, encoding=) -> path; French Excel by default."""

    def write(
        rows: Sequence[Sequence[Any]],
        name: str = "candidats.csv",
        delimiter: str = ";",
        encoding: str = "cp1252",
    ) -> Path:
        path = tmp_path / name
        path.write_bytes(csv_text(rows, delimiter).encode(encoding))
        return path

    return write


@pytest.fixture
def write_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """write_xlsx(rows, name=, first_row=) -> path; cells keep their Python types."""

    def write(
        rows: Sequence[Sequence[Any]], name: str = "candidats.xlsx", first_row: int = 1
    ) -> Path:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "Candidats"
        for offset, row in enumerate(rows):
            for column, value in enumerate(row, start=1):
                sheet.cell(row=first_row + offset, column=column, value=value)
        path = tmp_path / name
        workbook.save(path)
        return path

    return write
