"""Retention on schedule by hand: `mentorat retention run [--dry-run]` does now what the
daily `retention` deployment does (flows/retention.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from mentorat import db
from mentorat.cli.common import console, settings_or_exit, utc_now

retention_app = typer.Typer(
    help="Conservation des données\u00a0: anonymisation des cohortes closes.",
    no_args_is_help=True,
)


@retention_app.command(
    "run", short_help="Prévient puis anonymise les cohortes closes, à leurs dates."
)
def retention_run(
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Montrer ce qui est dû sans rien écrire ni envoyer"),
    ] = False,
) -> None:
    """Prévient l’opérateur·rice des cohortes bientôt anonymisées et anonymise celles dont
    la durée de conservation est passée."""
    from mentorat.mail.dates import date_fr
    from mentorat.services import erasure, notices, retention
    from models import Cohort

    settings = settings_or_exit()
    now = utc_now()
    with db.session_scope(settings.database_url) as session:
        plan = retention.due(session, now)
        for dates in plan.notices:
            people = len(retention.people_of(session, dates.cohort_id))
            console.print(
                f"Avis à envoyer\u00a0: cohorte {dates.code} (close le "
                f"{date_fr(dates.closed_at, weekday=False)}, {_people(people, 'concernée')}), "
                f"anonymisation à partir du {date_fr(dates.anonymise_at, weekday=False)}."
            )
        for dates in plan.anonymise:
            console.print(f"À anonymiser\u00a0: cohorte {dates.code}.")
    if not plan.notices and not plan.anonymise:
        console.print("Aucune cohorte à prévenir ni à anonymiser.")
        return
    if dry_run:
        console.print("Rien n’a été écrit ni envoyé (--dry-run).")
        return
    for dates in plan.notices:
        with db.session_scope(settings.database_url) as session:
            cohort = session.get(Cohort, dates.cohort_id)
            assert cohort is not None
            written = retention.send_notice(session, settings, cohort, dates, now=now)
        if written:
            notices.deliver(settings, dates.cohort_id)
            console.print(f"Avis écrit à l’opérateur·rice de la cohorte {dates.code}.")
    with db.session_scope(settings.database_url) as session:
        due_now = retention.due(session, now).anonymise
    for dates in due_now:
        with db.session_scope(settings.database_url) as session:
            cohort = session.get(Cohort, dates.cohort_id)
            assert cohort is not None
            result = retention.anonymise_cohort(session, cohort, now)
        if result.already:
            console.print(f"Cohorte {dates.code}\u00a0: déjà anonymisée, rien n’a changé.")
            continue
        erasure.reclaim_space(db.engine_for(settings.database_url), result.tables)
        console.print(
            f"Cohorte {dates.code} anonymisée\u00a0: "
            f"{_people(result.erased, 'effacée')} partout, "
            f"{_people(result.kept, 'effacée')} de cette cohorte seulement (inscription dans une "
            f"autre cohorte, dont les données restent), {sum(result.rows.values())} lignes "
            "réécrites."
        )


def _people(n: int, done: str) -> str:
    return f"{n} personne {done}" if n == 1 else f"{n} personnes {done}s"
