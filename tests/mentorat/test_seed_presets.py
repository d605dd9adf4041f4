"""The hospital and Collectif Mentorat presets: they load, validate, and say what their seeds
say (shared/seeds/003_27bffbbda5949016.txt and 002_22fd28a78cd53926.txt). Each rule of a
seed is a row: the rule, where the seed says it, and what is asserted, on the preset, its
charter or the matching engine run under its rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from demo.population import population
from mentorat import presets, timeline
from mentorat.matching import Candidate, MatchingRules, solve
from mentorat.presets import ProgrammePreset

NEW = ("hopital", "collectif")


def preset(name: str) -> tuple[ProgrammePreset, str]:
    return presets.load(name)


def refused_by(name: str, mentor: Candidate, mentee: Candidate, **kw: object) -> tuple[str, ...]:
    """The hard rules of the preset that keep this mentor and mentee apart (() if paired)."""
    rules = MatchingRules.from_preset(preset(name)[0].matching)
    proposal = solve([mentor], [mentee], rules, **kw)  # type: ignore[arg-type]
    if proposal.pairs:
        return ()
    (left,) = [u for u in proposal.unmatched if u.role == "mentee"]
    return left.rules


def mentor(**kw: object) -> Candidate:
    values: dict[str, object] = {"unit": "Service des urgences", "seniority_years": 20}
    return Candidate(id=1, role="mentor", person_key="mentor@exemple.fr", **{**values, **kw})  # type: ignore[arg-type]


def mentee(**kw: object) -> Candidate:
    values: dict[str, object] = {"unit": "Service de pédiatrie", "seniority_years": 1}
    return Candidate(id=2, role="mentee", person_key="mentee@exemple.fr", **{**values, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize("name", NEW)
def test_the_preset_loads_validates_and_is_listed(name: str):
    loaded, charter = preset(name)
    assert name in presets.available()
    assert loaded.programme.slug == name
    assert loaded.programme.seed.endswith(".txt")
    assert charter.startswith(f"# {loaded.charter.title}\n")
    assert "Je soussigné(e)" in charter  # the charter is signed, as the other programmes'
    MatchingRules.from_preset(loaded.matching)  # the engine accepts every key
    # A whole timeline can be built from it: sessions during the pairing, the workshop last.
    opens = datetime(2027, 9, 6, 7, tzinfo=UTC)
    t = timeline.build(
        loaded.timing,
        loaded.supervision,
        loaded.workshop,
        call_opens_at=opens,
        approved_at=opens + timedelta(days=22),
    )
    assert t.kickoff_at is not None and t.workshop_starts_at is not None
    for slot in t.sessions:
        assert t.kickoff_at < slot.starts_at < t.checkins[-1].closes_at
    assert t.evaluation_opens_at is not None
    assert t.workshop_starts_at > t.evaluation_opens_at > t.checkins[-1].due_at


@pytest.mark.parametrize("name", NEW)
def test_the_charter_and_names_follow_french_typography(name: str):
    loaded, charter = preset(name)
    texts = [
        charter,
        loaded.programme.name,
        loaded.programme.short_name,
        loaded.charter.title,
        loaded.workshop.title,
        loaded.workshop.location,
        *[s.title for s in loaded.supervision.sessions],
        *[s.location for s in loaded.supervision.sessions],
    ]
    for text in texts:
        assert "'" not in text, text  # typographic apostrophes only
        assert not re.search(r"[^\u00a0\u202f][:;?!»]", text.replace("**", "")), text
        assert not re.search(r"«[^\u00a0\u202f]", text), text
        assert "oeuvre" not in text and " l 'h" not in text, text


@dataclass(frozen=True)
class Rule:
    programme: str
    rule: str
    seed_says: str
    holds: Callable[[ProgrammePreset, str], bool]


RULES = [
    # The hospital programme (003_27bffbbda5949016.txt).
    Rule(
        "hopital",
        "the mentor is never in the mentee's line of hierarchy",
        "« une relation de confiance et de dialogue et non une relation hiérarchique »",
        lambda p, c: (
            refused_by(
                "hopital", mentor(), mentee(), hierarchy={"mentee@exemple.fr": "mentor@exemple.fr"}
            )
            == ("hierarchy",)
            and "non une relation hiérarchique" in c
        ),
    ),
    Rule(
        "hopital",
        "not a coaching relation",
        "« et non une relation hiérarchique ou de coaching »",
        lambda p, c: "ou de coaching" in c,
    ),
    Rule(
        "hopital",
        "mentor and mentee are never in the same service",
        "« un espace régulier d’échange en dehors des lieux plus formels », "
        "« (re)découverte de métiers »",
        lambda p, c: (
            refused_by("hopital", mentor(), mentee(unit="Service des urgences")) == ("same_unit",)
            and refused_by("hopital", mentor(), mentee()) == ()
        ),
    ),
    Rule(
        "hopital",
        "the mentor is experienced",
        "« une personne expérimentée (le Mentor) offre son expertise »",
        lambda p, c: refused_by("hopital", mentor(seniority_years=2), mentee()) == ("seniority",),
    ),
    Rule(
        "hopital",
        "objectives are set together at the first meeting, then followed and adjusted",
        "« conjointement discutés lors de la première rencontre, suivis et ajustés au fil "
        "de l’eau »",
        lambda p, c: (
            "lors de la première rencontre, suivis et ajustés au fil de l’eau" in c
            and max(p.matching["weights"].values()) == p.matching["weights"]["objectives"]
        ),
    ),
    Rule(
        "hopital",
        "the exchanges are confidential",
        "« La confidentialité »",
        lambda p, c: "**La confidentialité** des échanges" in c,
    ),
    Rule(
        "hopital",
        "a cancelled meeting is rescheduled; availability weighs in the matching",
        "« en cas d’annulation, les personnes s’en informent et planifient une nouvelle "
        "rencontre »",
        lambda p, c: (
            "planifient une nouvelle rencontre" in c and p.matching["weights"]["availability"] >= 10
        ),
    ),
    Rule(
        "hopital",
        "no meeting in a private place",
        "« les rencontres en présentiel ne peuvent avoir lieu dans un lieu privé, au domicile »",
        lambda p, c: "ne peuvent avoir lieu dans un lieu privé, ni au domicile" in c,
    ),
    Rule(
        "hopital",
        "a professional relation only, not a familiar or intimate one",
        "« pas une relation familière ou intime affectant la vie privée »",
        lambda p, c: "pas une relation familière ou intime" in c,
    ),
    Rule(
        "hopital",
        "a regular frame: monthly check-ins over six months",
        "« dans un cadre régulier d’écoute, d’échange et de bienveillance »",
        lambda p, c: p.timing.checkin_months == 6 and "cadre régulier d’écoute" in c,
    ),
    Rule(
        "hopital",
        "framed by the charter: no group session, an individual one after an escalation",
        "« Une relation encadrée, par une charte de bonnes pratiques »",
        lambda p, c: p.supervision.sessions == [] and p.supervision.individual_after_escalation,
    ),
    Rule(
        "hopital",
        "every participant is recognised: the workshop invites mentors and mentees",
        "« Les participants à ce programme vont : se sentir valorisés et reconnus »",
        lambda p, c: sorted(p.workshop.invite) == ["mentee", "mentor"],
    ),
    # The Collectif Mentorat's steps (002_22fd28a78cd53926.txt).
    Rule(
        "collectif",
        "a mutual, voluntary and free commitment",
        "« Le mentorat est un engagement mutuel, bénévole et gratuit »",
        lambda p, c: "engagement mutuel, bénévole et gratuit" in c,
    ),
    Rule(
        "collectif",
        "a volunteer mentor needs no seniority nor career stage",
        "« Le mentor est une personne bénévole et non professionnelle »",
        lambda p, c: (
            refused_by("collectif", mentor(seniority_years=0, career_stage=None), mentee()) == ()
            and p.matching["hard"]["min_mentor_seniority_years"] == 0
            and p.matching["hard"]["mentor_career_stages"] == []
        ),
    ),
    Rule(
        "collectif",
        "one mentor for one mentee (the demo's volunteers each take one)",
        "« individuelle (un mentor pour un mentoré) »",
        lambda p, c: (
            "Un mentor pour un mentoré" in c
            and all(r["capacity"] == 1 for r in population(6, "collectif").rows)
        ),
    ),
    Rule(
        "collectif",
        "medium or long term: longer than the six months of the other programmes",
        "« évolue sur le moyen et/ou long terme », coaching « sur une courte durée »",
        lambda p, c: p.timing.checkin_months > 6 and "moyen ou le long terme" in c,
    ),
    Rule(
        "collectif",
        "objectives follow the mentee's needs: they weigh most in the matching",
        "« des objectifs qui évoluent et s’adaptent en fonction des besoins spécifiques »",
        lambda p, c: max(p.matching["weights"].values()) == p.matching["weights"]["objectives"],
    ),
    Rule(
        "collectif",
        "mentors are supported: group sessions for mentors across the whole pairing",
        "« Formation et accompagnement des mentors »",
        lambda p, c: (
            len(p.supervision.sessions) >= 3
            and {s.audience for s in p.supervision.sessions} == {"mentors"}
            and max(s.month for s in p.supervision.sessions) > p.timing.checkin_months // 2
        ),
    ),
    Rule(
        "collectif",
        "a mentor never acts alone: an escalation offers an individual session",
        "« Un mentor n’intervient jamais seul »",
        lambda p, c: (
            p.supervision.individual_after_escalation and p.timing.escalate_after_missed <= 2
        ),
    ),
    Rule(
        "collectif",
        "a need beyond mentoring is handed over to professionals",
        "« faire appel à des professionnels spécialisés, qui vont prendre le relais »",
        lambda p, c: "professionnels spécialisés pour prendre le relais" in c,
    ),
    Rule(
        "collectif",
        "assessment and evaluation: a bilan with mentors and mentees after the evaluation",
        "« Bilan et évaluation »",
        lambda p, c: (
            p.workshop.title.startswith("Bilan")
            and sorted(p.workshop.invite) == ["mentee", "mentor"]
        ),
    ),
    Rule(
        "collectif",
        "not coaching",
        "« Le coaching, à la différence du mentorat, implique souvent un accompagnement payant »",
        lambda p, c: "Contrairement au coaching" in c,
    ),
]


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.programme}: {r.rule}" for r in RULES])
def test_the_preset_says_what_its_seed_says(rule: Rule):
    loaded, charter = preset(rule.programme)
    assert rule.holds(loaded, charter), f"{rule.rule} — the seed: {rule.seed_says}"


def test_the_existing_presets_are_unchanged():
    """The new presets are additions: the three seed programmes keep their settings."""
    expected = {
        "jaae": (6, 1, ["mentor", "mentee"], 5),
        "mirhe": (6, 2, ["mentor"], 15),
        "menesr": (6, 2, ["mentor"], 10),
    }
    for name, (months, sessions, invite, seniority) in expected.items():
        loaded, _ = preset(name)
        assert loaded.timing.checkin_months == months
        assert len(loaded.supervision.sessions) == sessions
        assert loaded.workshop.invite == invite
        assert loaded.matching["hard"]["min_mentor_seniority_years"] == seniority


@pytest.mark.parametrize(
    ("slug", "state_service"),
    [("mirhe", True), ("menesr", True), ("jaae", False), ("hopital", False), ("collectif", False)],
)
def test_only_the_ministries_programmes_are_state_services(slug: str, state_service: bool):
    """The State design system's terms reserve the « République française » block to State
    services: JAAE is an association, the hospital a public establishment, the Collectif's
    programmes associations."""
    preset, _ = presets.load(slug)
    assert preset.pages.state_service is state_service
    assert preset.settings()["pages"]["state_service"] is state_service
