"""Which criteria are symmetric (like with like) and which go from what the mentee seeks to
what the mentor offers: seeded properties on random pairs."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorat.matching import Candidate, MatchingRules
from mentorat.matching.features import encode
from mentorat.matching.rules import CRITERIA
from mentorat.matching.scoring import pair_points

LABELS = {
    "management": "Management d’équipe",
    "encadrement": "Encadrement",
    "prise-de-poste": "Prise de poste",
    "prise-de-parole": "Prise de parole en public",
    "negociation": "Négociation",
    "dialogue-social": "Dialogue social",
    "budget": "Budget",
    "mobilite": "Mobilité hors juridiction",
}
TAGS = sorted(LABELS)
RULES = MatchingRules(labels=LABELS)
FORMATS = ["presentiel", "distanciel", "mixte"]
REGIONS = ["bretagne", "corse", "normandie"]

tags = st.frozensets(st.sampled_from(TAGS), max_size=4)
formats = st.frozensets(st.sampled_from(FORMATS), min_size=1)
langs = st.frozensets(st.sampled_from(["fr", "en", "de"]), min_size=1)


def fractions(mentor: Candidate, mentee: Candidate) -> dict[str, float]:
    """Share of its points each criterion earns (NaN when the mentee left it blank)."""
    enc = encode([mentor], [mentee], RULES)
    points = pair_points(enc, np.array([0]), np.array([0]))[0]
    top = enc.max_points[0]
    return {
        name: float(points[k] / top[k]) if top[k] else float("nan")
        for k, name in enumerate(CRITERIA)
    }


def pair(**fields) -> tuple[Candidate, Candidate]:  # type: ignore[no-untyped-def]
    mentor = Candidate(id=1, role="mentor", person_key="m", **fields.get("mentor", {}))
    mentee = Candidate(id=2, role="mentee", person_key="e", **fields.get("mentee", {}))
    return mentor, mentee


@settings(max_examples=150, deadline=None, derandomize=True)
@given(formats, formats, st.sampled_from(REGIONS), st.sampled_from(REGIONS), langs, langs)
def test_like_with_like_criteria_are_symmetric(f1, f2, r1, r2, l1, l2):
    """Formats, region and language read the same field on both sides: swapping the two
    people's values changes nothing."""
    one = pair(
        mentor={"formats": f1, "region": r1, "languages": l1},
        mentee={"formats": f2, "region": r2, "languages": l2},
    )
    two = pair(
        mentor={"formats": f2, "region": r2, "languages": l2},
        mentee={"formats": f1, "region": r1, "languages": l1},
    )
    a, b = fractions(*one), fractions(*two)
    for name in ("format", "region"):
        assert a[name] == b[name], name
    for m, e in (one, two):
        enc = encode([m], [e], RULES)
        assert enc.language_ok[enc.mentee_language[0], enc.mentor_language[0]] == bool(l1 & l2)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(tags, tags, tags, tags, tags)
def test_objectives_and_wished_domains_go_from_the_mentee_to_the_mentors_offer(
    wanted, wished, offered, mentor_topics, noise
):
    mentor, mentee = pair(
        mentor={"expertise": offered, "objectives": mentor_topics},
        mentee={"objectives": wanted, "expertise": wished},
    )
    base = fractions(mentor, mentee)
    # What the mentee would offer, or anything else about them, is not part of it: only
    # what they seek and what the mentor offers.
    other = dataclasses.replace(mentee, region="corse", text="budget et négociation")
    for name in ("objectives", "expertise"):
        assert np.isclose(fractions(mentor, other)[name], base[name], equal_nan=True)
    # The mentor offering more never lowers a criterion; offering all of it earns it all.
    richer = dataclasses.replace(mentor, expertise=offered | noise)
    for name in ("objectives", "expertise"):
        if not np.isnan(base[name]):
            assert fractions(richer, mentee)[name] >= base[name] - 1e-6
    full = dataclasses.replace(mentor, expertise=wanted | wished)
    for name in ("objectives", "expertise"):
        value = fractions(full, mentee)[name]
        assert np.isnan(value) or abs(value - 1.0) < 1e-6
    # A mentor who offers nothing covers nothing, whatever the two have in common
    # elsewhere (the mentee's own wished domains are not an offer).
    empty = dataclasses.replace(mentor, expertise=frozenset(), objectives=frozenset())
    mirror = dataclasses.replace(mentee, expertise=wanted)
    for name in ("objectives", "expertise"):
        value = fractions(empty, mirror)[name]
        assert np.isnan(value) or abs(value) < 1e-6


def test_seeks_to_offers_is_not_symmetric():
    """A mentor offering more than asked is not penalised, so the criterion is a cover,
    not a likeness: swapping what is sought and what is offered changes the score."""
    mentor, mentee = pair(
        mentor={"expertise": frozenset({"budget", "negociation"})},
        mentee={"objectives": frozenset({"negociation"})},
    )
    assert np.isclose(fractions(mentor, mentee)["objectives"], 1.0)
    swapped = pair(
        mentor={"expertise": frozenset({"negociation"})},
        mentee={"objectives": frozenset({"budget", "negociation"})},
    )
    assert np.isclose(fractions(*swapped)["objectives"], 0.5)
