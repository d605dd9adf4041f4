"""`mentorat demo`: a full cohort in simulated time, with simulated participants (some late,
some never answering, one asking for help, one bad address), on SQLite and Prefect.

Everything it writes is in the demo folder (`--out`): its own SQLite database
(`mentorat.db`, whatever MENTORAT_DATABASE_URL says; `--database-url` chooses another) and,
when MENTORAT_SMTP_HOST is not set, the local SMTP server's messages as .eml files in
`emails/`. With MENTORAT_SMTP_HOST set, it sends through that relay.

The folder is marked as the demo's (MARK). A rerun clears what the demo wrote there; a
folder that is not empty and not marked is refused, untouched.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from demo.smtp_sink import SmtpSink
    from mentorat.settings import Settings

START = datetime(2027, 9, 6, 7, 0, tzinfo=UTC)
MARK = ".mentorat-demo"
# What a run writes in its folder, besides the mark: all that a rerun removes.
WRITTEN = ("emails", "mentorat.db", "mentorat.db-wal", "mentorat.db-shm", "mentorat.db-journal")


class FolderRefused(Exception):
    """The demo folder exists and is not the demo's: nothing was touched."""


BEHAVIOURS_FR = {  # (one person, several people)
    "prompt": ("répond vite", "répondent vite"),
    "late": ("répond après une relance", "répondent après une relance"),
    "silent": ("ne répond pas", "ne répondent pas"),
    "help": ("demande de l’aide", "demandent de l’aide"),
    "bounce": ("a une adresse refusée", "ont une adresse refusée"),
}


def behaviours_fr(counts: Counter[str]) -> str:
    """« 26 répondent vite, 1 demande de l’aide… » for the demo's opening line."""
    return ", ".join(
        f"{counts[key]} {one if counts[key] == 1 else several}"
        for key, (one, several) in BEHAVIOURS_FR.items()
        if counts[key]
    )


def prepare_folder(out: Path) -> None:
    """Create and mark `out`, or clear what a previous demo wrote in it."""
    if out.exists() and not out.is_dir():
        raise FolderRefused(f"{out} existe et n’est pas un dossier : rien n’y a été touché.")
    if out.is_dir() and not (out / MARK).is_file() and any(out.iterdir()):
        raise FolderRefused(
            f"le dossier {out} existe, n’est pas vide et n’a pas été créé par la "
            f"démonstration (il n’a pas de fichier {MARK}) : rien n’y a été touché. "
            "Choisissez un autre dossier avec --out, ou videz celui-ci."
        )
    out.mkdir(parents=True, exist_ok=True)
    (out / MARK).write_text(
        "Dossier créé par `mentorat demo`. Une nouvelle démonstration dans ce dossier remplace "
        "mentorat.db et emails/ ; elle ne touche pas au reste.\n",
        encoding="utf-8",
    )
    for name in WRITTEN:
        path = out / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set MENTORAT_* variables for the run; put back what was there after it."""
    before = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_demo(
    *,
    programme: str,
    pairs: int,
    out: Path,
    console: Console,
    database_url: str | None = None,
    err: Console | None = None,
) -> int:
    """Run the demo in `out`; returns the exit code (2: the folder was refused, untouched)."""
    started = time.perf_counter()
    out = out.resolve()
    try:
        prepare_folder(out)
    except FolderRefused as exc:
        (err or Console(stderr=True)).print(f"[red]Erreur :[/red] {exc}")
        return 2
    env = {
        "MENTORAT_DATABASE_URL": database_url or f"sqlite:///{out / 'mentorat.db'}",
        # The simulation drives the flow itself: no answer event may start runs meanwhile.
        "MENTORAT_EMIT_EVENTS": "false",
        "MENTORAT_PUBLIC_URL": os.environ.get("MENTORAT_PUBLIC_URL") or "http://localhost:8000",
        "MENTORAT_MAIL_FROM": (
            os.environ.get("MENTORAT_MAIL_FROM") or "Mentorat <mentorat@mentorat.test>"
        ),
        # Its own random key unless one is set: never the public development value.
        "MENTORAT_SECRET_KEY": os.environ.get("MENTORAT_SECRET_KEY") or secrets.token_urlsafe(48),
    }
    sink = None
    if not os.environ.get("MENTORAT_SMTP_HOST"):
        from demo.smtp_sink import SmtpSink

        sink = SmtpSink(folder=out / "emails").start()
        env["MENTORAT_SMTP_HOST"], env["MENTORAT_SMTP_PORT"] = sink.host, str(sink.port)
        console.print(
            f"Serveur SMTP local sur {sink.host}:{sink.port} ; "
            f"chaque courriel est enregistré dans [bold]{out / 'emails'}[/bold]"
        )
    from mentorat.settings import get_settings

    try:
        with _environment(env):
            get_settings.cache_clear()
            return _run(get_settings(), programme, pairs, out, console, sink, started)
    finally:
        get_settings.cache_clear()
        if sink is not None:
            sink.stop()


def _run(
    settings: Settings,
    programme: str,
    pairs: int,
    out: Path,
    console: Console,
    sink: SmtpSink | None,
    started: float,
) -> int:
    from demo.population import BOUNCE_DOMAIN
    from demo.simulation import APPLY_AFTER, run_cohort, setup_cohort
    from flows.cohort import cohort_lifecycle
    from mentorat import db

    try:
        db.upgrade(settings.database_url)
        if not _is_new(settings.database_url):
            base = make_url(settings.database_url).render_as_string(hide_password=True)
            Console(stderr=True).print(
                f"[red]Erreur :[/red] la base {base} contient déjà des programmes ou des "
                "cohortes. La démonstration n’écrit que dans une base neuve : rien n’a été "
                "modifié."
            )
            return 2
        # One simulated participant's address is on a reserved .invalid domain: the sender
        # refuses it as a relay refuses a bad address (550), whatever relay the demo uses.
        code = f"{programme.upper()}-{START:%Y}"
        cohort_id, pop = setup_cohort(
            settings,
            programme=programme,
            pairs=pairs,
            opens_at=START,
            code=code,
            domain="exemple.fr",
            bounce_domain=BOUNCE_DOMAIN,
            applications_at=START + APPLY_AFTER,
        )
        console.print(
            f"Cohorte n° {cohort_id} ({programme.upper()}) : appel à candidatures adressé à "
            f"{len(pop.recipients)} personnes ; {len(pop.rows)} candidatures importées le "
            f"{START + APPLY_AFTER:%d/%m/%Y} ; comportements simulés : "
            f"{behaviours_fr(Counter(pop.behaviour.values()))}."
        )

        def on_step(now: datetime, result: dict[str, Any]) -> None:
            sent = result.get("delivery", {}).get("sent", 0)
            done = [
                f"{kind} {n}"
                for phase, counts in result.items()
                if isinstance(counts, dict) and phase not in {"delivery", "delivery_alerts"}
                for kind, n in counts.items()
                if type(n) is int and n
            ]
            console.print(f"  {now:%d/%m/%Y} · {sent:>5} envoyé(s) · {', '.join(done) or '—'}")

        participants = run_cohort(
            settings,
            cohort_id,
            pop.behaviour,
            lambda now: cohort_lifecycle(code, now=now),
            on_step=on_step,
            population=pop,
        )
        if sink is not None:
            mail = f"{out / 'emails'} ({len(sink.messages)} fichiers .eml)"
        else:
            mail = f"relais SMTP {settings.smtp_host}:{settings.smtp_port}"
        _summary(
            console, settings, cohort_id, participants.answers, time.perf_counter() - started, mail
        )
        return 0
    finally:
        db.engine_for(settings.database_url).dispose()


def _is_new(database_url: str) -> bool:
    """No programme and no cohort yet: the demo never writes beside real data."""
    from sqlalchemy import exists, select

    from mentorat.db import session_scope
    from models import Cohort, Programme

    with session_scope(database_url) as session:
        return not session.scalar(select(exists().where(Programme.id.isnot(None)))) and not (
            session.scalar(select(exists().where(Cohort.id.isnot(None))))
        )


def _summary(
    console: Console,
    settings: Settings,
    cohort_id: int,
    answers: Counter[str],
    seconds: float,
    mail: str,
) -> None:
    from sqlalchemy import func, select

    from mentorat.db import session_scope
    from mentorat.services.status import emails_by_kind
    from models import OutboxMessage

    with session_scope(settings.database_url) as session:
        by_kind = emails_by_kind(session, cohort_id)
        escalations = session.scalar(
            select(func.count()).where(
                OutboxMessage.cohort_id == cohort_id,
                OutboxMessage.kind.in_(("escalation", "charter_escalation")),
            )
        )
        bounced = session.scalar(
            select(func.count()).where(
                OutboxMessage.cohort_id == cohort_id, OutboxMessage.status == "failed"
            )
        )
    table = Table(title="Courriels envoyés, par type")
    table.add_column("Type")
    table.add_column("Nombre", justify="right")
    for kind, count in by_kind.items():
        table.add_row(kind, str(count))
    table.add_row("[bold]total[/bold]", f"[bold]{sum(by_kind.values())}[/bold]")
    console.print(table)
    console.print(
        "Réponses simulées : " + ", ".join(f"{k} {v}" for k, v in sorted(answers.items()))
    )
    console.print(
        f"Escalades vers le ou la référent·e : {escalations} ; adresses refusées : {bounced}"
    )
    base = make_url(settings.database_url).render_as_string(hide_password=True)
    console.print(f"Durée : {seconds:.1f} s. Base : {base} ; courriels : {mail}")
