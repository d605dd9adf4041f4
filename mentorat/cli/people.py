"""A person's data: `mentorat person erase EMAIL [--yes]`."""

from __future__ import annotations

from typing import Annotated

import typer

from mentorat import db
from mentorat.cli.common import console, err, fail, settings_or_exit, utc_now

person_app = typer.Typer(help="Personnes\u00a0: effacement de leurs données.", no_args_is_help=True)


@person_app.command("erase")
def person_erase(
    email: Annotated[str, typer.Argument(help="Adresse électronique de la personne")],
    yes: Annotated[
        bool,
        typer.Option("--yes", help="Effacer pour de bon (sans elle\u00a0: ce qui serait effacé)"),
    ] = False,
    by: Annotated[
        int | None,
        typer.Option("--by", help="Votre numéro d’opérateur·rice (consigné au journal d’audit)"),
    ] = None,
) -> None:
    """Efface les données personnelles d’une personne\u00a0: noms, adresse, réponses libres,
    courriels, partout où elles figurent. Les nombres (binômes, réponses) restent."""
    from mentorat.services import erasure
    from models import Operator

    settings = settings_or_exit()
    now = utc_now()
    with db.session_factory(settings.database_url)() as session:
        person = erasure.find_person(session, email)
        if person is None:
            raise fail(f"aucune personne n’a l’adresse «\u00a0{email.strip()}\u00a0».")
        person_id = person.id
        actor = erasure.operator_actor(erasure.home_cohort(session, person_id))
        if by is not None:
            if session.get(Operator, by) is None:
                raise fail(f"aucun compte d’opérateur·rice n° {by}.")
            actor = f"operator:id-{by}"
        # The preview is the erasure itself, rolled back: the counts are those of --yes.
        preview = erasure.preview(session, person_id, actor=actor, now=now)
    if preview.already:
        console.print(f"La personne n° {person_id} a déjà été effacée\u00a0: rien n’a changé.")
        return
    _print_counts(preview.counts)
    if not yes:
        console.print("Rien n’a été effacé. Pour effacer, relancez la commande avec --yes.")
        return
    # The last notice (sent now), the erasure, the space reclaimed: as the console does.
    done = erasure.carry_out(settings, person_id, actor=actor, now=now)
    if done.erasure.already:  # erased meanwhile (by the console)
        console.print(f"La personne n° {person_id} a déjà été effacée\u00a0: rien n’a changé.")
        return
    if done.notice_error:
        err.print(f"[yellow]Envoi de l’avis impossible\u00a0:[/yellow] {done.notice_error}")
    console.print(f"Données de la personne n° {person_id} effacées.")
    if done.notice_sent:
        console.print("Un dernier courriel l’en a informée, avant l’effacement de son adresse.")
    else:
        console.print(
            "[yellow]La personne n’a pas pu être prévenue par courriel[/yellow] "
            "(adresse en échec, aucune cohorte ou serveur indisponible)\u00a0: "
            "prévenez-la par un autre moyen."
        )


def _print_counts(counts: dict[str, int]) -> None:
    from mentorat.services.erasure import table_label

    console.print("Lignes à effacer ou à réécrire, par table\u00a0:")
    for table, rows in sorted(counts.items()):
        console.print(f"  {table_label(table)}\u00a0: {rows}")
