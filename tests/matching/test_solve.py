import json
import random

import pytest

from demo.synthetic import cohort
from mentorat.matching import InfeasibleRules, MatchingRules, greedy, solve

from .people import key, mentee, mentor

RULES = MatchingRules()


def pairs_of(proposal):
    return {(p.mentor_id, p.mentee_id) for p in proposal.pairs}


def test_an_empty_cohort_gives_an_empty_proposal():
    proposal = solve([], [], RULES)
    assert proposal.pairs == [] and proposal.unmatched == []
    assert proposal.report.result.matched == 0
    json.dumps(proposal.report.as_dict())


def test_mentees_without_any_mentor_are_told_so():
    alice = mentee("Alice Martin")
    proposal = solve([], [alice], RULES)
    assert [u.reason_code for u in proposal.unmatched] == ["no_mentor"]


def test_it_matches_each_mentee_with_the_mentor_sharing_the_objective():
    bruno = mentor("Bruno Lefèvre", objectives=frozenset({"mobilite-hors-juridiction"}))
    chloe = mentor("Chloé Dubois", objectives=frozenset({"prise-de-responsabilites"}))
    alice = mentee("Alice Martin", objectives=frozenset({"prise-de-responsabilites"}))
    david = mentee("David Petit", objectives=frozenset({"mobilite-hors-juridiction"}))
    proposal = solve([bruno, chloe], [alice, david], RULES)
    assert pairs_of(proposal) == {(chloe.id, alice.id), (bruno.id, david.id)}


def test_a_mentor_takes_up_to_their_capacity():
    bruno = mentor("Bruno Lefèvre", capacity=2)
    mentees = [mentee(n) for n in ("Alice Martin", "David Petit", "Emma Roux")]
    proposal = solve([bruno], mentees, RULES)
    assert len(proposal.pairs) == 2
    (left,) = [u for u in proposal.unmatched if u.role == "mentee"]
    assert left.reason_code == "few_candidates"
    assert "seulement 1 mentor possible" in left.reason_fr


def test_many_candidates_all_taken_is_capacity_exhausted():
    mentors = [mentor(f"Mentor {k}") for k in range(5)]
    mentees = [mentee(f"Mentee {k}") for k in range(6)]
    proposal = solve(mentors, mentees, RULES)
    (left,) = [u for u in proposal.unmatched if u.role == "mentee"]
    assert left.reason_code == "capacity_exhausted"
    assert left.candidates == 5


def test_pinned_pairs_are_kept_even_against_the_scores():
    bruno = mentor("Bruno Lefèvre", objectives=frozenset({"gestion-equipe"}))
    chloe = mentor("Chloé Dubois", objectives=frozenset({"reseau"}))
    alice = mentee("Alice Martin", objectives=frozenset({"gestion-equipe"}))
    proposal = solve([bruno, chloe], [alice], RULES, pinned=[(chloe.id, alice.id)])
    assert pairs_of(proposal) == {(chloe.id, alice.id)}
    assert proposal.pairs[0].pinned
    assert proposal.pairs[0].explanation_fr.startswith("binôme fixé par l’opérateur")


def test_forbidden_pairs_never_appear():
    bruno = mentor("Bruno Lefèvre", objectives=frozenset({"gestion-equipe"}))
    chloe = mentor("Chloé Dubois")
    alice = mentee("Alice Martin", objectives=frozenset({"gestion-equipe"}))
    proposal = solve([bruno, chloe], [alice], RULES, forbidden=[(bruno.id, alice.id)])
    assert pairs_of(proposal) == {(chloe.id, alice.id)}


def test_a_pin_that_breaks_the_hierarchy_rule_is_refused_by_name():
    chloe = mentor("Chloé Dubois")
    alice = mentee("Alice Martin", manager_key=key("Bruno Lefèvre"))
    hierarchy = {key("Bruno Lefèvre"): key("Chloé Dubois")}
    with pytest.raises(InfeasibleRules) as caught:
        solve([chloe], [alice], RULES, hierarchy=hierarchy, pinned=[(chloe.id, alice.id)])
    assert caught.value.rule == "hierarchy"
    assert "même ligne hiérarchique" in caught.value.message_fr


def test_a_pair_both_pinned_and_forbidden_is_refused():
    bruno, alice = mentor("Bruno Lefèvre"), mentee("Alice Martin")
    with pytest.raises(InfeasibleRules) as caught:
        solve(
            [bruno], [alice], RULES, pinned=[(bruno.id, alice.id)], forbidden=[(bruno.id, alice.id)]
        )
    assert caught.value.rule == "excluded"


def test_pins_beyond_a_mentors_capacity_are_refused():
    bruno = mentor("Bruno Lefèvre")
    alice, david = mentee("Alice Martin"), mentee("David Petit")
    with pytest.raises(InfeasibleRules) as caught:
        solve([bruno], [alice, david], RULES, pinned=[(bruno.id, alice.id), (bruno.id, david.id)])
    assert caught.value.rule == "capacity"


def test_a_mentee_pinned_twice_is_refused():
    bruno, chloe, alice = mentor("Bruno Lefèvre"), mentor("Chloé Dubois"), mentee("Alice Martin")
    with pytest.raises(InfeasibleRules, match="plusieurs mentors"):
        solve([bruno, chloe], [alice], RULES, pinned=[(bruno.id, alice.id), (chloe.id, alice.id)])


def test_a_pin_to_an_unknown_application_is_refused():
    bruno = mentor("Bruno Lefèvre")
    with pytest.raises(InfeasibleRules) as caught:
        solve([bruno], [], RULES, pinned=[(bruno.id, 999_999)])
    assert caught.value.rule == "pinned"


def test_a_pair_from_an_earlier_cohort_is_not_repeated():
    bruno, chloe = mentor("Bruno Lefèvre"), mentor("Chloé Dubois")
    alice = mentee("Alice Martin")
    previous = [(key("Bruno Lefèvre"), key("Alice Martin"))]
    proposal = solve([bruno], [alice], RULES, previous_pairs=previous)
    assert proposal.unmatched[0].rules == ("no_repeat",)
    assert pairs_of(solve([bruno, chloe], [alice], RULES, previous_pairs=previous)) == {
        (chloe.id, alice.id)
    }


def test_only_end_of_career_mentors_when_the_programme_says_so():
    rules = MatchingRules.from_preset({"hard": {"mentor_career_stages": ["fin"]}})
    young = mentor("Bruno Lefèvre", career_stage="milieu")
    alice = mentee("Alice Martin")
    proposal = solve([young], [alice], rules)
    by_role = {u.role: u for u in proposal.unmatched}
    assert by_role["mentee"].rules == ("career_stage",)
    assert by_role["mentor"].reason_code == "mentor_not_eligible"


def test_seniority_below_the_minimum_is_refused():
    rules = MatchingRules.from_preset({"hard": {"min_mentor_seniority_years": 10}})
    proposal = solve([mentor("Bruno Lefèvre", seniority_years=4)], [mentee("Alice Martin")], rules)
    assert proposal.pairs == []
    assert proposal.unmatched[0].rules == ("seniority",)


def test_same_unit_is_refused_only_when_the_preset_asks():
    bruno = mentor("Bruno Lefèvre", unit="TA Lyon")
    alice = mentee("Alice Martin", unit="TA Lyon")
    assert len(solve([bruno], [alice], RULES).pairs) == 1
    strict = MatchingRules.from_preset({"hard": {"same_unit": True}})
    assert solve([bruno], [alice], strict).unmatched[0].rules == ("same_unit",)


def test_a_mentor_without_a_common_language_is_refused():
    bruno = mentor("Bruno Lefèvre", languages=frozenset({"de"}))
    alice = mentee("Alice Martin", languages=frozenset({"fr", "en"}))
    assert solve([bruno], [alice], RULES).unmatched[0].rules == ("language",)


def test_nobody_mentors_themselves():
    alice_mentor = mentor("Alice Martin")
    alice = mentee("Alice Martin")
    assert solve([alice_mentor], [alice], RULES).unmatched[0].rules == ("same_person",)


def test_an_overseas_mentee_needs_a_remote_format_and_is_told_so():
    on_site = mentor("Bruno Lefèvre", formats=frozenset({"presentiel"}), region="bretagne")
    remote = mentor("Chloé Dubois", formats=frozenset({"distanciel"}), region="occitanie")
    alice = mentee(
        "Alice Martin", overseas=True, region="la-reunion", formats=frozenset({"distanciel"})
    )
    proposal = solve([on_site, remote], [alice], RULES)
    assert pairs_of(proposal) == {(remote.id, alice.id)}
    assert "outre-mer" in proposal.pairs[0].explanation_fr
    region = next(c for c in proposal.pairs[0].criteria if c.name == "region")
    assert region.points == region.max_points > 0
    alone = solve([on_site], [alice], RULES)
    assert alone.unmatched[0].rules == ("overseas_format",)


def test_quality_mode_leaves_out_pairs_under_the_threshold():
    bruno = mentor(
        "Bruno Lefèvre", objectives=frozenset({"reseau"}), formats=frozenset({"distanciel"})
    )
    alice = mentee("Alice Martin", objectives=frozenset({"gestion-equipe"}))
    assert len(solve([bruno], [alice], RULES).pairs) == 1
    proposal = solve([bruno], [alice], RULES, mode="quality")
    assert proposal.pairs == []
    assert proposal.unmatched[0].reason_code == "below_threshold"
    assert "seuil de qualité du programme (30,0)" in proposal.unmatched[0].reason_fr


def test_coverage_matches_more_people_than_quality_would():
    # Bruno suits both; Chloé suits only Alice, poorly. Coverage pairs both mentees.
    shared = frozenset({"gestion-equipe"})
    bruno = mentor("Bruno Lefèvre", objectives=shared)
    chloe = mentor("Chloé Dubois", formats=frozenset({"distanciel"}))
    alice = mentee("Alice Martin", objectives=shared)
    david = mentee("David Petit", objectives=shared)
    assert len(solve([bruno, chloe], [alice, david], RULES).pairs) == 2
    assert len(solve([bruno, chloe], [alice, david], RULES, mode="quality").pairs) == 1


def test_the_same_input_in_any_order_gives_the_same_pairs():
    mentors, mentees, hierarchy = cohort(60, 90, seed=3)
    first = solve(mentors, mentees, RULES, hierarchy=hierarchy)
    shuffled_mentors, shuffled_mentees = mentors[:], mentees[:]
    random.Random(7).shuffle(shuffled_mentors)
    random.Random(8).shuffle(shuffled_mentees)
    again = solve(shuffled_mentors, shuffled_mentees, RULES, hierarchy=hierarchy)
    assert [(p.mentor_id, p.mentee_id, p.score) for p in again.pairs] == [
        (p.mentor_id, p.mentee_id, p.score) for p in first.pairs
    ]
    assert again.unmatched == first.unmatched


def test_duplicate_ids_are_refused():
    bruno = mentor("Bruno Lefèvre", id=5)
    with pytest.raises(ValueError, match="twice"):
        solve([bruno, bruno], [], RULES)


def test_the_report_compares_with_the_greedy_baseline():
    mentors, mentees, hierarchy = cohort(150, 200, seed=4)
    proposal = solve(mentors, mentees, RULES, hierarchy=hierarchy)
    report = proposal.report.as_dict()
    json.dumps(report)
    assert report["result"]["matched"] == len(proposal.pairs)
    assert report["result"]["matched"] >= report["greedy"]["matched"]
    assert report["result"]["total"] >= report["greedy"]["total"]
    assert report["result"]["min"] >= report["greedy"]["min"]
    assert set(report["criteria_met"]) == {
        "objectives",
        "expertise",
        "region",
        "format",
        "preference",
        "availability",
        "text",
    }
    baseline = greedy(mentors, mentees, RULES, hierarchy=hierarchy)
    assert {(p.mentor_id, p.mentee_id) for p in baseline.pairs} == set(proposal.greedy_pairs)
    assert baseline.report.result.total == pytest.approx(report["greedy"]["total"], abs=0.05)


def test_the_dense_and_sparse_solvers_agree_when_no_candidate_is_cut():
    mentors, mentees, hierarchy = cohort(40, 60, seed=5)
    dense = MatchingRules(solver="dense", fairness=False)
    sparse = MatchingRules(solver="sparse", fairness=False, top_k=40)
    a = solve(mentors, mentees, dense, hierarchy=hierarchy)
    b = solve(mentors, mentees, sparse, hierarchy=hierarchy)
    assert b.report.solver == "sparse"
    assert len(a.pairs) == len(b.pairs)
    assert a.report.result.total == pytest.approx(b.report.result.total, abs=0.01 * len(a.pairs))
