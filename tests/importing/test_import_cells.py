from datetime import date, datetime

import pytest

from mentorat.importing import cells
from mentorat.importing.cells import CellError
from mentorat.importing.vocabulary import FORMATS, SLOTS, languages

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("15/09/2027", date(2027, 9, 15)),
        ("1/9/2027", date(2027, 9, 1)),
        ("15.09.2027", date(2027, 9, 15)),
        ("2027-09-15", date(2027, 9, 15)),
        ("15/09/2027 00:00", date(2027, 9, 15)),
        (datetime(2027, 9, 15), date(2027, 9, 15)),
        (date(2027, 9, 15), date(2027, 9, 15)),
        (46645, date(2027, 9, 15)),  # an Excel date left in « Standard » format
        ("", None),
        (None, None),
    ],
)
def test_it_reads_french_iso_and_excel_dates(cell, expected):
    assert cells.a_date(cell) == expected


def test_it_refuses_a_day_that_does_not_exist():
    with pytest.raises(CellError) as refused:
        cells.a_date("31/02/2027")

    assert str(refused.value) == f"date inexistante («{NBSP}31/02/2027{NBSP}»)"


@pytest.mark.parametrize("text", ["09/15", "septembre 2027", "15/09/27", "2027/09/15"])
def test_it_refuses_dates_in_other_formats_saying_which_one_to_use(text):
    with pytest.raises(CellError, match="format attendu jj/mm/aaaa"):
        cells.a_date(text)


def test_it_lowercases_and_accepts_mail_links_and_display_names():
    assert cells.email(" Alice.Martin@Justice.gouv.fr ") == "alice.martin@justice.gouv.fr"
    assert cells.email("mailto:bruno.lefevre@justice.gouv.fr") == "bruno.lefevre@justice.gouv.fr"
    assert cells.email("Chloé Dubois <chloe.dubois@justice.gouv.fr>") == (
        "chloe.dubois@justice.gouv.fr"
    )


@pytest.mark.parametrize("text", ["jean.dupont@", "jean.dupont", "jean dupont@justice.gouv.fr"])
def test_it_refuses_an_invalid_email_quoting_it(text):
    with pytest.raises(CellError) as refused:
        cells.email(text)

    assert str(refused.value) == f"adresse électronique invalide («{NBSP}{text}{NBSP}»)"


@pytest.mark.parametrize("cell", ["oui", "OUI", "x", "X", "vrai", "1", 1, True, "yes"])
def test_it_reads_yes(cell):
    assert cells.yes_no(cell) is True


@pytest.mark.parametrize("cell", ["non", "Faux", "0", 0, False, "", None, "no"])
def test_it_reads_no_and_blank_as_no(cell):
    assert cells.yes_no(cell) is False


def test_it_refuses_a_yes_no_it_cannot_read():
    with pytest.raises(CellError, match="oui ou non attendu"):
        cells.yes_no("peut-être")


def test_it_splits_lists_on_commas_bars_slashes_and_et():
    assert cells.split_list("a, b | c / d et e ;f") == ["a", "b", "c", "d", "e", "f"]
    assert cells.split_list("Recherche et développement") == ["Recherche", "développement"]
    assert cells.split_list("Etienne") == ["Etienne"]
    assert cells.split_list(None) == []


def test_it_makes_tags_and_keeps_the_labels_for_display():
    assert cells.tags("Mobilité hors juridiction, Candidature au Conseil d'État") == {
        "mobilite-hors-juridiction": "Mobilité hors juridiction",
        "candidature-au-conseil-d-etat": "Candidature au Conseil d'État",
    }


def test_it_keeps_the_first_label_when_two_give_the_same_tag():
    assert cells.tags("Encadrement / encadrement") == {"encadrement": "Encadrement"}


def test_it_reads_several_choices_in_the_order_written_once_each():
    assert cells.choices("présentiel, Mixte, presentiel", FORMATS, "…") == (
        "in_person",
        "hybrid",
    )
    assert cells.choices("Matin et soir", SLOTS, "…") == ("morning", "evening")


def test_it_reads_language_names_in_french_and_english_and_codes():
    assert cells.choices("français, anglais", languages(), "…") == ("fr", "en")
    assert cells.choices("English / Spanish", languages(), "…") == ("en", "es")
    assert cells.choices("FR|de", languages(), "…") == ("fr", "de")


def test_it_refuses_an_unknown_choice_listing_the_accepted_ones():
    with pytest.raises(CellError) as refused:
        cells.choices("présentiel, téléphone", FORMATS, "présentiel, distanciel, mixte")

    assert str(refused.value) == (
        f"valeur non reconnue («{NBSP}téléphone{NBSP}»), attendu parmi présentiel, distanciel, "
        "mixte"
    )


@pytest.mark.parametrize(("cell", "number"), [("3", 3), (3, 3), (3.0, 3), ("3,0", 3), ("", None)])
def test_it_reads_whole_numbers_from_text_and_cells(cell, number):
    assert cells.whole_number(cell, 1, 10) == number


def test_it_reads_a_seniority_written_with_its_unit():
    assert cells.whole_number("12 ans", 0, 60, " ans") == 12


@pytest.mark.parametrize("cell", ["deux", "2.5", 2.5, "-1", True])
def test_it_refuses_what_is_not_a_whole_number(cell):
    with pytest.raises(CellError, match="nombre entier attendu"):
        cells.whole_number(cell, 1, 10)


def test_it_refuses_a_number_out_of_bounds():
    with pytest.raises(CellError, match="entre 1 et 10 attendu"):
        cells.whole_number("11", 1, 10)


def test_it_keeps_a_phone_number_as_text_even_from_a_number_cell():
    assert cells.optional_text(612345678) == "612345678"
    assert cells.optional_text("06 12 34 56 78") == "06 12 34 56 78"


def test_it_keeps_names_with_their_accents_and_single_spaces():
    assert cells.name("  Anne-Sophie   Lefèvre ") == "Anne-Sophie Lefèvre"
    # Decomposed accents, as macOS may write them, become the usual composed ones.
    assert cells.name("Chloe\u0301") == "Chloé"
