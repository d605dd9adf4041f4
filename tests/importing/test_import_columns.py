import pytest

from mentorat.importing.columns import COLUMNS, field_of, map_header


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Courriel", "email"),
        ("E-mail", "email"),
        ("Adresse électronique", "email"),
        ("ADRESSE ELECTRONIQUE", "email"),
        ("Prénom", "first_name"),
        ("prenom", "first_name"),
        ("First name", "first_name"),
        ("first_name", "first_name"),
        ("Nom de famille", "last_name"),
        ("Rôle", "role"),
        ("Domaines d’expertise", "expertise"),
        ("Domaines d'expertise", "expertise"),
        ("N+1", "manager_email"),
        ("Courriel du responsable", "manager_email"),
        ("Outre-mer", "overseas"),
        ("outre mer", "overseas"),
        ("Nombre de mentorés", "capacity"),
        ("Capacité (nombre de mentorés)", "capacity"),
        ("Étape de carrière", "career_stage"),
        ("Années d'expérience", "seniority_years"),
        ("Date de prise de poste", "post_start_date"),
        ("Attentes", "expectations"),
        ("Courriel *", "email"),
        ("  Téléphone  ", "phone"),
    ],
)
def test_it_recognises_french_and_english_headers_with_or_without_accents(header, field):
    assert field_of(header) == field


def test_it_recognises_the_documented_french_and_english_header_of_every_column():
    for column in COLUMNS:
        assert field_of(column.french) == column.name
        assert field_of(column.english) == column.name


def test_it_lists_unknown_columns_and_repeated_ones_apart():
    header = ("Courriel", "Prénom", "Nom", "Pointure", "E-mail", "", "Rôle")

    found = map_header(header)

    assert found.fields == {0: "email", 1: "first_name", 2: "last_name", 6: "role"}
    assert found.unknown == [3]
    assert found.repeated == [(0, 4)]
    assert found.missing == []


def test_it_names_each_missing_required_column():
    found = map_header(("Prénom", "Objectifs"))

    assert [column.name for column in found.missing] == ["email", "last_name", "role"]
