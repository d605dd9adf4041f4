"""« Mes informations » and the privacy notice on a 360 px phone: nothing wider than the
screen, a bounded height (the page was 21,494 px tall), no accessibility violation."""

from __future__ import annotations

import pytest

from tests.web.live import axe_violations, shot
from tests.web.my_data_world import mentor_with_two_pairs

pytestmark = pytest.mark.browser

# A mentor with two pairs at month 2, emails folded: 2,738 px on a phone when written.
MAX_HEIGHT = 4000


def width_and_height(page) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    return tuple(  # type: ignore[return-value]
        page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
    )


def test_my_data_fits_a_phone(world, live, phone, clock):
    two = mentor_with_two_pairs(world)
    clock.set(two.now)
    path = world.url(two.mentor_person_id, "my_data", world.cohort_id)
    phone.goto(live + path)
    width, height = width_and_height(phone)
    assert width <= 360
    assert height <= MAX_HEIGHT, height
    print(f"my data: {width} x {height} px")
    assert phone.get_by_role("heading", name="Binôme avec", exact=False).count() == 2
    assert axe_violations(phone) == []
    shot(phone, "my-data")
    # Every folded section opened: still no horizontal scrolling.
    for summary in phone.locator("summary").all():
        summary.click()
    assert width_and_height(phone)[0] <= 360
    phone.goto(live + path + "?version=imprimable")
    assert width_and_height(phone)[0] <= 360
    assert axe_violations(phone) == []
    shot(phone, "my-data-printable")
    phone.emulate_media(media="print")
    assert phone.locator("form").count() == 0
    assert not phone.locator(".site-footer").is_visible()


def test_the_privacy_notice_fits_a_phone(world, live, phone):
    phone.goto(live + "/confidentialite/mirhe")
    assert phone.get_by_role("heading", name="Données personnelles", level=1).is_visible()
    width, _ = width_and_height(phone)
    assert width <= 360
    assert axe_violations(phone) == []
    shot(phone, "privacy-notice")
