"""Fixes after approval: a pair's end (when, why) and a supervision session's revisions
(SEQUENCE of its invitations, cancellation)

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pair") as batch:
        batch.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("end_reason", sa.String(20), nullable=True))
    with op.batch_alter_table("supervision_session") as batch:
        batch.add_column(
            sa.Column("sequence", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("supervision_session") as batch:
        batch.drop_column("cancelled_at")
        batch.drop_column("sequence")
    with op.batch_alter_table("pair") as batch:
        batch.drop_column("end_reason")
        batch.drop_column("ended_at")
