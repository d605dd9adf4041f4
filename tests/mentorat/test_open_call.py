"""The open application link: anyone during the call, from the allowed domains only, and a
clear answer before the call opens and after it closes."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mentorat.db import session_scope
from mentorat.services import ServiceError, cohorts, open_call, programmes
from models import Application, AuditEvent, Cohort
from tests.conftest import START

DAMIEN = {
    "email": "damien.roux@ta-lyon.justice.fr",
    "first_name": "Damien",
    "last_name": "Roux",
    "role": "mentee",
    "objectives": {"prise-de-poste": "Prise de poste"},
}


def new_cohort(session) -> Cohort:  # type: ignore[no-untyped-def]
    programmes.add_programme(session, "jaae", now=START, actor="test")
    return cohorts.create_cohort(
        session, programme_slug="jaae", code="JAAE-2027", label="2027", call_opens_at=START,
        operator_name="Camille Roux", operator_email="rh@exemple.fr",
        supervisor_name="Dominique Perret", supervisor_email="referent@exemple.fr",
        now=START, actor="test",
    )  # fmt: skip


def test_the_link_is_closed_until_the_operator_opens_it(settings):
    with session_scope(settings.database_url) as session:
        cohort = new_cohort(session)
        refused = open_call.refusal(cohort, DAMIEN["email"], START + timedelta(days=1))
        assert refused is not None and refused.reason == "closed"
        with pytest.raises(ServiceError):
            open_call.apply_openly(session, cohort, DAMIEN, now=START + timedelta(days=1))


def test_anyone_from_an_allowed_domain_or_its_subdomains_may_apply_during_the_call(settings):
    with session_scope(settings.database_url) as session:
        cohort = new_cohort(session)
        kept = open_call.open_link(
            session, cohort, domains=["@Justice.fr", " "], now=START, actor="operator:cli"
        )
        assert kept == ["justice.fr"]
        application, outcome = open_call.apply_openly(
            session, cohort, DAMIEN, now=START + timedelta(days=2)
        )
        assert (outcome, application.channel, application.status) == ("created", "web", "submitted")
        audit = session.scalar(select(AuditEvent).where(AuditEvent.action == "call.link_opened"))
        assert audit is not None and audit.details == {"domains": ["justice.fr"]}


@pytest.mark.parametrize(
    "email", ["damien.roux@gmail.com", "damien@notjustice.fr", "damien@justice.fr.evil.com"]
)
def test_an_address_outside_the_allowed_domains_is_refused_with_a_clear_message(settings, email):
    with session_scope(settings.database_url) as session:
        cohort = new_cohort(session)
        open_call.open_link(session, cohort, domains=["justice.fr"], now=START, actor="op")
        with pytest.raises(ServiceError, match="réservé aux adresses professionnelles"):
            open_call.apply_openly(
                session, cohort, {**DAMIEN, "email": email}, now=START + timedelta(days=2)
            )
        assert session.scalar(select(Application)) is None


def test_before_the_call_opens_and_after_it_closes_the_page_gets_a_clear_answer(settings):
    with session_scope(settings.database_url) as session:
        cohort = new_cohort(session)
        open_call.open_link(session, cohort, domains=[], now=START, actor="op")
        closes = cohorts.timeline_of(cohort).call_closes_at
        early = open_call.refusal(cohort, None, START - timedelta(days=1))
        late = open_call.refusal(cohort, DAMIEN["email"], closes)
        assert early is not None and early.reason == "not_yet"
        assert late is not None and late.reason == "over"
        assert "L’appel à candidatures est clos depuis le" in late.message
        assert open_call.refusal(cohort, "x@gmail.com", closes - timedelta(hours=1)) is None
