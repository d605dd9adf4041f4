"""When each step of a cohort is due: pure date arithmetic on the programme's timing.

No database, no Prefect: the phases ask this module what is due and the flow asks it when
to run next. Everything that can be due is here, individual supervision sessions (offered
after an escalation) included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from mentorat.presets import SessionSpec, Supervision, Timing, Workshop

PARIS = ZoneInfo("Europe/Paris")
# Sessions and the workshop start at 14:00, Paris time, on a working day.
AFTERNOON = time(14, 0)


def days(n: float) -> timedelta:
    return timedelta(days=n)


def working_afternoon(moment: datetime) -> datetime:
    """14:00 Paris time on the first working day on or after the moment's day (Paris): a
    session or a workshop never falls on a weekend or a public holiday."""
    day = moment.astimezone(PARIS).date()
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, AFTERNOON, tzinfo=PARIS).astimezone(UTC)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a public holiday of metropolitan France."""
    return day.weekday() < 5 and day not in _french_holidays(day.year)


@lru_cache(maxsize=32)
def _french_holidays(year: int) -> frozenset[date]:
    # Imported when a date is first placed (a tenth of a second): commands that place
    # none do not pay for it.
    from holidays.countries.france import France

    return frozenset(France(years=year))


def session_reminder_at(starts_at: datetime, supervision: Supervision) -> datetime:
    """When the reminder of a supervision session (group or individual) is due."""
    return starts_at - days(supervision.reminder_days_before)


def individual_session_starts(escalated_at: datetime, supervision: Supervision) -> datetime:
    """When the individual session offered to a mentor after an escalation starts."""
    return working_afternoon(escalated_at + days(supervision.individual_days_after))


@dataclass(frozen=True)
class CheckInMonth:
    month: int
    due_at: datetime
    reminder_at: datetime
    closes_at: datetime


@dataclass(frozen=True)
class SessionSlot:
    number: int
    spec: SessionSpec
    starts_at: datetime
    ends_at: datetime
    invite_at: datetime
    reminder_at: datetime


@dataclass(frozen=True)
class Timeline:
    call_opens_at: datetime
    call_reminder_at: datetime
    call_closes_at: datetime
    # Everything below exists once the operator has approved the pairs.
    approved_at: datetime | None
    charter_reminders: tuple[datetime, ...]
    charter_deadline: datetime | None
    kickoff_at: datetime | None
    checkins: tuple[CheckInMonth, ...]
    sessions: tuple[SessionSlot, ...]
    evaluation_opens_at: datetime | None
    evaluation_reminders: tuple[datetime, ...]
    evaluation_closes_at: datetime | None
    workshop_starts_at: datetime | None
    workshop_ends_at: datetime | None
    # The last moment supervision may have something to send: the last group session,
    # or an individual session offered after an escalation at the last check-in's close.
    supervision_until: datetime | None = None
    # Reminders of the individual supervision sessions set up so far.
    individual_reminders: tuple[datetime, ...] = ()
    # A charter version adopted mid-cohort: when it was adopted (its requests) and when its
    # one reminder is due.
    charter_adopted_at: datetime | None = None
    charter_renewal_reminder: datetime | None = None

    def instants(self) -> list[datetime]:
        """Every moment at which the cohort has something to do."""
        moments = [self.call_opens_at, self.call_reminder_at, self.call_closes_at]
        if self.approved_at is not None:
            moments += [self.approved_at, *self.charter_reminders]
            moments += [m for m in (self.charter_deadline, self.evaluation_opens_at) if m]
            for c in self.checkins:
                moments += [c.due_at, c.reminder_at, c.closes_at]
            for s in self.sessions:
                moments += [s.invite_at, s.reminder_at, s.ends_at]
            moments += list(self.evaluation_reminders)
            moments += [m for m in (self.evaluation_closes_at, self.workshop_ends_at) if m]
        moments += list(self.individual_reminders)
        moments += [m for m in (self.charter_adopted_at, self.charter_renewal_reminder) if m]
        return sorted(set(moments))

    def next_after(self, now: datetime) -> datetime | None:
        return next((m for m in self.instants() if m > now), None)


def build(
    timing: Timing,
    supervision: Supervision,
    workshop: Workshop,
    *,
    call_opens_at: datetime,
    approved_at: datetime | None,
    individual_sessions: tuple[datetime, ...] = (),
    charter_adopted_at: datetime | None = None,
    workshop_moved_to: datetime | None = None,
) -> Timeline:
    """The cohort's timeline; `individual_sessions` are the starts of the individual
    supervision sessions already set up (each has a reminder); `charter_adopted_at`, when
    the cohort moved onto a new charter version (its signature has one reminder)."""
    closes = call_opens_at + days(timing.call_days)
    reminder = max(call_opens_at, closes - days(timing.call_reminder_days_before_close))
    individual_reminders = tuple(
        sorted(session_reminder_at(start, supervision) for start in individual_sessions)
    )
    if approved_at is None:
        return Timeline(
            call_opens_at=call_opens_at,
            call_reminder_at=reminder,
            call_closes_at=closes,
            approved_at=None,
            charter_reminders=(),
            charter_deadline=None,
            kickoff_at=None,
            checkins=(),
            sessions=(),
            evaluation_opens_at=None,
            evaluation_reminders=(),
            evaluation_closes_at=None,
            workshop_starts_at=None,
            workshop_ends_at=None,
            individual_reminders=individual_reminders,
        )
    deadline = approved_at + days(timing.charter_days)
    kickoff = deadline
    checkins = tuple(
        CheckInMonth(
            month=m,
            due_at=kickoff + relativedelta(months=m),
            reminder_at=kickoff + relativedelta(months=m) + days(timing.checkin_reminder_days),
            closes_at=kickoff + relativedelta(months=m) + days(timing.checkin_close_days),
        )
        for m in range(1, timing.checkin_months + 1)
    )
    slots = []
    for number, spec in enumerate(sorted(supervision.sessions, key=lambda s: s.month), start=1):
        starts = working_afternoon(kickoff + relativedelta(months=spec.month) + days(10))
        slots.append(
            SessionSlot(
                number=number,
                spec=spec,
                starts_at=starts,
                ends_at=starts + timedelta(hours=spec.hours),
                invite_at=starts - days(supervision.invite_days_before),
                reminder_at=session_reminder_at(starts, supervision),
            )
        )
    last = checkins[-1]
    evaluation_opens = max(
        last.closes_at, last.due_at + days(timing.evaluation_days_after_last_checkin)
    )
    evaluation_closes = evaluation_opens + days(timing.evaluation_close_days)
    workshop_starts = workshop_moved_to or working_afternoon(
        evaluation_closes + days(timing.workshop_days_after_evaluation_close)
    )  # the operator's date, when they moved it (mentorat.services.fixes)
    return Timeline(
        call_opens_at=call_opens_at,
        call_reminder_at=reminder,
        call_closes_at=closes,
        approved_at=approved_at,
        charter_reminders=tuple(approved_at + days(d) for d in timing.charter_reminder_days),
        charter_deadline=deadline,
        kickoff_at=kickoff,
        checkins=checkins,
        sessions=tuple(slots),
        evaluation_opens_at=evaluation_opens,
        evaluation_reminders=tuple(
            evaluation_opens + days(d)
            for d in timing.evaluation_reminder_days
            if d < timing.evaluation_close_days
        ),
        evaluation_closes_at=evaluation_closes,
        workshop_starts_at=workshop_starts,
        workshop_ends_at=workshop_starts + timedelta(hours=workshop.hours),
        supervision_until=max(
            [s.ends_at for s in slots]
            + [last.closes_at + days(supervision.individual_days_after + 1)]
            # A session moved later than all of these still gets its reminder.
            + [start + days(1) for start in individual_sessions]
        ),
        individual_reminders=individual_reminders,
        charter_adopted_at=charter_adopted_at,
        charter_renewal_reminder=(
            charter_adopted_at + days(min(timing.charter_reminder_days))
            if charter_adopted_at is not None and timing.charter_reminder_days
            else None
        ),
    )


def charter_shift(t: Timeline, pair_created_at: datetime) -> timedelta:
    """How much later a pair's charter dates fall than the cohort's: a pair the operator
    forms after the approval (mentorat.services.fixes) gets the same delays from its own
    start; the engine's pairs, made before the approval, none."""
    if t.approved_at is None or pair_created_at <= t.approved_at:
        return timedelta(0)
    return pair_created_at - t.approved_at


def phases_due(t: Timeline, now: datetime) -> frozenset[str]:
    """The phases that may have something to do at `now`; the flow runs only those.

    Generous on purpose (a phase that finds nothing due writes nothing): every window
    starts when its first email is due and ends after its last one.
    """
    due = set()
    if now >= t.call_opens_at and (t.approved_at is None or now < t.call_closes_at):
        due.add("call")
    if now >= t.call_closes_at and (t.evaluation_opens_at is None or now < t.evaluation_opens_at):
        due.add("matching")
    if t.approved_at is None:
        return frozenset(due)
    assert t.kickoff_at and t.evaluation_opens_at and t.evaluation_closes_at
    if now < t.evaluation_opens_at:
        due.add("charter")  # a late signature still starts the pair for the months left
    if t.checkins[0].due_at <= now <= t.checkins[-1].closes_at:
        due.add("checkins")
    if t.kickoff_at <= now <= (t.supervision_until or t.kickoff_at):
        due.add("supervision")  # group sessions, and individual ones after escalations
    # Until a day past the close at least: the run at the close (however late) withdraws the
    # evaluation's requests and reminders that never left.
    withdraw_until = max(t.workshop_starts_at or t.evaluation_closes_at, t.evaluation_closes_at)
    if t.evaluation_opens_at <= now < max(withdraw_until, t.evaluation_closes_at + days(1)):
        due.add("evaluation")
    if now >= t.evaluation_closes_at:
        due.add("workshop")
    return frozenset(due)
