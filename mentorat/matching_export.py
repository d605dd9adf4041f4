"""The proposal as rows for the operator's review: on screen, in CSV or XLSX."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import MatchingDecision, Pair

HEADERS = [
    "binome",
    "candidature_mentor",
    "mentor",
    "candidature_mentore",
    "mentore",
    "score",
    "explication",
]


def proposal_rows(session: Session, decision: MatchingDecision) -> list[dict[str, Any]]:
    pairs = session.scalars(select(Pair).where(Pair.decision_id == decision.id).order_by(Pair.id))
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
    if path.suffix.lower() == ".xlsx":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Binômes"
        sheet.append(HEADERS)
        for row in rows:
            sheet.append([row[h] for h in HEADERS])
        left = book.create_sheet("Sans binôme")
        left.append(["candidature", "role", "raison"])
        for item in unmatched:
            left.append([item["application_id"], item["role"], item["reason"]])
        book.save(path)
        return
    # French Excel opens UTF-8 with a BOM and ";" correctly.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADERS, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
