"""Every email Mentorat sends: templates in templates/emails/, one renderer, one message builder.

Rendering and building are pure; sending belongs to the outbox (tasks/). Nothing here logs,
so no personal data can leak through this package's logs.
"""

from typing import TYPE_CHECKING

from mentorat.lazy import lazy_exports

if TYPE_CHECKING:
    from mentorat.mail.ics import event_of, invitation_ics
    from mentorat.mail.kinds import INVITATION_KINDS, KINDS
    from mentorat.mail.message import Attachment, build_message
    from mentorat.mail.message_id import make_message_id
    from mentorat.mail.rendering import Rendered, render

# Imported when first used: the command line only needs `mentorat.mail.dates`, not Jinja,
# icalendar and the MIME builder. (The renderer's module is `rendering`, not `render`: a
# submodule named as an export would shadow it once imported.)
_HOME = {
    "render": "rendering",
    "Rendered": "rendering",
    "event_of": "ics",
    "invitation_ics": "ics",
    "INVITATION_KINDS": "kinds",
    "KINDS": "kinds",
    "Attachment": "message",
    "build_message": "message",
    "make_message_id": "message_id",
}


__getattr__ = lazy_exports(__name__, _HOME)


__all__ = [
    "INVITATION_KINDS",
    "KINDS",
    "Attachment",
    "Rendered",
    "build_message",
    "event_of",
    "invitation_ics",
    "make_message_id",
    "render",
]
