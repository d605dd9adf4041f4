"""The console's bilan (the page, the PDF and XLSX downloads) and its erasure requests (the
preview, then the erasure as `mentorat person erase --yes` carries it out)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from sqlalchemy import select

from mentorat.db import session_scope
from mentorat.services import answers
from models import Application, AuditEvent, ErasureRequest, Operator, Person
from tests.mentorat.test_erasure import (
    counts,
    distinctive_setup,
    scan_bytes,
    scan_tables,
    traces_of,
)
from tests.web import world as world_module
from tests.web.pages import csrf_of, text_of
from tests.web.test_console import DELPHINE, SERGE, add, code_of, section, sign_in
from tests.web.world import World, active_member, build_world

# The five mentors' recommendation (0–10): mean 7,4, net promoter score +20.
RECOMMEND = (10, 9, 9, 6, 3)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world(settings, monkeypatch) -> World:  # type: ignore[no-untyped-def]
    """Pairs whose people have names no other text contains (see test_erasure)."""
    monkeypatch.setattr(world_module, "setup_cohort", distinctive_setup)
    return build_world(settings, pairs=8)


def mentors_evaluate(world: World) -> None:
    """The five mentors answer the evaluation (a group at the threshold of 5: published)."""
    with session_scope(world.settings.database_url) as session:
        mentors = session.scalars(
            select(Application.id)
            .where(Application.cohort_id == world.cohort_id, Application.role == "mentor")
            .order_by(Application.id)
        ).all()
        assert len(mentors) >= len(RECOMMEND)
        for app_id, recommend in zip(mentors, RECOMMEND, strict=False):
            answers.submit_evaluation(
                session, app_id, objectives_reached=4, satisfaction=4, recommend=recommend,
                mentor_again=True, comments="", channel="web", now=world.checkins_close_at,
            )  # fmt: skip


def erasure_page(client, world):  # type: ignore[no-untyped-def]
    return client.get(f"/gestion/cohortes/{code_of(world)}/effacements")


def confirm(client, world, request_id: int, token: str | None = None):  # type: ignore[no-untyped-def]
    token = token if token is not None else csrf_of(erasure_page(client, world).text)
    return client.post(
        f"/gestion/cohortes/{code_of(world)}/effacements/{request_id}",
        data={"csrf": token},
        follow_redirects=False,
    )


def request_of(world: World, person_id: int) -> int:
    with session_scope(world.settings.database_url) as session:
        found = session.scalar(
            select(ErasureRequest.id).where(ErasureRequest.person_id == person_id)
        )
        assert found is not None
        return found


def erased_at(world: World, person_id: int) -> Any:
    with session_scope(world.settings.database_url) as session:
        person = session.get(Person, person_id)
        assert person is not None
        return person.erased_at


def shown_counts(html: str, request_id: int) -> dict[str, int]:
    """The preview's table of one request: French table name -> rows."""
    item = re.search(rf'<li id="effacement-{request_id}">(.*?)</li>', html, re.S)
    assert item, html
    return {
        label: int(rows)
        for label, rows in re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", item.group(1))
    }


# --- the bilan ----------------------------------------------------------------------------


def test_the_bilan_is_a_console_page_with_its_figures_and_no_script(world, settings, smtp, client):
    mentors_evaluate(world)
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    sign_in(client, settings, smtp, DELPHINE)
    cohort_page = client.get(f"/gestion/cohortes/{code_of(world)}")
    assert f'href="/gestion/cohortes/{code_of(world)}/bilan"' in cohort_page.text
    assert "Voir le bilan de la cohorte" in section(cohort_page.text, "bilan")

    page = client.get(f"/gestion/cohortes/{code_of(world)}/bilan")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = text_of(page.text)
    assert f"Bilan de la cohorte {code_of(world)}" in text
    assert "7,4" in text and "+20" in text  # the mentors' recommendation: mean, net score
    assert "Delphine Roux" in text  # inside the console's layout
    assert page.text.count("<h1") == 1
    # What the page's Content-Security-Policy allows: no script, no inline style.
    assert "<script" not in page.text.lower()
    assert "<svg" in page.text and " style=" not in page.text and "<style" not in page.text
    assert '<link rel="stylesheet" href="/gestion/bilan.css">' in page.text
    style = client.get("/gestion/bilan.css")
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")
    assert ".bilan table" in style.text
    # No name of anyone of the cohort in the bilan.
    with session_scope(settings.database_url) as session:
        people = session.scalars(select(Person)).all()
        secrets = [v for p in people for v in (p.first_name, p.last_name, p.email)]
    bilan_part = page.text.split('<div class="bilan">', 1)[1]
    assert [s for s in secrets if s in bilan_part] == []


def test_the_bilan_downloads_as_pdf_and_xlsx(world, settings, smtp, client):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from tests.reports.test_bilan_files import WEASYPRINT_MISSING

    mentors_evaluate(world)
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    sign_in(client, settings, smtp, DELPHINE)
    code = code_of(world)

    sheet = client.get(f"/gestion/cohortes/{code}/bilan.xlsx")
    assert sheet.status_code == 200 and sheet.headers["content-type"] == XLSX
    assert f'filename="bilan-{code}.xlsx"' in sheet.headers["content-disposition"]
    book = load_workbook(io.BytesIO(sheet.content))
    evaluation = list(book["Évaluation"].iter_rows(values_only=True))
    assert ("Mentors", "Recommandation (0 à 10)", "score net", 20) in evaluation

    if WEASYPRINT_MISSING is not None:
        pytest.skip(WEASYPRINT_MISSING)
    pdf = client.get(f"/gestion/cohortes/{code}/bilan.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    assert pdf.content.startswith(b"%PDF-")
    flat = " ".join(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert f"Bilan de la cohorte {code}" in flat
    assert "7,4" in flat and "+20" in flat


def test_the_bilan_needs_a_session_and_a_known_format(world, settings, smtp, client):
    code = code_of(world)
    for path in ("bilan", "bilan.pdf", "bilan.xlsx", "effacements"):
        answer = client.get(f"/gestion/cohortes/{code}/{path}", follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"] == "/gestion/connexion"
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    sign_in(client, settings, smtp, DELPHINE)
    assert client.get(f"/gestion/cohortes/{code}/bilan.docx").status_code == 404
    assert client.get("/gestion/cohortes/NOPE-2030/bilan").status_code == 404


def test_a_supervisor_sees_the_bilan_but_not_the_erasure_requests(world, settings, smtp, client):
    _, person_id = active_member(world, "mentee")
    traces_of(world, person_id)
    add(settings, SERGE, "mirhe", "supervisor", "Serge Leroy")
    sign_in(client, settings, smtp, SERGE)
    code = code_of(world)
    cohort_page = client.get(f"/gestion/cohortes/{code}").text
    assert "/bilan" in cohort_page and "/effacements" not in cohort_page
    assert client.get(f"/gestion/cohortes/{code}/bilan").status_code == 200

    refused = erasure_page(client, world)
    assert refused.status_code == 403
    assert "Votre rôle ne permet pas" in text_of(refused.text)
    with session_scope(settings.database_url) as session:
        person = session.get(Person, person_id)
        assert person is not None
        assert person.last_name not in refused.text  # not even the name of who asked
    token = csrf_of(client.get(f"/gestion/cohortes/{code}").text)
    posted = confirm(client, world, request_of(world, person_id), token)
    assert posted.status_code == 403
    assert erased_at(world, person_id) is None


# --- erasure ------------------------------------------------------------------------------


def test_an_operator_sees_the_preview_then_erases_and_the_person_is_told_first(
    world, settings, smtp, client
):
    url = settings.database_url
    _, person_id = active_member(world, "mentee")
    names = traces_of(world, person_id)
    needles = list(names.values())
    request_id = request_of(world, person_id)
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    sign_in(client, settings, smtp, DELPHINE)
    cohort_page = client.get(f"/gestion/cohortes/{code_of(world)}").text
    assert f"/gestion/cohortes/{code_of(world)}/effacements" in cohort_page

    page = erasure_page(client, world)
    assert page.status_code == 200
    assert f"{names['first']} {names['last']}" in text_of(page.text)
    preview = shown_counts(page.text, request_id)
    assert preview["personne"] == 1 and preview["courriels"] > 1
    assert preview["demandes d’effacement"] == 1
    assert scan_tables(url, needles) != []  # the preview changed nothing
    assert erased_at(world, person_id) is None

    done = confirm(client, world, request_id)
    assert done.status_code == 303
    assert done.headers["location"] == f"/gestion/cohortes/{code_of(world)}?fait=effacement"
    assert "Données effacées" in text_of(client.get(done.headers["location"]).text)
    # The last notice reached the person's own address: it left before the erasure, which
    # took the address out of the database.
    told = [m.message() for m in smtp.messages if names["email"] in m.recipients]
    assert [str(m["Subject"]) for m in told if "effacées" in str(m["Subject"])] != []
    assert len([m for m in told if m["X-Mentorat-Kind"] == "erasure_done"]) == 1
    assert scan_tables(url, needles) == []
    if url.startswith("sqlite"):
        assert scan_bytes(url, needles) == []
    with session_scope(url) as session:
        operator_id = session.scalar(select(Operator.id).where(Operator.email == DELPHINE))
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "person.erased"))
        assert event is not None and event.actor == f"operator:id-{operator_id}"
        from mentorat.services.erasure import table_label

        # The preview shown was what the erasure did, and the notice written since.
        done_rows = {table_label(t): n for t, n in event.details["rows"].items()}
        assert done_rows == {**preview, "courriels": preview["courriels"] + 1}
    assert "Aucune demande d’effacement en attente" in text_of(erasure_page(client, world).text)

    settled = counts(url)
    sent = len(smtp.messages)
    again = confirm(client, world, request_id)
    assert again.status_code == 303 and again.headers["location"].endswith("?fait=deja-efface")
    assert "déjà été effacée" in text_of(client.get(again.headers["location"]).text)
    assert counts(url) == settled and len(smtp.messages) == sent


def test_a_confirmation_without_its_csrf_token_erases_nothing(world, settings, smtp, client):
    _, person_id = active_member(world, "mentee")
    names = traces_of(world, person_id)
    add(settings, DELPHINE, "mirhe", "operator", "Delphine Roux")
    sign_in(client, settings, smtp, DELPHINE)
    refused = confirm(client, world, request_of(world, person_id), "faux-jeton")
    assert refused.status_code == 403
    assert "Cette page a expiré" in text_of(refused.text)
    assert erased_at(world, person_id) is None
    assert scan_tables(settings.database_url, [names["email"]]) != []
    other = confirm(client, world, 999_999)
    assert other.status_code == 404
    assert "Aucune demande d’effacement n° 999999" in text_of(other.text)
