"""Free-text comments in the bilan: quoted only where their author ticked the consent box,
only for a role whose answers reach the anonymity threshold, without the names of the
cohort's people; anything else is counted, never quoted."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from mentorat.db import session_scope
from mentorat.mail.typography import visible_text
from mentorat.reports import write_bilan
from mentorat.services import erasure
from mentorat.services.bilan import NAME_REMOVED, Bilan, cohort_bilan
from mentorat.services.cohorts import get_cohort
from models import Application, EvaluationAnswer, Pair
from tests.reports import world

KEPT = "Ne pas publier ceci, merci."
GROUP_TOO_SMALL = "Une mentorée trop seule pour être citée."
GOOD = "Très bon programme."


def comment(session, app: Application, text: str, consent: bool) -> None:  # type: ignore[no-untyped-def]
    answer = session.scalar(
        select(EvaluationAnswer).where(EvaluationAnswer.application_id == app.id)
    )
    assert answer is not None
    answer.comments, answer.comment_consent = text, consent


@pytest.fixture
def cohort(database_url: str) -> dict[str, str]:
    """MIRHE-2028 of the known world (5 mentors' answers: published; 3 mentees': not), with
    comments: two mentors allow theirs (one names the partner), one does not, M1's stays
    without consent, and a mentee allows hers."""
    with session_scope(database_url) as session:
        w = world.build(session)
        m2, m3, m4 = w.mentors[1], w.mentors[2], w.mentors[3]
        pair = session.scalar(select(Pair).where(Pair.mentor_application_id == m2.id))
        assert pair is not None
        partner = pair.mentee.person
        named = f"Des échanges précieux avec {partner.first_name} {partner.last_name}."
        comment(session, m2, named, consent=True)
        comment(session, m3, KEPT, consent=False)
        comment(session, m4, GOOD, consent=True)
        comment(session, w.mentees[0], GROUP_TOO_SMALL, consent=True)
        return {
            "code": w.code,
            "named": named,
            "partner": partner.last_name,
            "m4_person": str(m4.person_id),
        }


def bilan_of(database_url: str, code: str) -> Bilan:
    with session_scope(database_url) as session:
        return cohort_bilan(session, get_cohort(session, code))


def test_only_allowed_comments_of_a_group_at_the_threshold_are_quoted(database_url, cohort):
    bilan = bilan_of(database_url, cohort["code"])
    mentors, mentees = bilan.comment_groups
    assert (mentors.role, mentors.published, mentors.written, mentors.allowed) == (
        "mentor",
        True,
        4,  # M1 (kept from the world), M2, M3, M4
        2,
    )
    assert mentors.texts == [f"Des échanges précieux avec {NAME_REMOVED}.", GOOD]
    assert (mentees.published, mentees.texts) == (False, [])
    assert bilan.comments == 6  # every comment is counted


def test_the_files_quote_the_allowed_comments_and_nothing_else(
    database_url, cohort, tmp_path: Path
):
    from openpyxl import load_workbook

    bilan = bilan_of(database_url, cohort["code"])
    html_path, xlsx_path = tmp_path / "bilan.html", tmp_path / "bilan.xlsx"
    write_bilan(bilan, html_path, now=world.T0)
    write_bilan(bilan, xlsx_path, now=world.T0)
    text = visible_text(html_path.read_text(encoding="utf-8"))
    assert f"«\u00a0{GOOD}\u00a0»" in text
    assert f"Des échanges précieux avec {NAME_REMOVED}." in text
    assert "Mentors\u00a0: 2 commentaires publiés sur 4" in text
    for absent in (KEPT, GROUP_TOO_SMALL, cohort["partner"], *world.SECRETS):
        assert absent not in text
    book = load_workbook(xlsx_path)
    quoted = list(book["Commentaires"].iter_rows(values_only=True))
    assert quoted[1:] == [
        ("Mentors", f"Des échanges précieux avec {NAME_REMOVED}."),
        ("Mentors", GOOD),
    ]
    cells = " ".join(
        str(v) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for v in r
    )
    assert KEPT not in cells and GROUP_TOO_SMALL not in cells


def test_an_erased_author_is_no_longer_quoted(database_url, cohort):
    with session_scope(database_url) as session:
        erasure.erase_person(session, int(cohort["m4_person"]), actor="operator:test", now=world.T0)
    mentors = bilan_of(database_url, cohort["code"]).comment_groups[0]
    assert GOOD not in mentors.texts and mentors.allowed == 1
