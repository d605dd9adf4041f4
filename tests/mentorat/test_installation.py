"""Each database gets its own installation id at init, and keeps it."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from mentorat import db
from mentorat.installation import installation_id
from models import Installation
from tests.conftest import BACKENDS, fresh_database


@pytest.mark.parametrize("kind", BACKENDS)
def test_two_databases_have_two_stable_installation_ids(kind, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        fresh_database(kind, tmp_path / "a") as url_a,
        fresh_database(kind, tmp_path / "b") as url_b,
    ):
        with db.session_scope(url_a) as s:
            first = installation_id(s)
        with db.session_scope(url_a) as s:
            assert installation_id(s) == first
        db.upgrade(url_a)  # a later `mentorat init` keeps it
        with db.session_scope(url_a) as s:
            assert installation_id(s) == first
        with db.session_scope(url_b) as s:
            other = installation_id(s)
    assert len(first) == 16 and int(first, 16) >= 0
    assert other != first


def test_a_missing_row_is_made_again_once(tmp_path):
    with fresh_database("sqlite", tmp_path) as url:
        with db.session_scope(url) as s:
            s.execute(delete(Installation))
        with db.session_scope(url) as s:
            made = installation_id(s)
        with db.session_scope(url) as s:
            assert installation_id(s) == made
