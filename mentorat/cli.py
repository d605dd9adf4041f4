"""`mentorat`: the operator's command line. Messages in French; ids and counts on screen."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mentorat import db
from mentorat.clock import SystemClock
from mentorat.inbound.cli import inbound as inbound_command
from mentorat.services import ServiceError
from mentorat.settings import Settings, SettingsError, load_settings
from mentorat.web.cli import web as web_command

app = typer.Typer(
    help="Mentorat : des programmes de mentorat de bout en bout.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
programme_app = typer.Typer(help="Programmes (à partir d’un préréglage).", no_args_is_help=True)
cohort_app = typer.Typer(help="Cohortes : création, lancement, avancement.", no_args_is_help=True)
candidates_app = typer.Typer(help="Candidatures.", no_args_is_help=True)
matching_app = typer.Typer(
    help="Appariement : proposition, revue, validation.", no_args_is_help=True
)
app.add_typer(programme_app, name="programme")
app.add_typer(cohort_app, name="cohort")
app.add_typer(candidates_app, name="candidates")
app.add_typer(matching_app, name="matching")
app.command(name="web")(web_command)
app.command(name="inbound")(inbound_command)

console = Console()
err = Console(stderr=True)
Cohort_ = Annotated[str, typer.Option("--cohort", "-c", help="Code de la cohorte")]


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        err.print(f"[red]Configuration invalide[/red]\n{exc}")
        raise typer.Exit(2) from None


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]Erreur :[/red] {message}")
    return typer.Exit(1)


def _now() -> datetime:
    return SystemClock().now()


def _parse_date(value: str) -> datetime:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise typer.BadParameter(f"date attendue au format jj/mm/aaaa : « {value} »")


@app.command()
def init() -> None:
    """Crée ou met à jour le schéma de la base de données."""
    settings = _settings()
    db.upgrade(settings.database_url)
    console.print("Base de données à jour.")


@programme_app.command("add")
def programme_add(
    preset: Annotated[str, typer.Argument(help="jaae, mirhe, menesr ou un fichier .toml")],
) -> None:
    """Ajoute (ou met à jour) un programme depuis un préréglage."""
    from mentorat import presets, services

    settings = _settings()
    try:
        with db.session_scope(settings.database_url) as session:
            programme = services.add_programme(session, preset, now=_now(), actor="operator:cli")
            console.print(f"Programme « {programme.short_name} » ({programme.slug}) enregistré.")
    except presets.PresetError as exc:
        raise _fail(str(exc)) from None


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
    from mentorat import services

    settings = _settings()
    try:
        with db.session_scope(settings.database_url) as session:
            cohort = services.create_cohort(
                session,
                programme_slug=programme,
                code=code,
                label=label or code,
                call_opens_at=_parse_date(opens),
                operator_name=operator_name,
                operator_email=operator_email,
                supervisor_name=supervisor_name,
                supervisor_email=supervisor_email,
                now=_now(),
                actor="operator:cli",
            )
            console.print(f"Cohorte {cohort.code} créée (n° {cohort.id}).")
    except ServiceError as exc:
        raise _fail(str(exc)) from None


@candidates_app.command("import")
def candidates_import(file: Annotated[Path, typer.Argument(exists=False)], cohort: Cohort_) -> None:
    """Importe un fichier CSV ou XLSX de candidatures (tout ou rien)."""
    from mentorat import services
    from mentorat.importing import TableError, read_candidates

    settings = _settings()
    try:
        result = read_candidates(file)
    except TableError as exc:
        raise _fail(str(exc)) from None
    for warning in result.warnings:
        err.print(f"[yellow]Avertissement :[/yellow] {warning}")
    if not result.ok:
        err.print(f"[red]{len(result.errors)} erreur(s) : rien n’a été importé.[/red]")
        for error in result.errors:
            err.print(f"  {error}")
        raise typer.Exit(1)
    try:
        with db.session_scope(settings.database_url) as session:
            target = services.get_cohort(session, cohort)
            counts = services.import_applications(
                session,
                target,
                [row.model_dump(exclude={"line"}) for row in result.rows],
                now=_now(),
                actor="operator:cli",
            )
    except ServiceError as exc:
        raise _fail(str(exc)) from None
    console.print(
        f"{len(result.rows)} ligne(s) lue(s) : {counts['created']} créée(s), "
        f"{counts['updated']} mise(s) à jour, {counts['unchanged']} inchangée(s)."
    )


def _run_flow(cohort_id: int, now: datetime | None) -> dict:
    from flows.cohort import cohort_lifecycle

    return cohort_lifecycle(cohort_id, now=now)


@cohort_app.command("launch")
def cohort_launch(
    cohort: Cohort_, run: Annotated[bool, typer.Option(help="Lancer tout de suite le flux")] = True
) -> None:
    """Lance la cohorte : le flux Prefect l’avance puis se reprogramme à chaque échéance."""
    from mentorat import services

    settings = _settings()
    with db.session_scope(settings.database_url) as session:
        target = services.get_cohort(session, cohort)
        services.launch_cohort(session, target, now=_now(), actor="operator:cli")
        cohort_id = target.id
    if run:
        result = _run_flow(cohort_id, None)
        console.print(f"Cohorte lancée. Prochaine échéance : {result.get('next_run') or 'aucune'}.")


@cohort_app.command("run")
def cohort_run(
    cohort: Cohort_,
    now: Annotated[str | None, typer.Option(help="Date simulée (jj/mm/aaaa)")] = None,
) -> None:
    """Avance la cohorte jusqu’à maintenant (sans risque : rien n’est fait deux fois)."""
    from mentorat import services

    settings = _settings()
    with db.session_scope(settings.database_url) as session:
        cohort_id = services.get_cohort(session, cohort).id
    result = _run_flow(cohort_id, _parse_date(now) if now else None)
    console.print(
        f"Envoyés : {result['delivery'].get('sent', 0)}. "
        f"Prochaine échéance : {result.get('next_run') or 'aucune'}."
    )


@cohort_app.command("status")
def cohort_status(cohort: Cohort_) -> None:
    """Tableau de l’avancement : phases et effectifs (sans nom)."""
    from mentorat import services
    from mentorat.lifecycle.status import cohort_rows

    settings = _settings()
    try:
        with db.session_scope(settings.database_url) as session:
            target = services.get_cohort(session, cohort)
            rows = cohort_rows(session, target, _now())
    except ServiceError as exc:
        raise _fail(str(exc)) from None
    table = Table(title=f"Cohorte {cohort}")
    for column in ("Phase", "Mesure", "Valeur"):
        table.add_column(column, justify="right" if column == "Valeur" else "left")
    for row in rows:
        table.add_row(row.phase, row.measure, str(row.value))
    console.print(table)


@matching_app.command("show")
def matching_show(
    cohort: Cohort_,
    export: Annotated[Path | None, typer.Option(help="Fichier .csv ou .xlsx")] = None,
) -> None:
    """Montre la proposition de binômes (scores et explications)."""
    from mentorat import pairing, services
    from mentorat.matching_export import proposal_rows, write_export

    settings = _settings()
    with db.session_scope(settings.database_url) as session:
        target = services.get_cohort(session, cohort)
        decision = pairing.current_decision(session, target)
        if decision is None:
            raise _fail("aucune proposition : l’appel à candidatures n’est pas clos")
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
    console.print(quality_summary(decision.report))
    for item in decision.unmatched:
        ref = f"candidature n° {item['application_id']} ({item['role']})"
        console.print(f"Sans binôme : {ref} — {item['reason']}")
    if export:
        write_export(export, rows, decision.unmatched)
        console.print(f"Exporté dans {export}.")


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
    from mentorat import pairing, services

    settings = _settings()
    try:
        with db.session_scope(settings.database_url) as session:
            target = services.get_cohort(session, cohort)
            pairing.override(
                session,
                target,
                mentor_id=mentor,
                mentee_id=mentee,
                kind=kind,
                actor=f"operator:{by}",
                reason=reason,
                now=_now(),
            )
    except ServiceError as exc:
        raise _fail(str(exc)) from None
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
    from mentorat import pairing, services

    settings = _settings()
    try:
        with db.session_scope(settings.database_url) as session:
            target = services.get_cohort(session, cohort)
            decision = pairing.propose(session, target, now=_now(), actor="operator:cli", mode=mode)
            console.print(f"Nouvelle proposition n° {decision.id}.")
    except ServiceError as exc:
        raise _fail(str(exc)) from None


@matching_app.command("approve")
def matching_approve(
    cohort: Cohort_,
    by: Annotated[str, typer.Option(help="Qui valide")],
    reason: Annotated[str, typer.Option()] = "",
    run: Annotated[bool, typer.Option(help="Avancer la cohorte aussitôt")] = True,
) -> None:
    """Valide les binômes proposés ; la cohorte passe à la charte."""
    from mentorat import pairing, services

    settings = _settings()
    try:
        with db.session_scope(settings.database_url) as session:
            target = services.get_cohort(session, cohort)
            decision = pairing.approve(
                session, target, now=_now(), actor=f"operator:{by}", reason=reason
            )
            cohort_id = target.id
            console.print(f"Proposition n° {decision.id} validée.")
    except ServiceError as exc:
        raise _fail(str(exc)) from None
    if run:
        _run_flow(cohort_id, None)


@app.command()
def demo(
    programme: Annotated[str, typer.Option(help="jaae, mirhe ou menesr")] = "mirhe",
    pairs: Annotated[int, typer.Option(min=2, max=5000, help="Nombre de mentorés")] = 20,
    out: Annotated[Path, typer.Option(help="Dossier de la démonstration")] = Path("demo-out"),
) -> None:
    """Une cohorte complète en temps simulé, avec des participants simulés."""
    from mentorat.demo import run_demo

    sys.exit(run_demo(programme=programme, pairs=pairs, out=out, console=console))


if __name__ == "__main__":
    app()
