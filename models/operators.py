from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.cohort import Programme


class Operator(Base):
    """Someone of the programme's team who may open the console (`/gestion/`).

    `role`: operator | supervisor | admin. The scope is one programme; an admin sees every
    programme's cohorts, a supervisor sees their programme's without the bounced addresses.
    """

    __tablename__ = "operator"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(12))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id"))
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]

    programme: Mapped[Programme] = relationship()


class OperatorLogin(Base):
    """A login link sent by email: only the hash of its secret is kept; used once."""

    __tablename__ = "operator_login"

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class OperatorSession(Base):
    """A console session (its cookie holds the secret, this row only its hash)."""

    __tablename__ = "operator_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operator.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
