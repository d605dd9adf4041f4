"""The one Jinja environment of the participant pages (autoescaped, strict)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from mentorat.mail import dates, words
from mentorat.web.markdown import charter_html
from templates import WEB_DIR

# Package data of the top-level `templates` package (installed or not).
TEMPLATES_DIR = WEB_DIR


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        # Every value a participant typed is escaped; pages carry no script to inject into.
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        date_fr=dates.date_fr,
        datetime_fr=dates.datetime_fr,
        time_fr=dates.time_fr,
        role_fr=words.role_fr,
        ordinal_fr=words.ordinal_fr,
        charter_html=charter_html,
    )
    return env


def render(name: str, **ctx: Any) -> str:
    return environment().get_template(name).render(**ctx)
