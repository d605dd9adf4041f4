"""A whole cohort in seconds: simulated participants and a simulated clock.

Used by `mentorat demo`, the end-to-end tests and the benchmark. ``setup_cohort`` creates
the programme and the cohort, lists the people its call goes to and imports the
applications of a simulated population (``demo.population``), at once or, given
``applications_at``, during the call; ``run_cohort`` drives it to its end: the clock jumps
from one due date to the next, as the cohort flow schedules itself, the applications come
in when they are due, and the participants (``demo.participants``) answer in between,
through the same service layer as the web pages would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from demo.participants import Participants
from demo.population import Population, population
from mentorat.db import session_scope
from mentorat.services import applications, cohorts, programmes
from mentorat.settings import Settings
from models import Cohort

# In the demo, the candidates apply a few days into the call, before its reminder.
APPLY_AFTER = timedelta(days=5)


@contextmanager
def _no_heartbeats() -> Iterator[None]:
    """Flow-run heartbeats detect crashed runs of real cohorts; a simulated run lasts a
    second, and stopping the heartbeat thread costs up to one second per run."""
    import prefect.settings

    setting = prefect.settings.PREFECT_FLOWS_HEARTBEAT_FREQUENCY
    with prefect.settings.temporary_settings(updates={setting: None}):
        yield


def run_cohort(
    settings: Settings,
    cohort_id: int,
    behaviour: dict[str, str],
    run_flow: Callable[[datetime], dict[str, Any]],
    *,
    on_step: Callable[[datetime, dict[str, Any]], None] | None = None,
    max_steps: int = 200,
    population: Population | None = None,
) -> Participants:
    """Drive the cohort to its end: run the flow at each due date, let participants answer.

    Given the `population` of ``setup_cohort(..., applications_at=...)``, its applications
    are imported at that moment (the clock stops there), and the next run acknowledges them."""
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        now = cohort.call_opens_at
    # When the applications are still to come in (None: they are in already).
    arrives_at = population.applications_at if population is not None else None
    participants = Participants(settings, cohort_id, behaviour)
    if settings.emit_events:
        # An answer's event would start runs on a Prefect server while the caller drives time.
        raise ValueError("the simulation drives the flow itself: set MENTORAT_EMIT_EVENTS=false")
    with _no_heartbeats():
        for _ in range(max_steps):
            if population is not None and arrives_at is not None and now >= arrives_at:
                receive_applications(settings, cohort_id, population, now)
                arrives_at = None
            result = run_flow(now)
            if on_step:
                on_step(now, result)
            # People answer a few hours after the emails of this step arrive.
            answered = participants.act(now + timedelta(hours=3))
            following = result.get("next_run")
            if following is None:
                if not answered:
                    break
                # An answer (the operator's approval) wakes the cohort, as its event would.
                now += timedelta(hours=4)
                continue
            now = datetime.fromisoformat(following)
            if arrives_at is not None:
                now = min(now, arrives_at)
        else:
            raise RuntimeError("the cohort did not finish within max_steps")
    return participants


def setup_cohort(
    settings: Settings,
    *,
    programme: str,
    pairs: int,
    opens_at: datetime,
    code: str | None = None,
    seed: int = 7,
    domain: str = "exemple.fr",
    bounce_domain: str | None = None,
    applications_at: datetime | None = None,
) -> tuple[int, Population]:
    """Programme from its preset, a cohort, the people its call goes to (the candidates and
    about a third more who never apply), launched. The candidates' applications are imported
    at the call's opening, before the call goes out; given `applications_at` (during the
    call), they are left for ``run_cohort(..., population=pop)`` to import then, as people
    answer the call (`pop.applications_at`)."""
    pop = population(pairs, programme, seed=seed, domain=domain, bounce_domain=bounce_domain)
    with session_scope(settings.database_url) as session:
        programmes.add_programme(session, programme, now=opens_at, actor="operator:demo")
        cohort = cohorts.create_cohort(
            session,
            programme_slug=programme,
            code=code or f"{programme.upper()}-{opens_at:%Y}",
            label=f"Cohorte {opens_at:%Y}–{opens_at.year + 1}",
            call_opens_at=opens_at,
            operator_name="Camille Roux",
            operator_email=f"rh-mentorat@{domain}",
            supervisor_name="Dominique Perret",
            supervisor_email=f"referent@{domain}",
            now=opens_at,
            actor="operator:demo",
        )
        applications.add_call_recipients(session, cohort, pop.recipients, now=opens_at)
        if applications_at is None:
            applications.import_applications(
                session, cohort, pop.rows, now=opens_at, actor="operator:demo"
            )
        else:
            pop.applications_at = applications_at
        cohorts.launch_cohort(session, cohort, now=opens_at, actor="operator:demo")
        cohort_id = cohort.id
    return cohort_id, pop


def receive_applications(
    settings: Settings, cohort_id: int, pop: Population, now: datetime
) -> None:
    """The candidates answer the call: their applications (`pop.rows`), as the operator
    imports them, at `now`."""
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        applications.import_applications(session, cohort, pop.rows, now=now, actor="operator:demo")
