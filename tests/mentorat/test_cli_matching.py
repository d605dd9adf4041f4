"""Reviewing the proposal from the command line: show, export, pin, forbid, rerun, approve."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from demo.simulation import setup_cohort
from mentorat.cli import app
from mentorat.db import session_scope
from models import Application, AuditEvent, Cohort, Pair, PairOverride
from tasks import matching
from tests.conftest import START
from tests.support import phases

runner = CliRunner()


def mentorat(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def proposed(settings) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    cohort_id, _ = setup_cohort(settings, programme="mirhe", pairs=6, opens_at=START)
    phases.advance(settings, cohort_id, matching, START + timedelta(days=21))
    return cohort_id, "MIRHE-2027"


def current_pairs(settings, cohort_id: int) -> set[tuple[int, int]]:  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        return set(
            session.execute(
                select(Pair.mentor_application_id, Pair.mentee_application_id).where(
                    Pair.cohort_id == cohort_id, Pair.status == "proposed"
                )
            )
        )


def test_show_lists_the_pairs_with_their_reasons_and_the_quality_report(settings):
    _, code = proposed(settings)
    output = mentorat("matching", "show", "--cohort", code)
    assert "Proposition n° 1 (proposed)" in output
    assert "glouton" in output and "1er centile" in output
    assert "objectif" in output.lower() or "format" in output.lower()


def test_the_proposal_exports_to_csv_and_xlsx(settings, tmp_path: Path):
    cohort_id, code = proposed(settings)
    pairs = current_pairs(settings, cohort_id)
    mentorat("matching", "show", "--cohort", code, "--export", str(tmp_path / "p.csv"))
    with (tmp_path / "p.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert {(int(r["candidature_mentor"]), int(r["candidature_mentore"])) for r in rows} == pairs
    mentorat("matching", "show", "--cohort", code, "--export", str(tmp_path / "p.xlsx"))
    book = load_workbook(tmp_path / "p.xlsx")
    assert book.sheetnames == ["Binômes", "Sans binôme"]
    assert book["Binômes"].max_row == len(pairs) + 1


def test_forbid_and_pin_change_the_rerun_and_are_recorded_with_who_and_why(settings):
    cohort_id, code = proposed(settings)
    mentor, mentee = sorted(current_pairs(settings, cohort_id))[0]
    mentorat(
        "matching",
        "forbid",
        "--cohort",
        code,
        "--mentor",
        str(mentor),
        "--mentee",
        str(mentee),
        "--by",
        "Camille Roux",
        "--reason",
        "même service jusqu’en 2026",
    )
    mentorat("matching", "rerun", "--cohort", code)
    assert (mentor, mentee) not in current_pairs(settings, cohort_id)
    mentorat(
        "matching",
        "pin",
        "--cohort",
        code,
        "--mentor",
        str(mentor),
        "--mentee",
        str(mentee),
        "--by",
        "Camille Roux",
        "--reason",
        "demande des deux personnes",
    )
    mentorat("matching", "rerun", "--cohort", code)
    assert (mentor, mentee) in current_pairs(settings, cohort_id)
    with session_scope(settings.database_url) as session:
        override = session.scalar(select(PairOverride))
        assert override is not None
        assert (override.kind, override.actor, override.reason) == (
            "pin",
            "operator:Camille Roux",
            "demande des deux personnes",
        )
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions.count("matching.forbid") == 1 and actions.count("matching.pin") == 1


def test_an_override_needs_a_reason_and_people_of_the_cohort(settings):
    cohort_id, code = proposed(settings)
    mentor, mentee = sorted(current_pairs(settings, cohort_id))[0]
    result = runner.invoke(
        app,
        [
            "matching",
            "pin",
            "--cohort",
            code,
            "--mentor",
            str(mentee),
            "--mentee",
            str(mentor),
            "--by",
            "Camille",
            "--reason",
            "x",
        ],
    )
    assert result.exit_code == 1 and "pas un·e mentor" in result.output
    result = runner.invoke(
        app,
        [
            "matching",
            "pin",
            "--cohort",
            code,
            "--mentor",
            str(mentor),
            "--mentee",
            str(mentee),
            "--by",
            "Camille",
            "--reason",
            " ",
        ],
    )
    assert result.exit_code == 1 and "raison" in result.output


def test_approve_records_the_operator_and_moves_the_cohort_to_the_charter(settings):
    cohort_id, code = proposed(settings)
    mentorat(
        "matching",
        "approve",
        "--cohort",
        code,
        "--by",
        "Camille Roux",
        "--reason",
        "comité du 28/09",
        "--no-run",
    )
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None and cohort.phase == "charter"
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "matching.approved"))
        assert event is not None and event.actor == "operator:Camille Roux"
    result = runner.invoke(app, ["matching", "rerun", "--cohort", code])
    assert result.exit_code == 1 and "déjà validés" in result.output


def test_pinning_a_pair_that_breaks_a_hard_rule_is_refused_with_the_rule(settings):
    cohort_id, code = proposed(settings)
    with session_scope(settings.database_url) as session:
        apps = list(session.scalars(select(Application).where(Application.cohort_id == cohort_id)))
        mentors = {a.person.email: a.id for a in apps if a.role == "mentor"}
        mentee = next(a for a in apps if a.role == "mentee" and a.manager_email in mentors)
        boss = mentors[mentee.manager_email]
    mentorat(
        "matching",
        "pin",
        "--cohort",
        code,
        "--mentor",
        str(boss),
        "--mentee",
        str(mentee.id),
        "--by",
        "Camille Roux",
        "--reason",
        "essai",
    )
    result = runner.invoke(app, ["matching", "rerun", "--cohort", code])
    assert result.exit_code == 1
    assert "appariement impossible" in result.output and "hiérarchi" in result.output
    # The proposal in place is untouched: nothing half-done.
    assert current_pairs(settings, cohort_id)


def test_rerun_refuses_an_unknown_mode_in_french(settings):
    _, code = proposed(settings)
    result = runner.invoke(app, ["matching", "rerun", "--cohort", code, "--mode", "rapide"])
    assert result.exit_code == 1
    assert "mode « rapide » inconnu" in result.output
