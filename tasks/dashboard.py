"""The cohort dashboard shown in the Prefect UI: counts per phase, never names."""

from __future__ import annotations

from datetime import datetime

from prefect import task
from prefect.artifacts import create_table_artifact

from mentorat.db import session_scope
from mentorat.lifecycle.status import cohort_rows
from mentorat.settings import get_settings
from models import Cohort


def artifact_key(code: str) -> str:
    # Artifact keys allow lowercase letters, digits and dashes only.
    return "cohort-" + "".join(c if c.isalnum() else "-" for c in code.lower())


@task(name="publish-dashboard")
def publish_dashboard(cohort_id: int, now: datetime) -> str:
    with session_scope(get_settings().database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        rows = cohort_rows(session, cohort, now)
        key = artifact_key(cohort.code)
    create_table_artifact(
        key=key,
        table=[{"phase": r.phase, "mesure": r.measure, "valeur": r.value} for r in rows],
        description=f"Cohorte n° {cohort_id} : avancement par phase (effectifs, sans nom)",
    )
    return key
