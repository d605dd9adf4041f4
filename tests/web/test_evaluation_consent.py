"""The evaluation asks whether the comment may appear in the bilan, without the name:
unticked unless ticked, and the answer stored with the comment."""

from __future__ import annotations

from datetime import timedelta

from tests.web.pages import csrf_of, text_of
from tests.web.test_evaluation_page import answer
from tests.web.world import active_member, timeline

CONSENT = "J’accepte que mon commentaire figure, sans mon nom, dans le bilan du programme"


def send(client, url: str, **extra: str):  # type: ignore[no-untyped-def]
    page = client.get(url)
    return client.post(
        url,
        data={
            "csrf": csrf_of(page.text),
            "objectives_reached": "4",
            "satisfaction": "4",
            "recommend": "8",
            "mentor_again": "oui",
            "comments": "Une belle rencontre.",
            **extra,
        },
        follow_redirects=False,
    )


def test_the_consent_box_is_unticked_and_its_answer_is_stored(world, client, clock):
    clock.set(timeline(world).evaluation_opens_at + timedelta(days=1))
    app_id, person_id = active_member(world, "mentor")
    url = world.url(person_id, "evaluation", app_id)
    page = client.get(url)
    assert CONSENT in text_of(page.text)
    box = page.text.split('id="comment_consent"', 1)[1].split(">", 1)[0]
    assert "checked" not in box

    assert send(client, url).status_code == 303
    assert answer(world, app_id).comment_consent is False

    assert send(client, url, comment_consent="1").status_code == 303
    assert answer(world, app_id).comment_consent is True
    shown = client.get(url).text.split('id="comment_consent"', 1)[1].split(">", 1)[0]
    assert "checked" in shown  # the answer, as given, when the page is opened again

    assert send(client, url).status_code == 303  # changed her mind
    assert answer(world, app_id).comment_consent is False
