"""retention on schedule: cohort.retention_notice_at, cohort.anonymised_at

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "cohort",
        sa.Column("retention_notice_at", models.base.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "cohort",
        sa.Column("anonymised_at", models.base.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("cohort", "anonymised_at")
    op.drop_column("cohort", "retention_notice_at")
