"""Links, forms and limits under attack: tampered, expired, replayed and cross-person tokens,
forged forms, oversized answers, markup in every text field, floods."""

from __future__ import annotations

import time

from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from mentorat import links
from mentorat.db import session_scope
from models import CheckIn, OutboxMessage
from tests.web.pages import csrf_of, text_of
from tests.web.world import deliver_pending


class _Past(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 60 * 86400


def expired_token(secret: str, person_id: int, purpose: str, occurrence: int) -> str:
    """A correctly signed token issued 60 days ago (links live 45)."""
    return URLSafeTimedSerializer(secret, salt="mentorat.link.v1", signer=_Past).dumps(
        [person_id, purpose, occurrence]
    )


def status_of(world, checkin_id) -> str:  # type: ignore[no-untyped-def]
    with session_scope(world.settings.database_url) as session:
        row = session.get(CheckIn, checkin_id)
        assert row is not None
        return row.status


def test_a_tampered_link_shows_a_french_page_offering_fresh_links(world, client):
    checkin_id, person_id, _ = world.checkin()
    url = world.url(person_id, "checkin", checkin_id)
    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    page = client.get(tampered)
    assert page.status_code == 404
    assert "Ce lien n’est pas valide" in text_of(page.text)
    assert "Recevoir de nouveaux liens par courriel" in text_of(page.text)


def test_an_expired_link_offers_a_fresh_link_sent_to_the_address_on_file(world, client, smtp):
    checkin_id, person_id, first_name = world.checkin()
    deliver_pending(world.settings)
    before = len(smtp.messages)
    token = expired_token(world.settings.secret_keys()[0], person_id, "checkin", checkin_id)
    page = client.get(f"/r/{token}")
    assert page.status_code == 410 and "Ce lien a expiré" in text_of(page.text)
    sent = client.post("/lien/nouveau", data={"csrf": csrf_of(page.text), "token": token})
    assert "un message contenant de nouveaux liens" in text_of(sent.text)
    assert client.app.state.fresh_links.wait_idle(30)  # looked up and sent after the answer
    fresh = [m.message() for m in smtp.messages[before:]]
    assert len(fresh) == 1 and fresh[0]["X-Mentorat-Kind"] == "fresh_links"
    body = fresh[0].get_body(("plain",)).get_content()
    assert f"Bonjour {first_name}" in body
    new_link = next(
        line.strip()
        for line in body.splitlines()
        if "/r/" in line and line.strip().startswith("http")
    )
    assert client.get(new_link.replace("https://mentorat.exemple.fr", "")).status_code == 200


def test_asking_fresh_links_for_an_unknown_address_answers_the_same_and_sends_nothing(
    world, client, smtp
):
    deliver_pending(world.settings)
    before = len(smtp.messages)
    home = client.get("/")
    known = client.post(
        "/lien/nouveau", data={"csrf": csrf_of(home.text), "email": "mentor00000@exemple.fr"}
    )
    unknown = client.post(
        "/lien/nouveau", data={"csrf": csrf_of(home.text), "email": "personne@exemple.fr"}
    )
    assert known.status_code == unknown.status_code == 200
    assert text_of(known.text) == text_of(unknown.text)
    assert client.app.state.fresh_links.wait_idle(30)
    assert len(smtp.messages) == before + 1


def test_a_link_cannot_open_another_persons_request(world, client):
    checkin_id, person_id, _ = world.checkin(0)
    other_checkin, other_person, _ = world.checkin(1)
    crossed = world.url(person_id, "checkin", other_checkin)
    page = client.get(crossed)
    assert page.status_code == 404
    # Nor another purpose, nor a request that does not exist: all look the same.
    assert client.get(world.url(person_id, "evaluation", 999_999)).text == page.text
    assert client.get(world.url(person_id, "my_data", 999_999)).text == page.text
    csrf = csrf_of(client.get(world.url(person_id, "checkin", checkin_id)).text)
    client.post(crossed, data={"csrf": csrf, "met": "oui"})
    assert status_of(world, other_checkin) == "open"


def test_a_replayed_submission_records_the_same_answer_once_per_click(world, client):
    checkin_id, person_id, _ = world.checkin()
    url = world.url(person_id, "checkin", checkin_id)
    form = {"csrf": csrf_of(client.get(url).text), "met": "non"}
    first = client.post(url, data=form, follow_redirects=False)
    replay = client.post(url, data=form, follow_redirects=False)
    assert first.status_code == replay.status_code == 303
    with session_scope(world.settings.database_url) as session:
        row = session.get(CheckIn, checkin_id)
        assert row is not None and (row.status, row.met) == ("answered", False)


def test_it_refuses_a_form_without_its_csrf_token_or_from_another_site(world, client):
    checkin_id, person_id, _ = world.checkin()
    url = world.url(person_id, "checkin", checkin_id)
    csrf = csrf_of(client.get(url).text)
    assert client.post(url, data={"met": "oui"}).status_code == 403
    altered = ("y" if csrf[0] == "x" else "x") + csrf[1:]
    assert client.post(url, data={"csrf": altered, "met": "oui"}).status_code == 403
    forged = client.post(
        url, data={"csrf": csrf, "met": "oui"}, headers={"Origin": "https://attaquant.example"}
    )
    assert forged.status_code == 403 and "Cette page a expiré" in text_of(forged.text)
    # A token made for another page's form is refused too.
    other_id, other_person, _ = world.checkin(1)
    other_csrf = csrf_of(client.get(world.url(other_person, "checkin", other_id)).text)
    assert client.post(url, data={"csrf": other_csrf, "met": "oui"}).status_code == 403
    assert status_of(world, checkin_id) == "open"


def test_a_mail_scanner_following_every_link_changes_nothing(world, client):
    checkin_id, person_id, _ = world.checkin()
    for answer in ("vu", "pas-vu", "aide", None):
        client.get(world.url(person_id, "checkin", checkin_id, answer))
        client.head(world.url(person_id, "checkin", checkin_id, answer))
    assert status_of(world, checkin_id) == "open"


def test_an_answer_over_the_size_limit_is_refused_with_a_message(world, client):
    checkin_id, person_id, _ = world.checkin()
    url = world.url(person_id, "checkin", checkin_id)
    csrf = csrf_of(client.get(url).text)
    long = client.post(url, data={"csrf": csrf, "met": "oui", "help_message": "a" * 4001})
    assert long.status_code == 400
    assert "Ce texte est trop long : 4 001 caractères pour 4 000 au plus." in text_of(
        long.text
    ).replace("\u202f", " ").replace("\u00a0", " ")
    huge = client.post(url, data={"csrf": csrf, "met": "oui", "help_message": "a" * 100_000})
    assert huge.status_code == 413 and "Votre réponse est trop longue" in text_of(huge.text)
    chunked = client.post(
        url,
        content=iter([b"csrf=" + csrf.encode() + b"&help_message="] + [b"a" * 10_000] * 10),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert chunked.status_code == 413
    assert status_of(world, checkin_id) == "open"


MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_markup_typed_in_any_text_field_is_shown_as_text(world, client):
    checkin_id, person_id, _ = world.checkin()
    url = world.url(person_id, "checkin", checkin_id)
    client.post(
        url,
        data={
            "csrf": csrf_of(client.get(url).text),
            "met": "non",
            "need_help": "1",
            "help_message": MARKUP + "\x00",
        },
    )
    for page in (client.get(url), client.get(world.url(person_id, "my_data", world.cohort_id))):
        assert "<script>" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;" in page.text
    (_, mentor_person, *_), _ = world.pair_members(world.unsigned_pair_id)
    charter = world.url(mentor_person, "charter", world.unsigned_pair_id)
    shown = client.post(
        charter, data={"csrf": csrf_of(client.get(charter).text), "signed_name": MARKUP}
    )
    assert shown.status_code == 400 and "<script>" not in shown.text
    assert "&lt;script&gt;" in shown.text


def test_pages_forbid_framing_scripts_and_caching(world, client):
    checkin_id, person_id, _ = world.checkin()
    page = client.get(world.url(person_id, "checkin", checkin_id))
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none'
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "same-origin"
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    assert "<script" not in page.text


def test_no_link_is_written_to_the_outbox_for_a_made_up_request(world, client):
    with session_scope(world.settings.database_url) as session:
        before = len(session.scalars(select(OutboxMessage.id)).all())
    token = links.make_token("another-secret-0123456789abcdef0123", 1, "checkin", 1)
    client.post("/lien/nouveau", data={"csrf": csrf_of(client.get("/").text), "token": token})
    assert client.app.state.fresh_links.wait_idle(30)
    with session_scope(world.settings.database_url) as session:
        assert len(session.scalars(select(OutboxMessage.id)).all()) == before
