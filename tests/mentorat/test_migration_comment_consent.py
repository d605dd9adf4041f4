"""Migration 0013: the evaluation's comment consent goes down and up again, the answers
kept, and an answer given before it has no consent."""

from __future__ import annotations

from alembic import command
from sqlalchemy import func, inspect, select

from mentorat import db
from mentorat.db import session_scope
from models import EvaluationAnswer
from tests.mentorat.test_migrations import _config, _differences
from tests.reports import world


def columns(url: str) -> set[str]:
    return {c["name"] for c in inspect(db.engine_for(url)).get_columns("evaluation_answer")}


def test_the_comment_consent_column_goes_down_and_up_and_defaults_to_no(database_url):
    with session_scope(database_url) as session:
        world.build(session)
        for answer in session.scalars(select(EvaluationAnswer)):
            answer.comment_consent = True
    with session_scope(database_url) as session:
        before = session.scalar(select(func.count()).select_from(EvaluationAnswer))
    assert before
    config = _config(database_url)

    command.downgrade(config, "0012")
    db.engine_for(database_url).dispose()
    assert "comment_consent" not in columns(database_url)
    assert "comments" in columns(database_url)

    command.upgrade(config, "head")
    db.engine_for(database_url).dispose()
    assert "comment_consent" in columns(database_url)
    assert _differences(database_url) == []
    with session_scope(database_url) as session:
        rows = session.scalars(select(EvaluationAnswer.comment_consent)).all()
    assert len(rows) == before and set(rows) == {False}
