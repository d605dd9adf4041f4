"""Participant pages: the forms behind every emailed request (FastAPI, server-rendered)."""

from mentorat.web.app import create_app

__all__ = ["create_app"]
