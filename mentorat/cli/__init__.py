"""`mentorat`: the operator's command line. Messages in French; ids and counts on screen."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from mentorat import db
from mentorat.cli.call import call_app
from mentorat.cli.candidates import candidates_app
from mentorat.cli.cohorts import cohort_app, programme_app
from mentorat.cli.common import console, err, settings_or_exit
from mentorat.cli.fixes import pair_app, session_app, workshop_app
from mentorat.cli.fixes import register as register_fixes
from mentorat.cli.matching import matching_app
from mentorat.cli.operators import operator_app
from mentorat.cli.people import person_app
from mentorat.cli.retention import retention_app
from mentorat.inbound.cli import inbound as inbound_command
from mentorat.web.cli import web as web_command

app = typer.Typer(
    help="Mentorat : des programmes de mentorat de bout en bout.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["--help", "-h"]},
)

# Prefect reads its settings when it is first imported (lazily, by the commands that run a
# flow), so these defaults set here reach it. An operator's own values always win.
PREFECT_DEFAULTS = {
    # Prefect's INFO lines drown the operator's output; `--verbose` brings them back.
    "PREFECT_LOGGING_LEVEL": "WARNING",
    # No usage report leaves the machine.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # A temporary server's first start migrates its database: 20 s is too short on a busy
    # machine (seen in CI), so wait up to two minutes.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


@app.callback()
def options(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Affiche aussi le journal de Prefect")
    ] = False,
) -> None:
    """Mentorat : des programmes de mentorat de bout en bout."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"


app.add_typer(programme_app, name="programme")
app.add_typer(cohort_app, name="cohort")
app.add_typer(candidates_app, name="candidates")
app.add_typer(call_app, name="call")
app.add_typer(matching_app, name="matching")
app.add_typer(operator_app, name="operator")
app.add_typer(person_app, name="person")
register_fixes(person_app)
app.add_typer(pair_app, name="pair")
app.add_typer(session_app, name="session")
app.add_typer(workshop_app, name="workshop")
app.add_typer(retention_app, name="retention")
app.command(name="web")(web_command)
app.command(name="inbound")(inbound_command)


@app.command()
def init() -> None:
    """Crée ou met à jour le schéma de la base de données."""
    settings = settings_or_exit()
    db.upgrade(settings.database_url)
    console.print("Base de données à jour.")


@app.command()
def demo(
    programme: Annotated[
        str, typer.Option(help="jaae, mirhe, menesr, hopital ou collectif")
    ] = "mirhe",
    pairs: Annotated[int, typer.Option(min=2, max=5000, help="Nombre de mentorés")] = 20,
    out: Annotated[
        Path, typer.Option(help="Dossier de la démonstration (base SQLite, courriels .eml)")
    ] = Path("demo-out"),
    database_url: Annotated[
        str | None,
        typer.Option(help="Base à utiliser au lieu de OUT/mentorat.db (une base neuve)"),
    ] = None,
) -> None:
    """Une cohorte complète en temps simulé, avec des participants simulés."""
    from demo.command import run_demo

    code = run_demo(
        programme=programme,
        pairs=pairs,
        out=out,
        database_url=database_url,
        console=console,
        err=err,
    )
    sys.exit(code)


def main() -> None:
    """The `mentorat` command: an operator's mistake gets a French message, never a
    traceback (an unknown cohort code, a database that cannot be reached)."""
    from sqlalchemy.exc import OperationalError
    from typer._click.exceptions import ClickException
    from typer.exceptions import Abort

    from mentorat.cli import french
    from mentorat.services import ServiceError

    french.translate_help()
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except ClickException as exc:
        sys.exit(french.report(exc, err))
    except Abort:
        err.print("Interrompu.")
        sys.exit(1)
    except ServiceError as exc:
        err.print(f"[red]Erreur\u00a0:[/red] {exc}")
        sys.exit(1)
    except OperationalError as exc:
        err.print(
            "[red]Erreur\u00a0:[/red] la base de données ne répond pas "
            f"({type(exc.orig).__name__}) : vérifiez MENTORAT_DATABASE_URL."
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
