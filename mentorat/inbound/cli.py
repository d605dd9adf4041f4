"""`mentorat inbound`: the listener the mail server delivers replies to (LMTP or SMTP)."""

from __future__ import annotations

import threading
from typing import Annotated

import typer


def inbound(
    host: Annotated[str, typer.Option(help="Adresse d’écoute")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port d’écoute")] = 8025,
    protocol: Annotated[str, typer.Option(help="lmtp ou smtp")] = "lmtp",
) -> None:
    """Recevoir les réponses par courriel aux points mensuels et aux invitations."""
    from mentorat.inbound.server import ReplyServer
    from mentorat.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    with ReplyServer(settings, host=host, port=port, protocol=protocol):
        typer.echo(f"Réponses reçues en {protocol.upper()} sur {host}:{port}")
        threading.Event().wait()
