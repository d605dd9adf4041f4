"""The charter page: the full text, signed by ticking and typing one's name; the version
signed is recorded; the pair starts when both have signed."""

from __future__ import annotations

from sqlalchemy import select

from mentorat.db import session_scope
from models import CharterSignature, CharterVersion, Cohort, Pair
from tests.web.pages import csrf_of, text_of


def test_the_page_shows_the_whole_charter_of_the_cohort(world, client):
    (_, mentor_person, first, last), (_, _, partner_first, _) = world.pair_members(
        world.unsigned_pair_id
    )
    page = client.get(world.url(mentor_person, "charter", world.unsigned_pair_id))
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Charte du mentorat MIRHE" in text
    assert "Un cadre bienveillant qui facilite la liberté de parole." in text
    assert f"avec {partner_first}" in text
    assert "Version 1 de la charte" in text


def test_signing_records_the_version_time_and_channel_and_both_signatures_start_the_pair(
    world, client, clock
):
    members = world.pair_members(world.unsigned_pair_id)
    for _, person_id, first, last in members:
        url = world.url(person_id, "charter", world.unsigned_pair_id)
        page = client.get(url)
        done = client.post(
            url,
            data={"csrf": csrf_of(page.text), "agree": "1", "signed_name": f"{first} {last}"},
            follow_redirects=False,
        )
        assert done.status_code == 303
    with session_scope(world.settings.database_url) as session:
        signatures = session.scalars(
            select(CharterSignature).where(CharterSignature.pair_id == world.unsigned_pair_id)
        ).all()
        cohort = session.get(Cohort, world.cohort_id)
        version = session.get(CharterVersion, signatures[0].charter_version_id)
        pair = session.get(Pair, world.unsigned_pair_id)
        assert {s.channel for s in signatures} == {"web"}
        assert {s.signed_at for s in signatures} == {clock.now()}
        assert signatures[0].charter_version_id == cohort.charter_version_id
        assert version is not None and version.version == 1
        assert pair is not None and pair.status == "active"
    shown = client.get(world.url(members[0][1], "charter", world.unsigned_pair_id))
    assert "Les deux membres du binôme ont signé" in text_of(shown.text)


def test_it_refuses_a_signature_without_the_box_ticked_or_with_another_name(world, client):
    (_, person_id, first, last), _ = world.pair_members(world.unsigned_pair_id)
    url = world.url(person_id, "charter", world.unsigned_pair_id)
    page = client.get(url)
    bad = client.post(url, data={"csrf": csrf_of(page.text), "signed_name": "Quelqu’un"})
    assert bad.status_code == 400
    text = text_of(bad.text)
    assert "Cochez la case pour confirmer votre engagement." in text
    assert f"{first} {last}" in text
    with session_scope(world.settings.database_url) as session:
        assert (
            session.scalar(
                select(CharterSignature.id).where(
                    CharterSignature.pair_id == world.unsigned_pair_id
                )
            )
            is None
        )


def test_a_signature_is_never_replaced(world, client):
    (_, person_id, first, last), _ = world.pair_members(world.unsigned_pair_id)
    url = world.url(person_id, "charter", world.unsigned_pair_id)
    csrf = csrf_of(client.get(url).text)
    client.post(url, data={"csrf": csrf, "agree": "1", "signed_name": f"{first} {last}"})
    client.post(url, data={"csrf": csrf, "agree": "1", "signed_name": f"{first} {last} bis"})
    with session_scope(world.settings.database_url) as session:
        names = session.scalars(
            select(CharterSignature.signed_name).where(
                CharterSignature.pair_id == world.unsigned_pair_id
            )
        ).all()
    assert names == [f"{first} {last}"]


def test_only_a_state_service_shows_the_republique_francaise_block(world, client):
    (_, person, _, _), _ = world.pair_members(world.unsigned_pair_id)
    url = world.url(person, "charter", world.unsigned_pair_id)
    header = text_of(client.get(url).text.split("</header>")[0])
    assert "République française" in header  # MIRHE: the Ministère de la Justice
    with session_scope(world.settings.database_url) as session:
        cohort = session.get(Cohort, world.cohort_id)
        assert cohort is not None
        programme = cohort.programme
        # As an association's programme is stored (mentorat programme add jaae).
        programme.settings = {
            **programme.settings,
            "pages": {"state_service": False, "organisation": "Justice administrative alter-égale"},
        }
    header = text_of(client.get(url).text.split("</header>")[0])
    assert "République française" not in header
    assert "Justice administrative alter-égale" in header
