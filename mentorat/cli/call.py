"""The call for candidates: `mentorat call recipients import FILE --cohort CODE`.

The call goes to the people of an HR extract (who they are: address, names, matricule);
the same reader as for candidates, with its errors, all at once, nothing half imported.
"""

from __future__ import annotations

from typing import Annotated

import typer

from mentorat import db
from mentorat.cli.candidates import (
    NBSP,
    Columns_,
    File_,
    read,
    say,
    show_changes,
    show_columns,
    show_problems,
)
from mentorat.cli.common import Cohort_, fail, settings_or_exit, utc_now
from mentorat.services import ServiceError

call_app = typer.Typer(help="Appel à candidatures.", no_args_is_help=True)
recipients_app = typer.Typer(help="Les personnes à qui l’appel est envoyé.", no_args_is_help=True)
call_app.add_typer(recipients_app, name="recipients")


@recipients_app.command("import")
def recipients_import(
    file: File_,
    cohort: Cohort_,
    columns: Columns_ = None,
    check: Annotated[bool, typer.Option("--check", help="Vérifier seulement")] = False,
) -> None:
    """Importe les destinataires de l’appel (fichier CSV ou XLSX, tout ou rien)."""
    from mentorat.services import applications, intake

    settings = settings_or_exit()
    now = utc_now()
    try:
        with db.session_scope(settings.database_url) as session:
            target, reading = read(session, cohort, file, columns, None, people_only=True)
            if check:
                show_columns(reading)
            if not show_problems(reading):
                raise typer.Exit(1)
            if check:
                session.rollback()
                say(f"Fichier lisible{NBSP}: rien n’a été importé (vérification seule).")
                return
            rows = [row.model_dump() for row in reading.result.people]
            report = applications.import_call_recipients(
                session, target, rows, now=now, actor="operator:cli"
            )
            intake.remember(session, target, reading, now=now, actor="operator:cli")
            phase = target.phase
    except ServiceError as exc:
        raise fail(str(exc)) from None
    say(
        f"{len(rows)} personne(s) lue(s){NBSP}: {report.added} ajoutée(s) à l’appel, "
        f"{report['unchanged']} déjà destinataire(s)."
    )
    show_changes(report)
    if phase == "draft":
        say("L’appel leur sera envoyé à son ouverture (mentorat cohort launch).")
    else:
        say("L’appel leur sera envoyé au prochain passage du flux de la cohorte.")


@call_app.command("link")
def call_link(
    cohort: Cohort_,
    domain: Annotated[
        list[str] | None,
        typer.Option("--domain", help="Domaine d’adresse autorisé (ex. justice.fr), répétable"),
    ] = None,
    close: Annotated[bool, typer.Option("--close", help="Fermer le lien")] = False,
) -> None:
    """Ouvre (ou ferme) le lien de candidature ouvert à tous, réservé à des domaines au besoin."""
    from mentorat.services import cohorts, open_call

    settings = settings_or_exit()
    try:
        with db.session_scope(settings.database_url) as session:
            target = cohorts.get_cohort(session, cohort)
            if close:
                open_call.close_link(session, target, now=utc_now(), actor="operator:cli")
                say("Lien de candidature fermé.")
                return
            kept = open_call.open_link(
                session, target, domains=domain or (), now=utc_now(), actor="operator:cli"
            )
    except ServiceError as exc:
        raise fail(str(exc)) from None
    who = ", ".join(f"@{d}" for d in kept) if kept else "toute adresse"
    say(f"Lien de candidature ouvert ({who}) pendant l’appel de la cohorte {cohort}{NBSP}:")
    say(open_call.link_url(settings.public_url, cohort))
