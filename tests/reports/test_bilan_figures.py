"""The bilan's figures, each checked against the known answers of tests/reports/world.py."""

from __future__ import annotations

import pytest

from mentorat.db import session_scope
from mentorat.services.bilan import (
    CHARTER_SIGNED,
    RESUMED,
    SILENT,
    SUPERVISED,
    WITHDRAWN,
    Bilan,
    cohort_bilan,
    headline,
    headline_markdown,
    mean,
    net_promoter,
)
from mentorat.services.cohorts import get_cohort
from tests.reports import world


@pytest.fixture
def bilan(database_url: str) -> Bilan:
    with session_scope(database_url) as session:
        world.build(session)
    with session_scope(database_url) as session:
        return cohort_bilan(session, get_cohort(session, "MIRHE-2028"))


def test_participation_counts_applications_pairs_and_signatures(bilan: Bilan):
    assert bilan.threshold == 5
    assert bilan.applications == {"mentor": 6, "mentee": 8}
    assert bilan.matched == {"mentor": 6, "mentee": 6}
    assert (bilan.unmatched, bilan.late, bilan.withdrawn) == (1, 1, 1)
    assert (bilan.pairs, bilan.active_pairs, bilan.signatures) == (6, 5, 11)


def test_each_month_counts_its_check_ins_and_hides_the_content_of_a_small_month(bilan: Bilan):
    # Month 3 was never asked (closed during an outage): it is no month of the bilan.
    first, second = bilan.months
    assert (first.month, first.requested, first.answered, first.missed) == (1, 10, 8, 2)
    assert first.published and (first.met, first.meetings) == (6, 2 + 1 + 3 + 0)
    assert (second.month, second.requested, second.answered, second.missed) == (2, 10, 4, 6)
    # 4 answers, under the threshold of 5: neither « met » nor the meetings are published.
    assert not second.published and (second.met, second.meetings) == (0, 0)


def test_escalations_are_counted_and_each_ends_in_one_outcome(bilan: Bilan):
    e = bilan.escalations
    assert (e.help_requested, e.missed_checkins, e.charter_unsigned) == (1, 4, 1)
    assert e.published
    assert e.outcomes == {WITHDRAWN: 1, RESUMED: 2, SUPERVISED: 1, SILENT: 1}
    # A single charter escalation: under the threshold, its outcome is not given.
    assert not e.charter_published and e.charter_outcomes == {}
    assert CHARTER_SIGNED not in e.charter_outcomes


def test_the_mentors_distributions_are_those_of_their_answers(bilan: Bilan):
    mentors, mentees = bilan.scores
    assert (mentors.role, mentors.invited, mentors.respondents) == ("mentor", 5, 5)
    assert mentors.published
    assert mentors.objectives == {1: 0, 2: 1, 3: 1, 4: 2, 5: 1}
    assert mentors.satisfaction == {1: 0, 2: 0, 3: 1, 4: 2, 5: 2}
    assert {k: v for k, v in mentors.recommend.items() if v} == {3: 1, 6: 1, 9: 2, 10: 1}
    assert sum(mentors.recommend.values()) == 5 and set(mentors.recommend) == set(range(11))
    assert mean(mentors.recommend) == pytest.approx(7.4)
    assert net_promoter(mentors.recommend) == 20  # 3 promoters, 2 detractors of 5
    assert mentors.mentor_again == {"oui": 3, "non": 1, "ne sait pas": 1}


def test_the_mentees_three_answers_are_under_the_threshold_and_hidden(bilan: Bilan):
    mentees = bilan.scores[1]
    assert (mentees.role, mentees.invited, mentees.respondents) == ("mentee", 5, 3)
    assert not mentees.published
    assert mentees.objectives == mentees.satisfaction == mentees.recommend == {}
    assert bilan.hidden == "moins de 5 réponses\u00a0: non publié"


def test_objectives_reached_per_objective_category(bilan: Bilan):
    groups = {g.tag: g for g in bilan.objectives}
    management, mobility, network = groups["management"], groups["mobilite"], groups["reseau"]
    assert management.label == "Management d’équipe"
    assert (management.respondents, management.published) == (5, True)
    assert management.reached == {1: 0, 2: 1, 3: 1, 4: 2, 5: 1}
    # M1 5, M2 4, E1 4, E2 4, E3 5: mentors and mentees together.
    assert mobility.respondents == 5 and mobility.reached == {1: 0, 2: 0, 3: 0, 4: 3, 5: 2}
    assert (network.respondents, network.published, network.reached) == (1, False, {})


def test_comments_are_counted_never_handed_out(bilan: Bilan):
    assert bilan.comments == 3
    assert not any(secret in repr(bilan) for secret in world.SECRETS)


def test_only_the_programmes_earlier_cohorts_are_compared(bilan: Bilan):
    assert [s.code for s in bilan.earlier] == ["MIRHE-2027"]
    earlier = bilan.earlier[0]
    assert (earlier.applications, earlier.pairs) == (6, 3)
    assert (earlier.checkins_requested, earlier.checkins_answered) == (10, 9)
    assert earlier.respondents == 6 and earlier.published
    assert earlier.satisfaction_mean == pytest.approx(4.0)
    assert earlier.recommend_mean == pytest.approx(8.0)
    assert earlier.nps == 33
    assert earlier.objectives_reached_share == pytest.approx(4 / 6)
    # 3 mentors answered: under the threshold.
    assert not earlier.mentors_again_published and earlier.mentors_again_share is None
    current = bilan.current
    assert (current.code, current.applications, current.pairs) == ("MIRHE-2028", 14, 6)
    assert (current.checkins_requested, current.checkins_answered) == (20, 12)
    assert current.satisfaction_mean == pytest.approx(35 / 8)
    assert current.recommend_mean == pytest.approx(8.0)
    assert current.nps == 38  # 5 promoters and 2 detractors of 8: 37.5
    assert current.objectives_reached_share == pytest.approx(6 / 8)
    assert current.mentors_again_share == pytest.approx(3 / 5)


def test_headline_figures_are_counts_without_names(bilan: Bilan):
    figures = dict(headline(bilan))
    assert figures["Binômes formés"] == 6
    assert figures["Signatures de la charte"] == 11
    assert figures["Points mensuels répondus"] == 12
    assert figures["Rencontres déclarées"] == 6  # month 2 is not published
    assert figures["Réponses à l’évaluation finale"] == 8
    markdown = headline_markdown(bilan)
    assert "| Binômes formés | 6 |" in markdown
    assert "Prénom" not in markdown and "@" not in markdown


def test_the_threshold_is_a_setting_the_cohort_keeps(database_url: str):
    with session_scope(database_url) as session:
        world.build(session)
        cohort = get_cohort(session, "MIRHE-2028")
        cohort.settings = {**cohort.settings, "bilan": {"anonymity_threshold": 3}}
    with session_scope(database_url) as session:
        bilan = cohort_bilan(session, get_cohort(session, "MIRHE-2028"))
    assert bilan.threshold == 3
    mentees = bilan.scores[1]
    assert mentees.published and mentees.objectives == {1: 0, 2: 0, 3: 0, 4: 2, 5: 1}
    assert bilan.months[1].published and bilan.months[1].meetings == 2


def test_a_cohort_stored_before_the_setting_gets_the_default_of_5(database_url: str):
    with session_scope(database_url) as session:
        world.build(session)
        cohort = get_cohort(session, "MIRHE-2028")
        cohort.settings = {k: v for k, v in cohort.settings.items() if k != "bilan"}
    with session_scope(database_url) as session:
        assert cohort_bilan(session, get_cohort(session, "MIRHE-2028")).threshold == 5
