"""`mentorat matching show` on a proposal with no pairs, or far fewer than capacity allows:
the operator reads the problem and its causes, not just an empty table."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from typer.testing import CliRunner

from demo.simulation import setup_cohort
from mentorat.cli import app
from mentorat.db import session_scope
from models import Application
from tasks import matching
from tests.conftest import START
from tests.support import phases

NBSP = "\u00a0"
PROBLEM = f"Proposition insuffisante{NBSP}: à revoir avant de la valider."
SAME_UNIT = f"Règle «{NBSP}même unité ou juridiction{NBSP}»{NBSP}:"


def show(code: str) -> str:
    result = CliRunner().invoke(app, ["matching", "show", "--cohort", code], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def proposed(settings, *, mentees_in_unit: int | None = None) -> str:  # type: ignore[no-untyped-def]
    """JAAE, six pairs' worth of candidates; every mentor, and `mentees_in_unit` mentees
    (all when None), put in one jurisdiction, which the programme's same-unit rule forbids."""
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=6, opens_at=START)
    with session_scope(settings.database_url) as session:
        mentees = list(
            session.scalars(
                select(Application.id)
                .where(Application.cohort_id == cohort_id, Application.role == "mentee")
                .order_by(Application.id)
            )
        )
        crowded = mentees if mentees_in_unit is None else mentees[:mentees_in_unit]
        session.execute(
            update(Application)
            .where(
                Application.cohort_id == cohort_id,
                (Application.role == "mentor") | Application.id.in_(crowded),
            )
            .values(unit="Juridiction 1")
        )
    phases.advance(settings, cohort_id, matching, START + timedelta(days=21))
    return "JAAE-2027"


def test_a_proposal_without_pairs_is_shown_as_a_problem_with_its_causes(settings):
    output = show(proposed(settings))
    lines = [line.strip() for line in output.splitlines()]
    assert PROBLEM in lines
    assert f"Binômes proposés{NBSP}: 0, alors que la capacité en permet 6" in output
    (rule,) = [line for line in lines if line.startswith(SAME_UNIT)]
    assert "laisse 6 personnes mentorées sans aucun mentor possible" in rule
    assert "Personnes mentorées sans aucun mentor possible (numéros de candidature)" in output


def test_a_proposal_far_below_capacity_is_shown_as_a_problem(settings):
    output = show(proposed(settings, mentees_in_unit=4))
    assert PROBLEM in output
    assert f"Binômes proposés{NBSP}: 2, alors que la capacité en permet 6" in output
    assert "laisse 4 personnes mentorées sans aucun mentor possible" in output


def test_a_sound_proposal_shows_no_problem(settings):
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=6, opens_at=START)
    phases.advance(settings, cohort_id, matching, START + timedelta(days=21))
    output = show("JAAE-2027")
    assert "Proposition insuffisante" not in output and "Binômes proposés" not in output
    assert "Qualité" in output
