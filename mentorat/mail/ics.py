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
    organizer_name: str = "",
    rsvp: bool = False,
) -> bytes:
    """One VEVENT in UTC. Send a higher `sequence` with the same `uid` to move the event,
    and method="CANCEL" to withdraw it. With `rsvp`, the attendee's calendar offers Accept
    and Decline and mails an iTIP REPLY to the organizer: make `organizer_email` the request's
    signed reply address (mentorat.links.reply_address) and the reply records the answer
    (mentorat.inbound), shown under `organizer_name`."""
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
    organizer = vCalAddress(f"mailto:{organizer_email}")
    if organizer_name:
        organizer.params["CN"] = organizer_name
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params.update(
        {
            "ROLE": "REQ-PARTICIPANT",
            "PARTSTAT": "NEEDS-ACTION",
            "RSVP": "TRUE" if rsvp else "FALSE",
        }
    )
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


# A calendar's answer (RFC 5546 REPLY): the attendee's PARTSTAT, as the email replies say it.
PARTSTAT_ANSWERS = {"ACCEPTED": "oui", "DECLINED": "non"}


def reply_answer(ics: bytes | str) -> str | None:
    """« oui » or « non » from an iTIP REPLY (Accept or Decline in Outlook, Thunderbird,
    Apple Calendar…); None for anything else (not a REPLY, tentative, unreadable)."""
    try:
        calendar = Calendar.from_ical(ics)
    except Exception:  # a broken calendar part is no answer; the text is read instead
        return None
    if str(calendar.get("method", "")).upper() != "REPLY":
        return None
    for event in calendar.walk("VEVENT"):
        attendees = event.get("attendee")
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            if attendee is None:
                continue
            answer = PARTSTAT_ANSWERS.get(str(attendee.params.get("PARTSTAT", "")).upper())
            if answer:
                return answer
    return None
