"""The review of the proposed pairs: `mentorat matching show|pin|forbid|rerun|approve`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mentorat import db
from mentorat.cli import runs
from mentorat.cli.common import (
    Cohort_,
    console,
    fail,
    settings_or_exit,
    utc_now,
)
from mentorat.services import ServiceError

matching_app = typer.Typer(
    help="Appariement : proposition, revue, validation.", no_args_is_help=True
)


@matching_app.command("show")
def matching_show(
    cohort: Cohort_,
    export: Annotated[Path | None, typer.Option(help="Fichier .csv ou .xlsx")] = None,
) -> None:
    """Montre la proposition de binômes (scores et explications)."""
    from mentorat.services import cohorts, pairing
    from mentorat.services.matching_export import proposal_rows, write_export

    settings = settings_or_exit()
    with db.session_scope(settings.database_url) as session:
        target = cohorts.get_cohort(session, cohort)
        decision = pairing.current_decision(session, target)
        if decision is None:
            raise fail("aucune proposition : l’appel à candidatures n’est pas clos")
        rows = proposal_rows(session, decision)
    table = Table(title=f"Proposition n° {decision.id} ({decision.status})")
    for column in ("Binôme", "Mentor", "Mentoré·e", "Score", "Pourquoi"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["binome"]),
            row["mentor"],
            row["mentore"],
            f"{row['score']:.0f}",
            row["explication"],
        )
    console.print(table)
    for line in problem_report(decision.report):
        console.print(line, soft_wrap=True, markup=False, highlight=False)
    console.print(quality_summary(decision.report))
    for item in decision.unmatched:
        ref = f"candidature n° {item['application_id']} ({item['role']})"
        console.print(f"Sans binôme : {ref} — {item['reason']}")
    if export:
        write_export(export, rows, decision.unmatched)
        console.print(f"Exporté dans {export}.")


def problem_report(report: dict) -> list[str]:
    """A proposal with no pairs, or far fewer than capacity allows: the problem and its
    causes (the feasibility stored with it), never left for the operator to guess."""
    feasibility = report.get("feasibility") or {}
    if not feasibility.get("problem"):
        return []
    from mentorat.matching import problem_lines  # NumPy and SciPy: only for a problem

    return [
        "Proposition insuffisante\u00a0: à revoir avant de la valider.",
        *(f"  {line}" for line in problem_lines(feasibility)),
    ]


def quality_summary(report: dict) -> str:
    """The engine's quality report, next to the greedy baseline, in one paragraph."""
    result, greedy = report["result"], report["greedy"]
    met = ", ".join(f"{k} {v}" for k, v in report.get("criteria_met", {}).items())
    return (
        f"Qualité\u00a0: {result['matched']} binômes, score moyen {result['mean']}, "
        f"minimum {result['min']}, 1er centile {result['p1']} "
        f"(glouton\u00a0: {greedy['matched']} binômes, moyen {greedy['mean']}, "
        f"minimum {greedy['min']}, 1er centile {greedy['p1']}). "
        f"Critères remplis\u00a0: {met}."
    )


def _override(cohort: str, mentor: int, mentee: int, kind: str, by: str, reason: str) -> None:
    from mentorat.services import cohorts, pairing

    settings = settings_or_exit()
    try:
        with db.session_scope(settings.database_url) as session:
            target = cohorts.get_cohort(session, cohort)
            pairing.override(
                session,
                target,
                mentor_id=mentor,
                mentee_id=mentee,
                kind=kind,
                actor=f"operator:{by}",
                reason=reason,
                now=utc_now(),
            )
    except ServiceError as exc:
        raise fail(str(exc)) from None
    console.print("Enregistré. Relancez l’appariement : mentorat matching rerun")


@matching_app.command("pin")
def matching_pin(
    cohort: Cohort_,
    mentor: Annotated[int, typer.Option()],
    mentee: Annotated[int, typer.Option()],
    by: Annotated[str, typer.Option()],
    reason: Annotated[str, typer.Option()],
) -> None:
    """Impose un binôme (candidatures n°), avec la raison."""
    _override(cohort, mentor, mentee, "pin", by, reason)


@matching_app.command("forbid")
def matching_forbid(
    cohort: Cohort_,
    mentor: Annotated[int, typer.Option()],
    mentee: Annotated[int, typer.Option()],
    by: Annotated[str, typer.Option()],
    reason: Annotated[str, typer.Option()],
) -> None:
    """Interdit un binôme (candidatures n°), avec la raison."""
    _override(cohort, mentor, mentee, "forbid", by, reason)


@matching_app.command("rerun")
def matching_rerun(
    cohort: Cohort_, mode: Annotated[str | None, typer.Option(help="coverage ou quality")] = None
) -> None:
    """Recalcule la proposition avec les binômes imposés et interdits."""
    from mentorat.services import cohorts, pairing

    settings = settings_or_exit()
    try:
        with db.session_scope(settings.database_url) as session:
            target = cohorts.get_cohort(session, cohort)
            decision = pairing.propose(
                session, target, now=utc_now(), actor="operator:cli", mode=mode
            )
            console.print(f"Nouvelle proposition n° {decision.id}.")
    except ServiceError as exc:
        raise fail(str(exc)) from None


@matching_app.command("approve")
def matching_approve(
    cohort: Cohort_,
    by: Annotated[str, typer.Option(help="Qui valide")],
    reason: Annotated[str, typer.Option()] = "",
    run: Annotated[bool, typer.Option(help="Avancer la cohorte aussitôt")] = True,
) -> None:
    """Valide les binômes proposés ; la cohorte passe à la charte."""
    from mentorat.services import cohorts, pairing

    settings = settings_or_exit()
    try:
        with db.session_scope(settings.database_url) as session:
            target = cohorts.get_cohort(session, cohort)
            decision = pairing.approve(
                session, target, now=utc_now(), actor=f"operator:{by}", reason=reason
            )
            code = target.code
            console.print(f"Proposition n° {decision.id} validée.")
    except ServiceError as exc:
        raise fail(str(exc)) from None
    if not run:
        return
    if runs.server_configured():
        if runs.cancel_waiting_approval(code):
            console.print("Le formulaire de validation en attente dans Prefect est clos.")
        runs.hand_over(code, reason=f"validation-{decision.id}")
        return
    runs.run_here(code, None)
