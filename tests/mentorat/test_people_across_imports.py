"""A person is one person across imports: found by matricule, else by address; a corrected
address gets what was waiting and what its bounce stopped; late rows are not stranded."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mentorat.db import session_scope
from mentorat.services import ServiceError, applications, cohorts, programmes
from models import Application, AuditEvent, Cohort, OutboxMessage, Person
from tests.conftest import START

CHLOE = {
    "line": 2,
    "hr_id": "A3",
    "email": "chloe.dubois@justice.gouv.fr",
    "first_name": "Chloé",
    "last_name": "Dubois",
    "role": "mentee",
    "unit": "TJ Cayenne",
}


def new_cohort(session) -> Cohort:  # type: ignore[no-untyped-def]
    programmes.add_programme(session, "jaae", now=START, actor="test")
    return cohorts.create_cohort(
        session, programme_slug="jaae", code="JAAE-2027", label="2027", call_opens_at=START,
        operator_name="Camille Roux", operator_email="rh@exemple.fr",
        supervisor_name="Dominique Perret", supervisor_email="referent@exemple.fr",
        now=START, actor="test",
    )  # fmt: skip


def letter(person: Person, n: int, status: str, error: str | None = None) -> OutboxMessage:
    return OutboxMessage(
        key=f"k{n}", person_id=person.id, kind="call", step="call", to_addr=person.email,
        subject="Appel", body_text="…", body_html="…", message_id=f"<m{n}@x>", status=status,
        last_error=error, attempts=1, created_at=START,
    )  # fmt: skip


def test_a_corrected_address_gets_the_pending_and_the_bounce_stopped_emails(settings):
    with session_scope(settings.database_url) as session:
        cohort = new_cohort(session)
        applications.import_applications(session, cohort, [CHLOE], now=START, actor="test")
        chloe = session.scalar(select(Person))
        assert chloe is not None
        chloe.email_status, chloe.email_error = "failing", "550 no such user"
        session.add_all([
            letter(chloe, 1, "sent"),
            letter(chloe, 2, "failed", "550 no such user"),
            letter(chloe, 3, "cancelled", "adresse en échec"),
            letter(chloe, 4, "pending"),
        ])  # fmt: skip

    corrected = {**CHLOE, "email": "chloe.dubois2@justice.gouv.fr"}
    with session_scope(settings.database_url) as session:
        cohort = cohorts.get_cohort(session, "JAAE-2027")
        report = applications.import_applications(
            session, cohort, [corrected], now=START + timedelta(days=1), actor="test"
        )

    assert (report.readdressed, report.requeued) == (1, 2)
    assert report.changes == [(2, "chloe.dubois2@justice.gouv.fr", ["courriel"])]
    assert report["unchanged"] == 1
    with session_scope(settings.database_url) as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(r.status, r.to_addr.split("@")[0]) for r in rows] == [
            ("sent", "chloe.dubois"),
            ("pending", "chloe.dubois2"),
            ("pending", "chloe.dubois2"),
            ("pending", "chloe.dubois2"),
        ]
        person = session.scalar(select(Person))
        assert person is not None and (person.email_status, person.email_error) == ("ok", None)
        audit = session.scalar(select(AuditEvent).where(AuditEvent.action == "person.updated"))
        assert audit is not None and audit.details["fields"] == ["email"]
        assert "chloe" not in str(audit.details)


def test_without_a_matricule_the_address_is_the_person(settings):
    no_id = {k: v for k, v in CHLOE.items() if k != "hr_id"}
    with session_scope(settings.database_url) as session:
        cohort = new_cohort(session)
        applications.import_applications(session, cohort, [no_id], now=START, actor="test")
        report = applications.import_applications(
            session, cohort, [{**no_id, "first_name": "Chloe"}], now=START, actor="test"
        )
        assert report.changes == [(2, CHLOE["email"], ["prénom"])]
        assert len(session.scalars(select(Person)).all()) == 1


def test_a_matricule_and_an_address_of_two_different_people_is_refused(settings):
    alice = {**CHLOE, "hr_id": "A1", "email": "alice.martin@justice.gouv.fr", "role": "mentor"}
    with session_scope(settings.database_url) as session:
        cohort = new_cohort(session)
        applications.import_applications(session, cohort, [CHLOE, alice], now=START, actor="t")
        with pytest.raises(ServiceError, match="le matricule « A1 » est celui d’une autre"):
            applications.import_applications(
                session, cohort, [{**alice, "email": CHLOE["email"]}], now=START, actor="t"
            )


def test_rows_after_approval_are_late_candidates_and_changes_are_reported_not_applied(settings):
    with session_scope(settings.database_url) as session:
        cohort = new_cohort(session)
        applications.import_applications(session, cohort, [CHLOE], now=START, actor="test")
        cohort.matching_approved_at = START + timedelta(days=30)
        damien = {**CHLOE, "line": 3, "hr_id": "A4", "email": "damien.roux@justice.gouv.fr"}
        report = applications.import_applications(
            session, cohort, [{**CHLOE, "unit": "TJ Kourou"}, damien], now=START, actor="test"
        )
        assert report.late == [(3, "damien.roux@justice.gouv.fr")]
        assert report.frozen == [(2, CHLOE["email"], ["unité"])]
        statuses = {
            a.person.email: (a.status, a.unit) for a in session.scalars(select(Application))
        }
        assert statuses == {
            CHLOE["email"]: ("submitted", "TJ Cayenne"),
            "damien.roux@justice.gouv.fr": ("late", "TJ Cayenne"),
        }
