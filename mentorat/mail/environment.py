"""The one Jinja environment every email is rendered with."""

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from mentorat.mail import dates, words
from templates import EMAILS_DIR

# The templates are package data of the top-level `templates` package (installed or not).
TEMPLATES_DIR = EMAILS_DIR


@lru_cache(maxsize=8)
def environment(templates_dir: Path = TEMPLATES_DIR) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        # HTML parts escape every value; text parts and subjects must show names as typed.
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        # A missing key is a bug in the caller: fail loudly rather than send a blank.
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        # Templates are part of the release: do not stat every file on every render
        # (a cohort renders tens of thousands of emails).
        auto_reload=False,
    )
    env.filters.update(
        date_fr=dates.date_fr,
        datetime_fr=dates.datetime_fr,
        time_fr=dates.time_fr,
        role_fr=words.role_fr,
        partner_role_fr=words.partner_role_fr,
        alert_label=words.alert_label,
        ordinal_fr=words.ordinal_fr,
        join_fr=words.join_fr,
    )
    env.globals["fail"] = _fail
    return env


def _fail(reason: str) -> None:
    # Lets a template refuse a value it has no wording for (e.g. an unknown reason).
    raise ValueError(reason)
