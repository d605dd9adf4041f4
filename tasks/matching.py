"""Matching: propose pairs when the call closes, wait for the operator's approval, then
introduce each pair and tell the others why they were not matched this time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import task
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from mentorat.mail.words import not_matched_reason
from mentorat.matching import problem_lines
from mentorat.matching.labels_fr import number
from mentorat.outbox import Letter, count_keys, person_letter
from mentorat.services import ServiceError, pairing
from mentorat.services.applications import acknowledgement
from mentorat.settings import get_settings
from mentorat.timeline import charter_shift
from models import Application, MatchingDecision
from tasks.context import PhaseContext, person_ctx, run_phase
from tasks.policy import PHASE_TASK

# Runs before the pairs are approved too.
AFTER_APPROVAL = False


@task(name="matching", **PHASE_TASK)
def matching(cohort_id: int, now: datetime) -> dict[str, Any]:
    return run_phase(get_settings(), cohort_id, now, advance, after_approval=AFTER_APPROVAL)


def advance(ctx: PhaseContext) -> bool:
    """Returns True once the pairs are approved (the later phases may go on); until then
    `ctx.counts["awaiting_approval"]` is 1 once a proposal exists."""
    cohort = ctx.cohort
    if ctx.now < ctx.timeline.call_closes_at:
        return False
    decision = pairing.current_decision(ctx.session, cohort)
    if decision is None:
        try:
            decision = pairing.propose(ctx.session, cohort, now=ctx.now, actor="flow")
        except ServiceError as exc:
            ctx.send(
                [
                    ctx.operator_letter(
                        "alert_matching_infeasible",
                        ctx.now.strftime("%Y%m%d"),
                        kind="matching_infeasible",
                        title="Appariement impossible avec les règles actuelles",
                        lines=[
                            str(exc),
                            f"Corrigez puis\u00a0: mentorat matching rerun --cohort {cohort.code}",
                        ],
                    )
                ],
                "operator_alert",
            )
            ctx.counts["matching_infeasible"] = 1
            return False
        ctx.counts["proposals"] += 1
    if cohort.matching_approved_at is None:
        ctx.counts["awaiting_approval"] = 1
        ctx.send([_proposal_notice(ctx, decision)], "operator_alert")
        return False
    _acknowledge_late(ctx)
    unmatched = int(
        ctx.session.scalar(
            select(func.count()).where(
                Application.cohort_id == cohort.id, Application.status == "unmatched"
            )
        )
        or 0
    )
    # Ended pairs were introduced too; a pair formed after the approval (services.fixes) is
    # one more than the introductions written, so it gets its own.
    pairs = ctx.count_pairs("approved", "active", "ended")
    if (
        count_keys(ctx.session, cohort.id, "introduction") >= 2 * pairs
        and count_keys(ctx.session, cohort.id, "not_matched") >= unmatched
    ):
        return True  # every introduction and every "not this time" is written
    deadline = ctx.timeline.charter_deadline
    assert deadline is not None  # the pairs are approved
    letters = []
    for pair in ctx.pairs("approved", "active"):
        for me, other in ((pair.mentor, pair.mentee), (pair.mentee, pair.mentor)):
            letters.append(
                person_letter(
                    "pair_introduction",
                    "introduction",
                    pair.id,
                    me.person,
                    role=me.role,
                    partner=person_ctx(other),
                    explanation=[
                        part.strip() for part in pair.explanation.split(";") if part.strip()
                    ],
                    charter_url=ctx.url(me.person_id, "charter", pair.id),
                    charter_deadline=deadline + charter_shift(ctx.timeline, pair.created_at),
                )
            )
    ctx.send(letters, "pair_introduction")
    reasons = {u["application_id"]: u.get("reason_code") for u in decision.unmatched}
    ctx.send(
        [
            person_letter(
                "not_matched",
                "not_matched",
                app.id,
                app.person,
                role=app.role,
                reason=not_matched_reason(reasons.get(app.id)),
            )
            for app in ctx.applications()
            if app.status == "unmatched"
        ],
        "not_matched",
    )
    return True


def _acknowledge_late(ctx: PhaseContext) -> None:
    """Applications that arrived after the approval (an import: the call phase is over) get
    their acknowledgement here, which says that they are in no pair of this cohort."""
    late = ctx.session.scalars(
        select(Application)
        .where(Application.cohort_id == ctx.cohort.id, Application.status == "late")
        .options(selectinload(Application.person))
        .order_by(Application.id)
    )
    ctx.send([acknowledgement(app, ctx.settings) for app in late], "application_received")


def _proposal_notice(ctx: PhaseContext, decision: MatchingDecision) -> Letter:
    """« prête à valider », or, when the proposal has no pairs or far fewer than capacity
    allows, a problem with its causes (never « prête à valider »)."""
    code = ctx.cohort.code
    report = decision.report
    feasibility = report.get("feasibility") or {}
    if feasibility.get("problem"):
        ctx.counts["matching_problem"] = 1
        return ctx.operator_letter(
            "alert_matching_problem",
            decision.id,
            kind="matching_problem",
            title="Proposition de binômes insuffisante\u00a0: à revoir avant validation",
            lines=[
                *problem_lines(feasibility),
                f"Détail des binômes et des raisons\u00a0: mentorat matching show --cohort {code}",
                f"Après correction\u00a0: mentorat matching rerun --cohort {code}",
                f"Pour valider malgré tout\u00a0: mentorat matching approve --cohort {code}",
            ],
        )
    return ctx.operator_letter(
        "alert_matching_ready",
        decision.id,
        kind="matching_ready",
        title="Proposition de binômes prête à valider",
        lines=[
            f"Binômes proposés\u00a0: {len(ctx.pairs('proposed'))}",
            f"Score moyen\u00a0: {_score_fr(report.get('result', {}).get('mean'))} sur 100",
            f"Personnes sans binôme\u00a0: {len(decision.unmatched)}",
            f"Pour valider\u00a0: mentorat matching approve --cohort {code}",
        ],
    )


def _score_fr(mean: float | None) -> str:
    return "–" if mean is None else number(float(mean))
