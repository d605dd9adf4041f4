"""`mentorat web`: serve the participant pages with uvicorn (behind the organisation's proxy)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import uvicorn

    from mentorat.settings import Settings


def server_config(settings: Settings, host: str, port: int) -> uvicorn.Config:
    """How uvicorn serves the app. One process: the rate limiter is in memory.
    X-Forwarded-For and -Proto are believed only from MENTORAT_TRUSTED_PROXIES, so each
    participant is counted (not the proxy) and nobody else can claim another address."""
    import uvicorn

    from mentorat.web import create_app

    return uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxy_list,
        server_header=False,
        log_level="info",
        access_log=False,
    )


def web(
    host: Annotated[str, typer.Option(help="Adresse d’écoute")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port d’écoute")] = 8000,
) -> None:
    """Servir les pages des participants (candidature, charte, points mensuels…)."""
    import uvicorn

    from mentorat.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    uvicorn.Server(server_config(settings, host, port)).run()
