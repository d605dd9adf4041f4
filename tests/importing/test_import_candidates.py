import codecs
from datetime import date, datetime

import pytest

from demo.sample_candidates import SAMPLE_ROWS, sample_csv_bytes
from mentorat.importing import CandidateRow, RowError, TableError, read_candidates

from .writers import ALICE, BRUNO, CHLOE, FRENCH_HEADER, csv_text

NBSP = "\u00a0"

FULL_HEADER = (
    "Prénom", "Nom", "Courriel", "Rôle", "Objectifs", "Domaines d'expertise", "Unité",
    "Responsable hiérarchique", "Région", "Outre-mer", "Formats", "Langues", "Capacité",
    "Étape de carrière", "Ancienneté", "Genre", "Préférence de genre du mentor",
    "Disponibilités", "Date de prise de poste", "Attentes", "Téléphone",
)  # fmt: skip

ALICE_FULL = (
    "Alice", "Martin", "Alice.Martin@justice.gouv.fr", "Mentor", "",
    "Encadrement, Mobilité hors juridiction", "Cour d'appel de Lyon", "", "Auvergne-Rhône-Alpes",
    "non", "présentiel / distanciel", "français, anglais", "2", "fin de carrière", "31", "F", "",
    "matin et soir", "", "", "04 72 00 00 00",
)  # fmt: skip

CHLOE_FULL = (
    "Chloé", "Dubois", "chloe.dubois@justice.gouv.fr", "mentoré(e)",
    "Mobilité hors juridiction | Prise de responsabilités", "", "Tribunal judiciaire de Cayenne",
    "marc.bernard@justice.gouv.fr", "Guyane", "oui", "distanciel", "fr", "", "début", "2",
    "femme", "indifférent", "midi", "01/09/2027", "Premier poste d'encadrement.", "",
)  # fmt: skip

ALICE_ROW = CandidateRow(
    line=2,
    email="alice.martin@justice.gouv.fr",
    first_name="Alice",
    last_name="Martin",
    role="mentor",
    expertise={
        "encadrement": "Encadrement",
        "mobilite-hors-juridiction": "Mobilité hors juridiction",
    },
    unit="Cour d'appel de Lyon",
    region="Auvergne-Rhône-Alpes",
    overseas=False,
    formats=("in_person", "remote"),
    languages=("fr", "en"),
    capacity=2,
    career_stage="late",
    seniority_years=31,
    gender="female",
    availability=("morning", "evening"),
    phone="04 72 00 00 00",
)

CHLOE_ROW = CandidateRow(
    line=3,
    email="chloe.dubois@justice.gouv.fr",
    first_name="Chloé",
    last_name="Dubois",
    role="mentee",
    objectives={
        "mobilite-hors-juridiction": "Mobilité hors juridiction",
        "prise-de-responsabilites": "Prise de responsabilités",
    },
    unit="Tribunal judiciaire de Cayenne",
    manager_email="marc.bernard@justice.gouv.fr",
    region="Guyane",
    overseas=True,
    formats=("remote",),
    languages=("fr",),
    capacity=None,
    career_stage="early",
    seniority_years=2,
    gender="female",
    preferred_mentor_gender=None,
    availability=("noon",),
    post_start_date=date(2027, 9, 1),
    expectations="Premier poste d'encadrement.",
)


def test_it_reads_every_column_of_a_french_excel_csv(write_csv):
    path = write_csv([FULL_HEADER, ALICE_FULL, CHLOE_FULL], encoding="cp1252")

    result = read_candidates(path)

    assert result.ok
    assert (result.errors, result.warnings) == ([], [])
    assert result.rows == [ALICE_ROW, CHLOE_ROW]


def test_it_reads_the_same_people_from_utf8_with_bom(tmp_path):
    path = tmp_path / "candidats.csv"
    path.write_bytes(
        codecs.BOM_UTF8 + csv_text([FULL_HEADER, ALICE_FULL, CHLOE_FULL]).encode("utf-8")
    )

    assert read_candidates(path).rows == [ALICE_ROW, CHLOE_ROW]


def test_it_reads_headers_typed_without_accents_in_a_comma_file(write_csv):
    header = tuple(
        h.replace("é", "e").replace("É", "E").replace("ô", "o").lower() for h in FULL_HEADER
    )
    path = write_csv([header, ALICE_FULL, CHLOE_FULL], delimiter=",", encoding="utf-8")

    result = read_candidates(path)

    assert result.rows == [ALICE_ROW, CHLOE_ROW]


def test_it_reads_english_headers(write_csv):
    header = ("First name", "Last name", "Email", "Role", "Objectives", "Post start date")
    bruno = (*BRUNO[:3], "mentee", "Mobility", "2027-09-01")
    path = write_csv([header, bruno], delimiter=",", encoding="utf-8")

    (row,) = read_candidates(path).rows

    assert (row.first_name, row.role, row.objectives, row.post_start_date) == (
        "Bruno",
        "mentee",
        {"mobility": "Mobility"},
        date(2027, 9, 1),
    )


def test_it_reads_an_xlsx_with_real_date_and_number_cells(write_xlsx):
    header = (*FRENCH_HEADER, "Date de prise de poste", "Capacité", "Outre-mer", "Téléphone")
    path = write_xlsx(
        [
            header,
            (*ALICE, None, 3, False, 472000000),
            (*CHLOE, datetime(2027, 9, 1), None, True, None),
        ]
    )

    result = read_candidates(path)

    assert result.ok, [str(error) for error in result.errors]
    alice, chloe = result.rows
    assert (alice.capacity, alice.overseas, alice.phone) == (3, False, "472000000")
    assert (chloe.post_start_date, chloe.overseas, chloe.capacity) == (date(2027, 9, 1), True, None)


def test_it_reports_every_error_of_the_file_with_line_column_and_field(write_csv):
    header = (*FRENCH_HEADER, "Capacité", "Date de prise de poste")
    path = write_csv(
        [
            header,
            (*ALICE, "2", ""),
            ("Bruno", "Lefèvre", "jean.dupont@", "mentoré", "", "31/02/2027"),
            ("Chloé", "Dubois", "chloe.dubois@justice.gouv.fr", "stagiaire", "", ""),
            ("Damien", "", "damien.roux@justice.gouv.fr", "mentor", "deux", "2027-09-01"),
        ]
    )

    result = read_candidates(path)

    assert not result.ok
    assert [(e.line, e.column, e.field) for e in result.errors] == [
        (3, "Courriel", "email"),
        (3, "Date de prise de poste", "post_start_date"),
        (4, "Rôle", "role"),
        (5, "Nom", "last_name"),
        (5, "Capacité", "capacity"),
    ]
    assert [row.first_name for row in result.rows] == ["Alice"]


def test_it_words_an_error_with_the_file_the_line_and_the_header(write_csv):
    path = write_csv([FRENCH_HEADER, ("Jean", "Dupont", "jean.dupont@", "mentor")])

    (error,) = read_candidates(path).errors

    assert error == RowError(
        file="candidats.csv",
        line=2,
        column="Courriel",
        field="email",
        message=f"adresse électronique invalide («{NBSP}jean.dupont@{NBSP}»)",
    )
    assert str(error) == (
        f"candidats.csv, ligne 2, colonne «{NBSP}Courriel{NBSP}»{NBSP}: "
        f"adresse électronique invalide («{NBSP}jean.dupont@{NBSP}»)"
    )


def test_it_names_the_header_as_written_in_the_file(write_csv):
    header = ("prenom", "NOM", "Adresse e-mail", "role")
    path = write_csv([header, ("Jean", "Dupont", "jean.dupont@", "mentor")])

    (error,) = read_candidates(path).errors

    assert (error.column, error.field) == ("Adresse e-mail", "email")


def test_it_reports_each_missing_required_column_on_the_header_line(write_csv):
    path = write_csv([("Prénom", "Objectifs"), ("Alice", "Encadrement")])

    result = read_candidates(path)

    assert [(e.line, e.column, e.field) for e in result.errors] == [
        (1, "Courriel", "email"),
        (1, "Nom", "last_name"),
        (1, "Rôle", "role"),
    ]
    assert "colonne obligatoire absente" in result.errors[0].message
    assert result.rows == []


def test_it_refuses_the_same_person_twice_in_the_same_role_naming_the_first_line(write_csv):
    alice_again = ("Alice", "Martin", "ALICE.MARTIN@justice.gouv.fr", "Mentor")
    path = write_csv([FRENCH_HEADER, ALICE, BRUNO, alice_again])

    (error,) = read_candidates(path).errors

    assert (error.line, error.column, error.field) == (4, "Courriel", "email")
    assert error.message == "doublon de la ligne 2 (même courriel, même rôle)"


def test_it_accepts_the_same_person_as_mentor_and_as_mentee(write_csv):
    path = write_csv([FRENCH_HEADER, ALICE, (*ALICE[:3], "mentorée")])

    assert [row.role for row in read_candidates(path).rows] == ["mentor", "mentee"]


def test_it_refuses_a_person_who_is_their_own_manager(write_csv):
    header = (*FRENCH_HEADER, "N+1")
    path = write_csv([header, (*BRUNO, "bruno.lefevre@justice.gouv.fr")])

    (error,) = read_candidates(path).errors

    assert (error.column, error.field) == ("N+1", "manager_email")


def test_it_warns_that_a_mentee_capacity_is_ignored(write_csv):
    header = (*FRENCH_HEADER, "Capacité")
    path = write_csv([header, (*ALICE, ""), (*BRUNO, "trois")])

    result = read_candidates(path)

    assert result.ok
    assert [row.capacity for row in result.rows] == [1, None]
    assert result.warnings == [
        f"candidats.csv, ligne 3, colonne «{NBSP}Capacité{NBSP}»{NBSP}: la capacité ne concerne "
        f"que les mentors, valeur ignorée («{NBSP}trois{NBSP}»)"
    ]


@pytest.mark.parametrize("value", ["0", "11", "deux", "1,5"])
def test_it_refuses_a_mentor_capacity_outside_one_to_ten(write_csv, value):
    path = write_csv([(*FRENCH_HEADER, "Capacité"), (*ALICE, value)])

    (error,) = read_candidates(path).errors

    assert (error.line, error.field) == (2, "capacity")


@pytest.mark.parametrize("value", ["mentore", "Mentor·e", "tuteur", "mentors/mentorés"])
def test_it_refuses_a_role_it_cannot_tell(write_csv, value):
    path = write_csv([FRENCH_HEADER, (*ALICE[:3], value)])

    (error,) = read_candidates(path).errors

    assert (error.line, error.column, error.field) == (2, "Rôle", "role")


@pytest.mark.parametrize(
    ("value", "role"),
    [("Mentor", "mentor"), ("MENTORÉ", "mentee"), ("mentorée", "mentee"),
     ("Mentoré(e)", "mentee"), ("mentoré·e", "mentee"), ("mentee", "mentee")],
)  # fmt: skip
def test_it_reads_the_role_however_french_writes_it(write_csv, value, role):
    path = write_csv([FRENCH_HEADER, (*ALICE[:3], value)])

    assert read_candidates(path).rows[0].role == role


def test_it_warns_about_unknown_columns_and_lists_them(write_csv):
    path = write_csv([(*FRENCH_HEADER, "Pointure", "Groupe sanguin"), (*ALICE, "38", "A+")])

    result = read_candidates(path)

    assert result.ok
    assert result.unknown_columns == ["Pointure", "Groupe sanguin"]
    assert result.warnings[0] == (
        f"candidats.csv, ligne 1, colonne «{NBSP}Pointure{NBSP}»{NBSP}: colonne non reconnue, "
        "ses valeurs sont ignorées"
    )


def test_it_refuses_two_columns_for_the_same_field(write_csv):
    path = write_csv([(*FRENCH_HEADER, "E-mail"), (*ALICE, "alice@justice.gouv.fr")])

    (error,) = read_candidates(path).errors

    assert (error.line, error.column, error.field) == (1, "E-mail", "email")


def test_it_refuses_a_row_with_more_values_than_the_header(write_csv):
    path = write_csv([FRENCH_HEADER, (*ALICE, "", "de trop")])

    (error,) = read_candidates(path).errors

    assert (error.line, error.column, error.field) == (2, "", "")
    assert str(error).startswith(f"candidats.csv, ligne 2{NBSP}: 1 valeur(s) au-delà")


def test_it_refuses_a_header_without_candidates(write_csv):
    path = write_csv([FRENCH_HEADER])

    (error,) = read_candidates(path).errors

    assert error.message == "aucun candidat sous l’en-tête"


def test_it_refuses_expectations_longer_than_2000_characters(write_csv):
    path = write_csv([(*FRENCH_HEADER, "Attentes"), (*BRUNO, "x" * 2001)])

    (error,) = read_candidates(path).errors

    assert (error.field, error.message) == (
        "expectations",
        "texte trop long (2001 caractères, 2000 au plus)",
    )


def test_it_keeps_line_numbers_right_after_a_multi_line_cell(write_csv):
    header = (*FRENCH_HEADER, "Attentes")
    path = write_csv(
        [
            header,
            (*ALICE, "Transmettre ;\nécouter ;\naider à prendre du recul."),
            (*BRUNO, ""),
            ("Chloé", "Dubois", "chloe.dubois@", "mentorée", ""),
        ]
    )

    result = read_candidates(path)

    assert result.rows[0].expectations == "Transmettre ;\nécouter ;\naider à prendre du recul."
    assert result.rows[1].line == 5
    assert [(error.line, error.field) for error in result.errors] == [(6, "email")]


def test_it_lets_the_table_error_through_for_an_empty_file(tmp_path):
    path = tmp_path / "candidats.csv"
    path.write_bytes(b"")

    with pytest.raises(TableError, match="candidats.csv\u00a0: le fichier est vide"):
        read_candidates(path)


def test_it_lets_the_table_error_through_for_garbage_named_xlsx(tmp_path):
    path = tmp_path / "candidats.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)

    with pytest.raises(TableError, match="^candidats.xlsx\u00a0: "):
        read_candidates(path)


def test_it_gives_equal_results_when_reading_the_same_file_twice(write_csv):
    path = write_csv([FULL_HEADER, ALICE_FULL, CHLOE_FULL, ("X", "Y", "bad@", "?", *[""] * 17)])

    assert read_candidates(path) == read_candidates(path)


def test_it_reads_the_sample_file_without_error_or_warning(tmp_path):
    path = tmp_path / "exemple.csv"
    path.write_bytes(sample_csv_bytes())

    result = read_candidates(path)

    assert (result.errors, result.warnings) == ([], [])
    assert [row.email.split("@")[0] for row in result.rows] == [
        row[2].split("@")[0] for row in SAMPLE_ROWS
    ]
    assert [row.line for row in result.rows] == [2, 3, 4, 6]


def test_it_warns_about_values_under_a_column_without_header(write_csv):
    path = write_csv([(*FRENCH_HEADER, ""), (*ALICE, "note en marge")])

    result = read_candidates(path)

    assert result.ok
    assert result.warnings == [
        f"candidats.csv, colonne n°{NBSP}5{NBSP}: colonne sans en-tête, ses valeurs sont ignorées"
    ]


def test_it_ignores_the_empty_columns_excel_leaves_at_the_end(write_csv):
    path = write_csv([(*FRENCH_HEADER, "", ""), (*ALICE, "", "")])

    result = read_candidates(path)

    assert (result.ok, result.warnings) == (True, [])
