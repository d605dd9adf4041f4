"""The one door through which the command line, the flows, the pages and the replies change
state: one module per concept. Every function takes the caller's session (the caller
commits), writes an audit event, and queues a Prefect event for participants' answers.
"""


class ServiceError(ValueError):
    """A request the state does not allow; the message is French, for the operator."""
