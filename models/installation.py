"""The installation: one row naming this Mentorat database among all others."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Installation(Base):
    """A random id made once, when the schema is created (`mentorat init`).

    Two databases never share it: it keeps their Message-IDs apart and their events apart on
    one Prefect server. It names nothing and nobody, so it may appear in Prefect.
    """

    __tablename__ = "installation"

    id: Mapped[int] = mapped_column(primary_key=True)
    installation_id: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime]
