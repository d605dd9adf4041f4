"""Headers as HR teams write them: every field under a dozen titles, in every file dialect.

Each variant is written as a real file (openpyxl workbook, French Excel's CSV in
Windows-1252, UTF-8 with a BOM, with Excel's `sep=;` first line), read back, and the
value must land in its field.
"""

import codecs
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from mentorat.importing import COLUMNS, read_candidates
from mentorat.importing.columns import fields_of

from .writers import csv_text

BASE = {
    "first_name": ("Prénom", "Alice", "Alice"),
    "last_name": ("Nom", "Martin", "Martin"),
    "email": ("Courriel", "alice.martin@justice.gouv.fr", "alice.martin@justice.gouv.fr"),
    "role": ("Rôle", "mentor", "mentor"),
}
VALUES: dict[str, tuple[str, Any]] = {
    **{name: (value, expected) for name, (_, value, expected) in BASE.items()},
    "hr_id": ("A-123456", "A-123456"),
    "objectives": ("Prise de poste", {"prise-de-poste": "Prise de poste"}),
    "expertise": ("Encadrement", {"encadrement": "Encadrement"}),
    "unit": ("Tribunal judiciaire de Lille", "Tribunal judiciaire de Lille"),
    "manager_email": ("marc.bernard@justice.gouv.fr", "marc.bernard@justice.gouv.fr"),
    "region": ("Guyane", "Guyane"),
    "overseas": ("oui", True),
    "formats": ("présentiel, distanciel", ("in_person", "remote")),
    "languages": ("français, anglais", ("fr", "en")),
    "capacity": ("2", 2),
    "career_stage": ("fin de carrière", "late"),
    "seniority_years": ("22", 22),
    "gender": ("F", "female"),
    "preferred_mentor_gender": ("M", "male"),
    "availability": ("matin et soir", ("morning", "evening")),
    "post_start_date": ("01/09/2027", date(2027, 9, 1)),
    "expectations": ("Un regard extérieur.", "Un regard extérieur."),
    "phone": ("06 12 34 56 78", "06 12 34 56 78"),
}

VARIANTS: dict[str, list[str]] = {
    "email": ["Courriel", "COURRIEL", "E-mail", "Email", "Mail", "Mél", "Adresse électronique",
              "adresse_email", "Adresse e-mail professionnelle", "Courriel *", "Adresse mail :",
              "Courriel professionnel", "Email address"],
    "first_name": ["Prénom", "PRENOM", "prénom", "Prénom *", "First name", "Firstname",
                   "Prénom usuel", "Prénom de l'agent", "Given name", "Prénoms", "prenom :",
                   "Prénom (usuel)"],
    "last_name": ["Nom", "NOM", "Nom de famille", "Nom d'usage", "Nom usuel", "Last name",
                  "Surname", "Nom de naissance", "Nom patronymique", "Noms", "nom *",
                  "Nom (d'usage)"],
    "role": ["Rôle", "ROLE", "Rôle souhaité", "Mentor / Mentoré", "Mentor ou mentoré·e",
             "Mentor/Mentoré(e)", "Candidature comme", "Candidature en tant que",
             "Type de candidature", "Vous candidatez comme", "Rôle(s)", "Role",
             "Mentor ou mentoré(e) ?"],
    "hr_id": ["Matricule", "MATRICULE", "Identifiant RH", "ID RH", "N° agent", "Numéro d'agent",
              "Matricule RH", "Numéro de matricule", "Identifiant agent", "Employee ID",
              "Matricule (agent)", "n° d'agent", "Code agent"],
    "objectives": ["Objectifs", "Objectif(s)", "Vos objectifs", "Objectifs du mentorat",
                   "Objectifs recherchés", "Domaines souhaités", "Thèmes souhaités",
                   "Thématiques souhaitées", "Besoins", "Besoin d'accompagnement",
                   "OBJECTIFS PROFESSIONNELS", "Goals", "Domaine(s) souhaité(s)"],
    "expertise": ["Domaines d'expertise", "Domaine(s) d’expertise", "Expertise", "Expertises",
                  "Compétences", "Domaines de compétence", "Thèmes proposés",
                  "Thématiques proposées", "Sujets proposés", "Expérience à partager",
                  "Domaines d'intervention", "Expertise / compétences", "Savoir-faire"],
    "unit": ["Unité", "Juridiction", "Service", "Direction", "Structure", "Établissement",
             "Affectation", "Juridiction / service", "Service d'affectation",
             "Juridiction d'affectation", "Affectation actuelle", "Lieu d'affectation",
             "Structure (affectation)", "ETABLISSEMENT D'AFFECTATION", "Unités"],
    "manager_email": ["Responsable hiérarchique", "Courriel du responsable", "N+1",
                      "Courriel du N+1", "Mail du N+1", "Supérieur hiérarchique",
                      "Supérieur·e hiérarchique", "Responsable hiérarchique (N+1)",
                      "Manager", "Email du manager", "Responsable direct",
                      "Courriel du supérieur hiérarchique", "Hiérarchie"],
    "region": ["Région", "REGION", "Région d'affectation", "Régions", "Zone géographique",
               "Localisation", "Territoire", "Ressort", "Académie", "Region",
               "Région administrative", "Région (affectation)"],
    "overseas": ["Outre-mer", "OUTRE MER", "Outre-mer ?", "Affectation outre-mer", "En outre-mer",
                 "Ultramarin", "Ultramarin·e", "Ultramarin(e)", "DOM", "DROM", "Overseas",
                 "Poste outre-mer"],
    "formats": ["Formats", "Format", "Format souhaité", "Format(s) souhaité(s)", "Modalités",
                "Modalités des rencontres", "Modalité de rencontre", "Mode de rencontre",
                "Présentiel / distanciel", "Présentiel ou distanciel", "Format des rencontres",
                "Type de rencontres", "Format des échanges"],
    "languages": ["Langues", "Langue", "Langue(s)", "Langues parlées", "Langues de travail",
                  "Langues maîtrisées", "LANGUES", "Languages", "Langues pratiquées",
                  "Langue de travail", "Spoken languages", "Langues (parlées)"],
    "capacity": ["Capacité", "Nombre de mentorés", "Nombre de mentoré·es",
                 "Nombre de mentoré·e·s", "Nombre de mentoré(e)s", "Nombre de mentoré.e.s",
                 "Nombre de mentorés souhaité", "Nombre maximal de mentorés", "Nb de mentorés",
                 "NB MENTORES", "Mentorés max", "Capacité (nombre de mentorés)",
                 "Mentoré(e)s : nombre", "Max mentees", "Nombre de mentoré-e-s souhaité"],
    "career_stage": ["Étape de carrière", "Etape de carriere", "Carrière", "Stade de carrière",
                     "Moment de carrière", "Phase de carrière", "Niveau de carrière",
                     "Position dans la carrière", "Career stage", "Étape professionnelle",
                     "Étape de carrière (début, milieu, fin)", "ETAPE DE CARRIERE"],
    "seniority_years": ["Ancienneté", "Ancienneté (années)", "Ancienneté en années",
                        "Années d'expérience", "Nombre d'années d'expérience",
                        "Années de service", "Ancienneté dans la fonction",
                        "Ancienneté professionnelle", "Expérience (en années)",
                        "Years of experience", "Seniority", "ANCIENNETE"],
    "gender": ["Genre", "Sexe", "Civilité", "GENRE", "Gender", "Sex", "Genre :", "Genre *",
               "genre", "Sexe (F/M)", "Genre (F, M)", "Civilité *"],
    "preferred_mentor_gender": ["Préférence de genre du mentor", "Genre souhaité du mentor",
                                "Genre du mentor souhaité", "Genre du mentor",
                                "Genre du/de la mentor", "Préférence de genre",
                                "Sexe du mentor", "Genre souhaité du mentor (F/M)",
                                "Mentor gender", "Preferred mentor gender",
                                "Préférence : genre du mentor", "GENRE DU MENTOR"],
    "availability": ["Disponibilités", "Disponibilité", "Disponibilité(s)", "Créneaux",
                     "Créneaux préférés", "Créneaux souhaités", "Plages horaires", "Horaires",
                     "Moments disponibles", "Disponibilités horaires", "Availability",
                     "Time slots"],
    "post_start_date": ["Date de prise de poste", "Prise de poste", "Date d'entrée en fonction",
                        "Date d'entrée en fonctions", "Date de prise de fonction(s)",
                        "Date d'arrivée", "Date d'arrivée dans le poste", "Date d'affectation",
                        "Date de nomination", "Entrée en fonction", "Date de début",
                        "Start date", "Date d’installation"],
    "expectations": ["Attentes", "Vos attentes", "Commentaires", "Commentaire", "Motivation",
                     "Motivations", "Lettre de motivation", "Remarques", "Observations",
                     "Précisions", "Présentation", "Texte libre", "Expectations"],
    "phone": ["Téléphone", "Tél", "Tél.", "Tel", "Portable", "Mobile", "Numéro de téléphone",
              "Téléphone professionnel", "Numéro de portable", "Phone", "Phone number",
              "TELEPHONE"],
}  # fmt: skip


def write(path: Path, rows: list[list[Any]], dialect: str) -> Path:
    """The same table as each tool people use saves it."""
    if dialect == "xlsx":
        path = path.with_suffix(".xlsx")
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        workbook.save(path)
        return path
    text = csv_text(rows, ";")
    data = {
        "cp1252": lambda: text.encode("cp1252"),
        "utf-8-bom": lambda: codecs.BOM_UTF8 + text.encode("utf-8"),
        "sep-line": lambda: ("sep=;\r\n" + text).encode("cp1252"),
    }[dialect]()
    path.write_bytes(data)
    return path


DIALECTS = ("xlsx", "cp1252", "utf-8-bom", "sep-line")
CASES = [
    pytest.param(name, header, DIALECTS[index % 4], id=f"{name}-{header}-{DIALECTS[index % 4]}")
    for name, headers in VARIANTS.items()
    for index, header in enumerate(headers)
]


def table_with(name: str, header: str) -> list[list[Any]]:
    columns = {field: head for field, (head, _, _) in BASE.items()}
    columns[name] = header
    return [list(columns.values()), [VALUES[field][0] for field in columns]]


def test_every_field_has_at_least_a_dozen_variants():
    assert set(VARIANTS) == {column.name for column in COLUMNS}
    assert all(len(headers) >= 12 for headers in VARIANTS.values())


@pytest.mark.parametrize(("name", "header", "dialect"), CASES)
def test_a_header_as_people_write_it_is_read_into_its_field(
    tmp_path: Path, name: str, header: str, dialect: str
):
    path = write(tmp_path / "candidats.csv", table_with(name, header), dialect)

    result = read_candidates(path)

    assert result.ok, [str(e) for e in result.errors]
    assert result.unknown_columns == []
    assert getattr(result.rows[0], name) == VALUES[name][1]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_sep_line_and_every_dialect_keep_the_line_numbers_of_the_file(
    tmp_path: Path, dialect: str
):
    rows = table_with("unit", "Juridiction")
    rows.append(["Bruno", "Roux", "pas-une-adresse", "mentor", "Cour d'appel de Lyon"])
    path = write(tmp_path / "candidats.csv", rows, dialect)

    result = read_candidates(path)

    shift = 1 if dialect == "sep-line" else 0
    assert [(e.line, e.field) for e in result.errors] == [(3 + shift, "email")]


@pytest.mark.parametrize(
    ("header", "fields"),
    [
        ("Prénom / Nom", ("first_name", "last_name")),
        ("Objectifs ou attentes", ("objectives", "expectations")),
        ("Pointure", ()),
        ("Nom du responsable", ()),
    ],
)
def test_a_header_naming_two_fields_or_none_is_not_guessed(header: str, fields: tuple[str, ...]):
    assert fields_of(header) == fields


def test_an_ambiguous_header_is_left_unread_with_a_warning_that_says_how_to_map_it(
    tmp_path: Path,
):
    rows = table_with("unit", "Unité")
    rows[0].append("Prénom / Nom")
    rows[1].append("Alice Martin")
    result = read_candidates(write(tmp_path / "c.csv", rows, "cp1252"))

    assert result.ok and result.unknown_columns == ["Prénom / Nom"]
    assert "peut désigner «\u00a0Prénom\u00a0» ou «\u00a0Nom\u00a0»" in result.warnings[0]
    assert "--columns" in result.warnings[0]


def test_the_operators_mapping_wins_over_recognition_and_can_ignore_a_column(tmp_path: Path):
    rows = [
        ["Prénom", "Nom", "Courriel", "Rôle", "Site", "Code poste", "Service"],
        ["Alice", "Martin", "alice@justice.gouv.fr", "mentor", "Lille", "X12", "Greffe"],
    ]
    path = write(tmp_path / "c.csv", rows, "cp1252")

    result = read_candidates(path, {"CODE POSTE": "unit", "site": "ignorer", "Service": "ignorer"})

    assert result.ok
    assert result.rows[0].unit == "X12"
    assert result.header_map is not None and result.header_map.ignored == [4, 6]
