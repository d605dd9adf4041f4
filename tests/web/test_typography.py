"""What participants read on the pages follows French typography (no-break spaces before
: ; ! ? and inside « », typographic apostrophes)."""

from __future__ import annotations

from datetime import timedelta

from mentorat.mail.typography import faults, visible_text
from tests.web.world import active_member, supervision_invitation, timeline


def test_every_page_is_typeset_in_french(world, client, clock):
    checkin_id, person_id, _ = world.checkin()
    (_, mentor_person, *_), _ = world.pair_members(world.unsigned_pair_id)
    att_id, att_person, _ = supervision_invitation(world)
    paths = [
        world.url(person_id, "checkin", checkin_id),
        world.url(person_id, "checkin", checkin_id, "vu"),
        world.url(person_id, "checkin", checkin_id, "aide"),
        world.url(mentor_person, "charter", world.unsigned_pair_id),
        world.url(person_id, "my_data", world.cohort_id),
        world.url(att_person, "supervision", att_id, "non"),
        "/",
        "/r/abimé",
        "/nulle-part",
    ]
    for path in paths:
        page = client.get(path)
        assert faults(visible_text(page.text)) == [], path
    clock.set(timeline(world).evaluation_opens_at + timedelta(days=1))
    app_id, mentor = active_member(world, "mentor")
    page = client.get(world.url(mentor, "evaluation", app_id))
    assert faults(visible_text(page.text)) == []
