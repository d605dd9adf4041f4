"""Operator alerts that do not belong to one phase: addresses that bounced, and messages
refused for now by a recipient's server for longer than MENTORAT_DEFER_ALERT_HOURS."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import task
from sqlalchemy import select

from mentorat.delivery import long_deferred
from mentorat.mail.words import role_fr
from mentorat.settings import get_settings
from models import Application, OutboxMessage, Person
from tasks.context import PhaseContext, run_phase
from tasks.policy import PHASE_TASK

# Runs before the pairs are approved too.
AFTER_APPROVAL = False


@task(name="operator-alerts", **PHASE_TASK)
def operator_alerts(cohort_id: int, now: datetime) -> dict[str, Any]:
    return run_phase(get_settings(), cohort_id, now, advance, after_approval=AFTER_APPROVAL)


def advance(ctx: PhaseContext) -> None:
    failing = list(
        ctx.session.execute(
            select(Person, Application)
            .join(Application, Application.person_id == Person.id)
            .where(Application.cohort_id == ctx.cohort.id, Person.email_status == "failing")
            .order_by(Person.id)
        )
    )
    ctx.send(
        [
            ctx.operator_letter(
                "alert_bounce",
                person.id,
                kind="bounce",
                title="Adresse électronique en échec",
                lines=[
                    f"{person.first_name} {person.last_name} ({role_fr(app.role)}, "
                    f"candidature n°\u00a0{app.id})",
                    f"Adresse refusée\u00a0: {person.email}",
                    "Plus aucun message ne lui est envoyé. "
                    "Corrigez l’adresse puis relancez la cohorte.",
                ],
            )
            for person, app in failing
        ],
        "operator_alert",
    )
    _deferred_alerts(ctx)


def _deferred_alerts(ctx: PhaseContext) -> None:
    """One alert per address refused for now past the delay (keyed by its oldest waiting
    message: once, however many runs see it)."""
    by_address: dict[str, list[OutboxMessage]] = {}
    for row in long_deferred(ctx.session, ctx.cohort.id):
        by_address.setdefault(row.to_addr, []).append(row)
    ctx.send(
        [
            ctx.operator_letter(
                "alert_deferred",
                rows[0].id,
                kind="deferred",
                title="Message en attente chez le destinataire",
                lines=[
                    f"Adresse\u00a0: {address}",
                    f"{len(rows)} message(s) refusé(s) temporairement depuis plus de "
                    f"{ctx.settings.defer_alert_hours:g}\u00a0h "
                    f"(dernière réponse du serveur\u00a0: {rows[-1].last_error})",
                ],
            )
            for address, rows in by_address.items()
        ],
        "operator_alert",
    )
