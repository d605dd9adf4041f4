"""The bilan as files: `mentorat cohort report` writes HTML, XLSX and PDF of the known cohort
of tests/reports/world.py; each is read back and checked against its answers."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mentorat.cli import app
from mentorat.db import session_scope
from mentorat.mail.typography import faults, visible_text
from tests.reports import world

runner = CliRunner()
HIDDEN = "moins de 5 réponses\u00a0: non publié"
# Anything a browser or WeasyPrint would fetch: src/href/url()/@import to a network address.
FETCHED = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""", re.I
)


def _weasyprint_reason() -> str | None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: Debian's Pango is missing
        return f"WeasyPrint cannot load here (Pango missing? ./scripts/setup installs it): {exc}"
    return None


WEASYPRINT_MISSING = _weasyprint_reason()


@pytest.fixture
def cohort(settings) -> str:  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        return world.build(session).code


def said(output: str) -> str:
    """What the terminal showed, as one line (rich wraps long lines)."""
    return " ".join(output.split())


def report(code: str, out: Path) -> str:
    result = runner.invoke(app, ["cohort", "report", "--cohort", code, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()
    return result.output


def names(settings) -> list[str]:  # type: ignore[no-untyped-def]
    """Every name and address of the programme's people: none may appear in a bilan."""
    from sqlalchemy import select

    from models import Person

    with session_scope(settings.database_url) as session:
        people = session.scalars(select(Person)).all()
        return [text for p in people for text in (p.email, p.first_name, p.last_name)]


def test_the_html_bilan_is_self_contained_with_svg_charts_and_no_script(
    settings, cohort, tmp_path: Path
):
    out = tmp_path / "bilan.html"
    assert "Bilan de la cohorte MIRHE-2028 écrit dans" in report(cohort, out)
    html = out.read_text(encoding="utf-8")
    assert html.count("<svg") == 5  # check-ins, three scores, the comparison
    assert 'role="img"' in html
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    assert not FETCHED.search(html), FETCHED.search(html)
    assert "<img" not in html and "<link" not in html
    text = visible_text(html)
    assert faults(text) == []
    # Figures of the known answers, in French.
    assert "Bilan de la cohorte MIRHE-2028" in text
    assert "80\u00a0%" in text  # month 1: 8 of 10 check-ins answered
    assert "7,4" in text and "+20" in text  # mentors' recommendation: mean, net score
    assert "3,6" in text and "4,4" in text  # objectives reached: management, mobility
    assert "3 (60\u00a0%)" in text  # mentors who would mentor again
    # The mentees' 3 answers and month 2's content are under the threshold.
    assert f"Mentoré·es — {HIDDEN}." in text
    assert text.count(HIDDEN) >= 4
    assert "MIRHE-2027" in text and "MIRHE-2029" not in text and "JAAE" not in text
    # No comment and no name: counted only, with the reason.
    assert "3 réponses comportent un commentaire libre" in text
    for secret in [*world.SECRETS, *names(settings)]:
        assert secret not in html


def test_the_xlsx_bilan_reads_back_with_french_headers_and_numbers(
    settings, cohort, tmp_path: Path
):
    from openpyxl import load_workbook

    out = tmp_path / "bilan.xlsx"
    report(cohort, out)
    book = load_workbook(out)
    assert book.sheetnames == [
        "Synthèse",
        "Points mensuels",
        "Alertes",
        "Évaluation",
        "Objectifs",
        "Comparaison",
    ]
    synthesis = {row[0]: row[1] for row in book["Synthèse"].iter_rows(values_only=True)}
    assert synthesis["Binômes formés"] == 6
    assert synthesis["Signatures de la charte"] == 11
    assert synthesis["Seuil d’anonymat (réponses)"] == 5
    months = list(book["Points mensuels"].iter_rows(values_only=True))
    assert months[0][:3] == ("Mois", "Demandés", "Répondus")
    assert months[1] == (1, 10, 8, 2, 6, 6)
    assert months[2] == (2, 10, 4, 6, HIDDEN, HIDDEN)
    evaluation = list(book["Évaluation"].iter_rows(values_only=True))
    assert ("Mentors", "Recommandation (0 à 10)", 9, 2) in evaluation
    assert ("Mentors", "Recommandation (0 à 10)", "score net", 20) in evaluation
    assert ("Mentors", "De nouveau mentor", "oui", 3) in evaluation
    assert ("Mentoré·es", "Notes", None, HIDDEN) in evaluation
    comparison = list(book["Comparaison"].iter_rows(values_only=True))
    assert [row[0] for row in comparison[1:]] == ["MIRHE-2027", "MIRHE-2028"]
    assert comparison[1][8] == 33  # MIRHE-2027's net promoter score
    cells = [
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
    ]
    for secret in [*world.SECRETS, *names(settings)]:
        assert not any(secret in value for value in cells)


@pytest.mark.skipif(WEASYPRINT_MISSING is not None, reason=WEASYPRINT_MISSING or "")
def test_the_pdf_bilan_is_rendered_and_its_text_reads_back(settings, cohort, tmp_path: Path):
    from pypdf import PdfReader

    out = tmp_path / "bilan.pdf"
    report(cohort, out)
    assert out.read_bytes().startswith(b"%PDF-")
    reader = PdfReader(out)
    assert len(reader.pages) >= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Bilan de la cohorte MIRHE-2028" in flat
    assert "Chiffres clés" in flat and "Évaluation finale" in flat
    assert "Comparaison avec les cohortes précédentes" in flat
    assert "moins de 5 réponses" in flat
    assert "7,4" in flat and "+20" in flat
    # The charts' text is text in the PDF too (svg.fonttype = none).
    assert "Part des réponses" in flat
    for secret in [*world.SECRETS, *names(settings)]:
        assert secret not in flat


def test_an_unknown_cohort_is_a_french_error_without_a_traceback(settings, tmp_path: Path):
    result = runner.invoke(
        app, ["cohort", "report", "--cohort", "NOPE-2030", "--out", str(tmp_path / "b.html")]
    )
    assert result.exit_code == 1
    assert "Erreur : cohorte « NOPE-2030 » inconnue" in said(result.output)
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert not (tmp_path / "b.html").exists()


def test_an_unknown_extension_is_refused_naming_the_file(settings, cohort, tmp_path: Path):
    result = runner.invoke(
        app, ["cohort", "report", "--cohort", cohort, "--out", str(tmp_path / "bilan.docx")]
    )
    assert result.exit_code == 1
    assert "bilan.docx : format inconnu" in said(result.output)
    assert ".html, .pdf ou .xlsx" in said(result.output)
    assert not (tmp_path / "bilan.docx").exists()


def test_the_command_line_loads_no_chart_pdf_or_spreadsheet_library_at_start_up():
    code = (
        "import sys, mentorat.cli\n"
        "print(sorted(m for m in ('matplotlib', 'weasyprint', 'openpyxl') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"
