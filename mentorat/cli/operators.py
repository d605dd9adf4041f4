"""The programme's team at the console: `mentorat operator add …`."""

from __future__ import annotations

from typing import Annotated

import typer

from mentorat import db
from mentorat.cli.common import console, fail, settings_or_exit, utc_now
from mentorat.services import ServiceError

operator_app = typer.Typer(help="Accès à la console de gestion (/gestion/).", no_args_is_help=True)


@operator_app.command("add")
def operator_add(
    email: Annotated[str, typer.Argument(help="Adresse électronique de la personne")],
    programme: Annotated[str, typer.Option(help="Identifiant du programme (jaae…)")],
    role: Annotated[
        str, typer.Option(help="operator, supervisor ou admin (admin : tous les programmes)")
    ] = "operator",
    name: Annotated[str, typer.Option(help="Nom affiché (prénom et nom)")] = "",
) -> None:
    """Donne accès à la console de gestion (ou change le rôle, le programme, le nom)."""
    from mentorat.services import operators

    settings = settings_or_exit()
    try:
        with db.session_scope(settings.database_url) as session:
            operator, new = operators.add_operator(
                session, email, programme_slug=programme, role=role, name=name,
                now=utc_now(), actor="operator:cli",
            )  # fmt: skip
            verb = "ajouté·e" if new else "mis·e à jour"
            console.print(
                f"Accès à la console {verb} : {operator.email} ({operator.role}, {programme})."
            )
    except ServiceError as exc:
        raise fail(str(exc)) from None
