"""The operator's console (/gestion/): signing in by a single-use link sent through the
outbox, the cohorts one may see, and who needs attention in a cohort, by name."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from mentorat.cli import app as cli_app
from mentorat.db import session_scope
from mentorat.mail.dates import datetime_fr
from mentorat.services import answers, operators, programmes
from models import (
    Application,
    AuditEvent,
    CheckIn,
    Cohort,
    OperatorLogin,
    OutboxMessage,
    Pair,
    Person,
)
from tests.conftest import START
from tests.web.pages import csrf_of, text_of
from tests.web.world import World, deliver_pending, timeline

DELPHINE = "delphine.roux@justice.exemple.fr"  # operator of the cohort's programme (mirhe)
SERGE = "serge.leroy@justice.exemple.fr"  # supervisor of the same programme
PAUL = "paul.henry@justice.exemple.fr"  # supervisor of another programme (jaae)
LINK = re.compile(r"https://mentorat\.exemple\.fr(/gestion/connexion/\S+)")


def add(settings, email: str, programme: str, role: str, name: str) -> None:  # type: ignore[no-untyped-def]
    with session_scope(settings.database_url) as session:
        if programme == "jaae":
            programmes.add_programme(session, "jaae", now=START, actor="test")
        operators.add_operator(
            session, email, programme_slug=programme, role=role, name=name, now=START,
            actor="test",
        )  # fmt: skip


def ask_for_link(client: TestClient, address: str):  # type: ignore[no-untyped-def]
    csrf = csrf_of(client.get("/gestion/connexion").text)
    answer = client.post("/gestion/connexion", data={"csrf": csrf, "email": address})
    assert client.app.state.console_logins.wait_idle(30)  # type: ignore[attr-defined]
    return answer


def emailed_link(settings, smtp, address: str) -> str:  # type: ignore[no-untyped-def]
    """The path of the last login link received at `address`, through the real SMTP sink."""
    deliver_pending(settings)
    received = [m.message() for m in smtp.messages if address in m.recipients]
    assert received, f"no email to {address}"
    message = received[-1]
    assert message["X-Mentorat-Kind"] == "operator_login"
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = LINK.search(text)
    assert match, text
    return match.group(1)


def use_link(client: TestClient, path: str):  # type: ignore[no-untyped-def]
    csrf = csrf_of(client.get(path).text)
    return client.post(path, data={"csrf": csrf}, follow_redirects=False)


def sign_in(client: TestClient, settings, smtp, address: str) -> None:  # type: ignore[no-untyped-def]
    ask_for_link(client, address)
    answer = use_link(client, emailed_link(settings, smtp, address))
    assert answer.status_code == 303 and answer.headers["location"] == "/gestion/"


def code_of(world: World) -> str:
    with session_scope(world.settings.database_url) as session:
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None
        return cohort.code


def section(html: str, heading_id: str) -> str:
    """The visible text of one list section of the cohort page."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, heading_id
    return text_of(match.group(1))


# --- signing in ---------------------------------------------------------------------------


def test_an_operator_signs_in_with_the_link_emailed_through_the_outbox(
    world, settings, smtp, client, clock
):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    answer = ask_for_link(client, DELPHINE)
    assert answer.status_code == 200
    assert "un lien de connexion vient d’y être envoyé" in text_of(answer.text)
    path = emailed_link(settings, smtp, DELPHINE)
    opened = use_link(client, path)
    assert opened.status_code == 303
    cookie = opened.headers["set-cookie"]
    assert "mentorat_console=" in cookie and "HttpOnly" in cookie and "Secure" in cookie
    assert "samesite=lax" in cookie.lower() and "Path=/gestion" in cookie
    home = client.get("/gestion/")
    assert home.status_code == 200
    assert home.text.count("<h1") == 1
    assert code_of(world) in text_of(home.text)
    assert "Delphine Roux" in text_of(home.text)
    with session_scope(settings.database_url) as session:
        members = session.scalars(
            select(Application.id).where(Application.cohort_id == world.cohort_id)
        ).all()
        pairs = session.scalars(
            select(Pair.id).where(Pair.cohort_id == world.cohort_id, Pair.status == "approved")
        ).all()
    assert f"Participants {len(members)} Binômes {len(pairs)}" in text_of(home.text)
    assert "Phase points mensuels" in text_of(home.text)
    upcoming = timeline(world).next_after(clock.now())
    assert upcoming is not None
    shown = " ".join(datetime_fr(upcoming).split())  # as text_of reads it
    assert f"Prochaine échéance {shown}" in text_of(home.text)  # Paris time, in French


def test_a_login_link_works_once(world, settings, smtp, client):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    ask_for_link(client, DELPHINE)
    path = emailed_link(settings, smtp, DELPHINE)
    assert use_link(client, path).status_code == 303
    client.cookies.delete("mentorat_console")
    again = use_link(client, path)
    assert again.status_code == 410
    assert "mentorat_console" not in again.headers.get("set-cookie", "")
    assert client.get("/gestion/", follow_redirects=False).status_code == 303


def test_a_login_link_expires_after_fifteen_minutes(world, settings, smtp, client, clock):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    ask_for_link(client, DELPHINE)
    path = emailed_link(settings, smtp, DELPHINE)
    clock.advance(timedelta(minutes=16))
    assert use_link(client, path).status_code == 410
    assert client.get("/gestion/", follow_redirects=False).status_code == 303


def test_a_tampered_login_link_is_refused(world, settings, smtp, client):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    ask_for_link(client, DELPHINE)
    path = emailed_link(settings, smtp, DELPHINE)
    secret, mac = path.rsplit(".", 1)
    forged = f"{secret[:-2]}{'AB' if not secret.endswith('AB') else 'CD'}.{mac}"
    assert use_link(client, forged).status_code == 410
    assert use_link(client, path).status_code == 303  # the real one still works


def test_an_unknown_address_gets_the_same_page_and_no_email(world, settings, smtp, client):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    known = ask_for_link(client, DELPHINE)
    unknown = ask_for_link(client, "personne@exemple.fr")
    deliver_pending(settings)
    assert unknown.status_code == known.status_code == 200
    assert text_of(unknown.text) == text_of(known.text)
    assert not [m for m in smtp.messages if "personne@exemple.fr" in m.recipients]
    with session_scope(settings.database_url) as session:
        assert len(session.scalars(select(OperatorLogin)).all()) == 1


def test_signing_out_ends_the_session(world, settings, smtp, client):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    sign_in(client, settings, smtp, DELPHINE)
    cookie = client.cookies.get("mentorat_console")
    csrf = csrf_of(client.get("/gestion/").text)
    out = client.post("/gestion/deconnexion", data={"csrf": csrf})
    assert out.status_code == 200 and "Vous êtes déconnecté·e" in text_of(out.text)
    # Even a copy of the old cookie opens nothing now.
    client.cookies.set("mentorat_console", cookie or "", path="/gestion")
    assert client.get("/gestion/", follow_redirects=False).status_code == 303
    with session_scope(settings.database_url) as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {
        "operator.added",
        "operator.login_sent",
        "operator.signed_in",
        "operator.signed_out",
    } <= actions


def test_a_session_ends_after_eight_idle_hours(world, settings, smtp, client, clock):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    sign_in(client, settings, smtp, DELPHINE)
    clock.advance(timedelta(hours=7))
    assert client.get("/gestion/").status_code == 200  # a visit keeps it alive
    clock.advance(timedelta(hours=7))
    assert client.get("/gestion/").status_code == 200
    clock.advance(timedelta(hours=8, minutes=1))
    assert client.get("/gestion/", follow_redirects=False).status_code == 303


def test_no_console_page_answers_without_a_session(world, client):
    for path in ("/gestion/", f"/gestion/cohortes/{code_of(world)}", "/gestion/deconnexion"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"] == "/gestion/connexion"
    client.cookies.set("mentorat_console", "invente", path="/gestion")
    assert client.get("/gestion/", follow_redirects=False).status_code == 303


def test_a_post_from_another_site_is_refused(world, settings, smtp, client):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    csrf = csrf_of(client.get("/gestion/connexion").text)
    forged = client.post(
        "/gestion/connexion",
        data={"csrf": csrf, "email": DELPHINE},
        headers={"Origin": "https://attaquant.example"},
    )
    assert forged.status_code == 403
    assert client.app.state.console_logins.wait_idle(30)  # type: ignore[attr-defined]
    with session_scope(settings.database_url) as session:
        assert session.scalars(select(OperatorLogin)).all() == []
    sign_in(client, settings, smtp, DELPHINE)
    assert client.post("/gestion/deconnexion", data={"csrf": "faux"}).status_code == 403
    assert client.get("/gestion/").status_code == 200  # still signed in


# --- what each one sees -------------------------------------------------------------------


def test_a_supervisor_of_another_programme_sees_nothing_of_this_cohort(
    world, settings, smtp, client
):
    add(settings, PAUL, "jaae", "supervisor", "Paul Henry")
    sign_in(client, settings, smtp, PAUL)
    code = code_of(world)
    assert code not in client.get("/gestion/").text
    assert client.get(f"/gestion/cohortes/{code}").status_code == 404


def test_an_admin_of_another_programme_sees_every_cohort(world, settings, smtp, client):
    add(settings, PAUL, "jaae", "admin", "Paul Henry")
    sign_in(client, settings, smtp, PAUL)
    code = code_of(world)
    assert code in client.get("/gestion/").text
    assert client.get(f"/gestion/cohortes/{code}").status_code == 200


def test_the_cohort_page_lists_the_people_who_need_attention(world, settings, smtp, client, clock):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    (_, _, m_first, m_last), (_, bounced_id, e_first, e_last) = world.pair_members(
        world.unsigned_pair_id
    )
    with session_scope(settings.database_url) as session:
        rows = session.execute(
            select(CheckIn.id, Person.first_name, Person.last_name)
            .join(Application, Application.id == CheckIn.application_id)
            .join(Person, Person.id == Application.person_id)
            .where(CheckIn.cohort_id == world.cohort_id, CheckIn.month == 1)
            .order_by(CheckIn.id)
        ).all()
        helper_id, h_first, h_last = rows[0]
        answers.record_checkin(
            session, helper_id, met=False, channel="web", now=clock.now(), need_help=True,
            help_message="Nous n’arrivons pas à nous voir.",
        )  # fmt: skip
        person = session.get(Person, bounced_id)
        assert person is not None
        person.email_status = "failing"  # as the sender records a permanent refusal
    sign_in(client, settings, smtp, DELPHINE)
    page = client.get(f"/gestion/cohortes/{code_of(world)}")
    assert page.status_code == 200 and page.text.count("<h1") == 1
    unsigned = section(page.text, "charte")
    assert f"{m_first} {m_last}" in unsigned and f"{e_first} {e_last}" in unsigned
    assert "(2)" in unsigned
    assert f"{h_first} {h_last} – point du 1er mois" in section(page.text, "aide")
    assert "(1)" in section(page.text, "aide")
    assert "Aucun point mensuel manqué" in section(page.text, "points-manques")
    assert section(page.text, "adresses").startswith("Adresses en échec (1)")
    assert f"{e_first} {e_last}" in section(page.text, "adresses")
    assert "Help" not in page.text and "Nous n’arrivons pas" not in page.text
    assert "points mensuels" in section(page.text, "etat")  # the status rows

    clock.set(world.checkins_close_at + timedelta(hours=1))
    sign_in(client, settings, smtp, DELPHINE)  # days later: the session has lapsed
    page = client.get(f"/gestion/cohortes/{code_of(world)}")
    missed = section(page.text, "points-manques")
    assert f"({len(rows) - 1})" in missed  # everyone but the one who answered
    assert f"{h_first} {h_last}" not in missed


def test_a_supervisor_does_not_see_the_bounced_addresses(world, settings, smtp, client):
    add(settings, SERGE, "mirhe", "supervisor", "Serge Leroy")
    sign_in(client, settings, smtp, SERGE)
    page = client.get(f"/gestion/cohortes/{code_of(world)}")
    assert page.status_code == 200
    assert "Charte non signée" in page.text
    assert "Adresses en échec" not in page.text


# --- the command line ---------------------------------------------------------------------


def test_operator_add_gives_access_and_explains_mistakes_in_french(world, settings):
    result = CliRunner().invoke(
        cli_app,
        ["operator", "add", DELPHINE, "--programme", "mirhe", "--role", "supervisor",
         "--name", "Delphine Roux"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Accès à la console ajouté·e" in result.output
    wrong = CliRunner().invoke(
        cli_app, ["operator", "add", DELPHINE, "--programme", "mirhe", "--role", "chef"]
    )
    assert wrong.exit_code != 0 and "rôle « chef » inconnu" in wrong.output.replace("\xa0", " ")
    unknown = CliRunner().invoke(cli_app, ["operator", "add", PAUL, "--programme", "nulle"])
    assert unknown.exit_code != 0 and "programme « nulle » inconnu" in unknown.output.replace(
        "\xa0", " "
    )


def test_the_login_link_leaves_at_once_and_alone(world, settings, smtp, client):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    with session_scope(settings.database_url) as session:
        pending = session.scalar(
            select(func.count()).where(
                OutboxMessage.cohort_id == world.cohort_id, OutboxMessage.status == "pending"
            )
        )
    assert pending
    ask_for_link(client, DELPHINE)
    # Sent by the page's worker right after its commit, without waiting for a cohort run...
    assert [m.message()["X-Mentorat-Kind"] for m in smtp.messages] == ["operator_login"]
    # ...and only it: the cohort's own messages go with the cohort's runs.
    with session_scope(settings.database_url) as session:
        still = session.scalar(
            select(func.count()).where(
                OutboxMessage.cohort_id == world.cohort_id, OutboxMessage.status == "pending"
            )
        )
    assert still == pending
