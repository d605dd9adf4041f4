"""Floods are slowed down: answers per link, page views per client."""

from __future__ import annotations

import pytest

from mentorat.web.limits import Limits
from tests.web.pages import csrf_of, text_of


@pytest.fixture
def limits() -> Limits:
    return Limits(posts_per_link=3, pages_per_client=30)


def test_it_slows_down_a_flood_of_answers_and_of_page_views(world, client):
    checkin_id, person_id, _ = world.checkin()
    url = world.url(person_id, "checkin", checkin_id)
    csrf = csrf_of(client.get(url).text)
    codes = [
        client.post(url, data={"csrf": csrf, "met": "oui"}, follow_redirects=False).status_code
        for _ in range(5)
    ]
    assert codes == [303, 303, 303, 429, 429]
    views = [client.get(url).status_code for _ in range(40)]
    assert 429 in views
    flooded = client.get(url)
    assert "Trop de demandes" in text_of(flooded.text) and flooded.headers["Retry-After"]
