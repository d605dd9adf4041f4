"""A cohort keeps the settings it was created with: a preset edited while it runs changes
nothing in it, and only the operator's audited `update-settings` brings it onto the
programme's current settings, refused where a date has passed or a check-in was sent."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from demo.simulation import setup_cohort
from mentorat.cli import app
from mentorat.db import session_scope
from mentorat.presets import HERE as PRESETS
from mentorat.services import ServiceError, answers, cohort_changes, cohorts, pairing, programmes
from mentorat.settings import Settings
from models import AuditEvent, CheckIn, Cohort, Pair
from tasks import checkins, matching
from tests.conftest import START
from tests.support import phases

CALL_CLOSES = START + timedelta(days=21)
runner = CliRunner()


def edited_jaae(folder: Path, **timing: int) -> Path:
    """The JAAE preset with some of its [timing] edited, as an operator would, in `folder`."""
    folder.mkdir(exist_ok=True)
    shutil.copy(PRESETS / "jaae.charter.md", folder / "jaae.charter.md")
    lines = (PRESETS / "jaae.toml").read_text(encoding="utf-8").splitlines()
    for key, value in timing.items():
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{key} ="))
        lines[at] = f"{key} = {value}"
    path = folder / "jaae.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def running_cohort(settings: Settings, opens_at: datetime = START) -> int:
    """A JAAE cohort whose pairs are approved and have all signed: they are running."""
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=3, opens_at=opens_at)
    closes = opens_at + timedelta(days=21)
    phases.advance(settings, cohort_id, matching, closes)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        pairing.approve(session, cohort, now=closes, actor="operator:test")
        for pair in session.scalars(select(Pair).where(Pair.cohort_id == cohort_id)):
            for app_id in (pair.mentor_application_id, pair.mentee_application_id):
                answers.sign_pair_charter(
                    session,
                    pair.id,
                    app_id,
                    signed_name="Signé",
                    channel="web",
                    now=closes + timedelta(days=1),
                )
    return cohort_id


def readd(settings: Settings, preset: Path, now: datetime) -> None:
    with session_scope(settings.database_url) as session:
        programmes.add_programme(session, str(preset), now=now, actor="operator:test")


def dates(settings: Settings, cohort_id: int) -> tuple[int, datetime | None, datetime | None]:
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        t = cohorts.timeline_of(cohort)
        return len(t.checkins), t.evaluation_opens_at, t.workshop_starts_at


def audits(settings: Settings, action: str) -> list[AuditEvent]:
    with session_scope(settings.database_url) as session:
        rows = list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        session.expunge_all()
        return rows


def test_a_preset_edited_while_a_cohort_runs_changes_nothing_in_it(settings, tmp_path):
    cohort_id = running_cohort(settings)
    months, evaluation, workshop = dates(settings, cohort_id)
    assert months == 6
    # The report: re-adding a JAAE preset with 3 check-ins, in month 2.
    readd(settings, edited_jaae(tmp_path / "edited", checkin_months=3), START + timedelta(days=80))
    assert dates(settings, cohort_id) == (6, evaluation, workshop)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        assert programmes.programme_parts(cohort.programme).timing.checkin_months == 3
        assert programmes.cohort_parts(cohort).timing.checkin_months == 6
        fourth = cohorts.timeline_of(cohort).checkins[3].due_at
    # Month 4 is still asked, as the cohort was promised.
    phases.advance(settings, cohort_id, checkins, fourth)
    with session_scope(settings.database_url) as session:
        asked = select(func.count()).where(CheckIn.cohort_id == cohort_id, CheckIn.month == 4)
        assert session.scalar(asked) == 6
    assert audits(settings, "cohort.settings_updated") == []


def test_a_cohort_created_after_the_edit_takes_the_edited_preset(settings, tmp_path):
    readd(settings, edited_jaae(tmp_path / "edited", checkin_months=3), START)
    with session_scope(settings.database_url) as session:
        cohort = cohorts.create_cohort(
            session,
            programme_slug="jaae",
            code="JAAE-B",
            label="Deuxième cohorte",
            call_opens_at=START,
            operator_name="Camille Roux",
            operator_email="rh@exemple.fr",
            supervisor_name="Dominique Perret",
            supervisor_email="referent@exemple.fr",
            now=START,
            actor="operator:test",
        )
        assert programmes.cohort_parts(cohort).timing.checkin_months == 3


def test_update_settings_brings_the_cohort_onto_the_preset_and_is_audited(settings, tmp_path):
    cohort_id = running_cohort(settings)
    now = CALL_CLOSES + timedelta(days=3)  # before the first check-in
    readd(settings, edited_jaae(tmp_path / "e", checkin_months=8, checkin_reminder_days=5), now)
    assert dates(settings, cohort_id)[0] == 6
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        plan = cohort_changes.update_settings(
            session, cohort, now=now, actor="operator:Camille Roux"
        )
        assert [c.line() for c in plan.changes] == [
            "timing.checkin_months\u00a0: 6 → 8",
            "timing.checkin_reminder_days\u00a0: 7 → 5",
        ]
    assert dates(settings, cohort_id)[0] == 8
    [event] = audits(settings, "cohort.settings_updated")
    assert event.actor == "operator:Camille Roux"
    assert event.cohort_id == cohort_id
    assert event.details["changes"] == [
        {"setting": "timing.checkin_months", "old": 6, "new": 8},
        {"setting": "timing.checkin_reminder_days", "old": 7, "new": 5},
    ]


def test_fewer_check_ins_than_months_already_sent_is_refused_and_nothing_changes(
    settings, tmp_path
):
    cohort_id = running_cohort(settings)
    readd(settings, edited_jaae(tmp_path / "e", checkin_months=3), START)
    before = dates(settings, cohort_id)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        fifth = cohorts.timeline_of(cohort).checkins[4].due_at
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        with pytest.raises(ServiceError) as refused:
            cohort_changes.update_settings(session, cohort, now=fifth, actor="operator:test")
    message = str(refused.value)
    assert "timing.checkin_months\u00a0: 3 points mensuels au lieu de 6" in message
    assert "5 ont déjà été envoyés" in message
    assert "rien n’a changé" in message
    assert dates(settings, cohort_id) == before
    assert audits(settings, "cohort.settings_updated") == []


def test_moving_a_date_already_passed_is_refused_naming_the_setting(settings, tmp_path):
    cohort_id = running_cohort(settings)
    # The charter's deadline (the pairs' start) passed; the edit would move it and every month.
    readd(settings, edited_jaae(tmp_path / "e", charter_days=21), START)
    now = CALL_CLOSES + timedelta(days=20)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        plan = cohort_changes.plan_settings(cohort, now=now)
    assert [c.setting for c in plan.changes] == ["timing.charter_days"]
    assert plan.refusals == [
        "timing.charter_days\u00a0: l’échéance de la charte a déjà eu lieu "
        "(11 octobre 2027)\u00a0; ce changement ne peut plus s’appliquer à cette cohorte."
    ]
    # Before the deadline, the same edit applies.
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        assert cohort_changes.plan_settings(cohort, now=CALL_CLOSES).refusals == []


def test_nothing_to_change_is_said_so(settings):
    cohort_id = running_cohort(settings)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        with pytest.raises(ServiceError, match="déjà les réglages actuels"):
            cohort_changes.update_settings(session, cohort, now=START, actor="operator:test")


def test_the_command_previews_then_applies_with_yes(settings, tmp_path):
    # A cohort in the future of the machine's clock: nothing has passed.
    opens = datetime.now(UTC).replace(microsecond=0) + timedelta(days=400)
    cohort_id = running_cohort(settings, opens_at=opens)
    with session_scope(settings.database_url) as session:
        code = session.get(Cohort, cohort_id).code  # type: ignore[union-attr]
    preset = edited_jaae(tmp_path / "e", checkin_months=8)
    assert runner.invoke(app, ["programme", "add", str(preset)]).exit_code == 0
    args = ["cohort", "update-settings", "--cohort", code, "--by", "Camille Roux", "--no-run"]
    preview = runner.invoke(app, args)
    assert preview.exit_code == 0, preview.output
    assert "timing.checkin_months\u00a0: 6 → 8" in preview.output
    assert "Rien n’a changé" in preview.output
    assert dates(settings, cohort_id)[0] == 6
    applied = runner.invoke(app, [*args, "--yes"])
    assert applied.exit_code == 0, applied.output
    assert dates(settings, cohort_id)[0] == 8
    [event] = audits(settings, "cohort.settings_updated")
    assert event.actor == "operator:Camille Roux"


def test_the_command_refuses_in_french_when_a_month_was_sent(settings, tmp_path):
    # A cohort whose months have run by the machine's clock.
    opens = datetime.now(UTC).replace(microsecond=0) - timedelta(days=200)
    cohort_id = running_cohort(settings, opens_at=opens)
    with session_scope(settings.database_url) as session:
        code = session.get(Cohort, cohort_id).code  # type: ignore[union-attr]
    preset = edited_jaae(tmp_path / "e", checkin_months=2)
    assert runner.invoke(app, ["programme", "add", str(preset)]).exit_code == 0
    refused = runner.invoke(
        app, ["cohort", "update-settings", "--cohort", code, "--by", "C. R.", "--yes"]
    )
    assert refused.exit_code == 1
    assert "timing.checkin_months\u00a0: 2 points mensuels au lieu de 6" in refused.output
    assert "Traceback" not in refused.output
    assert dates(settings, cohort_id)[0] == 6
    assert audits(settings, "cohort.settings_updated") == []
