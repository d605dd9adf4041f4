"""Emails the web process and the reply channel write themselves (fresh links, requests to
the operator). They go through the outbox like every other email, and are sent right after
the commit so that a participant asking for a new link gets it at once."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.orm import Session

from mentorat import services
from mentorat.mail import dates, make_message_id
from mentorat.settings import Settings

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "web" / "emails"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(date_fr=dates.date_fr, datetime_fr=dates.datetime_fr)
    return env


def render(kind: str, ctx: dict[str, Any]) -> tuple[str, str, str]:
    env = _environment()
    subject = " ".join(env.get_template(f"{kind}.subject.txt").render(ctx).split())
    text = re.sub(r"\n{3,}", "\n\n", env.get_template(f"{kind}.txt").render(ctx).strip()) + "\n"
    html = env.get_template(f"{kind}.html").render({**ctx, "subject": subject})
    return subject, text, html


def queue(
    session: Session,
    settings: Settings,
    *,
    kind: str,
    key: str,
    to_addr: str,
    cohort_id: int | None,
    person_id: int | None,
    ctx: dict[str, Any],
    now,
) -> bool:  # type: ignore[no-untyped-def]
    subject, text, html = render(kind, {"public_url": settings.public_url, **ctx})
    return services.queue_notice(
        session,
        key=key,
        cohort_id=cohort_id,
        person_id=person_id,
        kind=kind,
        to_addr=to_addr,
        subject=subject,
        text=text,
        html=html,
        message_id=make_message_id(key, settings.mail_domain),
        now=now,
    )


def deliver(settings: Settings, cohort_id: int | None) -> None:
    """Send what is pending now (run after the commit). On failure the row stays pending:
    the cohort flow's next delivery sends it."""
    if not settings.smtp_host:
        return
    from mentorat.db import session_factory
    from mentorat.delivery import send_pending

    try:
        send_pending(session_factory(settings.database_url), settings, cohort_id=cohort_id)
    except Exception as exc:  # stored in the outbox: nothing is lost
        log.warning("immediate delivery failed: %s", type(exc).__name__)
