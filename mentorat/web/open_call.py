"""The open application page of a cohort, `/candidater/<code>` (`mentorat call link`): anyone
may apply while the call is open, from the allowed address domains.

No signed link here: the address is typed, so the page must not tell who applied. A new
application and a second one from the same address get the same answer (the email says which
it was, to the address's owner only), and a cohort whose link was never opened is not found.
The emails are written in the request's transaction and sent after its answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from mentorat.services import ServiceError, notices, open_call
from mentorat.services.cohorts import timeline_of
from mentorat.settings import Settings
from mentorat.web import pages
from mentorat.web.forms import Form
from mentorat.web.handlers.apply import OVERSEAS, REGIONS, read
from mentorat.web.limits import Limits
from models import Cohort

SENT = "envoye"
TITLES = {
    "over": "L’appel à candidatures est clos",
    "closed": "Ce lien de candidature est fermé",
    "not_yet": "L’appel à candidatures n’est pas encore ouvert",
}
EMPTY: dict[str, Any] = {
    "role": None, "first_name": "", "last_name": "", "email": "", "phone": "", "unit": "",
    "region": None, "manager_email": "", "formats": [], "availability": [],
    "career_stage": None, "seniority_years": None, "objectives": "", "expertise": "",
    "capacity": 1, "expectations": "", "consent": False,
}  # fmt: skip


def path(code: str) -> str:
    return open_call.link_path(code)


def csrf_scope(code: str) -> str:
    return f"candidater:{code}"


@dataclass
class OpenCall:
    """One request to the page: what it needs from the app."""

    settings: Settings
    limits: Limits
    session: Session
    now: datetime
    code: str
    csrf: str

    def cohort(self) -> Cohort | None:
        """The cohort, if its link is or was open (otherwise the page does not exist)."""
        cohort = self.session.scalar(select(Cohort).where(Cohort.code == self.code))
        if cohort is None or not open_call.ever_opened(self.session, cohort):
            return None
        return cohort

    def page(self, template: str, cohort: Cohort, *, status: int = 200, **ctx: Any) -> Response:
        body = pages.render(
            template,
            cohort=cohort,
            programme=cohort.programme,
            action=path(self.code),
            csrf=self.csrf,
            closes_at=timeline_of(cohort).call_closes_at,
            **ctx,
        )
        return HTMLResponse(body, status_code=status)

    def form(
        self,
        cohort: Cohort,
        values: dict[str, Any],
        errors: dict[str, str],
        status: int = 200,
    ) -> Response:
        domains = cohort.application_domains
        hint = (
            "Cet appel est réservé aux adresses "
            + ", ".join(f"@{d}" for d in domains)
            + " (et à leurs sous-domaines)."
            if domains
            else None
        )
        return self.page(
            "open_apply.html",
            cohort,
            status=status,
            values=values,
            errors=errors,
            regions=REGIONS,
            overseas=OVERSEAS,
            application=None,
            email_hint=hint,
        )

    def refused(self, cohort: Cohort) -> Response | None:
        """The page of a call not open yet, closed, or whose link was closed; None if open."""
        refusal = open_call.refusal(cohort, None, self.now)
        if refusal is None:
            return None
        status = 200 if refusal.reason == "not_yet" else 410
        return self.page(
            "open_apply_closed.html",
            cohort,
            status=status,
            title=TITLES[refusal.reason],
            message=refusal.message,
        )


def show(call: OpenCall, sent: bool, not_found: Callable[[], Response]) -> Response:
    cohort = call.cohort()
    if cohort is None:
        return not_found()
    if sent:
        return call.page("open_apply_sent.html", cohort)
    return call.refused(cohort) or call.form(cohort, dict(EMPTY), {})


def submit(call: OpenCall, data: Any, not_found: Callable[[], Response]) -> Response:
    """Check the form, record the application (or nothing, for an address that applied
    already), write its email, commit, and answer with the same page in both cases."""
    cohort = call.cohort()
    if cohort is None:
        return not_found()
    closed = call.refused(cohort)
    if closed is not None:
        return closed
    form = Form(data, call.limits)
    fields = read(form, None, ask_email=True)
    errors = form.result.errors
    email = fields["email"]
    if email is not None:
        refusal = open_call.refusal(cohort, email, call.now)
        if refusal is not None:  # the only one left: an address outside the domains
            errors["email"] = refusal.message
    if errors:
        return call.form(cohort, {**EMPTY, **form.result.values}, errors, status=400)
    try:
        application, outcome = open_call.apply_openly(call.session, cohort, fields, now=call.now)
    except ServiceError:
        call.session.rollback()
        return call.refused(cohort) or call.form(cohort, dict(EMPTY), {}, status=409)
    open_call.acknowledge(call.session, call.settings, cohort, application, outcome, now=call.now)
    cohort_id = cohort.id
    call.session.commit()
    response = RedirectResponse(f"{path(call.code)}?{SENT}=1", status_code=303)
    # After the answer: its time then says nothing of whether the address had applied.
    response.background = BackgroundTask(notices.deliver, call.settings, cohort_id)
    return response
