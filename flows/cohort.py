"""A cohort, end to end, as one Prefect flow: this file reads as its lifecycle.

A run advances the cohort as far as `now` allows (one task per phase, each in tasks/),
sends what the phases wrote, schedules the next run at the next due date and publishes the
dashboard. Every step is idempotent, so a run may be repeated at any time. `now` is the
clock: the system's by default (accelerated where MENTORAT_CLOCK_SPEED says so), or the
caller's (the demo and the tests drive simulated time by passing it).

A cohort never stops silently: one run of a cohort at a time holds its lease (another run
started meanwhile asks the holder to run again when it ends, and ends); a run that fails or crashes
schedules a run that takes over and tells the operator (flows/recovery.py); the sweeper
(flows/sweeper.py) revives any live cohort left with no run ahead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from prefect import flow, get_client
from prefect.runtime import deployment, flow_run
from sqlalchemy.orm import Session, sessionmaker

from flows.approval import wait_for_approval
from flows.recovery import after_failure
from mentorat.clock import SystemClock, as_utc
from mentorat.db import session_factory
from mentorat.services import run_lease
from mentorat.settings import get_settings
from tasks.alerts import operator_alerts
from tasks.call import call_for_candidates
from tasks.charter import charter
from tasks.checkins import monthly_checkins
from tasks.dashboard import publish_dashboard
from tasks.delivery import deliver_emails
from tasks.evaluation import final_evaluation
from tasks.matching import matching
from tasks.scheduling import (
    cohort_label,
    due_phases,
    resolve_cohort,
    run_name,
    run_tags,
    schedule_next_run,
    schedule_run,
)
from tasks.supervision import supervision_of_mentors
from tasks.workshop import recognition_workshop

BUSY_RETRY = timedelta(minutes=1)


def _run_name() -> str:
    return run_name(str(flow_run.parameters["cohort"]))


@flow(
    name="cohort-lifecycle",
    flow_run_name=_run_name,
    log_prints=False,
    on_failure=[after_failure],
    on_crashed=[after_failure],
)
def cohort_lifecycle(cohort: str, now: datetime | None = None) -> dict[str, Any]:
    """Avance la cohorte jusqu’à maintenant puis programme sa prochaine exécution.

    Args:
        cohort: Code de la cohorte (par exemple MIRHE-2027), telle que lancée avec
            `mentorat cohort launch`.
        now: Laisser vide : l’horloge du système. Réservé aux démonstrations et aux tests.
    """
    cohort_id = resolve_cohort(cohort)
    now = as_utc(now) if now else _clock_now()
    sessions = session_factory(get_settings().database_url)
    owner = str(flow_run.get_id() or f"local-{id(now)}")
    if not _take_the_lease(sessions, cohort_id, owner):
        return _busy(cohort, cohort_id)
    try:
        done = _advance(cohort_id, now)
    finally:
        rerun = run_lease.release(sessions, cohort_id, owner)
    if rerun and deployment.id is not None:
        # A run was turned away while this one held the cohort: run again at once, so that
        # whatever fell due meanwhile is not left to a later date.
        schedule_run(cohort, None, reason="rerun", phase="reprise", key=f"rerun-{owner}")
        done["rerun"] = True
    return done


def _take_the_lease(sessions: sessionmaker[Session], cohort_id: int, owner: str) -> bool:
    """Take the cohort's lease; if another run holds it, ask that run to run again when it
    ends (False), unless it ended in the meantime (take the lease then)."""
    if run_lease.acquire(sessions, cohort_id, owner):
        return True
    if run_lease.ask_rerun(sessions, cohort_id, owner):
        return False
    return run_lease.acquire(sessions, cohort_id, owner)


def _clock_now() -> datetime:
    """The clock, but never before the instant the run was scheduled for: a worker may start
    a run a few seconds early (it prefetches), and a run at a due date must see it due, or it
    would schedule itself again for that same date instead of the next one."""
    clock = SystemClock()
    scheduled = flow_run.scheduled_start_time
    now = clock.now()
    if scheduled is not None:
        now = max(now, clock.cohort_instant(scheduled))
    return now


def _advance(cohort_id: int, now: datetime) -> dict[str, Any]:
    due = due_phases(cohort_id, now)
    done: dict[str, Any] = {}
    if "call" in due:
        done["call"] = call_for_candidates(cohort_id, now)
    if "matching" in due:
        done["matching"] = matching(cohort_id, now)
        while _operator_approves_in_prefect(done["matching"], cohort_id):
            done["matching"] = matching(cohort_id, now)
        due = due_phases(cohort_id, now)  # the approval opens the phases that follow
    if "charter" in due:
        done["charter"] = charter(cohort_id, now)
    if "checkins" in due:
        done["checkins"] = monthly_checkins(cohort_id, now)
    if "supervision" in due:
        done["supervision"] = supervision_of_mentors(cohort_id, now)
    if "evaluation" in due:
        done["evaluation"] = final_evaluation(cohort_id, now)
    if "workshop" in due:
        done["workshop"] = recognition_workshop(cohort_id, now)
    done["delivery"] = deliver_emails(cohort_id)
    # Addresses that bounced during delivery are reported to the operator in this run.
    done["alerts"] = operator_alerts(cohort_id, now)
    if done["alerts"]:
        done["delivery_alerts"] = deliver_emails(cohort_id)
    done["next_run"] = schedule_next_run(cohort_id, now)
    publish_dashboard(cohort_id, now, done["next_run"])
    _label_run(cohort_id)
    return done


def _busy(code: str, cohort_id: int) -> dict[str, Any]:
    """Another run holds the cohort and will run again when it ends (it was asked). In case
    it never ends (its worker killed: the lease then expires), also ask for a run a minute
    later (one per minute however many ask), and end, holding no worker."""
    if deployment.id is not None:
        # A real minute (leases are about processes), shown on the cohort's clock: in
        # accelerated time a cohort minute would be a millisecond and the retries would chain.
        clock = SystemClock()
        real = (datetime.now(UTC) + BUSY_RETRY).replace(second=0, microsecond=0)
        schedule_run(code, clock.cohort_instant(real), reason="busy", phase="attente")
    _label_run(cohort_id, phase="occupee")
    return {"busy": True}


def _operator_approves_in_prefect(matching_done: dict[str, Any], cohort_id: int) -> bool:
    """Under a deployment, a proposal awaiting approval suspends the run (no worker is held)
    until the operator sends the form in the Prefect UI; elsewhere `mentorat matching
    approve` answers it. True once the operator has answered with "recalculer" or an
    approval: the matching task then runs again (it introduces the approved pairs, or asks
    again about the new proposal)."""
    awaiting = matching_done.get("awaiting_approval") and not matching_done.get("approved")
    if not awaiting or deployment.id is None:
        return False
    _label_run(cohort_id, phase="attente-validation")
    return wait_for_approval(cohort_id)


def _label_run(cohort_id: int, phase: str | None = None) -> None:
    """Name and tag the run after the phase it reached (cohort code and phase, no names)."""
    run_id = flow_run.get_id()
    if run_id is None:
        return
    code, current = cohort_label(cohort_id)
    phase = phase or current
    with get_client(sync_client=True) as client:
        client.update_flow_run(
            UUID(str(run_id)),
            name=f"cohort-{code}-{phase}",
            tags=[*run_tags(code), f"phase:{phase}"],
        )
