"""SQLAlchemy tables: the system of record. One module per table family."""

from models.audit import AuditEvent
from models.base import Base
from models.checkin import CheckIn, EvaluationAnswer
from models.cohort import CharterVersion, Cohort, CohortRunLease, Programme
from models.engagement import (
    CharterSignature,
    SupervisionAttendance,
    SupervisionSession,
    WorkshopInvitation,
)
from models.installation import Installation
from models.operators import Operator, OperatorLogin, OperatorSession
from models.outbox import OutboxMessage
from models.pairs import MatchingDecision, Pair, PairOverride
from models.people import Application, CallRecipient, Person
from models.web import ErasureRequest, InboundReply

__all__ = [
    "Application",
    "AuditEvent",
    "Base",
    "CallRecipient",
    "CharterSignature",
    "CharterVersion",
    "CheckIn",
    "Cohort",
    "CohortRunLease",
    "ErasureRequest",
    "EvaluationAnswer",
    "InboundReply",
    "Installation",
    "MatchingDecision",
    "Operator",
    "OperatorLogin",
    "OperatorSession",
    "OutboxMessage",
    "Pair",
    "PairOverride",
    "Person",
    "Programme",
    "SupervisionAttendance",
    "SupervisionSession",
    "WorkshopInvitation",
]
