"""Render one kind of email from its three templates. Pure: no I/O besides reading templates."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, Template, UndefinedError

from mentorat.mail.environment import TEMPLATES_DIR, environment
from mentorat.mail.kinds import KINDS

# Every kind receives these; a template that happens not to use one still refuses its absence,
# so that a caller's mistake shows up on the first kind it renders.
COMMON_KEYS = ("programme", "cohort", "recipient", "operator", "public_url")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _one_line(raw: str) -> str:
    # A header is one line: collapse the ASCII whitespace a template or a value brought,
    # but keep the non-breaking spaces French typography puts before : ; ! ?
    return re.sub(r"[ \t\r\n\f\v]+", " ", raw).strip()


def _tidy_text(raw: str) -> str:
    # Conditional blocks leave trailing spaces and runs of blank lines; a plain-text
    # reader sees both, so normalise them once here rather than in every template.
    # "-- " (with its space) is the signature separator mail readers recognise: keep it.
    lines = [line if line == "-- " else line.rstrip() for line in raw.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


@lru_cache(maxsize=8)
def _prefix_template(env: Environment) -> Template:
    # Compiled once: from_string compiles on every call.
    return env.from_string("[{{ programme.short_name }}]")


def render(kind: str, ctx: Mapping[str, object], templates_dir: Path | None = None) -> Rendered:
    """Render `kind` with `ctx`; a key missing from `ctx` raises jinja2.UndefinedError."""
    if kind not in KINDS:
        raise ValueError(f"unknown email kind: {kind!r}")
    missing = [key for key in COMMON_KEYS if key not in ctx]
    if missing:
        raise UndefinedError(f"missing common context keys: {', '.join(missing)}")
    env = environment(templates_dir or TEMPLATES_DIR)
    # Every subject starts with the programme's short name so that filters and eyes sort it.
    prefix = _prefix_template(env).render(ctx)
    subject = _one_line(f"{prefix} {env.get_template(f'{kind}.subject.txt').render(ctx)}")
    full = {**ctx, "subject": subject, "kind": kind}
    text = _tidy_text(env.get_template(f"{kind}.txt").render(full))
    html = env.get_template(f"{kind}.html").render(full)
    return Rendered(subject=subject, text=text, html=html)
