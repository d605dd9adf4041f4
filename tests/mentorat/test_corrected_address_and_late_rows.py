"""What a re-imported HR file changes for the emails, as the operator runs it and as the mail
server sees it: a corrected address receives what was waiting and what its bounce stopped;
a row added after the approval is a late candidate, told the truth about it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from demo.smtp_sink import SmtpSink
from mentorat.db import session_scope
from mentorat.services import cohorts, pairing
from mentorat.settings import Settings
from models import Application, Cohort, OutboxMessage, Pair, Person
from tasks import call as call_phase
from tasks import matching
from tests.conftest import START
from tests.support import phases
from tests.web.world import deliver_pending

from .test_cli_candidates import ALICE, BRUNO, CHLOE, HR_HEADER, hr_file, mentorat

NBSP = "\u00a0"
CODE = "MIRHE-2027"
RIGHT = "chloe.dubois@justice.gouv.fr"
WRONG = "chloe.dubios@justice.gouv.fr"
CHLOE_WRONG = [cell if cell != RIGHT else WRONG for cell in CHLOE]
DAMIEN = ["A4", "Roux", "Damien", "damien.roux@justice.gouv.fr", "mentoré", "TJ Lyon", "",
          "début", "3", "français", "non", "", "Prise de poste", ""]  # fmt: skip


@pytest.fixture
def cohort(settings):  # type: ignore[no-untyped-def]
    """MIRHE 2027, opening at START, launched (its phases run)."""
    mentorat("programme", "add", "mirhe")
    mentorat(
        "cohort", "create", "--programme", "mirhe", "--code", CODE, "--opens", "06/09/2027",
        "--operator-name", "Camille Roux", "--operator-email", "rh@justice.exemple.fr",
        "--supervisor-name", "Dominique Perret", "--supervisor-email",
        "referent@justice.exemple.fr",
    )  # fmt: skip
    with session_scope(settings.database_url) as session:
        target = cohorts.get_cohort(session, CODE)
        cohorts.launch_cohort(session, target, now=START, actor="test")
        return target.id


def import_file(tmp_path: Path, rows: list[list[str]], *command: str) -> str:
    path = hr_file(tmp_path, [HR_HEADER, *rows], name=f"agents-{len(list(tmp_path.iterdir()))}.csv")
    return mentorat(*command, str(path), "--cohort", CODE)


def kinds_received(smtp: SmtpSink, address: str) -> list[str]:
    received = [m for m in smtp.messages if address in m.recipients]
    return sorted(str(m.message()["X-Mentorat-Kind"]) for m in received)


def chloe_rows(settings: Settings) -> list[tuple[str, str]]:
    with session_scope(settings.database_url) as session:
        return sorted(
            session.execute(
                select(OutboxMessage.kind, OutboxMessage.status)
                .join(Person, Person.id == OutboxMessage.person_id)
                .where(Person.hr_id == "A3")
            ).tuples()
        )


def test_a_corrected_address_receives_what_its_bounce_stopped(settings, smtp, cohort, tmp_path):
    smtp.handler.reject.add(WRONG)
    import_file(tmp_path, [CHLOE_WRONG], "call", "recipients", "import")
    phases.advance(settings, cohort, call_phase, START + timedelta(hours=1))
    deliver_pending(settings)
    # She applies after the call (which bounced): the acknowledgement to the same address is
    # not even tried.
    import_file(tmp_path, [ALICE, BRUNO, CHLOE_WRONG], "candidates", "import")
    phases.advance(settings, cohort, call_phase, START + timedelta(hours=2))
    deliver_pending(settings)
    assert chloe_rows(settings) == [("application_received", "cancelled"), ("call", "failed")]

    output = import_file(tmp_path, [ALICE, BRUNO, CHLOE], "candidates", "import")

    assert f"ligne 5, {RIGHT}{NBSP}: modifié{NBSP}: courriel" in output
    assert (
        f"Adresses corrigées{NBSP}: 0 courriel(s) en attente réadressé(s), "
        "2 courriel(s) arrêté(s) par un rejet renvoyé(s)."
    ) in output
    deliver_pending(settings)
    assert kinds_received(smtp, RIGHT) == ["application_received", "call"]
    assert chloe_rows(settings) == [("application_received", "sent"), ("call", "sent")]
    with session_scope(settings.database_url) as session:
        person = session.scalar(select(Person).where(Person.hr_id == "A3"))
        assert person is not None and (person.email, person.email_status) == (RIGHT, "ok")


def test_a_corrected_address_receives_what_was_waiting_even_after_a_try_later(
    settings, smtp, cohort, tmp_path
):
    import_file(tmp_path, [CHLOE_WRONG], "call", "recipients", "import")
    phases.advance(settings, cohort, call_phase, START + timedelta(hours=1))
    # She applies after the call went out (the call reaches only those who have not applied).
    import_file(tmp_path, [ALICE, BRUNO, CHLOE_WRONG], "candidates", "import")
    phases.advance(settings, cohort, call_phase, START + timedelta(hours=2))
    # The old address's server said "try later" (4xx) for a while: its next try is tomorrow.
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    with session_scope(settings.database_url) as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.to_addr == WRONG, OutboxMessage.kind == "call")
            .values(
                next_attempt_at=tomorrow,
                first_deferred_at=tomorrow - timedelta(days=2),
                deferred_too_long=True,
                last_error="452 4.2.2",
            )
        )

    output = import_file(tmp_path, [CHLOE], "call", "recipients", "import")

    assert f"Adresses corrigées{NBSP}: 2 courriel(s) en attente réadressé(s)" in output
    deliver_pending(settings)
    assert kinds_received(smtp, RIGHT) == ["application_received", "call"]
    assert kinds_received(smtp, WRONG) == []


def test_a_row_added_after_the_approval_is_reported_late_and_told_so_truthfully(
    settings, smtp, cohort, tmp_path
):
    import_file(tmp_path, [ALICE, BRUNO, CHLOE], "candidates", "import")
    phases.advance(settings, cohort, call_phase, START + timedelta(hours=1))
    with session_scope(settings.database_url) as session:
        target = session.get(Cohort, cohort)
        assert target is not None
        closes = cohorts.timeline_of(target).call_closes_at
    phases.advance(settings, cohort, matching, closes)
    approved_at = closes + timedelta(hours=2)
    with session_scope(settings.database_url) as session:
        target = session.get(Cohort, cohort)
        assert target is not None
        pairing.approve(session, target, now=approved_at, actor="operator:test")

    output = import_file(tmp_path, [ALICE, BRUNO, CHLOE, DAMIEN], "candidates", "import")

    assert (
        "1 candidature(s) tardive(s)" in output and "ligne 6, damien.roux@justice.gouv.fr" in output
    )
    phases.advance(settings, cohort, matching, approved_at + timedelta(hours=1))
    phases.advance(settings, cohort, matching, approved_at + timedelta(hours=2))  # not twice
    deliver_pending(settings)
    damien = [m.message() for m in smtp.messages if DAMIEN[3] in m.recipients]
    assert [str(m["X-Mentorat-Kind"]) for m in damien] == ["application_received"]
    body = damien[0].get_body(("plain",))
    assert body is not None
    text = " ".join(body.get_content().split())
    assert (
        "après la constitution des binômes de cette promotion : elle n’entre dans aucun d’eux"
        in text
    )
    assert "Vous recevrez ensuite un message vous présentant votre binôme" not in text
    with session_scope(settings.database_url) as session:
        app = session.scalar(select(Application).join(Person).where(Person.email == DAMIEN[3]))
        assert app is not None and app.status == "late"
        in_pairs = session.scalar(
            select(Pair.id).where(
                (Pair.mentee_application_id == app.id) | (Pair.mentor_application_id == app.id)
            )
        )
        assert in_pairs is None
    # Those who applied in time were told what happens next, as before.
    chloe = [m.message() for m in smtp.messages if RIGHT in m.recipients]
    (ack,) = [m for m in chloe if m["X-Mentorat-Kind"] == "application_received"]
    plain = ack.get_body(("plain",))
    assert plain is not None and "Vous recevrez ensuite un message" in plain.get_content()
