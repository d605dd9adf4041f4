"""One visit of a participant's link: the request, the database session, the resolved target,
and how to answer with a page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.requests import Request

from mentorat.services.targets import Target
from mentorat.settings import Settings
from mentorat.web import pages
from mentorat.web.limits import Limits


@dataclass
class Visit:
    request: Request
    settings: Settings
    limits: Limits
    session: Session
    now: datetime
    token: str
    target: Target
    csrf: str
    # Work to run after the commit (e.g. send an email that was queued).
    after_commit: list[Any] = field(default_factory=list)

    @property
    def action(self) -> str:
        return f"/r/{self.token}"

    @property
    def is_open(self) -> bool:
        return self.target.is_open(self.now)

    def page(self, template: str, *, status: int = 200, **ctx: Any) -> HTMLResponse:
        cohort = self.target.cohort
        body = pages.render(
            template,
            action=self.action,
            csrf=self.csrf,
            person=self.target.person,
            cohort=cohort,
            programme=cohort.programme,
            target=self.target,
            now=self.now,
            deadline=self.target.deadline,
            is_open=self.is_open,
            errors=ctx.pop("errors", {}),
            saved=ctx.pop("saved", False),
            **ctx,
        )
        return HTMLResponse(body, status_code=status)

    def saved(self) -> RedirectResponse:
        # Post/Redirect/Get: reloading the confirmation page never submits twice.
        return RedirectResponse(f"{self.action}?enregistre=1", status_code=303)

    def closed(self) -> HTMLResponse:
        return self.page("closed.html", status=409)
