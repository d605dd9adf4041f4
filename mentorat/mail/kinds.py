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
    # A charter version adopted mid-cohort, to those who signed an earlier one (and its reminder).
    "charter_new_version",
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
    # To the cohort's operator, before its personal data is anonymised (services/retention.py).
    "retention_notice",
    # Fixes after the approval (services/fixes.py): a pair's end, a withdrawal, a session
    # moved or cancelled (same UID as the invitation, SEQUENCE + 1).
    "pair_ended",
    "participation_withdrawn",
    "session_moved",
    "session_cancelled",
)

# Kinds about a dated event: each message of these kinds carries an .ics invitation.
INVITATION_KINDS: tuple[str, ...] = (
    "supervision_invitation",
    "supervision_reminder",
    "workshop_invitation",
    "session_moved",
    "session_cancelled",
)

# Kinds addressed to the programme's team, not to participants (no personal links in them).
OPERATOR_KINDS: tuple[str, ...] = (
    "operator_alert",
    "erasure_request",
    "inbound_unclear",
    "retention_notice",
)
