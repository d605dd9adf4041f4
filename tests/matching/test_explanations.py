import pytest

from demo.synthetic import cohort
from mentorat.matching import MatchingRules, greedy, solve

from .people import mentee, mentor

NBSP = "\u00a0"
RULES = MatchingRules.from_preset(
    {"labels": {"mobilite-hors-juridiction": "mobilité hors juridiction"}}
)


def test_the_explanation_names_what_brings_the_pair_together():
    bruno = mentor(
        "Bruno Lefèvre",
        expertise=frozenset({"mobilite-hors-juridiction"}),
        region="bretagne",
        formats=frozenset({"presentiel", "mixte"}),
    )
    alice = mentee(
        "Alice Martin",
        objectives=frozenset({"mobilite-hors-juridiction"}),
        region="bretagne",
        formats=frozenset({"presentiel"}),
    )
    (pair,) = solve([bruno], [alice], RULES).pairs
    assert pair.explanation_fr == (
        "objectif de la personne mentorée (mobilité hors juridiction) couvert par "
        f"l’expertise du mentor{NBSP}; même région{NBSP}; formats compatibles"
    )
    assert pair.score == 100.0


def test_criteria_the_mentee_left_blank_are_worth_nothing_and_say_so():
    bruno = mentor("Bruno Lefèvre")
    alice = mentee("Alice Martin")
    (pair,) = solve([bruno], [alice], RULES).pairs
    blank = [c for c in pair.criteria if c.max_points == 0]
    assert {c.name for c in blank} == {
        "objectives",
        "expertise",
        "region",
        "preference",
        "availability",
        "text",
    }
    assert all(c.label_fr.endswith(f"{NBSP}: sans réponse de la personne mentorée") for c in blank)
    # Only the format was stated, so it is worth all 100 points.
    assert [(c.name, c.max_points) for c in pair.criteria if c.max_points] == [("format", 100.0)]


def test_weights_are_shared_among_the_criteria_the_mentee_filled_in():
    bruno = mentor("Bruno Lefèvre", objectives=frozenset({"reseau", "gestion-equipe"}), gender="F")
    alice = mentee(
        "Alice Martin",
        objectives=frozenset({"reseau", "prise-de-parole"}),
        preferred_mentor_gender="M",
        formats=frozenset(),
    )
    (pair,) = solve([bruno], [alice], RULES).pairs
    points = {c.name: (c.points, c.max_points) for c in pair.criteria}
    # objectives 35 and preference 10 are stated: scaled to 100 / 45.
    assert points["objectives"] == (pytest.approx(38.89, abs=0.01), pytest.approx(77.78, abs=0.01))
    assert points["preference"] == (0.0, pytest.approx(22.22, abs=0.01))
    assert pair.score == pytest.approx(38.89, abs=0.01)
    assert "préférence de la personne mentorée non respectée" not in pair.explanation_fr


def test_text_similarity_counts_and_is_shown_with_a_decimal_comma():
    bruno = mentor("Bruno Lefèvre", text="J'ai dirigé le greffe et accompagné des mobilités.")
    alice = mentee("Alice Martin", text="Je prépare une mobilité et la direction du greffe.")
    (pair,) = solve([bruno], [alice], RULES).pairs
    text = next(c for c in pair.criteria if c.name == "text")
    assert text.points > 0
    assert "attentes et profil" in text.label_fr and "0," in text.label_fr


def test_scores_are_the_sum_of_the_criteria_for_every_pair():
    mentors, mentees, hierarchy = cohort(80, 120, seed=11)
    proposal = solve(mentors, mentees, RULES, hierarchy=hierarchy)
    assert proposal.pairs
    for pair in proposal.pairs:
        assert pair.score == pytest.approx(sum(c.points for c in pair.criteria), abs=1e-9)
        assert 0 <= pair.score <= 100
        assert all(0 <= c.points <= c.max_points + 1e-9 for c in pair.criteria)
        assert pair.explanation_fr


def test_french_typography_in_reasons():
    alice = mentee("Alice Martin", languages=frozenset({"en"}))
    proposal = solve([mentor("Bruno Lefèvre")], [alice], RULES)
    text = proposal.unmatched[0].reason_fr
    assert f"éligible{NBSP}: règles «{NBSP}aucune langue commune{NBSP}» (1 mentor)" in text
    assert " :" not in text and " ;" not in text


def test_labels_given_to_solve_name_the_tags_in_french():
    bruno = mentor(
        "Bruno Lefèvre",
        objectives=frozenset({"mobilite-hors-juridiction", "prise-de-parole"}),
        expertise=frozenset({"droit-penal"}),
    )
    alice = mentee(
        "Alice Martin",
        objectives=frozenset({"mobilite-hors-juridiction", "prise-de-parole"}),
        expertise=frozenset({"droit-penal"}),
    )
    labels = {
        "mobilite-hors-juridiction": "Mobilité hors juridiction",
        "droit-penal": "Droit pénal",
    }
    (pair,) = solve([bruno], [alice], MatchingRules(), labels=labels).pairs
    assert pair.explanation_fr.startswith(
        "objectifs de la personne mentorée (Mobilité hors juridiction, prise de parole) "
        f"couverts par les thèmes proposés par le mentor{NBSP}; domaine souhaité de la "
        "personne mentorée (Droit pénal) couvert par l’expertise du mentor"
    )
    (unlabelled,) = solve([bruno], [alice], MatchingRules()).pairs
    assert "mobilite hors juridiction" in unlabelled.explanation_fr


def test_labels_given_to_solve_win_over_the_presets_and_the_greedy_uses_them():
    bruno = mentor("Bruno Lefèvre", objectives=frozenset({"mobilite-hors-juridiction"}))
    alice = mentee("Alice Martin", objectives=frozenset({"mobilite-hors-juridiction"}))
    labels = {"mobilite-hors-juridiction": "Mobilité hors juridiction"}
    (pair,) = solve([bruno], [alice], RULES, labels=labels).pairs
    assert "(Mobilité hors juridiction) couvert par" in pair.explanation_fr
    (baseline,) = greedy([bruno], [alice], RULES, labels=labels).pairs
    assert baseline.explanation_fr == pair.explanation_fr
    # The preset's label still serves when the call gives none for the tag.
    (preset_only,) = solve([bruno], [alice], RULES, labels={"reseau": "Réseau"}).pairs
    assert "(mobilité hors juridiction) couvert par" in preset_only.explanation_fr
