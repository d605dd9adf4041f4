"""cohort: drop workshop_at and kickoff_at (never read: the timeline gives both dates)

Plain ALTER TABLE, not batch mode: SQLite (3.35 and later) drops and adds a plain column in
place, whereas a batch rebuild of `cohort` would drop a table that every other table
references, which foreign keys refuse as soon as the database holds a cohort.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("kickoff_at", "workshop_at")


def upgrade() -> None:
    for name in COLUMNS:
        op.drop_column("cohort", name)


def downgrade() -> None:
    for name in COLUMNS:
        op.add_column(
            "cohort", sa.Column(name, models.base.UTCDateTime(timezone=True), nullable=True)
        )
