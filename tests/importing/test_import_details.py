"""The details of real files: line breaks where none belongs, impossible dates in any date
column, Excel's `sep=;` line, HR identifiers, and every error of the file at once."""

import codecs

import pytest

from mentorat.importing import read_candidates

from .writers import FRENCH_HEADER, csv_text

NBSP = "\u00a0"
ALICE = ["Alice", "Martin", "alice.martin@justice.gouv.fr", "mentor"]
CHLOE = ["Chloé", "Dubois", "chloe.dubois@justice.gouv.fr", "mentorée"]


@pytest.mark.parametrize(
    ("column", "index", "value"),
    [
        ("Prénom", 0, "Robert\nBcc: tous@justice.gouv.fr"),
        ("Nom", 1, "Martin\nDupont"),
        ("Courriel", 2, "alice.martin@justice.gouv.fr\nBcc: x@y.fr"),
    ],
)
def test_a_line_break_in_a_one_line_field_is_an_error_with_its_line_and_column(
    write_csv, column: str, index: int, value: str
):
    row = list(ALICE)
    row[index] = value
    result = read_candidates(write_csv([FRENCH_HEADER, CHLOE, row]))

    assert not result.ok and result.rows[0].first_name == "Chloé" and len(result.rows) == 1
    (error,) = result.errors
    assert (error.line, error.column) == (3, column)
    assert "retour à la ligne dans une valeur d'une seule ligne" in error.message
    assert "⏎" in error.message


def test_a_line_break_in_the_unit_of_a_workbook_is_refused_too(write_xlsx):
    path = write_xlsx([[*FRENCH_HEADER, "Juridiction"], [*ALICE, "TJ Lille\nCc: x@y.fr"]])

    (error,) = read_candidates(path).errors

    assert (error.line, error.column, error.field) == (2, "Juridiction", "unit")


def test_free_text_keeps_its_line_breaks(write_csv):
    result = read_candidates(write_csv([[*FRENCH_HEADER, "Attentes"], [*CHLOE, "Un\nDeux"]]))

    assert result.ok and result.rows[0].expectations == "Un\nDeux"


def test_an_impossible_date_in_a_date_column_the_import_does_not_read_is_an_error(write_csv):
    header = [*FRENCH_HEADER, "Date de naissance", "Date de fin de contrat"]
    result = read_candidates(
        write_csv([header, [*ALICE, "31/02/1970", "à préciser"], [*CHLOE, "12/03/1985", ""]])
    )

    assert [str(e) for e in result.errors] == [
        f"candidats.csv, ligne 2, colonne «{NBSP}Date de naissance{NBSP}»{NBSP}: date "
        f"inexistante («{NBSP}31/02/1970{NBSP}»)"
    ]


def test_an_impossible_date_of_taking_up_a_post_under_any_title_is_an_error(write_csv):
    header = [*FRENCH_HEADER, "Date d'entrée en fonction(s)"]
    (error,) = read_candidates(write_csv([header, [*CHLOE, "30/02/2027"]])).errors

    assert (error.field, error.line) == ("post_start_date", 2)


def test_every_error_of_the_file_is_reported_at_once_and_no_row_passes_with_them(write_csv):
    header = [*FRENCH_HEADER, "Matricule", "Date de prise de poste", "Nb de mentorés"]
    rows = [
        header,
        ["Robert\nBcc: x@y.fr", "Roux", "robert.roux@justice.gouv.fr", "mentor", "A1", "", "2"],
        [*ALICE, "A2", "", "onze"],
        [*CHLOE, "A3", "31/04/2027", ""],
        ["Chloé", "Dubois", "c.dubois@justice.gouv.fr", "mentor", "A3", "", "1"],
    ]

    result = read_candidates(write_csv(rows))

    # Lines of the file as an editor shows them: Robert's two-line cell pushes the rest down.
    assert [(e.line, e.field) for e in result.errors] == [
        (2, "first_name"),
        (4, "capacity"),
        (5, "post_start_date"),
        (6, "hr_id"),
    ]
    assert "même matricule qu'à la ligne 5" in result.errors[-1].message
    assert result.rows == []


def test_excels_sep_line_is_not_taken_for_the_header(tmp_path):
    path = tmp_path / "candidats.csv"
    text = "sep=;\r\n" + csv_text([FRENCH_HEADER, ALICE], ";")
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))

    result = read_candidates(path)

    assert result.ok and result.header_line == 2 and result.rows[0].line == 3


def test_a_sep_line_may_declare_a_comma(tmp_path):
    path = tmp_path / "candidats.csv"
    path.write_bytes(('"sep=,"\n' + csv_text([FRENCH_HEADER, ALICE], ",")).encode("utf-8"))

    assert read_candidates(path).rows[0].email == "alice.martin@justice.gouv.fr"


def test_a_list_of_people_for_the_call_needs_no_role_and_reads_only_who_they_are(write_csv):
    rows = [
        ["Matricule", "NOM", "Prénom", "Adresse mail", "Grade", "Juridiction"],
        ["A1", "Martin", "Alice", "alice.martin@justice.gouv.fr", "Premier conseiller", "TA Lyon"],
        ["A2", "Dubois", "Chloé", "chloe.dubois@justice.gouv.fr", "Conseiller", "TA Lille"],
        ["A3", "Roux", "Bob", "alice.martin@justice.gouv.fr", "Conseiller", "TA Lille"],
    ]

    result = read_candidates(write_csv(rows), people_only=True)

    assert [(e.line, e.field) for e in result.errors] == [(4, "email")]
    assert "doublon de la ligne 2 (même courriel)" in result.errors[0].message
    assert [(p.hr_id, p.first_name) for p in result.people] == [("A1", "Alice"), ("A2", "Chloé")]
    assert result.rows == []
