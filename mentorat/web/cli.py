"""`mentorat web`: serve the participant pages with uvicorn (behind the organisation's proxy)."""

from __future__ import annotations

from typing import Annotated

import typer


def web(
    host: Annotated[str, typer.Option(help="Adresse d’écoute")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port d’écoute")] = 8000,
) -> None:
    """Servir les pages des participants (candidature, charte, points mensuels…)."""
    import uvicorn

    from mentorat.settings import SettingsError, load_settings
    from mentorat.web import create_app

    try:
        settings = load_settings()
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    # One process: the rate limiter is in memory. The proxy's X-Forwarded-For is trusted
    # from localhost only, so each participant is counted, not the proxy.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
        log_level="info",
        access_log=False,
    )
