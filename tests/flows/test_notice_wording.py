"""Emails an HR professional would send as they are: the not-matched notice speaks the
programme's words (never the engine's rules, counts or scores), the operator's alerts give
roles and figures in French."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from demo.mail_samples import sample
from demo.simulation import setup_cohort
from mentorat.db import session_scope
from mentorat.mail import render
from mentorat.mail.words import NOT_MATCHED_DEFAULT, NOT_MATCHED_REASONS, not_matched_reason
from mentorat.services import applications, cohorts, pairing
from models import Cohort, MatchingDecision, OutboxMessage
from tasks import call, matching
from tests.conftest import START
from tests.support import phases


def cohort_with_spare_mentors(settings) -> int:  # type: ignore[no-untyped-def]
    """Five mentees, and three mentors more than they need: some mentors stay unmatched."""
    cohort_id, pop = setup_cohort(settings, programme="mirhe", pairs=5, opens_at=START)
    mentor = next(row for row in pop.rows if row["role"] == "mentor")
    spare = [
        {**mentor, "email": f"renfort{n}@exemple.fr", "first_name": "Renfort", "last_name": f"N{n}"}
        for n in range(3)
    ]
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        applications.import_applications(session, cohort, spare, now=START, actor="operator:test")
    phases.advance(settings, cohort_id, call, START)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        closes = cohorts.timeline_of(cohort).call_closes_at
    phases.advance(settings, cohort_id, matching, closes)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        pairing.approve(session, cohort, now=closes + timedelta(hours=1), actor="operator:test")
    phases.advance(settings, cohort_id, matching, closes + timedelta(hours=1))
    return cohort_id


def test_every_reason_is_a_whole_french_sentence():
    for sentence in [*NOT_MATCHED_REASONS.values(), NOT_MATCHED_DEFAULT]:
        assert sentence[0].isupper() and sentence.endswith("."), sentence
        assert not any(c.isdigit() for c in sentence), sentence
    assert not_matched_reason("a code the engine may add one day") == NOT_MATCHED_DEFAULT


def test_the_not_matched_notice_and_the_ready_alert_read_well(settings):
    cohort_id = cohort_with_spare_mentors(settings)
    with session_scope(settings.database_url) as session:
        decision = session.scalars(
            select(MatchingDecision).where(MatchingDecision.cohort_id == cohort_id)
        ).first()
        assert decision is not None
        codes = {u["application_id"]: u["reason_code"] for u in decision.unmatched}
        notices = list(
            session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.cohort_id == cohort_id,
                    OutboxMessage.kind == "not_matched",
                )
            )
        )
        ready = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.cohort_id == cohort_id,
                OutboxMessage.step == "alert_matching_ready",
            )
        ).first()
    assert codes and len(notices) == len(codes)
    for notice in notices:
        said = [s for s in NOT_MATCHED_REASONS.values() if s in notice.body_text]
        assert said, notice.body_text
        assert "score" not in notice.body_text.lower()
        assert "règle" not in notice.body_text.lower()
    assert ready is not None
    line = next(x for x in ready.body_text.splitlines() if "Score moyen" in x)
    assert line.endswith("sur 100") and "." not in line.split("\u00a0: ")[1], line


def test_a_certificate_never_counts_zero_check_ins():
    for answered, said in ((0, None), (1, "1 point mensuel renseigné"), (4, "4 points")):
        context = {**sample("certificate"), "checkins_answered": answered}
        text = render("certificate", context).text
        assert "0 point" not in text
        if said:
            assert said in text
        assert "mois d’accompagnement." in text or "mois d’accompagnement et" in text
