"""One module per kind of request: `show` renders the page, `submit` records the answer."""

from mentorat.web.handlers import apply, charter, checkin, evaluation, my_data, rsvp

HANDLERS = {
    "apply": apply,
    "charter": charter,
    "checkin": checkin,
    "evaluation": evaluation,
    "my_data": my_data,
    "supervision": rsvp,
    "workshop": rsvp,
}
