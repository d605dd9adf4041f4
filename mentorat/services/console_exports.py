"""The console's workbooks: a pair's history and the cohort's lists of people who need
attention (unsigned charters, missed check-ins, help requests, bounced addresses).

French headers; dates are real Excel dates in Paris time shown « 03/12/2026 14:05 »; text
goes through `services.spreadsheets`, so a name such as `=HYPERLINK(…)` stays text. The
lists follow `services.console.attention`'s rules, with the columns a spreadsheet needs
(the pair, the month, the dates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentorat.mail.dates import as_utc
from mentorat.mail.words import role_fr
from mentorat.services.cohorts import timeline_of
from mentorat.services.operators import Viewer
from mentorat.services.pair_history import Event, PairSummary
from mentorat.timeline import charter_shift
from models import (
    Application,
    AuditEvent,
    CharterSignature,
    CheckIn,
    Cohort,
    MatchingDecision,
    OutboxMessage,
    Pair,
    Person,
)

PARIS = ZoneInfo("Europe/Paris")
DATE_FORMAT = "dd/mm/yyyy hh:mm"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The lists, by the name their page section and their address use.
LISTS = {
    "charte": "Charte non signée",
    "points-manques": "Points mensuels manqués",
    "aide": "Demandes d’aide",
    "adresses": "Adresses en échec",
}
TEAM_ONLY = frozenset({"adresses"})


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]]


def excel_date(moment: datetime | None) -> datetime | None:
    """A stored moment (UTC) as the naive Paris time a spreadsheet shows."""
    if moment is None:
        return None
    return as_utc(moment).astimezone(PARIS).replace(tzinfo=None)


def workbook(tables: Sequence[Table]) -> bytes:
    """One sheet per table; datetimes formatted as dates, the header row frozen."""
    # openpyxl (and the NumPy it loads) only when an export is asked for.
    from openpyxl.styles import Font

    from mentorat.services.spreadsheets import fill_sheet, new_workbook

    book, sheet = new_workbook()
    for index, table in enumerate(tables):
        if index:
            sheet = book.create_sheet()
        sheet.title = table.title[:31]  # Excel's limit
        fill_sheet(sheet, table.headers, table.rows)
        sheet.freeze_panes = "A2"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, datetime):
                    cell.number_format = DATE_FORMAT
        for column_cells in sheet.iter_cols():
            width = max((len(str(c.value or "")) for c in column_cells[:200]), default=10)
            letter = column_cells[0].column_letter
            sheet.column_dimensions[letter].width = min(max(width + 2, 12), 60)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def history_table(summary: PairSummary, events: list[Event]) -> Table:
    return Table(
        f"Binôme B-{summary.id}",
        ["Date", "Type", "Événement", "Auteur", "Détails"],
        [[excel_date(e.when), e.kind, e.what, e.who, e.details] for e in events],
    )


# --- The lists ----------------------------------------------------------------------------


def _name(person: Person) -> str:
    return f"{person.first_name} {person.last_name}"


def list_table(
    session: Session, cohort: Cohort, viewer: Viewer, name: str, now: datetime
) -> Table | None:
    """The list `name` (a key of LISTS) as this viewer may read it; None if not theirs."""
    if name not in LISTS or (name in TEAM_ONLY and not viewer.sees_bounces):
        return None
    team = viewer.role != "supervisor"
    if name == "charte":
        return _unsigned(session, cohort, team)
    if name == "points-manques":
        return _missed(session, cohort, team, now)
    if name == "aide":
        return _help(session, cohort, team)
    return _bounced(session, cohort)


def _unsigned(session: Session, cohort: Cohort, team: bool) -> Table:
    signed = set(
        session.execute(
            select(CharterSignature.pair_id, CharterSignature.application_id)
            .join(Pair, Pair.id == CharterSignature.pair_id)
            .where(Pair.cohort_id == cohort.id)
        ).tuples()
    )
    t = timeline_of(cohort)
    rows: list[list[Any]] = []
    for pair, decision in session.execute(
        select(Pair, MatchingDecision)
        .join(MatchingDecision, MatchingDecision.id == Pair.decision_id)
        .where(Pair.cohort_id == cohort.id, Pair.status == "approved")
        .order_by(Pair.id)
    ).tuples():
        formed = pair.created_at if decision.status == "manual" else decision.approved_at
        deadline = (
            t.charter_deadline + charter_shift(t, pair.created_at)
            if t.charter_deadline is not None
            else None
        )
        for app in (pair.mentor, pair.mentee):
            if (pair.id, app.id) in signed:
                continue
            row: list[Any] = [
                _name(app.person),
                role_fr(app.role),
                f"B-{pair.id}",
                excel_date(formed),
                excel_date(deadline),
            ]
            rows.append(row + [app.person.email] if team else row)
    headers = ["Nom", "Rôle", "Binôme", "Binôme validé le", "Échéance de la charte"]
    return Table(LISTS["charte"], headers + (["Adresse électronique"] if team else []), rows)


def _checkin_rows(session: Session, cohort: Cohort, *where: Any) -> list[tuple[CheckIn, Person]]:
    return list(
        session.execute(
            select(CheckIn, Person)
            .join(Application, Application.id == CheckIn.application_id)
            .join(Person, Person.id == Application.person_id)
            .where(CheckIn.cohort_id == cohort.id, *where)
            .order_by(CheckIn.month, Person.last_name, Person.first_name)
        ).tuples()
    )


def _roles(session: Session, cohort: Cohort) -> dict[int, str]:
    return dict(
        session.execute(
            select(Application.id, Application.role).where(Application.cohort_id == cohort.id)
        )
        .tuples()
        .all()
    )


def _missed(session: Session, cohort: Cohort, team: bool, now: datetime) -> Table:
    roles = _roles(session, cohort)
    rows: list[list[Any]] = []
    for checkin, person in _checkin_rows(
        session,
        cohort,
        (CheckIn.status == "missed") | ((CheckIn.status == "open") & (CheckIn.closes_at <= now)),
    ):
        row: list[Any] = [
            _name(person),
            role_fr(roles[checkin.application_id]),
            f"B-{checkin.pair_id}",
            checkin.month,
            excel_date(checkin.closes_at),
        ]
        rows.append(row + [person.email] if team else row)
    headers = ["Nom", "Rôle", "Binôme", "Mois", "Clos le"]
    return Table(
        LISTS["points-manques"], headers + (["Adresse électronique"] if team else []), rows
    )


def _help(session: Session, cohort: Cohort, team: bool) -> Table:
    roles = _roles(session, cohort)
    asked: dict[int | None, datetime] = dict(
        session.execute(
            select(AuditEvent.entity_id, func.min(AuditEvent.at))
            .where(
                AuditEvent.cohort_id == cohort.id,
                AuditEvent.entity == "check_in",
                AuditEvent.action == "checkin.help_requested",
            )
            .group_by(AuditEvent.entity_id)
        )
        .tuples()
        .all()
    )
    rows: list[list[Any]] = []
    for checkin, person in _checkin_rows(session, cohort, CheckIn.need_help.is_(True)):
        row: list[Any] = [
            _name(person),
            role_fr(roles[checkin.application_id]),
            f"B-{checkin.pair_id}",
            checkin.month,
            excel_date(asked.get(checkin.id) or checkin.answered_at or checkin.due_at),
        ]
        # The message is written for the supervisor alone (CheckIn.help_message).
        rows.append(row + [person.email] if team else row + [checkin.help_message or ""])
    headers = ["Nom", "Rôle", "Binôme", "Mois", "Demandée le"]
    extra = ["Adresse électronique"] if team else ["Message"]
    return Table(LISTS["aide"], headers + extra, rows)


def _bounced(session: Session, cohort: Cohort) -> Table:
    members = select(Application.person_id).where(Application.cohort_id == cohort.id)
    undelivered: dict[int | None, int] = dict(
        session.execute(
            select(OutboxMessage.person_id, func.count())
            .where(
                OutboxMessage.cohort_id == cohort.id,
                OutboxMessage.status.in_(("failed", "cancelled")),
            )
            .group_by(OutboxMessage.person_id)
        )
        .tuples()
        .all()
    )
    rows: list[list[Any]] = [
        [_name(p), p.email, p.email_error or "", undelivered.get(p.id, 0)]
        for p in session.scalars(
            select(Person)
            .where(Person.email_status == "failing", Person.id.in_(members))
            .order_by(Person.last_name, Person.first_name)
        )
    ]
    return Table(
        LISTS["adresses"],
        ["Nom", "Adresse en échec", "Motif du refus", "Courriels non remis"],
        rows,
    )
