"""Numbers as a French reader writes them: 1 234 (narrow no-break space), 3,5, 46 %, −12."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

MINUS = "\u2212"


def integer(value: int) -> str:
    return format_decimal(value, locale="fr_FR").replace("-", MINUS)


def decimal(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale="fr_FR").replace("-", MINUS)


def percent(value: float | None) -> str:
    """A share (0.456) as « 46 % »; « – » when there is nothing to divide."""
    if value is None:
        return "–"
    return format_percent(value, locale="fr_FR")


def ratio(part: int, whole: int) -> str:
    return percent(part / whole) if whole else "–"


def signed(value: int | None) -> str:
    """A score that may be negative, with its sign: +12, −12, 0."""
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + integer(value)
