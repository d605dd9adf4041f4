"""Six monthly check-ins: request, one reminder, close; escalate after missed months or on
a request for help (the supervisor is told, and the mentor is offered an individual session)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from prefect import task
from sqlalchemy import Row, and_, or_, select

from mentorat.mail.dates import date_fr
from mentorat.mail.words import role_fr
from mentorat.outbox import Letter, existing_keys, letter_key, person_letter, withdraw_pending
from mentorat.settings import get_settings
from mentorat.timeline import CheckInMonth
from models import Application, CheckIn, OutboxMessage, Pair
from tasks import supervision
from tasks.context import PhaseContext, run_phase
from tasks.policy import PHASE_TASK

# Runs once the operator has approved the pairs.
AFTER_APPROVAL = True


@task(name="monthly-check-ins", **PHASE_TASK)
def monthly_checkins(cohort_id: int, now: datetime) -> dict[str, Any]:
    return run_phase(get_settings(), cohort_id, now, advance, after_approval=AFTER_APPROVAL)


def _ensure_rows(
    ctx: PhaseContext,
    month: CheckInMonth,
    pairs: Sequence[Row[tuple[int, int, int, datetime | None]]],
) -> None:
    existing = set(
        ctx.session.execute(
            select(CheckIn.pair_id, CheckIn.application_id).where(
                CheckIn.cohort_id == ctx.cohort.id, CheckIn.month == month.month
            )
        )
    )
    for pair in pairs:
        # A pair that signed late joins from the first month due after it became active.
        if pair.activated_at is None or pair.activated_at > month.due_at:
            continue
        for app_id in (pair.mentor_application_id, pair.mentee_application_id):
            if (pair.id, app_id) not in existing:
                ctx.session.add(
                    CheckIn(
                        cohort_id=ctx.cohort.id,
                        pair_id=pair.id,
                        application_id=app_id,
                        month=month.month,
                        due_at=month.due_at,
                        closes_at=month.closes_at,
                        status="open",
                    )
                )
    ctx.session.flush()


def advance(ctx: PhaseContext) -> None:
    t = ctx.timeline
    due = [m for m in t.checkins if m.due_at <= ctx.now]
    if not due:
        return
    last = t.checkins[-1]
    if ctx.now > last.closes_at and not _any_open(ctx):
        return  # all six months are closed and their escalations written
    ctx.cohort.phase = "checkins"
    # Plain rows, not ORM pairs: this runs at every due date of a cohort of thousands.
    pairs = ctx.session.execute(
        select(
            Pair.id, Pair.mentor_application_id, Pair.mentee_application_id, Pair.activated_at
        ).where(Pair.cohort_id == ctx.cohort.id, Pair.status == "active")
    ).all()
    apps_by_id = {a.id: a for a in ctx.applications()}
    partner_of: dict[int, Application] = {}
    mentor_of: dict[int, Application] = {}
    for pair in pairs:
        mentor, mentee = (
            apps_by_id[pair.mentor_application_id],
            apps_by_id[pair.mentee_application_id],
        )
        partner_of[mentor.id], partner_of[mentee.id] = mentee, mentor
        mentor_of[mentor.id] = mentor_of[mentee.id] = mentor
    for month in due:
        _ensure_rows(ctx, month, pairs)
        rows = list(
            ctx.session.scalars(
                select(CheckIn)
                .where(CheckIn.cohort_id == ctx.cohort.id, CheckIn.month == month.month)
                .order_by(CheckIn.id)
            )
        )
        apps = {a.id: a for a in ctx.applications()}

        def letters(
            kind: str,
            step: str,
            only_open: bool,
            rows: list[CheckIn] = rows,
            month: CheckInMonth = month,
            apps: dict[int, Application] = apps,
        ) -> list[Letter]:
            written = existing_keys(ctx.session, ctx.cohort.id, step)
            out: list[Letter] = []
            for row in rows:
                if row.status == "ended" or (only_open and row.status != "open"):
                    continue  # "ended": the pair ended during the month (services.fixes)
                app = apps[row.application_id]
                if letter_key(ctx.cohort.id, step, f"p{app.person_id}", row.id) in written:
                    continue
                form = ctx.url(app.person_id, "checkin", row.id)
                out.append(
                    person_letter(
                        kind,
                        step,
                        row.id,
                        app.person,
                        role=app.role,
                        month=month.month,
                        partner={"first_name": partner_of[app.id].person.first_name},
                        deadline=month.closes_at,
                        urls={
                            "met": f"{form}?reponse=vu",
                            "not_met": f"{form}?reponse=pas-vu",
                            "need_help": f"{form}?reponse=aide",
                            "form": form,
                        },
                    )
                )
                out[-1].reply_purpose = "checkin"
            return out

        # A request or a reminder after the month has closed would ask for nothing.
        if ctx.now < month.closes_at:
            ctx.send(
                letters("checkin_request", f"checkin{month.month}", only_open=False),
                "checkin_request",
            )
        if month.reminder_at <= ctx.now < month.closes_at:
            ctx.send(
                letters("checkin_reminder", f"checkin{month.month}_reminder", only_open=True),
                "checkin_reminder",
            )
        if ctx.now >= month.closes_at:
            _close_month(ctx, month, rows, apps)
    ctx.session.flush()
    _escalate(ctx, partner_of, mentor_of)


def _close_month(
    ctx: PhaseContext, month: CheckInMonth, rows: list[CheckIn], apps: dict[int, Application]
) -> None:
    """Close a month: its request and reminder still waiting in the outbox (held back by a
    mail server down, or by Mentorat itself down) are withdrawn, as they would ask for an
    answer before a past date. Whoever was asked and did not answer missed the month; whoever
    was never asked did not ("unasked": no escalation), and the operator is told once."""
    if not any(row.status == "open" for row in rows):
        return  # closed at an earlier run
    steps = (f"checkin{month.month}", f"checkin{month.month}_reminder")
    withdrawn = withdraw_pending(
        ctx.session,
        ctx.cohort.id,
        steps,
        "retiré : le point mensuel était clos avant que le message parte",
    )
    if withdrawn:
        ctx.counts["checkin_withdrawn"] += withdrawn
    # The request reached the mail server (or was refused by it, which the bounce alert says).
    asked = set(
        ctx.session.scalars(
            select(OutboxMessage.person_id).where(
                OutboxMessage.cohort_id == ctx.cohort.id,
                OutboxMessage.step == steps[0],
                OutboxMessage.status.in_(("sent", "sending", "failed")),
            )
        )
    )
    unasked: list[Application] = []
    for row in rows:
        if row.status != "open":
            continue
        app = apps[row.application_id]
        if app.person_id in asked:
            row.status = "missed"
            ctx.counts["checkin_missed"] += 1
        else:
            row.status = "unasked"
            unasked.append(app)
    if unasked:
        ctx.counts["checkin_unasked"] += len(unasked)
        ctx.send([_unasked_alert(ctx, month, unasked)], "operator_alert")


# Names listed in the operator's alert; beyond, a count.
UNASKED_LISTED = 20


def _unasked_alert(ctx: PhaseContext, month: CheckInMonth, unasked: list[Application]) -> Letter:
    count = len(unasked)
    who = (
        "1\u00a0participant n’a pas reçu"
        if count == 1
        else f"{count}\u00a0participants n’ont pas reçu"
    )
    names = [
        f"{app.person.first_name} {app.person.last_name} ({role_fr(app.role)})"
        for app in unasked[:UNASKED_LISTED]
    ]
    if count > UNASKED_LISTED:
        names.append(f"et {count - UNASKED_LISTED}\u00a0autres")
    return ctx.operator_letter(
        "alert_checkin_unasked",
        month.month,
        kind="checkin_unasked",
        title=f"Point mensuel n°\u00a0{month.month} clos sans avoir été demandé",
        lines=[
            f"{who} la demande du point mensuel n°\u00a0{month.month} avant sa clôture, le "
            f"{date_fr(month.closes_at)}\u00a0: elle n’a pas pu partir à temps (serveur de "
            "messagerie indisponible, boîte de réception pleine ou Mentorat arrêté).",
            f"Personnes concernées\u00a0: {', '.join(names)}.",
        ],
    )


def _any_open(ctx: PhaseContext) -> bool:
    return (
        ctx.session.scalar(
            select(CheckIn.id)
            .where(CheckIn.cohort_id == ctx.cohort.id, CheckIn.status == "open")
            .limit(1)
        )
        is not None
    )


def _escalate(
    ctx: PhaseContext,
    partner_of: dict[int, Application],
    mentor_of: dict[int, Application],
) -> None:
    # Only the rows that can escalate: missed months, months without a meeting ("pas vu")
    # and requests for help.
    rows = list(
        ctx.session.scalars(
            select(CheckIn)
            .where(
                CheckIn.cohort_id == ctx.cohort.id,
                or_(
                    CheckIn.status == "missed",
                    CheckIn.need_help.is_(True),
                    and_(CheckIn.status == "answered", CheckIn.met.is_(False)),
                ),
            )
            .order_by(CheckIn.application_id, CheckIn.month)
        )
    )
    if not rows:
        return
    apps = {a.id: a for a in ctx.applications()}
    threshold = ctx.parts.timing.escalate_after_missed
    not_met_threshold = ctx.parts.timing.escalate_after_not_met
    done = (
        existing_keys(ctx.session, ctx.cohort.id, "escalation_help")
        | existing_keys(ctx.session, ctx.cohort.id, "escalation_missed")
        | existing_keys(ctx.session, ctx.cohort.id, "escalation_not_met")
    )

    pairs_told: set[tuple[int, int]] = set()

    def escalation(
        step: str,
        occurrence: str,
        app: Application,
        reason: str,
        month: int,
        missed: list[int],
        message: str | None,
        pair_id: int | None = None,
    ) -> None:
        if letter_key(ctx.cohort.id, step, "sup", occurrence) in done:
            return
        if pair_id is not None:
            # One alert per pair and month when both say they have not met (this run, or the
            # partner's alert of an earlier run).
            partner_app = partner_of.get(app.id)
            told = partner_app is not None and (
                letter_key(ctx.cohort.id, step, "sup", f"{partner_app.id}-{month}") in done
            )
            if told or (pair_id, month) in pairs_told:
                return
            pairs_told.add((pair_id, month))
        partner = partner_of.get(app.id)
        letter = ctx.supervisor_letter(
            "escalation",
            step,
            occurrence,
            reason=reason,
            month=month,
            missed_months=missed,
            message=message,
            person={
                "first_name": app.person.first_name,
                "last_name": app.person.last_name,
                "role": app.role,
                "email": app.person.email,
            },
            partner={
                "first_name": partner.person.first_name if partner else "",
                "last_name": partner.person.last_name if partner else "",
            },
        )
        if ctx.send([letter], "escalation") and app.id in mentor_of:
            supervision.offer_individual_session(ctx, mentor_of[app.id], reason=step)

    by_app: dict[int, list[CheckIn]] = defaultdict(list)
    for row in rows:
        by_app[row.application_id].append(row)
    for app_id, months in by_app.items():
        app = apps[app_id]
        streak: list[int] = []
        not_met: list[int] = []
        for row in months:
            if row.need_help:
                escalation(
                    "escalation_help",
                    str(row.id),
                    app,
                    "help_requested",
                    row.month,
                    [],
                    row.help_message,
                )
            if row.status == "answered" and row.met is False:
                not_met = [*not_met, row.month] if not_met[-1:] == [row.month - 1] else [row.month]
                if len(not_met) == not_met_threshold:
                    escalation(
                        "escalation_not_met",
                        f"{app_id}-{row.month}",
                        app,
                        "not_meeting",
                        row.month,
                        list(not_met),
                        None,
                        pair_id=row.pair_id,
                    )
            if row.status != "missed":
                continue
            consecutive = bool(streak) and row.month == streak[-1] + 1
            streak = [*streak, row.month] if consecutive else [row.month]
            # Escalate once per streak, when it reaches the programme's threshold.
            if len(streak) == threshold:
                escalation(
                    "escalation_missed",
                    f"{app_id}-{row.month}",
                    app,
                    "missed_checkins",
                    row.month,
                    list(streak),
                    None,
                )
