"""Feasibility before any proposal: what each hard rule excludes, who has nobody and why,
and a proposal far below capacity reported as a problem, never as ready to approve."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update

from demo.simulation import setup_cohort
from mentorat.db import session_scope
from mentorat.matching import MatchingRules, problem_lines, solve
from models import Application, OutboxMessage, Pair
from tasks import matching
from tests.conftest import START
from tests.support import phases

from .people import mentee, mentor

NBSP = "\u00a0"
SAME_UNIT = MatchingRules.from_preset({"hard": {"same_unit": True}})


def one_unit(n: int = 4):  # type: ignore[no-untyped-def]
    mentors = [mentor(f"Mentor {k}", id=k + 1, unit="TJ Lille") for k in range(n)]
    mentees = [mentee(f"Mentee {k}", id=100 + k, unit="TJ Lille") for k in range(n)]
    return mentors, mentees


def test_a_cohort_in_one_unit_under_the_same_unit_rule_is_a_problem_naming_the_rule():
    mentors, mentees = one_unit()
    proposal = solve(mentors, mentees, SAME_UNIT)
    f = proposal.feasibility
    assert f is not None and proposal.problem
    assert (f.pairs, f.expected) == (0, 4) and proposal.pairs == []
    assert f.causes[0] == "same_unit"
    (rule,) = [r for r in f.rules if r.rule == "same_unit"]
    assert (rule.pairs_excluded, rule.left_without_partner) == (16, 4)
    assert f.mentees_without_partner == [100, 101, 102, 103]
    assert f.mentors_without_partner == [1, 2, 3, 4]
    lines = problem_lines(f.as_dict())
    assert lines[0] == (
        f"Binômes proposés{NBSP}: 0, alors que la capacité en permet 4 (4 personnes "
        "mentorées, 4 places chez 4 mentors)"
    )
    assert (
        f"Règle «{NBSP}même unité ou juridiction{NBSP}»{NBSP}: écarte 16 binômes possibles, "
        "laisse 4 personnes mentorées sans aucun mentor possible"
    ) in lines
    assert f"(numéros de candidature){NBSP}: 100, 101, 102, 103" in lines[-2]


def test_the_report_is_ids_codes_and_counts_only():
    mentors, mentees = one_unit()
    stored = json.dumps(solve(mentors, mentees, SAME_UNIT).report.as_dict())
    for person in (*mentors, *mentees):
        assert person.person_key not in stored
    assert "TJ Lille" not in stored


def test_mentors_excluded_for_want_of_a_career_stage_are_counted_and_said():
    rules = MatchingRules.from_preset({"hard": {"mentor_career_stages": ["fin"]}})
    mentors = [mentor(f"Mentor {k}", id=k + 1, career_stage=None) for k in range(3)]
    mentees = [mentee(f"Mentee {k}", id=100 + k) for k in range(2)]
    proposal = solve(mentors, mentees, rules)
    f = proposal.feasibility
    assert f is not None and proposal.problem and f.pairs == 0
    (rule,) = [r for r in f.rules if r.rule == "career_stage"]
    assert (rule.mentors_excluded, rule.missing) == (3, 3)
    assert (
        f"Règle «{NBSP}étape de carrière du mentor{NBSP}»{NBSP}: exclut 3 mentors sur 3, "
        "écarte 6 binômes possibles, laisse 2 personnes mentorées sans aucun mentor possible, "
        "étape de carrière non renseignée pour 3 candidatures"
    ) in problem_lines(f.as_dict())


def test_a_proposal_far_below_capacity_is_a_problem_and_one_near_it_is_not():
    """Five mentees, five mentors; the threshold is 80 % of min(mentees, slots) = 4."""

    def run(blocked: int) -> bool:
        mentors = [mentor(f"M {k}", id=k + 1, unit=f"u{k}") for k in range(5)]
        mentees = [
            mentee(f"E {k}", id=100 + k, unit="u0" if k < blocked else f"v{k}") for k in range(5)
        ]
        # The blocked mentees may only have mentor 1 (same unit elsewhere is forbidden).
        forbidden = [(m.id, e.id) for e in mentees[:blocked] for m in mentors[1:]]
        proposal = solve(mentors, mentees, SAME_UNIT, forbidden=forbidden)
        assert proposal.feasibility is not None
        assert len(proposal.pairs) == 5 - blocked
        return proposal.problem

    assert run(0) is False
    assert run(1) is False  # 4 pairs of 5: at the threshold
    assert run(2) is True  # 3 pairs of 5


def test_the_operator_gets_a_problem_not_ready_to_approve(settings):
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=6, opens_at=START)
    with session_scope(settings.database_url) as session:
        session.execute(
            update(Application)
            .where(Application.cohort_id == cohort_id)
            .values(unit="Juridiction 1")
        )
    result = phases.advance(settings, cohort_id, matching, START + timedelta(days=21))
    assert result["matching_problem"] == 1 and result["awaiting_approval"] == 1
    with session_scope(settings.database_url) as session:
        alerts = list(
            session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "operator_alert"))
        )
        assert session.scalar(select(Pair).where(Pair.cohort_id == cohort_id)) is None
    (alert,) = alerts
    assert "prête à valider" not in alert.subject + alert.body_text
    assert f"Proposition de binômes insuffisante{NBSP}: à revoir" in alert.subject
    assert f"Binômes proposés{NBSP}: 0, alors que la capacité en permet 6" in alert.body_text
    assert f"«{NBSP}même unité ou juridiction{NBSP}»" in alert.body_text
    assert "mentorat matching rerun --cohort" in alert.body_text


def test_a_sound_proposal_is_still_ready_to_approve(settings):
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=6, opens_at=START)
    result = phases.advance(settings, cohort_id, matching, START + timedelta(days=21))
    assert "matching_problem" not in result
    with session_scope(settings.database_url) as session:
        (alert,) = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "operator_alert")
        )
        assert "Proposition de binômes prête à valider" in alert.subject
