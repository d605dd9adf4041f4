"""Matching: propose pairs when the call closes, wait for the operator's approval, then
introduce each pair and tell the others why they were not matched this time."""

from __future__ import annotations

from sqlalchemy import func, select

from mentorat import pairing
from mentorat.lifecycle.context import PhaseContext, person_ctx
from mentorat.outbox import count_keys, person_letter
from mentorat.services import ServiceError
from models import Application


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
        report = decision.report
        ctx.send(
            [
                ctx.operator_letter(
                    "alert_matching_ready",
                    decision.id,
                    kind="matching_ready",
                    title="Proposition de binômes prête à valider",
                    lines=[
                        f"Binômes proposés : {len(ctx.pairs('proposed'))}",
                        f"Score moyen : {report.get('result', {}).get('mean', '–')}",
                        f"Personnes sans binôme : {len(decision.unmatched)}",
                        f"Pour valider : mentorat matching approve --cohort {cohort.code}",
                    ],
                )
            ],
            "operator_alert",
        )
        return False
    unmatched = int(
        ctx.session.scalar(
            select(func.count()).where(
                Application.cohort_id == cohort.id, Application.status == "unmatched"
            )
        )
        or 0
    )
    pairs = ctx.count_pairs("approved", "active")
    if (
        count_keys(ctx.session, cohort.id, "introduction") >= 2 * pairs
        and count_keys(ctx.session, cohort.id, "not_matched") >= unmatched
    ):
        return True  # every introduction and every "not this time" is written
    deadline = ctx.timeline.charter_deadline
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
                    charter_deadline=deadline,
                )
            )
    ctx.send(letters, "pair_introduction")
    reasons = {u["application_id"]: u["reason"] for u in decision.unmatched}
    ctx.send(
        [
            person_letter(
                "not_matched",
                "not_matched",
                app.id,
                app.person,
                role=app.role,
                reason=reasons.get(app.id, "aucun binôme compatible cette fois-ci"),
            )
            for app in ctx.applications()
            if app.status == "unmatched"
        ],
        "not_matched",
    )
    return True
