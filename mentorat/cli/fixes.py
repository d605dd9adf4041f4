"""Fixes after the approval, from the command line (the console does the same through the
same services, mentorat.services.fixes):

    mentorat person address ANCIENNE NOUVELLE
    mentorat person withdraw PERSONNE --cohort CODE --reason …
    mentorat pair list|pool --cohort CODE
    mentorat pair end B-12 --reason …
    mentorat pair new --cohort CODE --mentor PERSONNE --mentee PERSONNE --reason …
    mentorat session list --cohort CODE
    mentorat session move 7 --at "12/03/2027 14:00" [--location …]
    mentorat session cancel 7 --reason …
    mentorat session attendance 7 --present PERSONNE,… --absent PERSONNE,…
    mentorat workshop move --cohort CODE --at "10/06/2028 14:00" [--location …]
    mentorat workshop cancel --cohort CODE --reason …

A person is named by their address or by their application number in the cohort. Each
command prints counts only, commits, then sends the emails it wrote at once (what cannot go
now goes with the cohort's next run).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorat import db
from mentorat.cli import runs
from mentorat.cli.common import Cohort_, console, fail, settings_or_exit, utc_now
from mentorat.mail.dates import datetime_fr
from mentorat.services import ServiceError
from mentorat.settings import Settings

pair_app = typer.Typer(
    help="Binômes après leur validation\u00a0: liste, fin, nouveau binôme.", no_args_is_help=True
)
workshop_app = typer.Typer(
    help="Atelier de restitution\u00a0: déplacement, annulation.", no_args_is_help=True
)
session_app = typer.Typer(
    help="Séances de supervision\u00a0: liste, déplacement, annulation, présences.",
    no_args_is_help=True,
)

PARIS = ZoneInfo("Europe/Paris")

Reason_ = Annotated[str, typer.Option("--reason", help="La raison (consignée au journal d’audit)")]
By_ = Annotated[
    int | None,
    typer.Option("--by", help="Votre numéro d’opérateur·rice (consigné au journal d’audit)"),
]


def actor_of(session: Session, by: int | None) -> str:
    from models import Operator

    if by is None:
        return "operator:cli"
    if session.get(Operator, by) is None:
        raise ServiceError(f"aucun compte d’opérateur·rice n° {by}.")
    return f"operator:id-{by}"


@contextmanager
def _fixing() -> Iterator[tuple[Settings, Session]]:
    """One transaction; a refusal is a French error and nothing is changed."""
    settings = settings_or_exit()
    try:
        with db.session_scope(settings.database_url) as session:
            yield settings, session
    except ServiceError as exc:
        raise fail(str(exc)) from None


def _deliver(settings: Settings, cohort_id: int | None) -> None:
    from mentorat.services import notices

    notices.deliver(settings, cohort_id)


def _application(session: Session, cohort_id: int, who: str) -> int:
    """An application of the cohort, by its number or by the person's address."""
    from models import Application, Person

    who = who.strip()
    if who.isdigit():
        app_id = session.scalar(
            select(Application.id).where(
                Application.id == int(who), Application.cohort_id == cohort_id
            )
        )
    else:
        app_id = session.scalar(
            select(Application.id)
            .join(Person, Person.id == Application.person_id)
            .where(Application.cohort_id == cohort_id, Person.email == who.lower())
        )
    if app_id is None:
        raise ServiceError(f"«\u00a0{who}\u00a0» n’a pas de candidature dans cette cohorte.")
    return int(app_id)


def parse_moment(value: str) -> datetime:
    """« jj/mm/aaaa hh:mm », Paris time."""
    for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M", "%d/%m/%Y %H h %M", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(value.strip(), fmt).replace(tzinfo=PARIS)
        except ValueError:
            continue
    raise typer.BadParameter(
        f"date et heure attendues au format jj/mm/aaaa hh:mm\u00a0: «\u00a0{value}\u00a0»"
    )


def _say(report: object, done: str) -> None:
    from mentorat.services.fixes import FixReport

    assert isinstance(report, FixReport)
    parts = [done]
    if report.pairs_ended:
        parts.append(f"binômes terminés\u00a0: {report.pairs_ended}")
    if report.emails:
        parts.append(f"courriels écrits\u00a0: {report.emails}")
    if report.withdrawn_emails:
        parts.append(f"courriels en attente retirés\u00a0: {report.withdrawn_emails}")
    if report.readdressed or report.requeued:
        parts.append(
            f"courriels réadressés\u00a0: {report.readdressed}, renvoyés\u00a0: {report.requeued}"
        )
    console.print(" ; ".join(parts).replace(" ;", "\u00a0;") + ".")


# --- person -------------------------------------------------------------------------------


def person_address(
    old: Annotated[str, typer.Argument(help="L’adresse actuelle (ou le n° de la personne)")],
    new: Annotated[str, typer.Argument(help="La nouvelle adresse")],
    by: By_ = None,
) -> None:
    """Corrige l’adresse électronique d’une personne\u00a0: les courriels en attente et ceux
    que l’ancienne adresse a fait échouer partent vers la nouvelle."""
    from mentorat.services import fixes
    from models import Application, Person

    with _fixing() as (settings, session):
        person = (
            session.get(Person, int(old))
            if old.strip().isdigit()
            else session.scalar(select(Person).where(Person.email == old.strip().lower()))
        )
        if person is None:
            raise ServiceError(f"aucune personne n’a l’adresse «\u00a0{old.strip()}\u00a0».")
        report = fixes.correct_address(
            session, person.id, new, now=utc_now(), actor=actor_of(session, by)
        )
        cohorts = set(
            session.scalars(select(Application.cohort_id).where(Application.person_id == person.id))
        )
    _say(report, f"Adresse de la personne n° {person.id} corrigée")
    for cohort_id in sorted(cohorts):
        _deliver(settings, cohort_id)


def person_withdraw(
    who: Annotated[str, typer.Argument(help="L’adresse de la personne (ou son n° de candidature)")],
    cohort: Cohort_,
    reason: Reason_,
    by: By_ = None,
) -> None:
    """Retire une personne de la cohorte\u00a0: ses binômes prennent fin, chaque partenaire
    est prévenu·e, elle reçoit une confirmation et plus rien ensuite."""
    from mentorat.services import cohorts, fixes

    with _fixing() as (settings, session):
        target = cohorts.get_cohort(session, cohort)
        app_id = _application(session, target.id, who)
        report = fixes.withdraw(
            session, settings, app_id, reason=reason, now=utc_now(), actor=actor_of(session, by)
        )
        cohort_id = target.id
    _say(report, f"Candidature n° {app_id} retirée")
    _deliver(settings, cohort_id)


# --- pair ---------------------------------------------------------------------------------


def _pair_id(value: str) -> int:
    digits = value.strip().upper().removeprefix("B-").removeprefix("B")
    if not digits.isdigit():
        raise typer.BadParameter(
            f"numéro de binôme attendu (B-12 ou 12)\u00a0: «\u00a0{value}\u00a0»"
        )
    return int(digits)


@pair_app.command("list")
def pair_list(cohort: Cohort_) -> None:
    """Les binômes de la cohorte, avec leur état."""
    from mentorat.services import cohorts
    from models import Pair

    states = {
        "approved": "charte à signer",
        "active": "en cours",
        "ended": "terminé",
    }
    with _fixing() as (_, session):
        target = cohorts.get_cohort(session, cohort)
        pairs = list(
            session.scalars(
                select(Pair)
                .where(Pair.cohort_id == target.id, Pair.status.in_(tuple(states)))
                .order_by(Pair.id)
            )
        )
        for pair in pairs:
            console.print(
                f"B-{pair.id}\u00a0: {pair.mentor.person.first_name} {pair.mentor.person.last_name}"
                f" (n° {pair.mentor_application_id}) et {pair.mentee.person.first_name} "
                f"{pair.mentee.person.last_name} (n° {pair.mentee_application_id}) — "
                f"{states[pair.status]}"
            )
        console.print(f"{len(pairs)} binômes.")


@pair_app.command("pool")
def pair_pool(cohort: Cohort_) -> None:
    """Qui peut former un nouveau binôme\u00a0: sans binôme, ou mentor avec une place libre."""
    from mentorat.mail.words import role_fr
    from mentorat.services import cohorts, fixes

    with _fixing() as (_, session):
        target = cohorts.get_cohort(session, cohort)
        apps = fixes.pool(session, target.id)
        for app in apps:
            console.print(
                f"n° {app.id}\u00a0: {app.person.first_name} {app.person.last_name}, "
                f"{role_fr(app.role)} <{app.person.email}>"
            )
        console.print(f"{len(apps)} personnes disponibles.")


@pair_app.command("end")
def pair_end(
    pair: Annotated[str, typer.Argument(help="Le binôme (B-12)")],
    reason: Reason_,
    by: By_ = None,
) -> None:
    """Met fin à un binôme\u00a0: les deux membres sont prévenus, ce qui les attendait est
    retiré, et chacun redevient disponible pour un nouveau binôme."""
    from mentorat.services import fixes
    from models import Pair

    pair_id = _pair_id(pair)
    with _fixing() as (settings, session):
        report = fixes.end_pair(
            session, settings, pair_id, reason=reason, now=utc_now(), actor=actor_of(session, by)
        )
        row = session.get(Pair, pair_id)
        cohort_id = row.cohort_id if row else None
    _say(report, f"Binôme B-{pair_id} terminé")
    _deliver(settings, cohort_id)


@pair_app.command("new")
def pair_new(
    cohort: Cohort_,
    mentor: Annotated[str, typer.Option(help="Le mentor (adresse ou n° de candidature)")],
    mentee: Annotated[str, typer.Option(help="La ou le mentoré·e (adresse ou n° de candidature)")],
    reason: Reason_,
    by: By_ = None,
    run: Annotated[
        bool, typer.Option(help="Avancer la cohorte aussitôt (présentation, charte)")
    ] = True,
) -> None:
    """Forme un nouveau binôme avec des personnes disponibles (mentorat pair pool)\u00a0: il
    reçoit sa présentation et sa charte à signer, avec son propre délai."""
    from mentorat.services import cohorts, fixes

    with _fixing() as (_, session):
        target = cohorts.get_cohort(session, cohort)
        new = fixes.re_pair(
            session,
            _application(session, target.id, mentor),
            _application(session, target.id, mentee),
            reason=reason,
            now=utc_now(),
            actor=actor_of(session, by),
        )
        pair_id, score = new.id, new.score
    console.print(f"Binôme B-{pair_id} formé (score {str(score).replace('.', ',')} sur 100).")
    runs.advance_now(cohort, reason="new-pair", run=run)


# --- session ------------------------------------------------------------------------------


@session_app.command("list")
def session_list(cohort: Cohort_) -> None:
    """Les séances de supervision de la cohorte, avec leurs invités."""
    from mentorat.services import cohorts, fixes
    from models import SupervisionAttendance, SupervisionSession

    with _fixing() as (_, session):
        target = cohorts.get_cohort(session, cohort)
        meetings = list(
            session.scalars(
                select(SupervisionSession)
                .where(SupervisionSession.cohort_id == target.id)
                .order_by(SupervisionSession.starts_at)
            )
        )
        for meeting in meetings:
            rows = list(
                session.scalars(
                    select(SupervisionAttendance).where(
                        SupervisionAttendance.session_id == meeting.id
                    )
                )
            )
            state = " — annulée" if meeting.cancelled_at else ""
            console.print(
                f"Séance {meeting.id}\u00a0: {fixes.session_title(meeting)}, "
                f"{datetime_fr(meeting.starts_at)}, {meeting.location}{state} "
                f"(invités\u00a0: {len(rows)}, oui\u00a0: {sum(r.rsvp == 'yes' for r in rows)}, "
                f"présents\u00a0: {sum(bool(r.attended) for r in rows)})"
            )
        if not meetings:
            console.print("Aucune séance pour l’instant.")


def _session_cohort(session: Session, session_id: int) -> int | None:
    from models import SupervisionSession

    meeting = session.get(SupervisionSession, session_id)
    return meeting.cohort_id if meeting else None


@session_app.command("move")
def session_move(
    number: Annotated[int, typer.Argument(help="Le n° de la séance (mentorat session list)")],
    at: Annotated[
        str, typer.Option("--at", help="Nouvelle date et heure\u00a0: jj/mm/aaaa hh:mm (Paris)")
    ],
    location: Annotated[str | None, typer.Option(help="Nouveau lieu")] = None,
    by: By_ = None,
) -> None:
    """Déplace une séance\u00a0: chaque invité·e reçoit l’invitation mise à jour (même
    événement, nouvelle version) et peut redire s’il ou elle vient."""
    from mentorat.services import fixes

    starts = parse_moment(at)
    with _fixing() as (settings, session):
        report = fixes.move_session(
            session,
            settings,
            number,
            starts_at=starts,
            location=location,
            now=utc_now(),
            actor=actor_of(session, by),
        )
        cohort_id = _session_cohort(session, number)
    _say(report, f"Séance {number} déplacée au {datetime_fr(starts)}")
    _deliver(settings, cohort_id)


@session_app.command("cancel")
def session_cancel(
    number: Annotated[int, typer.Argument(help="Le n° de la séance (mentorat session list)")],
    reason: Reason_,
    by: By_ = None,
) -> None:
    """Annule une séance\u00a0: chaque invité·e reçoit l’annulation, qui la retire de son
    agenda."""
    from mentorat.services import fixes

    with _fixing() as (settings, session):
        report = fixes.cancel_session(
            session, settings, number, reason=reason, now=utc_now(), actor=actor_of(session, by)
        )
        cohort_id = _session_cohort(session, number)
    _say(report, f"Séance {number} annulée")
    _deliver(settings, cohort_id)


@workshop_app.command("move")
def workshop_move(
    cohort: Cohort_,
    at: Annotated[
        str, typer.Option("--at", help="Nouvelle date et heure\u00a0: jj/mm/aaaa hh:mm (Paris)")
    ],
    location: Annotated[str | None, typer.Option(help="Nouveau lieu")] = None,
    by: By_ = None,
) -> None:
    """Déplace l’atelier de restitution\u00a0: les invitations déjà parties sont mises à jour
    (même événement, nouvelle version), les attestations suivent la nouvelle date."""
    from mentorat.services import cohorts, fixes

    starts = parse_moment(at)
    with _fixing() as (settings, session):
        target = cohorts.get_cohort(session, cohort)
        report = fixes.move_workshop(
            session, settings, target.id, starts_at=starts, location=location,
            now=utc_now(), actor=actor_of(session, by),
        )  # fmt: skip
        cohort_id = target.id
    _say(report, f"Atelier déplacé au {datetime_fr(starts)}")
    _deliver(settings, cohort_id)


@workshop_app.command("cancel")
def workshop_cancel(cohort: Cohort_, reason: Reason_, by: By_ = None) -> None:
    """Annule l’atelier de restitution\u00a0: chaque invité·e reçoit l’annulation."""
    from mentorat.services import cohorts, fixes

    with _fixing() as (settings, session):
        target = cohorts.get_cohort(session, cohort)
        report = fixes.cancel_workshop(
            session, settings, target.id, reason=reason, now=utc_now(), actor=actor_of(session, by)
        )
        cohort_id = target.id
    _say(report, "Atelier annulé")
    _deliver(settings, cohort_id)


def _people(session: Session, cohort_id: int, value: str) -> list[int]:
    return [_application(session, cohort_id, who) for who in value.split(",") if who.strip()]


@session_app.command("attendance")
def session_attendance(
    number: Annotated[int, typer.Argument(help="Le n° de la séance (mentorat session list)")],
    present: Annotated[
        str, typer.Option(help="Présents\u00a0: adresses ou n°, séparés par des virgules")
    ] = "",
    absent: Annotated[
        str, typer.Option(help="Absents\u00a0: adresses ou n°, séparés par des virgules")
    ] = "",
    by: By_ = None,
) -> None:
    """Enregistre qui est venu à une séance qui a eu lieu."""
    from mentorat.services import fixes

    with _fixing() as (_, session):
        cohort_id = _session_cohort(session, number)
        if cohort_id is None:
            raise ServiceError(f"aucune séance n° {number}.")
        marks = {app: True for app in _people(session, cohort_id, present)}
        for app in _people(session, cohort_id, absent):
            if app in marks:
                raise ServiceError(f"la candidature n° {app} est à la fois présente et absente.")
            marks[app] = False
        if not marks:
            raise ServiceError("indiquez au moins une personne présente ou absente.")
        count = fixes.record_attendance(
            session, number, marks, now=utc_now(), actor=actor_of(session, by)
        )
    console.print(f"Présences de la séance {number} enregistrées\u00a0: {count} personnes.")


def register(person_app: typer.Typer) -> None:
    """The person commands live in the `person` group beside `erase`."""
    person_app.command("address")(person_address)
    person_app.command("withdraw")(person_withdraw)
