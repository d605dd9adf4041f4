"""Send the cohort's pending emails. SMTP 4xx and lost connections raise and are retried
with backoff by Prefect; 5xx marks the address as failing (handled, no retry)."""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.tasks import exponential_backoff

from mentorat.db import session_factory
from mentorat.delivery import send_pending
from mentorat.settings import get_settings


@task(name="deliver-emails", retries=5, retry_delay_seconds=exponential_backoff(backoff_factor=2))
def _deliver(cohort_id: int) -> dict[str, Any]:
    settings = get_settings()
    report = send_pending(session_factory(settings.database_url), settings, cohort_id=cohort_id)
    return {"sent": report.sent, "bounced": report.bounced, "cancelled": report.cancelled}


def deliver_emails(cohort_id: int) -> dict[str, Any]:
    """The delivery task with the retries MENTORAT_SEND_RETRIES and
    MENTORAT_SEND_RETRY_DELAY_SECONDS (first delay, doubled at each retry)."""
    settings = get_settings()
    return _deliver.with_options(
        retries=settings.send_retries,
        retry_delay_seconds=exponential_backoff(backoff_factor=settings.send_retry_delay_seconds),
    )(cohort_id)
