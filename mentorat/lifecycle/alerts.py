"""Operator alerts that do not belong to one phase: addresses that bounced."""

from __future__ import annotations

from sqlalchemy import select

from mentorat.lifecycle.context import PhaseContext
from models import Application, Person


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
                    f"{person.first_name} {person.last_name} ({app.role}, candidature n° {app.id})",
                    f"Adresse refusée\u00a0: {person.email}",
                    "Plus aucun message ne lui est envoyé. "
                    "Corrigez l’adresse puis relancez la cohorte.",
                ],
            )
            for person, app in failing
        ],
        "operator_alert",
    )
