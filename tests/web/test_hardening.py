"""Attacks on the pages that leak or forge: timing the fresh-link form, signed payloads of every
shape, too many fields, keys (development, previous, foreign), Origin behind a reverse proxy,
trusted proxies, line breaks in one-line fields."""

from __future__ import annotations

import secrets
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from pydantic import SecretStr
from sqlalchemy import select

from mentorat import links
from mentorat.db import session_scope
from mentorat.settings import DEV_SECRET, Settings
from mentorat.web import create_app
from mentorat.web.cli import server_config
from mentorat.web.limits import Limits
from models import CharterSignature, CheckIn
from tests.web.live import free_port
from tests.web.pages import csrf_of, text_of
from tests.web.world import deliver_pending

PUBLIC = "https://mentorat.exemple.fr"
STRONG = "Zq4-vT9_mR2xLp7sK1wNc8bYh3jF6dGe0uAi5oEr"


def in_production(settings: Settings, **keys: str | None) -> Settings:
    """The same database and servers, configured as a production server would be."""
    values = {"environment": "production", "secret_key": STRONG, **keys}
    return Settings(**{**settings.model_dump(), **values})


def checkin_status(settings: Settings, checkin_id: int) -> str:
    with session_scope(settings.database_url) as session:
        row = session.get(CheckIn, checkin_id)
        assert row is not None
        return row.status


@pytest.fixture
def limits() -> Limits:
    """Attacks send many requests: only the proxy test below relies on the default limits."""
    return Limits(fresh_links_per_client=10**6)


# --- constant time ----------------------------------------------------------------------


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_fresh_link_form_answers_known_and_unknown_addresses_in_the_same_time(
    world, settings, clock, limits, smtp
):
    deliver_pending(settings)
    before = len(smtp.messages)
    app = create_app(settings, clock=clock, limits=limits)
    worker = app.state.fresh_links
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    with TestClient(app, base_url=PUBLIC) as client:
        csrf = csrf_of(client.get("/").text)
        for i in range(50):
            pairs = [("known", "mentor00000@exemple.fr"), ("unknown", f"personne{i}@exemple.fr")]
            for name, address in pairs if i % 2 else pairs[::-1]:
                # Each known request is an hour apart, so that each one writes and sends an
                # email; the worker is idle, so that only the request itself is timed.
                clock.advance(timedelta(hours=1))
                assert worker.wait_idle(30)
                started = time.perf_counter()
                answer = client.post("/lien/nouveau", data={"csrf": csrf, "email": address})
                times[name].append(time.perf_counter() - started)
                assert answer.status_code == 200
        assert worker.wait_idle(30)
    known, unknown = (statistics.median(times[k]) * 1000 for k in ("known", "unknown"))
    print(f"fresh-link form, median of 50: known {known:.1f} ms, unknown {unknown:.1f} ms")
    # The work was done (one email per known request), but outside the answers' time.
    sent = [m.message() for m in smtp.messages[before:]]
    assert len(sent) == 50 and {m["X-Mentorat-Kind"] for m in sent} == {"fresh_links"}
    assert max(known, unknown) < 2 * min(known, unknown), (known, unknown)


# --- signed payloads of any shape ----------------------------------------------------------

WRONG_SHAPES = [
    {"person": 1, "purpose": "checkin", "occurrence": 1},
    ["1", "checkin", 1],
    [1, "checkin", 2**40],
    [2**63 - 1, "checkin", 1],
    [1.5, "checkin", 1],
    [True, "checkin", 1],
    [1, ["checkin"], 1],
    [1, "inconnu", 1],
    [1, "checkin"],
    None,
    "texte",
]


def test_signed_payloads_of_any_shape_give_the_same_404_page(world, client):
    checkin_id, person_id, _ = world.checkin()
    good = world.url(person_id, "checkin", checkin_id).removeprefix("/r/")
    signer = URLSafeTimedSerializer(world.settings.secret_keys()[0], salt="mentorat.link.v1")
    tokens = [signer.dumps(payload) for payload in WRONG_SHAPES] + [
        good[: len(good) // 2],  # truncated
        good.replace(".", "!", 1),  # not base64
        "é" * 30,
        "%00%ff",
        "a" * 3000,
    ]
    reference = client.get("/r/" + good[:-4] + "AAAA")
    assert reference.status_code == 404
    for token in tokens:
        for path in (f"/r/{token}", f"/r/{token}/agenda.ics", f"/r/{token}/donnees.json"):
            page = client.get(path)
            assert page.status_code == 404, (token, path)
            assert text_of(page.text) == text_of(reference.text), (token, path)
        posted = client.post(f"/r/{token}", data={"met": "oui"})
        assert posted.status_code == 404 and "Ce lien n’est pas valide" in text_of(posted.text)
    # The fresh-link form swallows them too, and keeps working after them.
    csrf = csrf_of(client.get("/").text)
    for token in tokens:
        assert client.post("/lien/nouveau", data={"csrf": csrf, "token": token}).status_code == 200
    assert client.app.state.fresh_links.wait_idle(30)
    assert checkin_status(world.settings, checkin_id) == "open"


# --- too many fields ------------------------------------------------------------------------


def test_a_form_with_too_many_fields_gets_a_french_400_page(world, client):
    checkin_id, person_id, _ = world.checkin()
    url = world.url(person_id, "checkin", checkin_id)
    csrf = csrf_of(client.get(url).text)
    fields = {"csrf": csrf, "met": "oui", **{f"champ{i}": "x" for i in range(500)}}
    for target in (url, "/lien/nouveau"):
        urlencoded = client.post(target, data=fields)
        multipart = client.post(target, data=fields, files={"piece": ("a.txt", b"x")})
        for answer in (urlencoded, multipart):
            assert answer.status_code == 400, (target, answer.status_code)
            assert "Demande incorrecte" in text_of(answer.text)
    assert checkin_status(world.settings, checkin_id) == "open"


# --- keys -------------------------------------------------------------------------------------


def test_a_link_forged_with_the_development_secret_is_refused_in_production(world, clock):
    checkin_id, person_id, _ = world.checkin()
    forged = links.make_url("", DEV_SECRET, person_id, "checkin", checkin_id)
    with TestClient(create_app(in_production(world.settings), clock=clock)) as client:
        assert client.get(forged).status_code == 404
        genuine = links.make_url("", STRONG, person_id, "checkin", checkin_id)
        assert client.get(genuine).status_code == 200


def test_after_a_key_rotation_sent_links_still_work_and_foreign_ones_do_not(world, clock):
    checkin_id, person_id, _ = world.checkin()
    sent_before = world.url(person_id, "checkin", checkin_id)  # signed with the old key
    rotated = in_production(world.settings, secret_key_previous=world.settings.secret_keys()[0])
    with TestClient(create_app(rotated, clock=clock), base_url=PUBLIC) as client:
        page = client.get(sent_before)
        assert page.status_code == 200
        done = client.post(
            sent_before, data={"csrf": csrf_of(page.text), "met": "oui"}, follow_redirects=False
        )
        assert done.status_code == 303
        foreign = links.make_url("", secrets.token_urlsafe(32), person_id, "checkin", checkin_id)
        assert client.get(foreign).status_code == 404
    assert checkin_status(world.settings, checkin_id) == "answered"
    assert rotated.secret_key == SecretStr(STRONG)  # what signs the new links


# --- Origin behind a reverse proxy -----------------------------------------------------------


def test_behind_a_proxy_the_origin_is_checked_against_the_public_url(world, clock):
    """nginx's default proxy_pass sends Host: 127.0.0.1:8000; the browser's Origin is public."""
    checkin_id, person_id, _ = world.checkin()
    url = world.url(person_id, "checkin", checkin_id)
    app = create_app(world.settings, clock=clock)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        csrf = csrf_of(client.get(url).text)

        def post(origin: str) -> int:
            data = {"csrf": csrf, "met": "oui"}
            answer = client.post(url, data=data, headers={"Origin": origin}, follow_redirects=False)
            return answer.status_code

        assert post("https://attaquant.example") == 403
        assert post("http://127.0.0.1:8000") == 403  # the Host, not the public address
        assert post("http://mentorat.exemple.fr") == 403  # another scheme is another origin
        assert post("null") == 403
        assert checkin_status(world.settings, checkin_id) == "open"
        assert post(PUBLIC) == 303
        assert post(PUBLIC + ":443") == 303
    assert checkin_status(world.settings, checkin_id) == "answered"


@contextmanager
def web_server(settings: Settings) -> Iterator[str]:
    """`mentorat web` as it really runs (uvicorn, proxy headers), on a free port."""
    port = free_port()
    server = uvicorn.Server(server_config(settings, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("trusted", "counted_apart"), [("127.0.0.1,::1", True), ("10.0.0.9", False)]
)
def test_forwarded_addresses_are_believed_only_from_the_trusted_proxies(
    settings, trusted, counted_apart
):
    configured = Settings(**{**settings.model_dump(), "trusted_proxies": trusted})
    with web_server(configured) as base, httpx.Client(base_url=base) as client:
        # Six people behind the proxy ask for fresh links; five per client are allowed.
        codes = [
            client.post("/lien/nouveau", headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
            for i in range(6)
        ]
    assert (429 not in codes) is counted_apart, codes


# --- one-line fields ----------------------------------------------------------------------------


def signatures(settings: Settings) -> list[str]:
    with session_scope(settings.database_url) as session:
        return list(session.scalars(select(CharterSignature.signed_name)))


@pytest.mark.parametrize(
    "name", ["Dubois\r\nBcc: x@y.fr", "Dubois\nDubois", "Dubois\rX", "Dubois\u2028X"]
)
def test_a_signature_name_on_two_lines_is_refused_with_a_message(world, client, name):
    (_, person_id, first, _), _ = world.pair_members(world.unsigned_pair_id)
    url = world.url(person_id, "charter", world.unsigned_pair_id)
    before = signatures(world.settings)
    csrf = csrf_of(client.get(url).text)
    page = client.post(url, data={"csrf": csrf, "agree": "1", "signed_name": f"{first} {name}"})
    assert page.status_code == 400
    assert "Saisissez vos prénom et nom sur une seule ligne" in text_of(page.text)
    assert signatures(world.settings) == before
