"""The workshop moved or cancelled by the operator: its own date (instead of the timeline's),
the SEQUENCE of its invitations, its cancellation

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE on `cohort` (see 0004 and 0011: no batch rebuild of a table others
    # reference).
    op.add_column(
        "cohort",
        sa.Column("workshop_moved_to", models.base.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "cohort",
        sa.Column("workshop_sequence", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.add_column(
        "cohort",
        sa.Column("workshop_cancelled_at", models.base.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("cohort", "workshop_cancelled_at")
    op.drop_column("cohort", "workshop_sequence")
    op.drop_column("cohort", "workshop_moved_to")
