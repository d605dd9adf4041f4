"""Calendar invitations (.ics, RFC 5545 / iTIP) for dated events."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar, Event, vCalAddress

from mentorat.mail.dates import as_utc
from mentorat.mail.kinds import INVITATION_KINDS

PRODID = "-//Mentorat//Mentorat//FR"


def invitation_ics(
    *,
    uid: str,
    summary: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str,
    organizer_email: str,
    attendee_email: str,
    sequence: int = 0,
    method: str = "REQUEST",
    stamp: datetime | None = None,
) -> bytes:
    """One VEVENT in UTC. Send a higher `sequence` with the same `uid` to move the event,
    and method="CANCEL" to withdraw it."""
    if ends_at <= starts_at:
        raise ValueError("an event must end after it starts")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", as_utc(stamp or datetime.now(UTC)))
    event.add("dtstart", as_utc(starts_at))
    event.add("dtend", as_utc(ends_at))
    event.add("summary", summary)
    event.add("description", description)
    event.add("location", location)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("organizer", vCalAddress(f"mailto:{organizer_email}"))
    attendee = vCalAddress(f"mailto:{attendee_email}")
    # Answers come through the signed links in the email, not through calendar replies.
    attendee.params.update({"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"})
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()


def event_of(kind: str, ctx: Mapping[str, Any]) -> dict[str, Any]:
    """Summary, description, times and place of the event an invitation kind is about,
    in the keyword form `invitation_ics` takes."""
    if kind not in INVITATION_KINDS:
        raise ValueError(f"{kind!r} is not an invitation kind")
    programme = ctx["programme"]["name"]
    if kind == "workshop_invitation":
        event = ctx["workshop"]
        summary = f"Atelier de restitution – {ctx['programme']['short_name']}"
        description = f"Atelier de restitution du programme de mentorat « {programme} »."
    else:
        event = ctx["session"]
        nature = "individuelle" if event["kind"] == "individual" else "collective"
        summary = f"Supervision {nature} – {ctx['programme']['short_name']}"
        description = f"Séance de supervision des mentors du programme « {programme} »."
    return {
        "summary": summary,
        "description": description.replace("« ", "«\u00a0").replace(" »", "\u00a0»"),
        "starts_at": event["starts_at"],
        "ends_at": event["ends_at"],
        "location": event["location"],
    }
