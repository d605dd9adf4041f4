"""The operator's approval of the proposed pairs, as a form in the Prefect UI.

Under a deployment the cohort flow suspends itself (releasing its worker) and waits for
this form; `mentorat matching approve` does the same from the command line. The form shows
ids and scores only: names stay in Mentorat's database.
"""

from __future__ import annotations

from typing import Literal

from prefect.input import RunInput
from pydantic import Field
from sqlalchemy import select

from mentorat.db import session_scope
from mentorat.services import pairing
from mentorat.settings import get_settings
from models import Cohort, Pair


class MatchingApproval(RunInput):
    approve: bool = Field(False, description="Valider la proposition de binômes")
    operator: str = Field("", description="Votre nom (consigné au journal d’audit)")
    reason: str = Field("", description="Commentaire (facultatif)")
    rerun: Literal["", "coverage", "quality"] = Field(
        "", description="Ou recalculer : coverage (le plus de binômes) / quality (les meilleurs)"
    )


def proposal_markdown(cohort_id: int) -> tuple[int, str] | None:
    """The current proposal as a table of ids and scores (no names)."""
    with session_scope(get_settings().database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        decision = pairing.current_decision(session, cohort) if cohort else None
        if cohort is None or decision is None or decision.status != "proposed":
            return None
        pairs = list(session.scalars(select(Pair).where(Pair.decision_id == decision.id)))
        report = decision.report
        lines = [
            f"## Proposition n° {decision.id} — cohorte {cohort.code}",
            "",
            f"{len(pairs)} binômes proposés, {len(decision.unmatched)} personnes sans binôme.",
            f"Score moyen\u00a0: {report.get('result', {}).get('mean', '–')} ; "
            f"minimum\u00a0: {report.get('result', {}).get('min', '–')}.",
            "",
            "| binôme | candidature mentor | candidature mentoré·e | score |",
            "|---:|---:|---:|---:|",
            *(
                f"| {p.id} | {p.mentor_application_id} | {p.mentee_application_id} "
                f"| {p.score:.0f} |"
                for p in sorted(pairs, key=lambda p: p.id)
            ),
            "",
            "Les noms et les explications sont dans `mentorat matching show "
            f"--cohort {cohort.code}`.",
        ]
        return decision.id, "\n".join(lines)


def wait_for_approval(cohort_id: int) -> bool:
    """Suspend the run until the operator answers the form; True once the answer changed
    something (the pairs approved, or a new proposal computed: "recalculer"), so that the
    caller runs the matching phase again, which asks again about a new proposal.

    Suspending releases the worker: the run resumes from the start when the form is sent,
    and every phase before this point is idempotent. The key makes the resumed run get the
    answer given, instead of asking again.
    """
    from prefect.flow_runs import suspend_flow_run

    found = proposal_markdown(cohort_id)
    if found is None:
        return False
    decision_id, description = found
    answer = suspend_flow_run(
        wait_for_input=MatchingApproval.with_initial_data(description=description),
        timeout=None,
        key=f"matching-approval-{decision_id}",
    )
    return apply_answer(cohort_id, decision_id, answer)


def apply_answer(cohort_id: int, decision_id: int, answer: MatchingApproval) -> bool:
    from mentorat.clock import SystemClock

    now = SystemClock().now()
    actor = f"operator:{answer.operator.strip() or 'prefect-ui'}"
    with session_scope(get_settings().database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        current = pairing.current_decision(session, cohort)
        if current is None or current.id != decision_id:
            return False  # answered elsewhere already (the command line, another run)
        if answer.rerun:
            pairing.propose(session, cohort, now=now, actor=actor, mode=answer.rerun)
            return True
        if answer.approve:
            pairing.approve(session, cohort, now=now, actor=actor, reason=answer.reason)
            return True
    return False
