"""Candidates: `mentorat candidates check|import FILE --cohort CODE`.

Both read the file the same way (the programme's column mapping, then `--columns`), and
both refuse a file that leaves one of the programme's rules without its column, unless
`--accept-missing RULE` says to go on knowingly. `check` imports nothing.

Error and change lines name people (addresses, values): they go to this terminal only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mentorat import db
from mentorat.cli.common import Cohort_, console, err, fail, settings_or_exit, utc_now
from mentorat.services import ServiceError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mentorat.services.applications import ImportReport
    from mentorat.services.intake import Reading
    from models import Cohort

candidates_app = typer.Typer(help="Candidatures.", no_args_is_help=True)

NBSP = "\u00a0"
File_ = Annotated[Path, typer.Argument(exists=False, help="Fichier .csv, .tsv, .txt ou .xlsx")]
Columns_ = Annotated[
    Path | None,
    typer.Option(
        "--columns",
        help="Fichier TOML « en-tête du fichier » = « champ » pour les colonnes non reconnues "
        "(gardé pour les imports suivants du programme)",
    ),
]
Accept_ = Annotated[
    list[str] | None,
    typer.Option(
        "--accept-missing",
        help="Poursuivre sciemment sans la colonne d’une règle (ex. same_unit), noté au journal",
    ),
]


def say(text: str, *, error: bool = False) -> None:
    """One line, never wrapped and never read as markup (it may hold « [ » from a file)."""
    (err if error else console).print(text, soft_wrap=True, markup=False, highlight=False)


def show_columns(reading: Reading) -> None:
    """How each column of the file was read."""
    from mentorat.importing.columns import BY_NAME

    result = reading.result
    header_map = result.header_map
    if header_map is None:
        return
    say("Colonnes du fichier" + NBSP + ":")
    for index, header in enumerate(result.header):
        if not header:
            continue
        if index in header_map.fields:
            how = "correspondance" if index in header_map.mapped else "reconnue"
            read_as = f"{BY_NAME[header_map.fields[index]].french} ({how})"
        elif index in header_map.ignored:
            read_as = "ignorée (correspondance)"
        elif index in header_map.ambiguous:
            names = " ou ".join(BY_NAME[n].french for n in header_map.ambiguous[index])
            read_as = f"ambiguë ({names}){NBSP}: non lue"
        elif any(first == index for first, _ in header_map.repeated) or any(
            later == index for _, later in header_map.repeated
        ):
            read_as = f"en double{NBSP}: non lue"
        else:
            read_as = f"non reconnue{NBSP}: non lue"
        say(f"  « {header} » → {read_as}")


def show_rules(reading: Reading) -> None:
    """What each rule of the programme will see."""
    if not reading.coverages:
        return
    say("Règles du programme" + NBSP + ":")
    for item in reading.coverages:
        if not item.missing:
            state = "ok"
        elif item.accepted:
            state = "MANQUANTE, acceptée (--accept-missing)"
        else:
            state = "ERREUR"
        say(f"  {item.need.label} ({item.need.rule}) — {item.seen()}{NBSP}: {state}")


def show_problems(reading: Reading) -> bool:
    """Warnings, then errors; True when the file may be imported."""
    result = reading.result
    for warning in result.warnings:
        say(f"Avertissement{NBSP}: {warning}", error=True)
    if result.ok:
        return True
    say(f"{len(result.errors)} erreur(s){NBSP}: rien n’a été importé.", error=True)
    for error in result.errors:
        say(f"  {error}", error=True)
    return False


def read(
    session: Session,
    cohort: str,
    file: Path,
    columns: Path | None,
    accept_missing: list[str] | None,
    *,
    people_only: bool = False,
) -> tuple[Cohort, Reading]:
    """The cohort and the file as read for it; a French error and exit 1 when unreadable."""
    from mentorat.importing import TableError
    from mentorat.services import cohorts, intake

    try:
        target = cohorts.get_cohort(session, cohort)
        extra = intake.read_mapping_file(columns) if columns else None
        reading = intake.read_for_cohort(
            target,
            file,
            extra_mapping=extra,
            accepted=set(accept_missing or ()),
            people_only=people_only,
        )
    except (TableError, ServiceError) as exc:
        raise fail(str(exc)) from None
    return target, reading


@candidates_app.command("check")
def candidates_check(
    file: File_, cohort: Cohort_, columns: Columns_ = None, accept_missing: Accept_ = None
) -> None:
    """Montre comment chaque colonne est lue et ce que voit chaque règle ; n’importe rien."""
    settings = settings_or_exit()
    with db.session_scope(settings.database_url) as session:
        _, reading = read(session, cohort, file, columns, accept_missing)
        show_columns(reading)
        show_rules(reading)
        ok = show_problems(reading)
        session.rollback()
    if not ok:
        raise typer.Exit(1)
    say(f"Fichier lisible{NBSP}: rien n’a été importé (vérification seule).")


@candidates_app.command("import")
def candidates_import(
    file: File_, cohort: Cohort_, columns: Columns_ = None, accept_missing: Accept_ = None
) -> None:
    """Importe un fichier CSV ou XLSX de candidatures (tout ou rien)."""
    from mentorat.services import applications, intake

    settings = settings_or_exit()
    now = utc_now()
    try:
        with db.session_scope(settings.database_url) as session:
            target, reading = read(session, cohort, file, columns, accept_missing)
            if not show_problems(reading):
                raise typer.Exit(1)
            rows = [row.model_dump() for row in reading.result.rows]
            report = applications.import_applications(
                session, target, rows, now=now, actor="operator:cli"
            )
            intake.remember(session, target, reading, now=now, actor="operator:cli")
    except ServiceError as exc:
        raise fail(str(exc)) from None
    for rule in reading.accepted_missing:
        say(f"Règle {rule} sans sa colonne : acceptée sciemment, noté au journal.")
    show_report(report, len(reading.result.rows))


def show_changes(report: ImportReport) -> None:
    """What changed for people already known, and the emails a corrected address gets."""
    for line, address, fields in report.changes:
        say(f"  ligne {line}, {address}{NBSP}: modifié{NBSP}: {', '.join(fields)}")
    if report.readdressed or report.requeued:
        say(
            f"Adresses corrigées{NBSP}: {report.readdressed} courriel(s) en attente réadressé(s), "
            f"{report.requeued} courriel(s) arrêté(s) par un rejet renvoyé(s)."
        )


def show_report(report: ImportReport, lines: int) -> None:
    say(
        f"{lines} ligne(s) lue(s){NBSP}: {report['created']} créée(s), "
        f"{report['updated']} mise(s) à jour, {report['unchanged']} inchangée(s)."
    )
    show_changes(report)
    if report.late:
        say(
            f"{len(report.late)} candidature(s) tardive(s){NBSP}: les binômes sont déjà validés, "
            "elles sont enregistrées avec le statut « tardive » et n’entrent dans aucun binôme. "
            "Proposez-leur la prochaine cohorte ou un binôme à la main.",
            error=True,
        )
        for line, address in report.late:
            say(f"  ligne {line}, {address}", error=True)
    if report.frozen:
        say(
            f"{len(report.frozen)} candidature(s) non modifiée(s){NBSP}: les binômes sont déjà "
            "validés, leurs réponses ne changent plus.",
            error=True,
        )
        for line, address, fields in report.frozen:
            say(f"  ligne {line}, {address}{NBSP}: {', '.join(fields)}", error=True)
