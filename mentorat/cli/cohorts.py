"""Programmes and cohorts: `mentorat programme|cohort …`."""

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
    parse_date,
    settings_or_exit,
    utc_now,
)
from mentorat.services import ServiceError

programme_app = typer.Typer(help="Programmes (à partir d’un préréglage).", no_args_is_help=True)
cohort_app = typer.Typer(help="Cohortes : création, lancement, avancement.", no_args_is_help=True)


@programme_app.command("add")
def programme_add(
    preset: Annotated[
        str, typer.Argument(help="jaae, mirhe, menesr, hopital, collectif ou un fichier .toml")
    ],
) -> None:
    """Ajoute (ou met à jour) un programme depuis un préréglage."""
    from mentorat import presets
    from mentorat.services import programmes

    settings = settings_or_exit()
    try:
        with db.session_scope(settings.database_url) as session:
            programme = programmes.add_programme(
                session, preset, now=utc_now(), actor="operator:cli"
            )
            console.print(f"Programme « {programme.short_name} » ({programme.slug}) enregistré.")
    except presets.PresetError as exc:
        raise fail(str(exc)) from None


@cohort_app.command("create")
def cohort_create(
    programme: Annotated[str, typer.Option(help="Identifiant du programme (jaae…)")],
    code: Annotated[str, typer.Option(help="Code de la cohorte, ex. JAAE-2027")],
    opens: Annotated[str, typer.Option(help="Ouverture de l’appel (jj/mm/aaaa)")],
    operator_name: Annotated[str, typer.Option()],
    operator_email: Annotated[str, typer.Option()],
    supervisor_name: Annotated[str, typer.Option()],
    supervisor_email: Annotated[str, typer.Option()],
    label: Annotated[str, typer.Option()] = "",
) -> None:
    """Crée une cohorte d’un programme."""
    from mentorat.services import cohorts

    settings = settings_or_exit()
    try:
        with db.session_scope(settings.database_url) as session:
            cohort = cohorts.create_cohort(
                session,
                programme_slug=programme,
                code=code,
                label=label or code,
                call_opens_at=parse_date(opens),
                operator_name=operator_name,
                operator_email=operator_email,
                supervisor_name=supervisor_name,
                supervisor_email=supervisor_email,
                now=utc_now(),
                actor="operator:cli",
            )
            console.print(f"Cohorte {cohort.code} créée (n° {cohort.id}).")
    except ServiceError as exc:
        raise fail(str(exc)) from None


@cohort_app.command("launch")
def cohort_launch(
    cohort: Cohort_, run: Annotated[bool, typer.Option(help="Lancer tout de suite le flux")] = True
) -> None:
    """Lance la cohorte : le flux Prefect l’avance puis se reprogramme à chaque échéance."""
    from mentorat.services import cohorts
    from mentorat.timeline import phases_due

    settings = settings_or_exit()
    with db.session_scope(settings.database_url) as session:
        target = cohorts.get_cohort(session, cohort)
        cohorts.launch_cohort(session, target, now=utc_now(), actor="operator:cli")
        timeline = cohorts.timeline_of(target)
        due_now = bool(phases_due(timeline, utc_now()))
        upcoming = timeline.next_after(utc_now())
        code = target.code
    console.print(f"Cohorte {code} lancée.")
    if not run:
        return
    if runs.server_configured():
        # A run now if something is due already, else one at the first due date.
        runs.hand_over(code, reason="lancement", due=None if due_now else upcoming)
        return
    result = runs.run_here(code, None)
    console.print(f"Prochaine échéance : {runs.paris(result.get('next_run'))}.")


@cohort_app.command("run")
def cohort_run(
    cohort: Cohort_,
    now: Annotated[str | None, typer.Option(help="Date simulée (jj/mm/aaaa), sans serveur")] = None,
) -> None:
    """Avance la cohorte jusqu’à maintenant (sans risque : rien n’est fait deux fois)."""
    from mentorat.services import cohorts

    settings = settings_or_exit()
    with db.session_scope(settings.database_url) as session:
        code = cohorts.get_cohort(session, cohort).code
    if now is None and runs.server_configured():
        runs.hand_over(code, reason=f"manuel-{utc_now():%Y%m%dT%H%M%S}")
        return
    result = runs.run_here(code, parse_date(now) if now else None)
    console.print(
        f"Envoyés : {result.get('delivery', {}).get('sent', 0)}. "
        f"Prochaine échéance : {runs.paris(result.get('next_run'))}."
    )


@cohort_app.command("status")
def cohort_status(cohort: Cohort_) -> None:
    """Tableau de l’avancement : phases et effectifs (sans nom)."""
    from mentorat.services import cohorts
    from mentorat.services.status import cohort_rows

    settings = settings_or_exit()
    try:
        with db.session_scope(settings.database_url) as session:
            target = cohorts.get_cohort(session, cohort)
            rows = cohort_rows(session, target, utc_now())
    except ServiceError as exc:
        raise fail(str(exc)) from None
    table = Table(title=f"Cohorte {cohort}")
    for column in ("Phase", "Mesure", "Valeur"):
        table.add_column(column, justify="right" if column == "Valeur" else "left")
    for row in rows:
        table.add_row(row.phase, row.measure, str(row.value))
    console.print(table)


@cohort_app.command("report")
def cohort_report(
    cohort: Cohort_,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Fichier à écrire\u00a0: .html, .pdf ou .xlsx")
    ],
) -> None:
    """Écrit le bilan de la cohorte (participation, évaluation, comparaison), sans nom."""
    from mentorat.reports import ReportError, check_format, write_bilan
    from mentorat.services import cohorts
    from mentorat.services.bilan import cohort_bilan

    try:
        check_format(out)
    except ReportError as exc:
        raise fail(str(exc)) from None
    if not out.parent.is_dir():
        raise fail(f"{out.parent}\u00a0: dossier introuvable")
    settings = settings_or_exit()
    try:
        with db.session_scope(settings.database_url) as session:
            bilan = cohort_bilan(session, cohorts.get_cohort(session, cohort))
    except ServiceError as exc:
        raise fail(str(exc)) from None
    try:
        write_bilan(bilan, out, now=utc_now())
    except ReportError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"{out}\u00a0: écriture impossible ({exc.strerror or exc})") from None
    console.print(f"Bilan de la cohorte {bilan.code} écrit dans {out}.")


By_ = Annotated[str, typer.Option("--by", help="Qui décide (inscrit au journal)")]
Yes_ = Annotated[bool, typer.Option("--yes", help="Appliquer (sans --yes\u00a0: aperçu seul)")]
Run_ = Annotated[bool, typer.Option(help="Avancer la cohorte aussitôt après")]


@cohort_app.command("update-settings")
def cohort_update_settings(cohort: Cohort_, by: By_, yes: Yes_ = False, run: Run_ = True) -> None:
    """Applique à la cohorte les réglages actuels de son programme (aperçu sans --yes)."""
    from mentorat.services import cohort_changes, cohorts

    settings = settings_or_exit()
    now = utc_now()
    try:
        with db.session_scope(settings.database_url) as session:
            target = cohorts.get_cohort(session, cohort)
            code = target.code
            plan = cohort_changes.plan_settings(target, now=now)
            if not plan.changes:
                console.print(
                    f"La cohorte {code} a déjà les réglages actuels du programme\u00a0: "
                    "rien à changer."
                )
                return
            console.print(f"Réglages de la cohorte {code} qui changeraient\u00a0:")
            for change in plan.changes:
                console.print(f"  {change.line()}", markup=False, highlight=False)
            if plan.refusals:
                raise fail(
                    "ces réglages ne peuvent plus s’appliquer à la cohorte, rien n’a "
                    "changé\u00a0:\n  " + "\n  ".join(plan.refusals)
                )
            if not yes:
                console.print("Rien n’a changé. Pour appliquer, relancez avec --yes.")
                return
            cohort_changes.update_settings(session, target, now=now, actor=f"operator:{by}")
    except ServiceError as exc:
        raise fail(str(exc)) from None
    console.print(f"Réglages de la cohorte {code} mis à jour.")
    runs.advance_now(code, reason="reglages", run=run)


@cohort_app.command("adopt-charter")
def cohort_adopt_charter(cohort: Cohort_, by: By_, yes: Yes_ = False, run: Run_ = True) -> None:
    """Passe la cohorte à la dernière version de la charte du programme\u00a0: qui l’avait signée
    est invité à signer la nouvelle version, les binômes se poursuivent (aperçu sans --yes)."""
    from mentorat.services import cohort_changes, cohorts

    settings = settings_or_exit()
    now = utc_now()
    try:
        with db.session_scope(settings.database_url) as session:
            target = cohorts.get_cohort(session, cohort)
            code = target.code
            plan = cohort_changes.plan_charter(session, target, now=now)
            console.print(
                f"Charte de la cohorte {code}\u00a0: version {plan.current.version} → "
                f"version {plan.latest.version}. Signataires invités à signer la nouvelle "
                f"version\u00a0: {plan.signers}."
            )
            if not yes:
                console.print("Rien n’a changé. Pour appliquer, relancez avec --yes.")
                return
            cohort_changes.adopt_charter(session, target, now=now, actor=f"operator:{by}")
    except ServiceError as exc:
        raise fail(str(exc)) from None
    console.print(f"La cohorte {code} passe à la version {plan.latest.version} de la charte.")
    runs.advance_now(code, reason=f"charte-v{plan.latest.version}", run=run)
