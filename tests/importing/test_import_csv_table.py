import codecs

import pytest

from mentorat.importing import TableError, read_table

from .writers import ALICE, BRUNO, CHLOE, FRENCH_HEADER, csv_text


def test_it_reads_a_french_excel_csv_in_windows_1252_with_semicolons(write_csv):
    path = write_csv([FRENCH_HEADER, ALICE, BRUNO], encoding="cp1252")

    table = read_table(path)

    assert table.file == "candidats.csv"
    assert table.header == FRENCH_HEADER
    assert [row.cells for row in table.rows] == [ALICE, BRUNO]
    assert [row.line for row in table.rows] == [2, 3]


def test_it_reads_utf8_with_a_bom_without_keeping_the_bom_in_the_first_header(tmp_path):
    path = tmp_path / "candidats.csv"
    path.write_bytes(codecs.BOM_UTF8 + csv_text([FRENCH_HEADER, CHLOE]).encode("utf-8"))

    table = read_table(path)

    assert table.header[0] == "Prénom"
    assert table.rows[0].cells[0] == "Chloé"


def test_it_reads_plain_utf8_with_commas_even_when_cells_hold_semicolons(write_csv):
    chloe = (*CHLOE[:3], "mentorée ; à confirmer")
    path = write_csv([FRENCH_HEADER, chloe], delimiter=",", encoding="utf-8")

    table = read_table(path)

    assert table.header == FRENCH_HEADER
    assert table.rows[0].cells == chloe


def test_it_does_not_take_commas_in_cells_for_separators_in_a_semicolon_file(write_csv):
    header = (*FRENCH_HEADER, "Objectifs")
    alice = (*ALICE, "Encadrement, Mobilité")
    path = write_csv([header, alice], encoding="utf-8")

    assert read_table(path).rows[0].cells == alice


def test_it_reads_tab_separated_text_saved_as_txt(write_csv):
    path = write_csv([FRENCH_HEADER, ALICE], name="candidats.txt", delimiter="\t")

    assert read_table(path).rows[0].cells == ALICE


def test_it_reads_utf16_text_as_excel_saves_unicode_text(tmp_path):
    path = tmp_path / "candidats.txt"
    path.write_bytes(csv_text([FRENCH_HEADER, CHLOE], delimiter="\t").encode("utf-16"))

    assert read_table(path).rows[0].cells == CHLOE


def test_it_keeps_line_numbers_of_the_file_after_a_cell_that_spans_lines(write_csv):
    header = (*FRENCH_HEADER, "Attentes")
    alice = (*ALICE, "Transmettre.\nÉcouter.\nAider à prendre du recul.")
    path = write_csv([header, alice, (*BRUNO, ""), (*CHLOE, "")])

    table = read_table(path)

    assert table.rows[0].cells[4] == "Transmettre.\nÉcouter.\nAider à prendre du recul."
    assert [row.line for row in table.rows] == [2, 5, 6]


def test_it_skips_blank_lines_but_keeps_counting_them(write_csv):
    path = write_csv([FRENCH_HEADER, ALICE, (), ("", "", "", ""), BRUNO])

    table = read_table(path)

    assert [(row.line, row.cells[0]) for row in table.rows] == [(2, "Alice"), (5, "Bruno")]


def test_it_takes_the_first_non_blank_line_as_the_header(write_csv):
    path = write_csv([(), ("", "", ""), FRENCH_HEADER, ALICE])

    table = read_table(path)

    assert (table.header_line, table.header) == (3, FRENCH_HEADER)
    assert table.rows[0].line == 4


def test_it_refuses_an_empty_file_naming_it(tmp_path):
    path = tmp_path / "candidats.csv"
    path.write_bytes(b"")

    with pytest.raises(TableError) as refused:
        read_table(path)

    assert str(refused.value) == "candidats.csv\u00a0: le fichier est vide."


def test_it_refuses_a_file_of_blank_lines_as_empty(tmp_path):
    path = tmp_path / "candidats.csv"
    path.write_bytes(codecs.BOM_UTF8 + b";;;\r\n\r\n")

    with pytest.raises(TableError, match="vide"):
        read_table(path)


def test_it_refuses_binary_content_named_csv(tmp_path):
    path = tmp_path / "candidats.csv"
    path.write_bytes(bytes(range(256)) * 4)

    with pytest.raises(TableError, match="pas un fichier texte"):
        read_table(path)


def test_it_refuses_a_quote_never_closed_instead_of_swallowing_the_rest(tmp_path):
    path = tmp_path / "candidats.csv"
    path.write_text(
        csv_text([FRENCH_HEADER, ALICE]) + 'Bruno;"Lefèvre;bruno@justice.gouv.fr;mentoré\r\n'
        "Chloé;Dubois;chloe.dubois@justice.gouv.fr;mentorée\r\n",
        encoding="utf-8",
    )

    with pytest.raises(TableError, match="ligne 3 n'est jamais refermé"):
        read_table(path)


def test_it_refuses_a_missing_file_naming_it(tmp_path):
    with pytest.raises(TableError, match="^absent.csv\u00a0: fichier introuvable"):
        read_table(tmp_path / "absent.csv")


@pytest.mark.parametrize("name", ["candidats.pdf", "candidats", "candidats.xls", "candidats.ods"])
def test_it_refuses_other_formats_saying_which_to_use(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"Prenom;Nom\r\n")

    with pytest.raises(TableError) as refused:
        read_table(path)

    assert refused.value.file == name
    assert ".xlsx" in refused.value.message
