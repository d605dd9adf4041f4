import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from mentorat.importing import TableError, read_table

from .writers import ALICE, BRUNO, FRENCH_HEADER


def test_it_reads_the_first_sheet_with_typed_cells(write_xlsx):
    header = (*FRENCH_HEADER, "Date de prise de poste", "Capacité")
    path = write_xlsx([header, (*ALICE, None, 2), (*BRUNO, date(2027, 9, 1), None)])

    table = read_table(path)

    assert table.header == header
    assert table.rows[0].cells == (*ALICE, None, 2)
    assert table.rows[1].cells[4] == datetime(2027, 9, 1)
    assert [row.line for row in table.rows] == [2, 3]


def test_it_numbers_rows_as_the_sheet_does_when_the_table_starts_lower(write_xlsx):
    path = write_xlsx([FRENCH_HEADER, ALICE, (None,) * 4, BRUNO], first_row=4)

    table = read_table(path)

    assert table.header_line == 4
    assert [(row.line, row.cells[0]) for row in table.rows] == [(5, "Alice"), (7, "Bruno")]


def test_it_ignores_the_other_sheets(write_xlsx, tmp_path):
    path = write_xlsx([FRENCH_HEADER, ALICE])
    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("Brouillon").append(("Notes",))
    workbook.save(path)

    assert read_table(path).header == FRENCH_HEADER


def test_it_refuses_a_workbook_with_nothing_in_it(write_xlsx):
    path = write_xlsx([])

    with pytest.raises(TableError, match="^candidats.xlsx\u00a0: le fichier est vide"):
        read_table(path)


def test_it_refuses_binary_garbage_named_xlsx(tmp_path):
    path = tmp_path / "candidats.xlsx"
    path.write_bytes(bytes(range(256)) * 8)

    with pytest.raises(TableError, match="^candidats.xlsx\u00a0: ce n'est pas un classeur"):
        read_table(path)


def test_it_refuses_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "candidats.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "pas un classeur")

    with pytest.raises(TableError, match="pas un classeur Excel lisible"):
        read_table(path)


def test_it_explains_a_password_protected_workbook(tmp_path):
    # Excel stores an encrypted workbook in a compound file, not in a zip.
    path = tmp_path / "candidats.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))

    with pytest.raises(TableError, match="protégé par un mot de passe"):
        read_table(path)


def test_it_refuses_an_empty_file_named_xlsx(tmp_path):
    path = tmp_path / "candidats.xlsx"
    path.write_bytes(b"")

    with pytest.raises(TableError, match="vide"):
        read_table(path)
