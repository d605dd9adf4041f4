"""`mentorat candidates check|import` and `mentorat call recipients import`, as an operator
runs them: HR files with their own headers, rules left without their column, mappings."""

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from mentorat.cli import app
from mentorat.db import session_scope
from models import Application, AuditEvent, CallRecipient, Person, Programme

from ..importing.writers import csv_text

runner = CliRunner()
NBSP = "\u00a0"

HR_HEADER = [
    "Matricule", "NOM", "Prénom", "Adresse mail", "Mentor / mentoré·e", "Juridiction / service",
    "Supérieur·e hiérarchique (courriel)", "Stade de carrière", "Ancienneté (années)",
    "Langue(s)", "Ultramarin·e", "Nombre de mentoré·es", "Objectifs recherchés", "Compétences",
]  # fmt: skip
ALICE = ["A1", "Martin", "Alice", "alice.martin@justice.gouv.fr", "mentor", "CA Lyon", "",
         "fin", "24", "français", "non", "2", "", "Encadrement"]  # fmt: skip
BRUNO = ["A2", "Lefèvre", "Bruno", "bruno.lefevre@justice.gouv.fr", "mentor", "TJ Lille", "",
         "fin", "30", "français", "non", "1", "", "Management"]  # fmt: skip
CHLOE = ["A3", "Dubois", "Chloé", "chloe.dubois@justice.gouv.fr", "mentorée", "TJ Cayenne",
         "marc.bernard@justice.gouv.fr", "début", "2", "français", "oui", "", "Prise de poste",
         ""]  # fmt: skip


def mentorat(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def cohort(settings):  # type: ignore[no-untyped-def]
    mentorat("programme", "add", "mirhe")
    mentorat(
        "cohort", "create", "--programme", "mirhe", "--code", "MIRHE-2027", "--opens",
        "06/09/2027", "--operator-name", "Camille Roux", "--operator-email",
        "rh@justice.exemple.fr", "--supervisor-name", "Dominique Perret",
        "--supervisor-email", "referent@justice.exemple.fr",
    )  # fmt: skip
    return "MIRHE-2027"


def hr_file(tmp_path: Path, rows: list[list[str]], name: str = "agents.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("sep=;\r\n" + csv_text(rows, ";")).encode("cp1252"))
    return path


def people(settings) -> list[tuple[str | None, str, str]]:  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        return [
            (p.hr_id, p.email, p.first_name)
            for p in session.scalars(select(Person).order_by(Person.id))
        ]


def count(settings, table) -> int:  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_check_shows_how_each_column_was_read_and_what_each_rule_sees(settings, cohort, tmp_path):
    path = hr_file(tmp_path, [HR_HEADER, ALICE, BRUNO, CHLOE])

    output = mentorat("candidates", "check", str(path), "--cohort", cohort)

    assert "« Juridiction / service » → Unité (reconnue)" in output
    assert "« Nombre de mentoré·es » → Capacité (reconnue)" in output
    assert (
        f"jamais dans la même unité (same_unit) — Unité{NBSP}: 3/3 renseignées "
        f"(mentors et mentoré·es){NBSP}: ok"
    ) in output
    assert f"Ancienneté{NBSP}: 2/2 renseignées (mentors){NBSP}: ok" in output
    assert "rien n’a été importé (vérification seule)" in output
    assert count(settings, Person) == 0 and count(settings, Application) == 0


def test_a_missing_rule_column_is_an_error_naming_the_rule_and_nothing_is_imported(
    settings, cohort, tmp_path
):
    header = [h if h != "Juridiction / service" else "Code SRJ" for h in HR_HEADER]
    path = hr_file(tmp_path, [header, ALICE, BRUNO, CHLOE])

    output = mentorat("candidates", "import", str(path), "--cohort", cohort, code=1)

    assert "rien n’a été importé" in output
    assert "la règle «\u00a0jamais dans la même unité\u00a0» (same_unit)" in output
    assert "--accept-missing same_unit" in output
    assert count(settings, Person) == 0


def test_accept_missing_goes_on_knowingly_and_is_recorded_in_the_audit(settings, cohort, tmp_path):
    header = [h if h != "Juridiction / service" else "Code SRJ" for h in HR_HEADER]
    path = hr_file(tmp_path, [header, ALICE, BRUNO, CHLOE])

    output = mentorat(
        "candidates", "import", str(path), "--cohort", cohort, "--accept-missing", "same_unit"
    )

    assert "3 créée(s)" in output and "same_unit" in output
    with session_scope(settings.database_url) as session:
        event = session.scalar(
            select(AuditEvent).where(AuditEvent.action == "import.rule_accepted_missing")
        )
        assert event is not None and event.details == {"rule": "same_unit"}


def test_an_unknown_rule_name_is_refused(settings, cohort, tmp_path):
    path = hr_file(tmp_path, [HR_HEADER, ALICE, CHLOE])

    output = mentorat(
        "candidates", "check", str(path), "--cohort", cohort, "--accept-missing", "unit", code=1
    )

    assert "règle inconnue" in output and "same_unit" in output


def test_a_columns_mapping_reads_a_header_and_is_kept_for_the_next_import(
    settings, cohort, tmp_path
):
    header = [h if h != "Juridiction / service" else "Code SRJ" for h in HR_HEADER]
    path = hr_file(tmp_path, [header, ALICE, BRUNO, CHLOE])
    mapping = tmp_path / "colonnes.toml"
    mapping.write_text('"Code SRJ" = "unit"\n', encoding="utf-8")

    output = mentorat(
        "candidates", "import", str(path), "--cohort", cohort, "--columns", str(mapping)
    )
    assert "3 créée(s)" in output
    with session_scope(settings.database_url) as session:
        programme = session.scalar(select(Programme))
        assert programme is not None and programme.column_mapping == {"Code SRJ": "unit"}

    again = mentorat("candidates", "check", str(path), "--cohort", cohort)
    assert "« Code SRJ » → Unité (correspondance)" in again


def test_a_mapping_to_an_unknown_field_is_a_clear_error(settings, cohort, tmp_path):
    path = hr_file(tmp_path, [HR_HEADER, ALICE, CHLOE])
    mapping = tmp_path / "colonnes.toml"
    mapping.write_text('"Code SRJ" = "juridictionnel"\n', encoding="utf-8")

    output = mentorat(
        "candidates", "import", str(path), "--cohort", cohort, "--columns", str(mapping), code=1
    )

    assert "colonnes.toml, en-tête « Code SRJ » : champ « juridictionnel » inconnu" in output


def test_a_corrected_address_updates_the_person_found_by_matricule(settings, cohort, tmp_path):
    mentorat("candidates", "import", str(hr_file(tmp_path, [HR_HEADER, ALICE, BRUNO, CHLOE])),
             "--cohort", cohort)  # fmt: skip
    corrected = [*CHLOE]
    corrected[3], corrected[5] = "chloe.dubois2@justice.gouv.fr", "TJ Kourou"
    path = hr_file(tmp_path, [HR_HEADER, ALICE, BRUNO, corrected], "agents-2.csv")

    output = mentorat("candidates", "import", str(path), "--cohort", cohort)

    assert "1 mise(s) à jour, 2 inchangée(s)" in output
    assert f"ligne 5, chloe.dubois2@justice.gouv.fr{NBSP}: modifié{NBSP}: courriel" in output
    assert f"modifié{NBSP}: unité" in output
    assert people(settings)[2] == ("A3", "chloe.dubois2@justice.gouv.fr", "Chloé")
    assert count(settings, Person) == 3 and count(settings, Application) == 3


def test_call_recipients_import_adds_the_population_once(settings, cohort, tmp_path):
    rows = [
        ["Matricule", "Nom", "Prénom", "Courriel", "Grade"],
        ["A1", "Martin", "Alice", "alice.martin@justice.gouv.fr", "Premier conseiller"],
        ["A9", "Roux", "Damien", "damien.roux@justice.gouv.fr", "Conseiller"],
    ]
    path = hr_file(tmp_path, rows)

    first = mentorat("call", "recipients", "import", str(path), "--cohort", cohort)
    second = mentorat("call", "recipients", "import", str(path), "--cohort", cohort)

    assert f"2 personne(s) lue(s){NBSP}: 2 ajoutée(s) à l’appel, 0 déjà" in first
    assert "0 ajoutée(s) à l’appel, 2 déjà destinataire(s)" in second
    assert count(settings, CallRecipient) == 2


def test_call_recipients_with_errors_are_all_refused(settings, cohort, tmp_path):
    rows = [
        ["Nom", "Prénom", "Courriel"],
        ["Martin", "Alice", "alice.martin@"],
        ["Roux", "Damien\nBcc: x@y.fr", "damien.roux@justice.gouv.fr"],
    ]

    output = mentorat(
        "call", "recipients", "import", str(hr_file(tmp_path, rows)), "--cohort", cohort, code=1
    )

    assert "2 erreur(s)" in output and "ligne 3" in output and "ligne 4" in output
    assert count(settings, CallRecipient) == 0 and count(settings, Person) == 0
