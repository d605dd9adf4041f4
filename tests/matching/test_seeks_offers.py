"""What a mentee seeks meets what a mentor offers: the demo, the docs' example, the words."""

from __future__ import annotations

import numpy as np
import pytest

from mentorat.matching import MatchingRules, solve
from mentorat.matching.concepts import Matcher, concepts
from mentorat.matching.features import encode
from mentorat.matching.rules import CRITERIA
from mentorat.matching.scoring import pair_points
from mentorat.matching.text import tokens

from .people import mentee, mentor
from .real_people import demo, docs_example, rules

OBJ = CRITERIA.index("objectives")


def objective_points(mentors, mentees, rule_set, labels) -> np.ndarray:  # type: ignore[no-untyped-def]
    """mentees x mentors points of the objectives criterion, hard rules aside."""
    rule_set = MatchingRules(**{**rule_set.__dict__, "labels": labels})
    enc = encode(mentors, mentees, rule_set)
    e, r = np.meshgrid(np.arange(len(mentees)), np.arange(len(mentors)), indexing="ij")
    return pair_points(enc, e.ravel(), r.ravel())[:, OBJ].reshape(len(mentees), len(mentors))


def test_french_words_of_one_family_share_a_snowball_stem():
    assert len({tokens(w)[0] for w in ("encadrer", "encadrant", "encadrement")}) == 1
    assert len({tokens(w)[0] for w in ("négocier", "négociation", "négociations")}) == 1
    # Accents or not, the same stem: tags are stored without accents, labels with.
    assert tokens("Mobilité responsabilités") == tokens("mobilite responsabilites")
    assert tokens("encadrer") != tokens("négocier")


def test_labels_of_the_same_concept_meet_and_one_shared_generic_word_does_not():
    assert concepts("Management d’équipe") == concepts("Encadrement") == concepts("encadrer")
    assert concepts("Négociation") == concepts("négocier")
    matcher = Matcher({"a": "Prise de parole en public", "b": "Prise de poste"})
    assert matcher.share("a", "b") == 0.0
    assert matcher.share("b", "a") == 0.0
    matcher = Matcher({"a": "Prise de fonctions d’encadrement", "b": "Management d’équipe"})
    assert matcher.share("a", "b") == 0.5  # encadrement covered, prise de fonctions not


@pytest.mark.parametrize("programme", ["jaae", "mirhe", "menesr"])
def test_the_demo_gives_non_zero_objective_scores_that_name_the_mentees_objective(programme):
    mentors, mentees, labels = demo(programme, 20)
    proposal = solve(mentors, mentees, rules(programme), labels=labels)
    assert len(proposal.pairs) == len(mentees)
    by_id = {c.id: c for c in mentees}
    for pair in proposal.pairs:
        objective = next(c for c in pair.criteria if c.name == "objectives")
        assert objective.points > 0, pair.explanation_fr
        named = [
            labels[t] for t in by_id[pair.mentee_id].objectives if labels[t] in objective.label_fr
        ]
        assert named, objective.label_fr
        assert objective.label_fr.startswith("objectif")
        assert "de la personne mentorée (" in objective.label_fr


def test_the_docs_example_meets_objectives_with_expertise(tmp_path):
    mentors, mentees, labels = docs_example(tmp_path)
    # The docs' mentors fill only « Domaines d'expertise », the mentees only « Objectifs ».
    assert all(not m.objectives and m.expertise for m in mentors)
    assert all(e.objectives and not e.expertise for e in mentees)
    points = objective_points(mentors, mentees, rules("jaae"), labels)
    # Every mentee's objective is offered by some mentor (before the hard rules).
    assert (points.max(axis=1) > 0).all()
    proposal = solve(mentors, mentees, rules("jaae"), labels=labels)
    chloe = next(e for e in mentees if "prise-de-poste" in e.objectives)
    (pair,) = [p for p in proposal.pairs if p.mentee_id == chloe.id]
    objective = next(c for c in pair.criteria if c.name == "objectives")
    assert objective.points > 0
    assert objective.label_fr == (
        "objectif de la personne mentorée (Management d'équipe) couvert par "
        "l’expertise du mentor (Encadrement)"
    )
    assert pair.explanation_fr.startswith(objective.label_fr)


def test_wished_domains_are_met_by_expertise_not_by_the_mentees_own_expertise():
    giver = mentor("Gisèle Roy", expertise=frozenset({"negociation"}))
    taker = mentor("Théo Marin", objectives=frozenset({"negociation"}))
    seeker = mentee("Iris Noël", expertise=frozenset({"dialogue-social"}))
    labels = {"negociation": "Négociation", "dialogue-social": "Dialogue social"}
    points = {
        m.person_key: next(
            c
            for c in solve([m], [seeker], MatchingRules(), labels=labels).pairs[0].criteria
            if c.name == "expertise"
        )
        for m in (giver, taker)
    }
    expertise = points[giver.person_key]
    assert expertise.points == expertise.max_points > 0
    assert expertise.label_fr == (
        "domaine souhaité de la personne mentorée (Dialogue social) couvert par "
        "l’expertise du mentor (Négociation)"
    )
    assert "thèmes proposés par le mentor" in points[taker.person_key].label_fr


def test_nothing_covered_is_said_plainly():
    bruno = mentor("Bruno Roux", expertise=frozenset({"budget"}))
    alice = mentee("Alice Dumas", objectives=frozenset({"mobilite", "reseau"}))
    (pair,) = solve([bruno], [alice], MatchingRules()).pairs
    objective = next(c for c in pair.criteria if c.name == "objectives")
    assert objective.points == 0
    assert objective.label_fr == (
        "aucun objectif de la personne mentorée (mobilite, reseau) n’est couvert "
        "par l’expertise du mentor"
    )
