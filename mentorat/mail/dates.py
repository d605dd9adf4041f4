"""French renderings of dates and times, shown in Europe/Paris whatever the input zone."""

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"


def as_utc(moment: datetime) -> datetime:
    """Return `moment` in UTC; a naive datetime is taken to be UTC already.

    The database stores UTC, and SQLite hands datetimes back without their zone:
    refusing naive values would only push the same `replace(tzinfo=UTC)` into every caller.
    """
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _paris(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(PARIS)


@lru_cache(maxsize=4096)
def _day(day: date, weekday: bool) -> str:
    # Cached: a cohort's thousands of emails share a handful of dates, and babel is slow.
    # French writes the first day of a month as an ordinal: « 1er janvier ».
    number = "1er" if day.day == 1 else str(day.day)
    month_year = format_date(day, "MMMM y", locale="fr_FR")
    text = f"{number} {month_year}"
    if weekday:
        text = f"{format_date(day, 'EEEE', locale='fr_FR')} {text}"
    return text


def date_fr(value: date | datetime, weekday: bool = True) -> str:
    """« mardi 5 janvier 2027 » (or « 5 janvier 2027 » with weekday=False)."""
    if isinstance(value, datetime):
        value = _paris(value).date()
    return _day(value, weekday)


def time_fr(value: datetime) -> str:
    """« 14 h 00 », with non-breaking spaces so the time never splits across lines."""
    local = _paris(value)
    return f"{local.hour}{NBSP}h{NBSP}{local.minute:02d}"


def datetime_fr(value: datetime, weekday: bool = True) -> str:
    """« mardi 5 janvier 2027 à 14 h 00 », Paris time."""
    return f"{date_fr(value, weekday)} à {time_fr(value)}"
