"""The proposal as rows for the operator's review: on screen, in CSV or XLSX (written by
mentorat.services.spreadsheets, so that a name is never a formula)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Application, MatchingDecision, Pair

HEADERS = [
    "binome",
    "candidature_mentor",
    "mentor",
    "candidature_mentore",
    "mentore",
    "score",
    "explication",
]
UNMATCHED_HEADERS = ["candidature", "role", "raison"]


def proposal_rows(session: Session, decision: MatchingDecision) -> list[dict[str, Any]]:
    # Both members and their names in three queries, not three per pair (1,000 pairs).
    pairs = session.scalars(
        select(Pair)
        .where(Pair.decision_id == decision.id)
        .order_by(Pair.id)
        .options(
            selectinload(Pair.mentor).selectinload(Application.person),
            selectinload(Pair.mentee).selectinload(Application.person),
        )
    )
    return [
        {
            "binome": pair.id,
            "candidature_mentor": pair.mentor_application_id,
            "mentor": f"{pair.mentor.person.first_name} {pair.mentor.person.last_name}",
            "candidature_mentore": pair.mentee_application_id,
            "mentore": f"{pair.mentee.person.first_name} {pair.mentee.person.last_name}",
            "score": pair.score,
            "explication": pair.explanation,
        }
        for pair in pairs
    ]


def write_export(path: Path, rows: list[dict[str, Any]], unmatched: list[dict[str, Any]]) -> None:
    # openpyxl (and the NumPy it loads) only when an export is asked for.
    from mentorat.services.spreadsheets import fill_sheet, new_workbook, write_csv

    cells = [[row[h] for h in HEADERS] for row in rows]
    if path.suffix.lower() != ".xlsx":
        write_csv(path, HEADERS, cells)
        return
    book, sheet = new_workbook()
    sheet.title = "Binômes"
    fill_sheet(sheet, HEADERS, cells)
    fill_sheet(
        book.create_sheet("Sans binôme"),
        UNMATCHED_HEADERS,
        ([item["application_id"], item["role"], item["reason"]] for item in unmatched),
    )
    book.save(path)
