"""Participant pages: the forms behind every emailed request (FastAPI, server-rendered).

`create_app` is imported on first use: the operator's command line imports `mentorat.web.cli`
and must not pay for FastAPI and the page handlers on every command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mentorat.lazy import lazy_exports

if TYPE_CHECKING:
    from mentorat.web.app import create_app

__all__ = ["create_app"]


__getattr__ = lazy_exports(__name__, {"create_app": "app"})
