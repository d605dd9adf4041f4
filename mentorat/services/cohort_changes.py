"""Bringing a running cohort onto its programme's current settings or charter version.

A cohort keeps the settings and the charter version it was created with: editing a preset
changes no running cohort. Only the operator brings one onto the programme's current
settings (`update_settings`) or charter (`adopt_charter`): each shows what would change
first, refuses what would rewrite what already happened (a date passed, a check-in sent),
and is audited with the operator as its actor.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentorat.mail.dates import date_fr
from mentorat.services import ServiceError, audit
from mentorat.services.cohorts import timeline_with
from mentorat.services.programmes import _latest_charter, cohort_parts, programme_parts
from mentorat.timeline import Timeline
from models import CharterSignature, CharterVersion, Cohort, Pair

NBSP = "\u00a0"
MISSING = object()  # a setting one side does not have
# Pairs whose members are asked to sign a new charter version (not ended, not superseded).
GOING_ON = ("approved", "active")


@dataclass(frozen=True)
class Change:
    setting: str  # its path in the preset: timing.checkin_months
    old: Any
    new: Any

    def line(self) -> str:
        return f"{self.setting}{NBSP}: {value_fr(self.old)} → {value_fr(self.new)}"


@dataclass(frozen=True)
class SettingsPlan:
    changes: list[Change]
    # Why the changes cannot apply any more, in French, each naming its setting.
    refusals: list[str] = field(default_factory=list)


def value_fr(value: Any) -> str:
    if value is MISSING:
        return "(absent)"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, str):
        return f"«{NBSP}{value}{NBSP}»"
    if isinstance(value, list):
        return ", ".join(value_fr(v) for v in value) if value else "(aucun)"
    return str(value)


def _flatten(value: Any, prefix: str) -> dict[str, Any]:
    # Dicts by key; lists of dicts (supervision sessions) by rank, from 1; other values whole.
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key in value:
            out.update(_flatten(value[key], f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        out = {}
        for rank, item in enumerate(value, start=1):
            out.update(_flatten(item, f"{prefix}.{rank}"))
        return out
    return {prefix: value}


def settings_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Each setting that differs, by its path, in the order of the presets' sections."""
    before, after = _flatten(old, ""), _flatten(new, "")
    keys = list(before) + [k for k in after if k not in before]
    return [
        Change(k, before.get(k, MISSING), after.get(k, MISSING))
        for k in keys
        if before.get(k, MISSING) != after.get(k, MISSING)
    ]


# What each dated step of a cohort follows from (path prefixes of settings): a step that has
# passed cannot move, and a changed setting behind it is refused by name.
_KICKOFF = "timing.charter_days"


def _moments(t: Timeline) -> dict[str, tuple[str, datetime, tuple[str, ...]]]:
    out: dict[str, tuple[str, datetime, tuple[str, ...]]] = {}

    def put(key: str, label: str, when: datetime | None, *drivers: str) -> None:
        if when is not None:
            out[key] = (label, when, drivers)

    call = ("timing.call_days", "timing.call_reminder_days_before_close")
    put("call_reminder", "le rappel de l’appel à candidatures", t.call_reminder_at, *call)
    put("call_close", "la clôture de l’appel à candidatures", t.call_closes_at, call[0])
    if t.approved_at is None:
        return out
    for n, moment in enumerate(t.charter_reminders, start=1):
        put(f"charter_r{n}", f"le rappel n°{NBSP}{n} de la charte", moment, "timing.charter_")
    put("charter_deadline", "l’échéance de la charte", t.charter_deadline, _KICKOFF)
    months = ("timing.checkin_months",)
    for c in t.checkins:
        no = f"n°{NBSP}{c.month}"
        put(f"checkin{c.month}", f"le point mensuel {no}", c.due_at, _KICKOFF, *months)
        put(
            f"checkin{c.month}_r",
            f"le rappel du point mensuel {no}",
            c.reminder_at,
            _KICKOFF,
            "timing.checkin_reminder_days",
            *months,
        )
        put(
            f"checkin{c.month}_c",
            f"la clôture du point mensuel {no}",
            c.closes_at,
            _KICKOFF,
            "timing.checkin_close_days",
            *months,
        )
    for s in t.sessions:
        no = f"n°{NBSP}{s.number}"
        label = f"la séance de supervision {no}"
        put(f"session{s.number}_i", f"l’invitation à {label}", s.invite_at, _KICKOFF, "supervision")
        put(f"session{s.number}_r", f"le rappel de {label}", s.reminder_at, _KICKOFF, "supervision")
        put(f"session{s.number}", label, s.starts_at, _KICKOFF, "supervision")
    evaluation = (_KICKOFF, "timing.checkin_", "timing.evaluation_")
    put("evaluation", "l’ouverture de l’évaluation finale", t.evaluation_opens_at, *evaluation)
    for n, moment in enumerate(t.evaluation_reminders, start=1):
        label = f"le rappel n°{NBSP}{n} de l’évaluation finale"
        put(f"evaluation_r{n}", label, moment, *evaluation)
    put("evaluation_c", "la clôture de l’évaluation finale", t.evaluation_closes_at, *evaluation)
    put("workshop", "l’atelier de restitution", t.workshop_starts_at, "timing.", "workshop.")
    return out


def _refusals(old: Timeline, new: Timeline, changes: list[Change], now: datetime) -> list[str]:
    changed = [c.setting for c in changes]
    out: dict[str, str] = {}  # one refusal per setting (the first step it would move)

    def settings_behind(drivers: tuple[str, ...]) -> str:
        named = [s for s in changed if any(s.startswith(d) for d in drivers)]
        return ", ".join(named or changed)

    sent = [c for c in old.checkins if c.due_at <= now]
    if len(new.checkins) < len(sent) and old.approved_at is not None:
        out["timing.checkin_months"] = (
            f"timing.checkin_months{NBSP}: {len(new.checkins)} points mensuels au lieu de "
            f"{len(old.checkins)}, mais {len(sent)} ont déjà été envoyés."
        )
    before, after = _moments(old), _moments(new)
    steps = sorted(
        before.keys() | after.keys(),
        key=lambda k: min(m[1] for m in (before.get(k), after.get(k)) if m is not None),
    )
    for key in steps:
        was, will = before.get(key), after.get(key)
        if was is not None and will is not None and was[1] == will[1]:
            continue
        known = was if was is not None else will
        assert known is not None  # the step is in one timeline at least
        label, _, drivers = known
        names = settings_behind(drivers)
        if names in out:
            continue
        if was is not None and was[1] <= now:
            out[names] = (
                f"{names}{NBSP}: {label} a déjà eu lieu ({date_fr(was[1], weekday=False)})"
                f"{NBSP}; ce changement ne peut plus s’appliquer à cette cohorte."
            )
        elif will is not None and will[1] <= now:
            out[names] = (
                f"{names}{NBSP}: {label} tomberait le {date_fr(will[1], weekday=False)}, "
                "date déjà passée."
            )
    return list(out.values())


def plan_settings(cohort: Cohort, *, now: datetime) -> SettingsPlan:
    """What bringing the cohort onto its programme's current settings would change, and
    why it cannot (nothing is written)."""
    current, latest = cohort_parts(cohort), programme_parts(cohort.programme)
    changes = settings_changes(cohort.settings, cohort.programme.settings)
    if not changes:
        return SettingsPlan([])
    refusals = _refusals(
        timeline_with(cohort, current), timeline_with(cohort, latest), changes, now
    )
    return SettingsPlan(changes, refusals)


def update_settings(session: Session, cohort: Cohort, *, now: datetime, actor: str) -> SettingsPlan:
    """Bring the cohort onto its programme's current settings; raises ServiceError (nothing
    changed) when there is nothing to change or a change cannot apply any more."""
    plan = plan_settings(cohort, now=now)
    if not plan.changes:
        raise ServiceError(
            f"la cohorte {cohort.code} a déjà les réglages actuels du programme{NBSP}: "
            "rien à changer"
        )
    if plan.refusals:
        raise ServiceError(
            "réglages non appliqués, rien n’a changé\u00a0:\n  " + "\n  ".join(plan.refusals)
        )
    cohort.settings = copy.deepcopy(cohort.programme.settings)
    audit.record(
        session,
        at=now,
        actor=actor,
        action="cohort.settings_updated",
        entity="cohort",
        entity_id=cohort.id,
        cohort_id=cohort.id,
        changes=[
            {"setting": c.setting, "old": _json(c.old), "new": _json(c.new)} for c in plan.changes
        ],
    )
    return plan


def _json(value: Any) -> Any:
    return None if value is MISSING else value


@dataclass(frozen=True)
class CharterPlan:
    current: CharterVersion
    latest: CharterVersion
    # Members of pairs going on who signed an earlier version: each is asked to sign again.
    signers: int


def plan_charter(session: Session, cohort: Cohort, *, now: datetime) -> CharterPlan:
    """What adopting the programme's latest charter version would do; raises ServiceError
    when there is none newer or when the cohort's check-ins are over."""
    latest = _latest_charter(session, cohort.programme_id)
    assert latest is not None  # add_programme always writes version 1
    current = cohort.charter
    if latest.id == cohort.charter_version_id or latest.version <= current.version:
        raise ServiceError(
            f"la cohorte {cohort.code} a déjà la dernière version de la charte "
            f"(version {current.version})"
        )
    t = timeline_with(cohort, cohort_parts(cohort))
    if t.evaluation_opens_at is not None and now >= t.evaluation_opens_at:
        raise ServiceError(
            f"la cohorte {cohort.code} a fini ses points mensuels "
            f"(évaluation finale ouverte le {date_fr(t.evaluation_opens_at, weekday=False)})"
            f"{NBSP}: elle garde la version {current.version} de la charte"
        )
    signers = session.execute(
        select(CharterSignature.pair_id, CharterSignature.application_id)
        .join(Pair, Pair.id == CharterSignature.pair_id)
        .where(Pair.cohort_id == cohort.id, Pair.status.in_(GOING_ON))
        .distinct()
    ).all()
    return CharterPlan(current, latest, len(signers))


def adopt_charter(session: Session, cohort: Cohort, *, now: datetime, actor: str) -> CharterPlan:
    """Move the cohort onto the programme's latest charter version. The cohort's flow then
    asks each member of a pair going on who signed an earlier version to sign this one
    (tasks/charter.py); the pairs go on meanwhile and earlier signatures stay on record."""
    plan = plan_charter(session, cohort, now=now)
    cohort.charter_version_id, cohort.charter = plan.latest.id, plan.latest
    cohort.charter_adopted_at = now
    audit.record(
        session,
        at=now,
        actor=actor,
        action="cohort.charter_adopted",
        entity="cohort",
        entity_id=cohort.id,
        cohort_id=cohort.id,
        from_version=plan.current.version,
        to_version=plan.latest.version,
        charter_version_id=plan.latest.id,
        signers=plan.signers,
    )
    return plan
