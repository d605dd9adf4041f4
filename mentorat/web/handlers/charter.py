"""The charter: its full text, signed by ticking a box and typing one's name. The version
shown is the cohort's current one, the version recorded; the pair starts when both members
have signed. A new version adopted mid-cohort is signed again: the page shows it with the
earlier signature, which stays on record."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response
from sqlalchemy import select

from mentorat.services import answers, cohorts
from mentorat.web.forms import NBSP, Form, fold
from mentorat.web.visit import Visit
from models import CharterSignature, CharterVersion


def _signatures(visit: Visit) -> list[CharterSignature]:
    """The member's signatures for this pair, the latest version first."""
    pair, app = visit.target.entity, visit.target.application
    assert app is not None  # a charter link always names the signer's application
    return list(
        visit.session.scalars(
            select(CharterSignature)
            .join(CharterVersion, CharterVersion.id == CharterSignature.charter_version_id)
            .where(CharterSignature.pair_id == pair.id, CharterSignature.application_id == app.id)
            .order_by(CharterVersion.version.desc())
        )
    )


def _signature(visit: Visit) -> CharterSignature | None:
    """The signature of the cohort's current charter version, if given."""
    current = visit.target.cohort.charter_version_id
    return next((s for s in _signatures(visit) if s.charter_version_id == current), None)


def _partner(visit: Visit) -> Any:
    pair, app = visit.target.entity, visit.target.application
    assert app is not None
    return pair.mentee if app.id == pair.mentor_application_id else pair.mentor


def _page(
    visit: Visit,
    *,
    status: int = 200,
    saved: bool = False,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    signatures = _signatures(visit)
    current = visit.target.cohort.charter_version_id
    signature = next((s for s in signatures if s.charter_version_id == current), None)
    # The latest earlier version this member signed, when the cohort has moved on since.
    earlier = next((s for s in signatures if s.charter_version_id != current), None)
    return visit.page(
        "charter.html",
        status=status,
        charter=visit.session.get(CharterVersion, current),
        signature=signature,
        earlier=earlier,
        earlier_version=(
            visit.session.get(CharterVersion, earlier.charter_version_id) if earlier else None
        ),
        partner=_partner(visit),
        pair=visit.target.entity,
        saved=saved,
        errors=errors or {},
        values=values or {"signed_name": "", "agree": False},
        deadline_charter=cohorts.timeline_of(visit.target.cohort).charter_deadline,
    )


def show(visit: Visit, answer: str | None, saved: bool) -> Response:
    return _page(visit, saved=saved)


def submit(visit: Visit, data: Any) -> Response:
    if _signature(visit) is not None:
        return visit.saved()  # signed already: a signature is never replaced
    form = Form(data, visit.limits)
    agree = form.flag("agree")
    name = form.line("signed_name", required=True, label="vos prénom et nom")
    person = visit.target.person
    if not agree:
        form.result.errors["agree"] = "Cochez la case pour confirmer votre engagement."
    if (
        name
        and "signed_name" not in form.result.errors
        and fold(person.last_name) not in fold(name)
    ):
        form.result.errors["signed_name"] = (
            f"Saisissez vos prénom et nom tels qu’ils figurent ci-dessus{NBSP}: "
            f"{person.first_name} {person.last_name}."
        )
    if not form.result.ok:
        return _page(visit, status=400, errors=form.result.errors, values=form.result.values)
    app = visit.target.application
    assert app is not None  # a charter link always names the signer's application
    answers.sign_pair_charter(
        visit.session,
        visit.target.entity.id,
        app.id,
        signed_name=name,
        channel="web",
        now=visit.now,
    )
    return visit.saved()
