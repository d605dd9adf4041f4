"""The proposal (or the approved decision) as the console's review page shows it: each pair
with its members' names, its score and its points per criterion, the unmatched with their
reason, the rules every pair meets, the operator's pins and exclusions, and the quality
report, every figure already in French (« 72,1 »)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mentorat.mail.words import role_fr
from mentorat.matching.labels_fr import CRITERION_LABELS_FR, number
from mentorat.matching.rules import MatchingRules
from mentorat.services import pairing
from mentorat.services.matching_export import proposal_rows
from mentorat.services.programmes import cohort_parts
from models import Application, Cohort, Pair, PairOverride

STAGES_FR = {"debut": "début de carrière", "milieu": "milieu de carrière", "fin": "fin de carrière"}
KINDS_FR = {"pin": "imposé", "forbid": "interdit"}


@dataclass(frozen=True)
class Criterion:
    title: str  # « objectifs »
    detail: str  # what the criterion says of this pair, in the engine's French
    points: str  # « 31,5 »
    max_points: str  # « 35 »
    met: bool | None  # None: the mentee gave nothing for it (it does not count)


@dataclass(frozen=True)
class ReviewPair:
    id: int
    mentor_id: int
    mentor: str
    mentee_id: int
    mentee: str
    score: str  # « 72,1 »
    explanation: str
    criteria: list[Criterion]
    pinned: bool


@dataclass(frozen=True)
class Person:
    id: int  # application id
    name: str
    role: str  # in French
    reason: str = ""


@dataclass(frozen=True)
class Choice:
    kind: str  # « imposé » or « interdit »
    mentor: str
    mentee: str
    reason: str
    actor: str
    at: datetime


@dataclass(frozen=True)
class Review:
    decision_id: int
    approved: bool
    created_at: datetime
    approved_at: datetime | None
    approved_by: str
    pairs: list[ReviewPair]
    unmatched: list[Person]
    quality: list[tuple[str, str]]
    problem: list[str]  # a proposal far short of what capacity allows: why, in French
    rules: list[str]  # the hard rules every proposed pair meets
    choices: list[Choice]
    mentors: list[Person]  # for the pin and forbid lists
    mentees: list[Person]


def review(session: Session, cohort: Cohort) -> Review | None:
    """The cohort's current decision as the review page shows it; None before any proposal."""
    decision = pairing.current_decision(session, cohort)
    if decision is None:
        return None
    rules = MatchingRules.from_preset(cohort_parts(cohort).matching)
    apps = {
        a.id: a
        for a in session.scalars(
            select(Application)
            .where(Application.cohort_id == cohort.id)
            .order_by(Application.id)
            .options(selectinload(Application.person))
        )
    }

    def name(app_id: int) -> str:
        app = apps.get(app_id)
        return f"{app.person.first_name} {app.person.last_name}" if app else f"n° {app_id}"

    pairs = _pairs(session, decision.id, proposal_rows(session, decision), rules)
    report = decision.report
    problem: list[str] = []
    if (report.get("feasibility") or {}).get("problem"):
        from mentorat.matching import problem_lines  # NumPy: only for a problem

        problem = problem_lines(report["feasibility"])
    choices = [
        Choice(
            KINDS_FR.get(o.kind, o.kind),
            name(o.mentor_application_id),
            name(o.mentee_application_id),
            o.reason,
            o.actor,
            o.created_at,
        )
        for o in session.scalars(
            select(PairOverride)
            .where(PairOverride.cohort_id == cohort.id)
            .order_by(PairOverride.id)
        )
    ]
    live = [a for a in apps.values() if a.status != "withdrawn"]
    return Review(
        decision_id=decision.id,
        approved=decision.status == "approved",
        created_at=decision.created_at,
        approved_at=decision.approved_at,
        approved_by=decision.approved_by or "",
        pairs=pairs,
        unmatched=[
            Person(
                int(item["application_id"]),
                name(int(item["application_id"])),
                role_fr(str(item["role"])),
                str(item["reason"]),
            )
            for item in decision.unmatched
        ],
        quality=quality_lines(report, len(pairs), len(decision.unmatched)),
        problem=problem,
        rules=rules_met(rules),
        choices=choices,
        mentors=[Person(a.id, name(a.id), role_fr("mentor")) for a in live if a.role == "mentor"],
        mentees=[Person(a.id, name(a.id), role_fr("mentee")) for a in live if a.role == "mentee"],
    )


def _pairs(
    session: Session, decision_id: int, rows: list[dict[str, Any]], rules: MatchingRules
) -> list[ReviewPair]:
    stored = {
        pair_id: (criteria, pinned)
        for pair_id, criteria, pinned in session.execute(
            select(Pair.id, Pair.criteria, Pair.pinned).where(Pair.decision_id == decision_id)
        ).tuples()
    }
    out = []
    for row in rows:
        criteria, pinned = stored[row["binome"]]
        out.append(
            ReviewPair(
                id=row["binome"],
                mentor_id=row["candidature_mentor"],
                mentor=row["mentor"],
                mentee_id=row["candidature_mentore"],
                mentee=row["mentore"],
                score=number(float(row["score"])),
                explanation=row["explication"],
                criteria=[_criterion(c, rules.criterion_met_ratio) for c in criteria],
                pinned=bool(pinned),
            )
        )
    return out


def _criterion(stored: dict[str, Any], ratio: float) -> Criterion:
    points, top = float(stored["points"]), float(stored["max_points"])
    return Criterion(
        title=CRITERION_LABELS_FR.get(stored["name"], stored["name"]),
        detail=str(stored["label"]),
        points=number(points),
        max_points=_figure(top),
        # As the quality report counts it (mentorat.matching.outcome._criteria_met).
        met=None if top == 0 else points >= ratio * top - 1e-9,
    )


def _figure(value: float) -> str:
    """« 35 » for a whole number, « 12,5 » otherwise."""
    return str(int(value)) if value == int(value) else number(value)


def quality_lines(report: dict[str, Any], pairs: int, unmatched: int) -> list[tuple[str, str]]:
    """The quality report in French: counts, scores next to the greedy baseline, criteria."""
    result = report.get("result") or {}
    greedy = report.get("greedy") or {}

    def score(summary: dict[str, Any], key: str) -> str:
        value = summary.get(key)
        return f"{number(float(value))} sur 100" if value is not None else "–"

    lines = [
        ("Binômes", str(pairs)),
        ("Personnes sans binôme", str(unmatched)),
        ("Mentors", str(report.get("mentors", "–"))),
        ("Personnes mentorées", str(report.get("mentees", "–"))),
        ("Places offertes par les mentors", str(report.get("slots", "–"))),
        ("Binômes imposés", str(report.get("pinned", 0))),
        ("Score moyen", score(result, "mean")),
        ("Score le plus bas", score(result, "min")),
        ("Premier centile", score(result, "p1")),
        (
            "Pour comparaison, au plus offrant (méthode gloutonne)",
            f"{greedy.get('matched', '–')} binômes, score moyen {score(greedy, 'mean')}, "
            f"le plus bas {score(greedy, 'min')}",
        ),
    ]
    met = report.get("criteria_met") or {}
    if met:
        lines.append(
            (
                "Critères remplis (nombre de binômes)",
                ", ".join(f"{CRITERION_LABELS_FR.get(k, k)}\u00a0: {v}" for k, v in met.items()),
            )
        )
    return lines


def rules_met(rules: MatchingRules) -> list[str]:
    """The programme's hard rules, as every proposed pair meets them."""
    hard = rules.hard
    found = ["jamais une personne avec elle-même, ni un binôme interdit par l’équipe du programme"]
    if hard.hierarchy:
        found.append("jamais dans la même ligne hiérarchique")
    if hard.same_unit:
        found.append("jamais dans la même unité ou juridiction")
    if hard.mentor_career_stages:
        stages = " ou en ".join(STAGES_FR.get(s, s) for s in hard.mentor_career_stages)
        found.append(f"mentor en {stages}")
    if hard.min_mentor_seniority_years:
        found.append(f"mentor avec au moins {hard.min_mentor_seniority_years} ans d’ancienneté")
    if hard.shared_language:
        found.append("au moins une langue commune")
    if hard.no_repeat:
        found.append("jamais un binôme déjà formé lors d’une session précédente")
    if hard.overseas_remote:
        found.append("accompagnement à distance pour une personne mentorée en outre-mer")
    if rules.mode == "quality":
        found.append(f"score d’au moins {_figure(float(rules.quality_threshold))} sur 100")
    return found
