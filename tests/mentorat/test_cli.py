"""The operator's command line, run in-process against a real SQLite or PostgreSQL database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from demo.sample_candidates import sample_csv_bytes
from mentorat.cli import app
from mentorat.db import session_scope
from models import Application, AuditEvent, Person

runner = CliRunner()


def mentorat(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def cohort(settings):  # type: ignore[no-untyped-def]
    mentorat("programme", "add", "mirhe")
    mentorat(
        "cohort",
        "create",
        "--programme",
        "mirhe",
        "--code",
        "MIRHE-2027",
        "--opens",
        "06/09/2027",
        "--operator-name",
        "Camille Roux",
        "--operator-email",
        "rh@justice.exemple.fr",
        "--supervisor-name",
        "Dominique Perret",
        "--supervisor-email",
        "referent@justice.exemple.fr",
    )
    return "MIRHE-2027"


def counts(settings) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        return (
            session.scalar(select(func.count()).select_from(Person)) or 0,
            session.scalar(select(func.count()).select_from(Application)) or 0,
            session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        )


def test_importing_a_french_excel_file_twice_changes_nothing_the_second_time(
    settings, cohort, tmp_path: Path
):
    file = tmp_path / "candidats.csv"
    file.write_bytes(sample_csv_bytes())
    assert "4 créée(s)" in mentorat("candidates", "import", str(file), "--cohort", cohort)
    first = counts(settings)
    assert first[:2] == (4, 4)
    assert "4 inchangée(s)" in mentorat("candidates", "import", str(file), "--cohort", cohort)
    assert counts(settings) == first


def test_a_bad_file_gets_every_error_and_nothing_is_imported(settings, cohort, tmp_path: Path):
    bad = tmp_path / "candidats.csv"
    good = sample_csv_bytes().decode("cp1252")
    lines = good.splitlines()
    lines[1] = lines[1].replace("alice.martin@example.org", "alice.martin@")
    lines[2] = lines[2].replace(";mentor;", ";parrain;")
    bad.write_bytes("\r\n".join(lines).encode("cp1252"))
    result = runner.invoke(app, ["candidates", "import", str(bad), "--cohort", cohort])
    assert result.exit_code == 1
    assert "rien n’a été importé" in result.output
    assert "candidats.csv, ligne 2" in result.output and "ligne 3" in result.output
    assert counts(settings)[:2] == (0, 0)


def test_a_file_that_is_not_a_table_is_refused_with_its_name(settings, cohort, tmp_path: Path):
    junk = tmp_path / "candidats.xlsx"
    junk.write_bytes(b"\x00\x01 pas un classeur")
    result = runner.invoke(app, ["candidates", "import", str(junk), "--cohort", cohort])
    assert result.exit_code == 1 and "candidats.xlsx" in result.output


def test_status_shows_phases_and_counts_without_names(settings, cohort, tmp_path: Path):
    file = tmp_path / "candidats.csv"
    file.write_bytes(sample_csv_bytes())
    mentorat("candidates", "import", str(file), "--cohort", cohort)
    output = mentorat("cohort", "status", "--cohort", cohort)
    assert "candidatures mentor" in output and "brouillon" in output
    assert "Martin" not in output and "@" not in output


def test_an_unknown_cohort_is_a_clear_error(settings):
    result = runner.invoke(app, ["cohort", "status", "--cohort", "NOPE"])
    assert result.exit_code == 1
    assert "cohorte «\u00a0NOPE\u00a0» inconnue" in result.output
