"""The cohort dashboard shown in the Prefect UI: counts per phase, never names."""

from __future__ import annotations

from datetime import datetime

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from mentorat.db import session_scope
from mentorat.mail.dates import datetime_fr
from mentorat.services.bilan import cohort_bilan, headline_markdown
from mentorat.services.status import cohort_rows
from mentorat.settings import get_settings
from models import Cohort


def artifact_key(code: str) -> str:
    # Artifact keys allow lowercase letters, digits and dashes only.
    return "cohort-" + "".join(c if c.isalnum() else "-" for c in code.lower())


def bilan_artifact_key(dashboard_key: str) -> str:
    return dashboard_key + "-bilan"


def next_run_fr(next_run: str | None) -> str:
    """The next run as the operator reads it: Paris time, in French."""
    if not next_run:
        return "aucune prochaine exécution"
    return datetime_fr(datetime.fromisoformat(next_run), weekday=False) + " (heure de Paris)"


@task(name="publish-dashboard", cache_policy=NO_CACHE)
def publish_dashboard(cohort_id: int, now: datetime, next_run: str | None = None) -> str:
    """`next_run`: the cohort's next due date (ISO) as scheduled by this run, or None."""
    with session_scope(get_settings().database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        rows = cohort_rows(session, cohort, now)
        key = artifact_key(cohort.code)
        # Once the cohort is closed, its bilan's headline figures (counts only).
        bilan = (
            headline_markdown(cohort_bilan(session, cohort)) if cohort.phase == "closed" else None
        )
    table = [{"phase": r.phase, "mesure": r.measure, "valeur": r.value} for r in rows]
    table.append(
        {"phase": "Prefect", "mesure": "prochaine exécution", "valeur": next_run_fr(next_run)}
    )
    create_table_artifact(
        key=key,
        table=table,
        description=f"Cohorte n° {cohort_id} : avancement par phase (effectifs, sans nom)",
    )
    if bilan is not None:
        create_markdown_artifact(
            key=bilan_artifact_key(key),
            markdown=bilan,
            description=f"Cohorte n° {cohort_id} : bilan, chiffres clés (effectifs, sans nom)",
        )
    return key
