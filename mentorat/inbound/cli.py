"""`mentorat inbound`: the listener the mail server delivers replies to (LMTP or SMTP), or,
with `--imap`, the reader of a mailbox (mentorat.inbound.imap)."""

from __future__ import annotations

import threading
from typing import Annotated

import typer

from mentorat.settings import Settings


def inbound(
    host: Annotated[str, typer.Option(help="Adresse d’écoute")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port d’écoute")] = 8025,
    protocol: Annotated[str, typer.Option(help="lmtp ou smtp")] = "lmtp",
    imap: Annotated[
        bool,
        typer.Option(
            "--imap",
            help="Lire les réponses dans une boîte IMAP (réglages MENTORAT_IMAP_*) au lieu "
            "d’écouter en LMTP",
        ),
    ] = False,
    once: Annotated[
        bool,
        typer.Option("--once", help="Avec --imap\u00a0: lire la boîte une fois, puis s’arrêter"),
    ] = False,
) -> None:
    """Recevoir les réponses par courriel aux points mensuels et aux invitations."""
    from mentorat.inbound.server import ReplyServer
    from mentorat.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if imap:
        _read_mailbox(settings, once=once)
        return
    with ReplyServer(settings, host=host, port=port, protocol=protocol):
        typer.echo(f"Réponses reçues en {protocol.upper()} sur {host}:{port}")
        threading.Event().wait()


def _read_mailbox(settings: Settings, *, once: bool) -> None:
    """Poll (or watch) the IMAP mailbox; a setting or a server in the way is said in French
    and exits with 1, without a traceback."""
    from mentorat.inbound.imap import ImapError, ReplyMailbox, watch

    try:
        if once:
            with ReplyMailbox(settings) as box:
                line = box.poll().summary(settings)
            typer.echo(line or "Aucune réponse dans la boîte.")
        else:
            watch(settings, stop=threading.Event(), tell=typer.echo)
    except ImapError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo("Lecture de la boîte arrêtée.")
