"""The cohort's calendar, from the programme's timing: pure date arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mentorat import presets, timeline

OPENS = datetime(2027, 9, 6, 7, 0, tzinfo=UTC)


def mirhe(approved_at=None):  # type: ignore[no-untyped-def]
    preset, _ = presets.load("mirhe")
    return timeline.build(
        preset.timing,
        preset.supervision,
        preset.workshop,
        call_opens_at=OPENS,
        approved_at=approved_at,
    )


def test_before_approval_only_the_call_is_scheduled():
    t = mirhe()
    assert t.call_closes_at == OPENS + timedelta(days=21)
    assert t.call_reminder_at == t.call_closes_at - timedelta(days=5)
    assert t.instants() == [OPENS, t.call_reminder_at, t.call_closes_at]
    assert t.next_after(t.call_closes_at) is None  # waiting for the operator


def test_six_monthly_check_ins_follow_the_kickoff_by_calendar_months():
    approved = OPENS + timedelta(days=23)
    t = mirhe(approved)
    assert t.kickoff_at == approved + timedelta(days=14)
    assert [c.month for c in t.checkins] == [1, 2, 3, 4, 5, 6]
    assert t.checkins[0].due_at.day == t.kickoff_at.day
    assert all(c.reminder_at - c.due_at == timedelta(days=7) for c in t.checkins)
    assert t.evaluation_opens_at >= t.checkins[-1].closes_at
    assert t.workshop_starts_at > t.evaluation_closes_at


def test_supervision_sessions_start_at_two_in_the_afternoon_paris_time():
    t = mirhe(OPENS + timedelta(days=23))
    assert [s.spec.month for s in t.sessions] == [2, 4]
    for slot in t.sessions:
        assert slot.starts_at.astimezone(timeline.PARIS).hour == 14
        assert slot.invite_at == slot.starts_at - timedelta(days=14)


def test_instants_are_sorted_and_next_after_walks_them():
    t = mirhe(OPENS + timedelta(days=23))
    moments = t.instants()
    assert moments == sorted(set(moments))
    walked, now = [], OPENS - timedelta(seconds=1)
    while (following := t.next_after(now)) is not None:
        walked.append(following)
        now = following
    assert walked == moments


def test_each_phase_runs_only_in_its_window():
    before = mirhe()
    assert timeline.phases_due(before, OPENS - timedelta(days=1)) == frozenset()
    assert timeline.phases_due(before, OPENS) == {"call"}
    assert timeline.phases_due(before, before.call_closes_at) == {"call", "matching"}
    t = mirhe(OPENS + timedelta(days=23))
    assert timeline.phases_due(t, t.approved_at) == {"matching", "charter"}
    month2 = t.checkins[1].due_at
    assert timeline.phases_due(t, month2) == {"matching", "charter", "checkins", "supervision"}
    assert timeline.phases_due(t, t.evaluation_opens_at) == {
        "checkins",
        "supervision",
        "evaluation",
    } - ({"checkins"} if t.evaluation_opens_at > t.checkins[-1].closes_at else set())
    # The evaluation runs once more at its close (it withdraws what never left), until the
    # workshop, then only the workshop.
    assert timeline.phases_due(t, t.evaluation_closes_at) == {"evaluation", "workshop"}
    assert t.workshop_starts_at is not None
    after = max(t.workshop_starts_at, t.evaluation_closes_at + timedelta(days=1))
    assert timeline.phases_due(t, after) == {"workshop"}
    assert "workshop" in timeline.phases_due(t, t.workshop_ends_at)


def test_every_moment_of_the_timeline_has_a_phase_to_run():
    t = mirhe(OPENS + timedelta(days=23))
    for moment in t.instants():
        assert timeline.phases_due(t, moment), moment


def test_an_individual_session_brings_its_reminder_into_the_next_due_dates():
    preset, _ = presets.load("mirhe")
    opens = datetime(2027, 9, 6, 7, 0, tzinfo=UTC)
    approved = opens + timedelta(days=24)
    session_starts = timeline.individual_session_starts(
        approved + timedelta(days=100), preset.supervision
    )
    reminder = timeline.session_reminder_at(session_starts, preset.supervision)
    just_before = reminder - timedelta(minutes=1)

    def build(approved_at, sessions):  # type: ignore[no-untyped-def]
        return timeline.build(
            preset.timing, preset.supervision, preset.workshop,
            call_opens_at=opens, approved_at=approved_at, individual_sessions=sessions,
        )  # fmt: skip

    plain, with_session = build(approved, ()), build(approved, (session_starts,))
    assert plain.next_after(just_before) != reminder  # nothing else is due at that minute
    assert with_session.next_after(just_before) == reminder
    assert reminder == session_starts - timedelta(days=preset.supervision.reminder_days_before)
    assert "supervision" in timeline.phases_due(with_session, reminder)
    # Even before the approval (a session set up by hand), its reminder is a due date.
    assert build(None, (session_starts,)).next_after(just_before) == reminder


def test_sessions_and_workshops_fall_on_working_days_at_two_in_the_afternoon():
    preset, _ = presets.load("mirhe")
    # Individual sessions a week after an escalation: a Saturday 25 December 2027 (the
    # issue's case) moves to Monday 27; Christmas 2028 (a Monday) to Tuesday 26.
    saturday = timeline.individual_session_starts(
        datetime(2027, 12, 18, 9, 0, tzinfo=UTC), preset.supervision
    )
    assert saturday == datetime(2027, 12, 27, 13, 0, tzinfo=UTC)  # 14:00 in Paris
    monday = timeline.individual_session_starts(
        datetime(2028, 12, 18, 9, 0, tzinfo=UTC), preset.supervision
    )
    assert monday == datetime(2028, 12, 26, 13, 0, tzinfo=UTC)
    assert timeline.is_working_day(datetime(2028, 5, 9).date())  # the day after 8 May
    assert not timeline.is_working_day(datetime(2028, 5, 8).date())  # Victoire 1945
    assert not timeline.is_working_day(datetime(2028, 5, 25).date())  # Ascension
    # Over a few years of approvals, no session or workshop lands on a non-working day.
    for offset in range(0, 730, 7):
        t = mirhe(approved_at=OPENS + timedelta(days=21 + offset))
        starts = [s.starts_at for s in t.sessions]
        assert t.workshop_starts_at is not None
        for start in [*starts, t.workshop_starts_at]:
            local = start.astimezone(timeline.PARIS)
            assert timeline.is_working_day(local.date()), local
            assert (local.hour, local.minute) == (14, 0)
