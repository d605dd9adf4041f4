"""Retention on schedule: each closed cohort's personal data is anonymised a programme-set
number of months after it closed, its operator told some days before
(mentorat.services.retention holds the rules).

Deployed daily (deployments/, prefect.yaml). One run handles every cohort due; Prefect sees
cohort ids and counts only (parameters, logs, the result, the artifact): never a name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from mentorat import db
from mentorat.clock import SystemClock, as_utc
from mentorat.services import erasure, notices, retention
from mentorat.settings import get_settings
from models import Cohort

ARTIFACT_KEY = "retention"


@task(name="retention-due", cache_policy=NO_CACHE)
def cohorts_due(now: datetime) -> tuple[list[int], list[int]]:
    """(cohorts whose notice is due, cohorts to anonymise), by id."""
    with db.session_scope(get_settings().database_url) as session:
        plan = retention.due(session, now)
        return [s.cohort_id for s in plan.notices], [s.cohort_id for s in plan.anonymise]


@task(name="retention-notice", cache_policy=NO_CACHE)
def notify(cohort_id: int, now: datetime) -> bool:
    """Write the notice to the cohort's operator (once), then send it."""
    settings = get_settings()
    with db.session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        dates = retention.schedule(cohort, now)
        written = dates is not None and retention.send_notice(
            session, settings, cohort, dates, now=now
        )
    if written:
        notices.deliver(settings, cohort_id)
    return written


@task(name="retention-anonymise", cache_policy=NO_CACHE)
def anonymise(cohort_id: int, now: datetime) -> dict[str, Any]:
    settings = get_settings()
    with db.session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        result = retention.anonymise_cohort(session, cohort, now, retention.ACTOR)
    if not result.already:
        erasure.reclaim_space(db.engine_for(settings.database_url), result.tables)
    return {
        "cohort_id": cohort_id,
        "already": result.already,
        "people_erased": result.erased,
        "people_kept": result.kept,
        "rows": sum(result.rows.values()),
    }


@task(name="retention-resend", cache_policy=NO_CACHE)
def resend_notices() -> list[int]:
    """Notices left pending by an SMTP outage: a closed cohort has no run to send them."""
    settings = get_settings()
    with db.session_scope(settings.database_url) as session:
        waiting = retention.undelivered_notices(session)
    for cohort_id in waiting:
        notices.deliver(settings, cohort_id)
    return waiting


@flow(name="retention", flow_run_name="conservation-des-donnees", log_prints=False)
def retention_flow(now: datetime | None = None) -> dict[str, Any]:
    """Anonymise les cohortes closes depuis la durée de conservation de leur programme et
    prévient leur opérateur·rice quelques jours avant.

    Args:
        now: Laisser vide : l’horloge du système. Réservé aux démonstrations et aux tests.
    """
    now = as_utc(now) if now else SystemClock().now()
    log = get_run_logger()
    resent = resend_notices()
    to_notify, to_anonymise = cohorts_due(now)
    notified = [cid for cid in to_notify if notify(cid, now)]
    # Due after this run's notices (a cohort notified only now waits its notice's days).
    _, to_anonymise = cohorts_due(now)
    done = [anonymise(cid, now) for cid in to_anonymise]
    done = [d for d in done if not d["already"]]
    for d in done:
        log.info(
            "cohort %s anonymised: %s people erased, %s kept for another cohort, %s rows",
            d["cohort_id"],
            d["people_erased"],
            d["people_kept"],
            d["rows"],
        )
    if notified:
        log.info("retention notice written for cohorts %s", notified)
    summary = {
        "notified": notified,
        "anonymised": [d["cohort_id"] for d in done],
        "people_erased": sum(d["people_erased"] for d in done),
        "people_kept": sum(d["people_kept"] for d in done),
        "notices_resent": resent,
    }
    create_markdown_artifact(key=ARTIFACT_KEY, markdown=_markdown(now, summary, done))
    return summary


def _markdown(now: datetime, summary: dict[str, Any], done: list[dict[str, Any]]) -> str:
    lines = [
        f"# Conservation des données au {now:%Y-%m-%d %H:%M} UTC",
        "",
        f"Avis écrits (cohortes n°)\u00a0: {_ids(summary['notified'])}",
        "",
        "| Cohorte n° | Personnes effacées | Personnes gardées (autre cohorte) | Lignes |",
        "|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {d['cohort_id']} | {d['people_erased']} | {d['people_kept']} | {d['rows']} |"
        for d in done
    ]
    if not done:
        lines.append("| — | 0 | 0 | 0 |")
    return "\n".join(lines) + "\n"


def _ids(ids: list[int]) -> str:
    return ", ".join(str(i) for i in ids) if ids else "aucune"
