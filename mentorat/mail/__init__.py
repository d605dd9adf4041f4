"""Every email Mentorat sends: templates in templates/emails/, one renderer, one message builder.

Rendering and building are pure; sending belongs to the outbox (tasks/). Nothing here logs,
so no personal data can leak through this package's logs.
"""

from mentorat.mail.ics import event_of, invitation_ics
from mentorat.mail.kinds import INVITATION_KINDS, KINDS
from mentorat.mail.message import Attachment, build_message
from mentorat.mail.message_id import make_message_id
from mentorat.mail.render import Rendered, render

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
