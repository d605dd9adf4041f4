"""Small lookups the tests share."""

from __future__ import annotations

from mentorat.db import session_scope
from mentorat.settings import get_settings
from models import Cohort


def code_of(cohort_id: int) -> str:
    """The cohort's code (the flow's parameter), from the configured database."""
    with session_scope(get_settings().database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        return cohort.code
