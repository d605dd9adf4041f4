"""The database side of matching: run the engine on a cohort's applications, store the
proposal with its explanations, record the operator's pins, exclusions and approval.
The engine itself (mentorat.matching) is pure and knows nothing of the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentorat import matching
from mentorat.services import ServiceError, audit
from mentorat.services.programmes import cohort_parts
from models import Application, Cohort, MatchingDecision, Pair, PairOverride, Person

if TYPE_CHECKING:  # the engine (NumPy, SciPy) is imported when a proposal is computed
    from mentorat.matching.engine import Mode

# Applications store the importer's codes; the engine and the presets speak French codes.
FORMAT = {"in_person": "presentiel", "remote": "distanciel", "hybrid": "mixte"}
SLOT = {"morning": "matin", "noon": "midi", "evening": "soir"}
STAGE = {"early": "debut", "mid": "milieu", "late": "fin"}
GENDER = {"female": "F", "male": "M"}


def _candidate(app: Application) -> matching.Candidate:
    return matching.Candidate(
        id=app.id,
        # Checked when the application is saved, and again by Candidate (ValueError).
        role=cast(Literal["mentor", "mentee"], app.role),
        person_key=app.person.email,
        manager_key=app.manager_email,
        unit=app.unit,
        region=app.region,
        overseas=app.overseas,
        formats=frozenset(FORMAT.get(f, f) for f in app.formats),
        languages=frozenset(app.languages or ["fr"]),
        objectives=frozenset(app.objectives),
        expertise=frozenset(app.expertise),
        capacity=app.capacity if app.role == "mentor" else 1,
        career_stage=STAGE.get(app.career_stage or "", app.career_stage),
        seniority_years=app.seniority_years,
        gender=GENDER.get(app.gender or "", app.gender),
        preferred_mentor_gender=GENDER.get(
            app.preferred_mentor_gender or "", app.preferred_mentor_gender
        ),
        availability=frozenset(SLOT.get(a, a) for a in app.availability),
        text=app.expectations or "",
    )


def _previous_pairs(session: Session, cohort: Cohort) -> list[tuple[str, str]]:
    mentor = select(Application.id, Person.email).join(Person).subquery()
    mentee = select(Application.id, Person.email).join(Person).subquery()
    rows = session.execute(
        select(mentor.c.email, mentee.c.email)
        .select_from(Pair)
        .join(Cohort, Cohort.id == Pair.cohort_id)
        .join(mentor, mentor.c.id == Pair.mentor_application_id)
        .join(mentee, mentee.c.id == Pair.mentee_application_id)
        .where(
            Cohort.programme_id == cohort.programme_id,
            Cohort.id != cohort.id,
            Pair.status.in_(("approved", "active")),
        )
    )
    return [(a, b) for a, b in rows]


def _hierarchy(session: Session, cohort: Cohort) -> dict[str, str | None]:
    """Everyone's manager known to Mentorat (all cohorts): chains may leave this cohort."""
    rows = session.execute(
        select(Person.email, Application.manager_email).join(Application).order_by(Application.id)
    )
    return {email: manager for email, manager in rows if manager}


def propose(
    session: Session, cohort: Cohort, *, now: datetime, actor: str, mode: str | None = None
) -> MatchingDecision:
    """Run the engine and store a new proposal (the previous proposal is superseded)."""
    from mentorat.matching.engine import Mode

    if cohort.matching_approved_at is not None:
        raise ServiceError("les binômes sont déjà validés")
    if mode not in (None, *get_args(Mode)):
        raise ServiceError(f"mode « {mode} » inconnu\u00a0: coverage ou quality")
    apps = list(
        session.scalars(
            select(Application)
            .where(Application.cohort_id == cohort.id, Application.status != "withdrawn")
            .order_by(Application.id)
        )
    )
    mentors = [_candidate(a) for a in apps if a.role == "mentor"]
    mentees = [_candidate(a) for a in apps if a.role == "mentee"]
    overrides = list(
        session.scalars(select(PairOverride).where(PairOverride.cohort_id == cohort.id))
    )
    rules = matching.MatchingRules.from_preset(cohort_parts(cohort).matching)
    try:
        proposal = matching.solve(
            mentors,
            mentees,
            rules,
            hierarchy=_hierarchy(session, cohort),
            pinned=[
                (o.mentor_application_id, o.mentee_application_id)
                for o in overrides
                if o.kind == "pin"
            ],
            forbidden=[
                (o.mentor_application_id, o.mentee_application_id)
                for o in overrides
                if o.kind == "forbid"
            ],
            previous_pairs=_previous_pairs(session, cohort),
            # The labels as the candidates wrote them, for explanations in proper French.
            labels={
                tag: label for a in apps for tag, label in {**a.objectives, **a.expertise}.items()
            },
            mode=cast("Mode | None", mode),  # checked above
        )
    except matching.InfeasibleRules as exc:
        # Contradictory pins and rules: say which, never propose a pair that breaks one.
        raise ServiceError(f"appariement impossible\u00a0: {exc.message_fr}") from None
    session.execute(
        update(MatchingDecision)
        .where(MatchingDecision.cohort_id == cohort.id, MatchingDecision.status == "proposed")
        .values(status="superseded")
    )
    session.execute(
        update(Pair)
        .where(Pair.cohort_id == cohort.id, Pair.status == "proposed")
        .values(status="superseded")
    )
    pinned = {
        (o.mentor_application_id, o.mentee_application_id) for o in overrides if o.kind == "pin"
    }
    decision = MatchingDecision(
        cohort_id=cohort.id,
        mode=mode or rules.mode,
        status="proposed",
        report=proposal.report.as_dict(),
        unmatched=[
            {
                "application_id": u.id,
                "role": u.role,
                "reason_code": u.reason_code,
                "reason": u.reason_fr,
            }
            for u in proposal.unmatched
        ],
        created_at=now,
    )
    session.add(decision)
    session.flush()
    session.add_all(
        Pair(
            cohort_id=cohort.id,
            decision_id=decision.id,
            mentor_application_id=p.mentor_id,
            mentee_application_id=p.mentee_id,
            score=round(float(p.score), 2),
            criteria=[
                {
                    "name": c.name,
                    "points": round(float(c.points), 2),
                    "max_points": float(c.max_points),
                    "label": c.label_fr,
                }
                for c in p.criteria
            ],
            explanation=p.explanation_fr,
            status="proposed",
            pinned=(p.mentor_id, p.mentee_id) in pinned,
            created_at=now,
        )
        for p in proposal.pairs
    )
    cohort.phase = "matching"
    audit.record(
        session,
        at=now,
        actor=actor,
        action="matching.proposed",
        entity="matching_decision",
        entity_id=decision.id,
        cohort_id=cohort.id,
        pairs=len(proposal.pairs),
        unmatched=len(proposal.unmatched),
    )
    return decision


def score_pair(
    session: Session, cohort: Cohort, mentor: Application, mentee: Application
) -> tuple[float, list[dict[str, Any]], str]:
    """Score, criteria and explanation of one pair the operator forms after the approval,
    by the engine itself (the pair pinned): the programme's hard rules still hold, and a pair
    that breaks one is refused with the rule's French words."""
    rules = matching.MatchingRules.from_preset(cohort_parts(cohort).matching)
    try:
        proposal = matching.solve(
            [_candidate(mentor)],
            [_candidate(mentee)],
            rules,
            hierarchy=_hierarchy(session, cohort),
            pinned=[(mentor.id, mentee.id)],
            previous_pairs=_previous_pairs(session, cohort),
            labels={
                **mentor.objectives,
                **mentor.expertise,
                **mentee.objectives,
                **mentee.expertise,
            },
        )
    except matching.InfeasibleRules as exc:
        raise ServiceError(f"binôme impossible\u00a0: {exc.message_fr}") from None
    (pair,) = proposal.pairs
    criteria = [
        {
            "name": c.name,
            "points": round(float(c.points), 2),
            "max_points": float(c.max_points),
            "label": c.label_fr,
        }
        for c in pair.criteria
    ]
    return round(float(pair.score), 2), criteria, pair.explanation_fr


def current_decision(session: Session, cohort: Cohort) -> MatchingDecision | None:
    return session.scalar(
        select(MatchingDecision)
        .where(
            MatchingDecision.cohort_id == cohort.id,
            MatchingDecision.status.in_(("proposed", "approved")),
        )
        .order_by(MatchingDecision.id.desc())
    )


def override(
    session: Session,
    cohort: Cohort,
    *,
    mentor_id: int,
    mentee_id: int,
    kind: str,
    actor: str,
    reason: str,
    now: datetime,
) -> None:
    """Pin or forbid a pair (who and why are recorded); takes effect at the next re-run."""
    if kind not in {"pin", "forbid"}:
        raise ServiceError("pin ou forbid")
    if not reason.strip():
        raise ServiceError("indiquez la raison de ce choix")
    for app_id, role in ((mentor_id, "mentor"), (mentee_id, "mentee")):
        app = session.get(Application, app_id)
        if app is None or app.cohort_id != cohort.id or app.role != role:
            raise ServiceError(
                f"candidature {app_id} : pas un·e {role} de la cohorte {cohort.code}"
            )
    existing = session.scalar(
        select(PairOverride).where(
            PairOverride.cohort_id == cohort.id,
            PairOverride.mentor_application_id == mentor_id,
            PairOverride.mentee_application_id == mentee_id,
        )
    )
    if existing is None:
        session.add(
            PairOverride(
                cohort_id=cohort.id,
                mentor_application_id=mentor_id,
                mentee_application_id=mentee_id,
                kind=kind,
                actor=actor,
                reason=reason,
                created_at=now,
            )
        )
    else:
        existing.kind, existing.actor, existing.reason = kind, actor, reason
    audit.record(
        session,
        at=now,
        actor=actor,
        action=f"matching.{kind}",
        entity="pair_override",
        cohort_id=cohort.id,
        reason=reason,
        mentor_application_id=mentor_id,
        mentee_application_id=mentee_id,
    )


def approve(
    session: Session, cohort: Cohort, *, now: datetime, actor: str, reason: str = ""
) -> MatchingDecision:
    decision = current_decision(session, cohort)
    if decision is None:
        raise ServiceError("aucune proposition de binômes à valider : l’appel est-il clos ?")
    if decision.status == "approved":
        return decision
    decision.status, decision.approved_at, decision.approved_by = "approved", now, actor
    pairs = list(session.scalars(select(Pair).where(Pair.decision_id == decision.id)))
    matched: set[int] = set()
    for pair in pairs:
        pair.status = "approved"
        matched |= {pair.mentor_application_id, pair.mentee_application_id}
    for app in session.scalars(
        select(Application).where(
            Application.cohort_id == cohort.id, Application.status == "submitted"
        )
    ):
        app.status = "matched" if app.id in matched else "unmatched"
    cohort.matching_approved_at = now
    cohort.phase = "charter"
    audit.record(
        session,
        at=now,
        actor=actor,
        action="matching.approved",
        entity="matching_decision",
        entity_id=decision.id,
        cohort_id=cohort.id,
        reason=reason,
        pairs=len(pairs),
    )
    return decision
