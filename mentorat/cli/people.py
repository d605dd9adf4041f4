"""A person's data: `mentorat person erase EMAIL [--yes]`."""

from __future__ import annotations

from typing import Annotated

import typer

from mentorat import db
from mentorat.cli.common import console, err, fail, settings_or_exit, utc_now

person_app = typer.Typer(help="Personnes\u00a0: effacement de leurs données.", no_args_is_help=True)

_TABLES_FR = {
    "person": "personne",
    "application": "candidatures",
    "charter_signature": "signatures de la charte",
    "check_in": "points mensuels (message au référent)",
    "evaluation_answer": "évaluations (commentaires)",
    "inbound_reply": "réponses reçues par courriel",
    "outbox_message": "courriels",
    "audit_event": "journal d’audit",
    "matching_decision": "propositions de binômes",
    "pair": "binômes (explications)",
    "pair_override": "binômes imposés ou exclus",
    "erasure_request": "demandes d’effacement",
}


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
    from mentorat.delivery import DeliveryError, send_pending
    from mentorat.services import erasure
    from models import Cohort, Operator, OutboxMessage, Person

    settings = settings_or_exit()
    now = utc_now()
    factory = db.session_factory(settings.database_url)
    with factory() as session:
        person = erasure.find_person(session, email)
        if person is None:
            raise fail(f"aucune personne n’a l’adresse «\u00a0{email.strip()}\u00a0».")
        person_id, failing = person.id, person.email_status == "failing"
        cohort = erasure.home_cohort(session, person_id)
        cohort_id = cohort.id if cohort is not None else None
        actor = erasure.operator_actor(cohort)
        if by is not None:
            if session.get(Operator, by) is None:
                raise fail(f"aucun compte d’opérateur·rice n° {by}.")
            actor = f"operator:id-{by}"
        # The preview is the erasure itself, rolled back: the counts are those of --yes.
        preview = erasure.erase_person(session, person_id, actor=actor, now=now)
        session.rollback()
    if preview.already:
        console.print(f"La personne n° {person_id} a déjà été effacée\u00a0: rien n’a changé.")
        return
    _print_counts(preview.counts)
    if not yes:
        console.print("Rien n’a été effacé. Pour effacer, relancez la commande avec --yes.")
        return
    notice_sent = False
    if cohort_id is not None and not failing:
        with db.session_scope(settings.database_url) as session:
            person = session.get(Person, person_id)
            target = session.get(Cohort, cohort_id)
            assert person is not None and target is not None
            notice_id = erasure.write_notice(session, person, target, now=now, settings=settings)
        try:
            send_pending(factory, settings, cohort_id=cohort_id)
        except DeliveryError as exc:
            err.print(f"[yellow]Envoi de l’avis impossible\u00a0:[/yellow] {exc}")
        with factory() as session:
            row = session.get(OutboxMessage, notice_id)
            notice_sent = row is not None and row.status == "sent"
    with db.session_scope(settings.database_url) as session:
        result = erasure.erase_person(session, person_id, actor=actor, now=now)
    erasure.reclaim_space(db.engine_for(settings.database_url), result.tables)
    console.print(f"Données de la personne n° {person_id} effacées.")
    if notice_sent:
        console.print("Un dernier courriel l’en a informée, avant l’effacement de son adresse.")
    else:
        console.print(
            "[yellow]La personne n’a pas pu être prévenue par courriel[/yellow] "
            "(adresse en échec, aucune cohorte ou serveur indisponible)\u00a0: "
            "prévenez-la par un autre moyen."
        )


def _print_counts(counts: dict[str, int]) -> None:
    console.print("Lignes à effacer ou à réécrire, par table\u00a0:")
    for table, rows in sorted(counts.items()):
        console.print(f"  {_TABLES_FR.get(table, table)}\u00a0: {rows}")
