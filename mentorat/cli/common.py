"""What every command shares: the consoles, the settings, dates, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console

from mentorat.clock import SystemClock
from mentorat.settings import Settings, SettingsError, load_settings

console = Console()
err = Console(stderr=True)
Cohort_ = Annotated[str, typer.Option("--cohort", "-c", help="Code de la cohorte")]


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        err.print(f"[red]Configuration invalide[/red]\n{exc}")
        raise typer.Exit(2) from None


def fail(message: str) -> typer.Exit:
    err.print(f"[red]Erreur\u00a0:[/red] {message}")
    return typer.Exit(1)


def utc_now() -> datetime:
    return SystemClock().now()


def parse_date(value: str) -> datetime:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise typer.BadParameter(f"date attendue au format jj/mm/aaaa : « {value} »")
