"""SQLAlchemy tables: the system of record. One module per table family."""

from models.audit import AuditEvent
from models.base import Base
from models.checkin import CheckIn, EvaluationAnswer
from models.cohort import Cohort, Programme, CharterVersion
from models.engagement import (
    CharterSignature,
    SupervisionAttendance,
    SupervisionSession,
    WorkshopInvitation,
)
from models.outbox import OutboxMessage
from models.people import Application, CallRecipient, Person
from models.pairs import MatchingDecision, Pair, PairOverride

__all__ = [
    "Application",
    "AuditEvent",
    "Base",
    "CallRecipient",
    "CharterSignature",
    "CharterVersion",
    "CheckIn",
    "Cohort",
    "EvaluationAnswer",
    "MatchingDecision",
    "OutboxMessage",
    "Pair",
    "PairOverride",
    "Person",
    "Programme",
    "SupervisionAttendance",
    "SupervisionSession",
    "WorkshopInvitation",
]
