"""The operator's approval of the proposed pairs, as a form in the Prefect UI.

Under a deployment the cohort flow suspends itself (releasing its worker) and waits for
this form; `mentorat matching approve` does the same from the command line. The form shows
ids and scores only: names stay in Mentorat's database.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from prefect.input import RunInput
from pydantic import Field
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from mentorat.db import session_scope
from mentorat.services import pairing
from mentorat.settings import get_settings
from models import Cohort, Operator, Pair


class MatchingApproval(RunInput):
    """What Prefect stores of the answer. No name: the operator answers with their number
    (an `Operator` id, listed in the form's text with their role only); the audit records
    that id, and the name stays in Mentorat's database."""

    approve: bool = Field(False, description="Valider la proposition de binômes")
    operator_id: int | None = Field(
        None, description="Votre numéro d’opérateur·rice (voir la liste ci-dessus)"
    )
    reason: str = Field(
        "",
        description="Commentaire (facultatif, sans nom\u00a0: il est conservé par Prefect)",
    )
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
            "Les noms et les explications\u00a0: [revue de l’appariement dans la console]"
            f"({review_url(cohort.code)}), ou `mentorat matching show --cohort {cohort.code}`.",
            "",
            _operators_line(session, cohort),
        ]
        return decision.id, "\n".join(lines)


def review_url(code: str) -> str:
    """The console's review page of the cohort's proposal (names stay behind its login)."""
    return f"{get_settings().public_url.rstrip('/')}/gestion/cohortes/{quote(code)}/appariement"


def _operators(session: Session, cohort: Cohort) -> list[Operator]:
    """Who may answer the form: the programme's operators and the admins, still active."""
    return list(
        session.scalars(
            select(Operator)
            .where(
                Operator.disabled_at.is_(None),
                or_(
                    (Operator.programme_id == cohort.programme_id) & (Operator.role == "operator"),
                    Operator.role == "admin",
                ),
            )
            .order_by(Operator.id)
        )
    )


def _operators_line(session: Session, cohort: Cohort) -> str:
    roles = {"operator": "opérateur·rice", "admin": "administrateur·rice"}
    found = [f"n° {o.id} ({roles[o.role]})" for o in _operators(session, cohort)]
    if not found:
        return "Aucun compte d’opérateur·rice pour ce programme\u00a0: laissez le numéro vide."
    return "Numéros des opérateur·rices du programme\u00a0: " + ", ".join(found) + "."


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
    with session_scope(get_settings().database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        # An id, never a typed name: Prefect holds nothing personal. Without a valid number,
        # the cohort's operator, by the cohort's id (the cohort's row names them).
        known = {o.id for o in _operators(session, cohort)}
        if answer.operator_id is not None and answer.operator_id in known:
            actor = f"operator:id-{answer.operator_id}"
        else:
            actor = f"operator:cohort-{cohort_id}"
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
