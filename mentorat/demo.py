"""`mentorat demo`: a full cohort in simulated time, with simulated participants (some late,
some never answering, one asking for help, one bad address), on SQLite and Prefect.

It sends to MENTORAT_SMTP_HOST/PORT when set; otherwise it starts a local SMTP server that
saves each message as an .eml file in the demo folder.
"""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

START = datetime(2027, 9, 6, 7, 0, tzinfo=UTC)


def run_demo(*, programme: str, pairs: int, out: Path, console: Console) -> int:
    started = time.perf_counter()
    out = out.resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    os.environ.setdefault("MENTORAT_DATABASE_URL", f"sqlite:///{out / 'mentorat.db'}")
    os.environ.setdefault("MENTORAT_PUBLIC_URL", "http://localhost:8000")
    os.environ.setdefault("MENTORAT_MAIL_FROM", "Mentorat <mentorat@mentorat.test>")
    sink = None
    if not os.environ.get("MENTORAT_SMTP_HOST"):
        from mentorat.smtp_sink import SmtpSink

        sink = SmtpSink(folder=out / "emails").start()
        os.environ["MENTORAT_SMTP_HOST"], os.environ["MENTORAT_SMTP_PORT"] = (
            sink.host,
            str(sink.port),
        )
        console.print(
            f"Serveur SMTP local sur {sink.host}:{sink.port} ; "
            f"chaque courriel est enregistré dans [bold]{out / 'emails'}[/bold]"
        )
    from mentorat.settings import get_settings

    get_settings.cache_clear()
    settings = get_settings()
    from flows.cohort import cohort_lifecycle
    from mentorat import db
    from mentorat.simulation import run_cohort, setup_cohort

    try:
        db.upgrade(settings.database_url)
        cohort_id, pop = setup_cohort(
            settings, programme=programme, pairs=pairs, opens_at=START, domain="exemple.fr"
        )
        if sink is not None:
            # One simulated participant has an address the relay refuses (550).
            sink.handler.reject |= pop.bounce
        console.print(
            f"Cohorte n° {cohort_id} ({programme.upper()}) : {len(pop.rows)} "
            f"candidatures importées ; comportements : {dict(Counter(pop.behaviour.values()))}"
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
            lambda now: cohort_lifecycle(cohort_id, now=now, simulated=True),
            on_step=on_step,
        )
        _summary(
            console, settings, cohort_id, participants.answers, time.perf_counter() - started, out
        )
        return 0
    finally:
        if sink is not None:
            sink.stop()


def _summary(
    console: Console, settings, cohort_id: int, answers: Counter[str], seconds: float, out: Path
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from mentorat.db import session_scope
    from mentorat.lifecycle.status import emails_by_kind
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
    console.print(
        f"Durée : {seconds:.1f} s. Base : {settings.database_url} ; courriels : {out / 'emails'}"
    )
