"""Retention on schedule, in simulated time: a closed cohort's operator is told a week before
its date, once; at the date every person of the cohort is erased from every table and from
the SQLite file's bytes, the bilan's figures stay, a person also in a later live cohort
keeps that cohort's data, and a second run changes nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import MetaData, func, select
from typer.testing import CliRunner

from mentorat import db
from mentorat.cli import app
from mentorat.db import session_scope
from mentorat.services import cohorts, erasure, notices, retention
from mentorat.services.bilan import cohort_bilan
from mentorat.settings import Settings
from models import Application, AuditEvent, CallRecipient, Cohort, OutboxMessage, Person
from tests.mentorat.test_erasure import counts, scan_bytes, scan_tables, traces_of
from tests.mentorat.test_erasure import world as world  # noqa: F401 (the fixture)
from tests.web.world import World, active_member

runner = CliRunner()


@dataclass
class Closed:
    """The world's cohort, closed, and a later live cohort one of its mentors joined."""

    world: World
    closed_at: datetime
    date: datetime  # close + 12 months: the anonymisation's date
    later_id: int
    kept_id: int  # the mentor who is also in the later cohort
    kept: dict[str, str]  # their names and address
    needles: list[str]  # the names and addresses of everyone else of the cohort


def close(world: World) -> Closed:
    """End the cohort as its workshop's end does (tasks/workshop.py), then open a later
    cohort of the programme in which one mentor applies again."""
    url = world.settings.database_url
    mentee_id = active_member(world, "mentee")[1]
    traces_of(world, mentee_id)
    _, kept_id = active_member(world, "mentor")
    with session_scope(url) as session:
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None
        cohort.phase = "closed"
        closed_at = cohorts.timeline_of(cohort).workshop_ends_at
        assert closed_at is not None
        later = cohorts.create_cohort(
            session,
            programme_slug=cohort.programme.slug,
            code="MIRHE-LATER",
            label="Cohorte suivante",
            call_opens_at=closed_at + timedelta(days=60),
            operator_name="Camille Roux",
            operator_email="rh-mentorat@exemple.fr",
            supervisor_name="Dominique Perret",
            supervisor_email="referent@exemple.fr",
            now=closed_at,
            actor="operator:test",
        )
        cohorts.launch_cohort(session, later, now=closed_at, actor="operator:test")
        kept = session.get(Person, kept_id)
        assert kept is not None
        session.add(
            Application(
                cohort_id=later.id,
                person_id=kept_id,
                role="mentor",
                channel="web",
                expectations=f"{kept.first_name} {kept.last_name} revient, joignable au "
                f"{kept.email}.",
                created_at=closed_at,
                updated_at=closed_at,
            )
        )
        kept_names = {"first": kept.first_name, "last": kept.last_name, "email": kept.email}
        ids = set(retention.people_of(session, world.cohort_id))
        assert kept_id in ids and len(ids) > 6  # applicants and the call's other recipients
        needles = [
            v
            for p in session.scalars(select(Person).where(Person.id.in_(ids - {kept_id})))
            for v in (p.first_name, p.last_name, p.email)
        ]
        later_id = later.id
    return Closed(
        world,
        closed_at,
        closed_at + relativedelta(months=12),
        later_id,
        kept_id,
        kept_names,
        needles,
    )


def tick(settings: Settings, now: datetime) -> dict[str, Any]:
    """One retention run at `now`, as the flow does it, without Prefect."""
    with session_scope(settings.database_url) as session:
        plan = retention.due(session, now)
    notified = []
    for dates in plan.notices:
        with session_scope(settings.database_url) as session:
            cohort = session.get(Cohort, dates.cohort_id)
            assert cohort is not None
            if retention.send_notice(session, settings, cohort, dates, now=now):
                notified.append(dates.cohort_id)
        notices.deliver(settings, dates.cohort_id)
    with session_scope(settings.database_url) as session:
        plan = retention.due(session, now)
    done = []
    for dates in plan.anonymise:
        with session_scope(settings.database_url) as session:
            cohort = session.get(Cohort, dates.cohort_id)
            assert cohort is not None
            result = retention.anonymise_cohort(session, cohort, now, retention.ACTOR)
        erasure.reclaim_space(db.engine_for(settings.database_url), result.tables)
        done.append(result)
    return {"notified": notified, "anonymised": done}


def rows_of_cohort(url: str, cohort_id: int, needles: list[str]) -> list[str]:
    """The needles found in the rows of one cohort (tables with a cohort_id column)."""
    engine = db.engine_for(url)
    meta = MetaData()
    meta.reflect(engine)
    hits = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            if "cohort_id" not in table.c:
                continue
            for row in conn.execute(table.select().where(table.c.cohort_id == cohort_id)):
                shown = str(dict(row._mapping)).lower()
                hits += [f"{table.name}: {n}" for n in needles if n.lower() in shown]
    return hits


def bilan_of(url: str, cohort_id: int) -> Any:
    """The cohort's bilan, every figure of it. The objectives' labels are the applicants'
    own words, erased with them: the groups keep their tags (and their figures)."""
    with session_scope(url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        bilan = cohort_bilan(session, cohort)
    assert bilan.objectives and bilan.checkins_answered and bilan.evaluation_respondents
    return replace(bilan, objectives=[replace(g, label=g.tag) for g in bilan.objectives])


def notices_to_operator(smtp: Any) -> list[Any]:
    return [
        m.message()
        for m in smtp.messages
        if "Anonymisation de la cohorte" in str(m.message()["Subject"])
    ]


def test_the_operator_is_told_a_week_before_once_then_the_cohort_is_anonymised(world, smtp):
    url = world.settings.database_url
    c = close(world)
    week_before = c.date - timedelta(days=7)
    assert len(scan_tables(url, c.needles)) > 20  # the scan finds them where they are
    bilan_before = bilan_of(url, world.cohort_id)
    later_before = rows_of_cohort(url, c.later_id, list(c.kept.values()))
    assert later_before

    # Before the week: nothing. At the week: one notice. The days after: nothing more.
    assert tick(world.settings, week_before - timedelta(minutes=1)) == {
        "notified": [],
        "anonymised": [],
    }
    assert notices_to_operator(smtp) == []
    assert tick(world.settings, week_before)["notified"] == [world.cohort_id]
    for day in range(1, 7):
        assert tick(world.settings, week_before + timedelta(days=day)) == {
            "notified": [],
            "anonymised": [],
        }
    told = notices_to_operator(smtp)
    assert len(told) == 1
    assert told[0]["To"] == "rh-mentorat@exemple.fr"
    body = told[0].get_body(("plain",)).get_content()
    assert "Cohorte 2027–2028" in body and "(MIRHE-2027)" in body
    people = len({*c.needles[2::3], c.kept["email"]})
    assert f"Personnes concernées\u00a0: {people}." in body
    assert "mentorat cohort report --cohort MIRHE-2027 --out bilan.pdf" in body
    assert "à partir du" in body and str(c.date.year) in body
    assert scan_tables(url, c.needles) != []  # nothing erased during the week

    # The date: everyone of the cohort erased, but the mentor of the later cohort.
    run = tick(world.settings, c.date)
    [done] = run["anonymised"]
    assert (done.erased, done.kept) == (people - 1, 1)
    assert scan_tables(url, c.needles) == []
    if url.startswith("sqlite"):
        assert scan_bytes(url, c.needles) == []
    assert rows_of_cohort(url, world.cohort_id, list(c.kept.values())) == []
    # The later cohort keeps its data of the mentor, who keeps their identity.
    assert rows_of_cohort(url, c.later_id, list(c.kept.values())) == later_before
    with session_scope(url) as session:
        kept = session.get(Person, c.kept_id)
        assert kept is not None and kept.erased_at is None and kept.email == c.kept["email"]
    assert bilan_of(url, world.cohort_id) == bilan_before
    with session_scope(url) as session:
        events = {
            e.action: e
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action.like("retention.%"))
            )
        }
        assert set(events) == {"retention.notice_sent", "retention.anonymised"}
        assert events["retention.anonymised"].details["people_erased"] == people - 1
        assert events["retention.anonymised"].details["people_kept"] == 1
        assert events["retention.anonymised"].details["rows"]["outbox_message"] > 0
        assert events["retention.notice_sent"].details["people"] == people
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None and cohort.anonymised_at == c.date

    # A second run, and the next days': nothing changes.
    settled = counts(url)
    for day in (0, 1, 30):
        assert tick(world.settings, c.date + timedelta(days=day)) == {
            "notified": [],
            "anonymised": [],
        }
    assert counts(url) == settled
    with session_scope(url) as session:
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None
        assert retention.anonymise_cohort(session, cohort, c.date, "test").already
    assert len(notices_to_operator(smtp)) == 1


def test_the_mentor_is_erased_everywhere_with_the_later_cohort(world, smtp):
    url = world.settings.database_url
    c = close(world)
    tick(world.settings, c.date - timedelta(days=7))
    tick(world.settings, c.date)
    with session_scope(url) as session:
        later = session.get(Cohort, c.later_id)
        assert later is not None
        later.phase = "closed"
        later.matching_approved_at = later.call_opens_at + timedelta(days=40)
        later_date = cohorts.timeline_of(later).workshop_ends_at
        assert later_date is not None
    later_date += relativedelta(months=12)
    assert rows_of_cohort(url, c.later_id, list(c.kept.values()))
    tick(world.settings, later_date - timedelta(days=7))
    [done] = tick(world.settings, later_date)["anonymised"]
    assert (done.erased, done.kept) == (1, 0)
    assert scan_tables(url, list(c.kept.values())) == []
    if url.startswith("sqlite"):
        assert scan_bytes(url, list(c.kept.values())) == []


def test_a_notice_written_late_still_gives_the_operator_its_week(world, smtp):
    c = close(world)
    late = c.date + timedelta(days=30)  # the schedule was deployed after the date
    run = tick(world.settings, late)
    assert run["notified"] == [world.cohort_id] and run["anonymised"] == []
    assert tick(world.settings, late + timedelta(days=6, hours=23))["anonymised"] == []
    [done] = tick(world.settings, late + timedelta(days=7))["anonymised"]
    assert done.erased > 0


def test_a_cohort_not_closed_is_never_due(world):
    with session_scope(world.settings.database_url) as session:
        far = datetime.now().astimezone() + relativedelta(years=20)
        plan = retention.due(session, far)
        assert plan.notices == [] and plan.anonymise == []


def test_the_programme_sets_the_months(world, smtp):
    c = close(world)
    with session_scope(world.settings.database_url) as session:
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None
        settings = dict(cohort.programme.settings)
        settings["privacy"] = {**settings.get("privacy", {}), "retention_months": 24}
        cohort.programme.settings = settings
    assert tick(world.settings, c.date)["notified"] == []
    two_years = c.closed_at + relativedelta(months=24)
    assert tick(world.settings, two_years - timedelta(days=7))["notified"] == [world.cohort_id]


def test_the_command_shows_what_is_due_then_does_it_in_french(world, smtp, monkeypatch):
    from mentorat.cli import retention as command

    url = world.settings.database_url
    c = close(world)
    monkeypatch.setattr(command, "utc_now", lambda: c.date - timedelta(days=7))
    shown = runner.invoke(app, ["retention", "run", "--dry-run"])
    assert shown.exit_code == 0, shown.output
    assert "Avis à envoyer\u00a0: cohorte MIRHE-2027" in shown.output
    assert "Rien n’a été écrit ni envoyé" in shown.output
    assert notices_to_operator(smtp) == []
    with session_scope(url) as session:
        assert (
            session.scalar(select(func.count()).where(OutboxMessage.kind == "retention_notice"))
            == 0
        )
    told = runner.invoke(app, ["retention", "run"])
    assert told.exit_code == 0 and "Avis écrit" in told.output
    assert len(notices_to_operator(smtp)) == 1
    monkeypatch.setattr(command, "utc_now", lambda: c.date)
    done = runner.invoke(app, ["retention", "run"])
    assert done.exit_code == 0, done.output
    said = re.sub(r"[ \n]+", " ", done.output)
    erased = len(c.needles) // 3
    assert f"Cohorte MIRHE-2027 anonymisée\u00a0: {erased} personnes effacées partout, " in said
    assert "1 personne effacée de cette cohorte seulement" in said
    assert scan_tables(url, c.needles) == []
    again = runner.invoke(app, ["retention", "run"])
    assert again.exit_code == 0 and "Aucune cohorte à prévenir ni à anonymiser." in again.output


def test_call_recipients_who_never_applied_are_people_of_the_cohort(world):
    with session_scope(world.settings.database_url) as session:
        recipients = set(
            session.scalars(
                select(CallRecipient.person_id).where(CallRecipient.cohort_id == world.cohort_id)
            )
        )
        applicants = set(
            session.scalars(
                select(Application.person_id).where(Application.cohort_id == world.cohort_id)
            )
        )
        assert recipients - applicants
        assert recipients | applicants <= set(retention.people_of(session, world.cohort_id))
