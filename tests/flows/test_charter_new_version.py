"""A new charter version adopted mid-cohort, under Prefect's test harness in simulated time:
each member of a running pair is asked to sign it (one request, one reminder), signs on the
page, both signatures stay on record, and the check-ins go on meanwhile."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from demo.clock import SimulatedClock
from demo.simulation import run_cohort, setup_cohort
from flows.cohort import cohort_lifecycle
from mentorat.db import session_scope
from mentorat.presets import HERE as PRESETS
from mentorat.services import ServiceError, cohort_changes, cohorts, programmes
from mentorat.web import create_app
from models import AuditEvent, CharterSignature, CharterVersion, Cohort, Pair, Person
from tests.conftest import START
from tests.support.cohorts import code_of
from tests.web.pages import csrf_of, text_of

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

NEW_RULE = "Chaque membre du binôme prévient l’autre au moins 48 heures avant d’annuler."


def jaae_with_a_new_charter(folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(PRESETS / "jaae.toml", folder / "jaae.toml")
    text = (PRESETS / "jaae.charter.md").read_text(encoding="utf-8")
    (folder / "jaae.charter.md").write_text(f"{text}\n{NEW_RULE}\n", encoding="utf-8")
    return folder / "jaae.toml"


def messages(smtp: Any, step: str) -> dict[str, list[EmailMessage]]:
    """Received messages of one step, by recipient."""
    out: dict[str, list[EmailMessage]] = {}
    for received in smtp.messages:
        message = received.message()
        if message["X-Mentorat-Step"] == step:
            for rcpt in received.recipients:
                out.setdefault(rcpt.lower(), []).append(message)
    return out


def plain(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def link_after(text: str, label: str) -> str:
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(label))
    return lines[at + 1].strip()


def test_a_new_charter_version_mid_cohort_is_signed_again_while_check_ins_go_on(
    settings, smtp, tmp_path
):
    cohort_id, pop = setup_cohort(settings, programme="jaae", pairs=3, opens_at=START)
    behaviour = dict.fromkeys(pop.behaviour, "prompt")
    code = code_of(cohort_id)
    preset = jaae_with_a_new_charter(tmp_path / "preset")
    state: dict[str, Any] = {}

    def adopt(now: datetime) -> None:
        with session_scope(settings.database_url) as session:
            programmes.add_programme(session, str(preset), now=now, actor="operator:test")
            cohort = session.get(Cohort, cohort_id)
            assert cohort is not None
            plan = cohort_changes.adopt_charter(
                session, cohort, now=now, actor="operator:Camille Roux"
            )
            assert (plan.current.version, plan.latest.version) == (1, 2)
            state["signers"] = plan.signers
            # Each member's (pair, application): a mentor may accompany two mentees.
            members: dict[str, list[tuple[int, int]]] = {}
            for pair in session.scalars(select(Pair).where(Pair.status == "active")):
                for app in (pair.mentor, pair.mentee):
                    members.setdefault(app.person.email, []).append((pair.id, app.id))
            state["members"] = members
        state["adopted"] = now

    def sign_on_the_page(now: datetime) -> None:
        """A member of one pair re-signs through the link of the email they received."""
        requests = messages(smtp, "charter_v2")
        email = next(e for e in sorted(requests) if len(state["members"][e]) == 1)
        url = link_after(plain(requests[email][0]), "Lire et signer la nouvelle version")
        app = create_app(settings, clock=SimulatedClock(now))
        with TestClient(app, base_url="https://mentorat.exemple.fr") as client:
            page = client.get(url)
            assert page.status_code == 200
            text = text_of(page.text)
            assert "Version 2 de la charte" in text and NEW_RULE in text
            assert "Votre signature de la version 1" in text and "reste enregistrée" in text
            with session_scope(settings.database_url) as session:
                person = session.scalar(select(Person).where(Person.email == email))
                assert person is not None
                name = f"{person.first_name} {person.last_name}"
            done = client.post(
                url,
                data={"csrf": csrf_of(page.text), "agree": "1", "signed_name": name},
                follow_redirects=False,
            )
            assert done.status_code == 303
            shown = text_of(client.get(url).text)
            assert "Version précédente version 1" in shown and "Votre binôme se poursuit" in shown
        state["signed"] = email

    def run_flow(now: datetime) -> dict[str, Any]:
        with session_scope(settings.database_url) as session:
            cohort = session.get(Cohort, cohort_id)
            assert cohort is not None
            t = cohorts.timeline_of(cohort)
        if "adopted" not in state and t.checkins and now >= t.checkins[1].due_at:
            adopt(now)  # in month 2, as the programme's charter changes
        elif "adopted" in state and "signed" not in state and now > state["adopted"]:
            sign_on_the_page(now)
        return cohort_lifecycle(code, now=now)

    run_cohort(settings, cohort_id, behaviour, run_flow)

    members: dict[str, list[tuple[int, int]]] = state["members"]
    pairs_of = {email: len(mine) for email, mine in members.items()}
    assert sum(pairs_of.values()) == 6 and state["signers"] == 6  # three pairs, all signed
    # Each member of a running pair was asked once per pair, in words that say it goes on.
    requests = messages(smtp, "charter_v2")
    assert {email: len(got) for email, got in requests.items()} == pairs_of
    first = requests[state["signed"]][0]
    assert first["X-Mentorat-Kind"] == "charter_new_version"
    assert "Nouvelle version de la charte du mentorat à signer" in first["Subject"]
    body = plain(first)
    assert "(version 2)" in body
    assert "Votre binôme se poursuit pendant ce temps" in body
    # One reminder, to those who had not signed it by then; none to the one who had.
    reminded = messages(smtp, "charter_v2_reminder")
    assert {email: len(got) for email, got in reminded.items()} == {
        email: count for email, count in pairs_of.items() if email != state["signed"]
    }
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None and cohort.charter.version == 2
        rows = session.execute(
            select(
                CharterSignature.pair_id, CharterSignature.application_id, CharterVersion.version
            ).join(CharterVersion, CharterVersion.id == CharterSignature.charter_version_id)
        ).all()
        versions: dict[tuple[int, int], list[int]] = {}
        for pair_id, app_id, version in rows:
            versions.setdefault((pair_id, app_id), []).append(version)
        [signer] = members[state["signed"]]
        # The earlier signature stays beside the new one; the others keep theirs.
        assert sorted(versions[signer]) == [1, 2]
        others = [m for mine in members.values() for m in mine if m != signer]
        assert len(others) == 5 and all(versions[m] == [1] for m in others)
        # No pair was paused: all still active.
        statuses = session.scalars(select(Pair.status).where(Pair.status != "superseded")).all()
        assert set(statuses) == {"active"}
        [event] = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "cohort.charter_adopted")
        ).all()
        assert event.actor == "operator:Camille Roux"
        assert event.details["to_version"] == 2
    # The check-ins went on meanwhile: every member was asked every month as in month 1,
    # those after the adoption (in month 2) included, signed the new version or not.
    checkins = [messages(smtp, f"checkin{month}") for month in range(1, 7)]
    for email in members:
        asked = [len(month.get(email, [])) for month in checkins]
        assert asked[0] >= 1 and asked == [asked[0]] * 6, (email, asked)


def test_adopting_is_refused_when_the_cohort_has_the_latest_version(settings):
    cohort_id, _ = setup_cohort(settings, programme="jaae", pairs=2, opens_at=START)
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort is not None
        with pytest.raises(ServiceError, match="déjà la dernière version de la charte"):
            cohort_changes.adopt_charter(
                session, cohort, now=START + timedelta(days=1), actor="operator:test"
            )
