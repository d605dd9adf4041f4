"""The email kinds Mentorat sends, in the order of a cohort's lifecycle."""

KINDS: tuple[str, ...] = (
    "call",
    "call_reminder",
    "application_received",
    "pair_introduction",
    "not_matched",
    "charter_request",
    "charter_reminder",
    "charter_escalation",
    "checkin_request",
    "checkin_reminder",
    "escalation",
    "supervision_invitation",
    "supervision_reminder",
    "evaluation_request",
    "evaluation_reminder",
    "workshop_invitation",
    "certificate",
    "operator_alert",
    # Written outside the cohort flow, by the pages and the reply channel.
    "application_exists",
    "fresh_links",
    "erasure_request",
    "inbound_unclear",
    # To the person whose data is erased, just before (mentorat person erase).
    "erasure_done",
    # To the programme's team: a single-use link to the console (services/operators.py).
    "operator_login",
)

# Kinds about a dated event: each message of these kinds carries an .ics invitation.
INVITATION_KINDS: tuple[str, ...] = (
    "supervision_invitation",
    "supervision_reminder",
    "workshop_invitation",
)

# Kinds addressed to the programme's team, not to participants (no personal links in them).
OPERATOR_KINDS: tuple[str, ...] = ("operator_alert", "erasure_request", "inbound_unclear")
