"""outbox: deferral of one recipient after a transient refusal (4xx): the next attempt,
the first refusal, and whether it has lasted past the alert delay

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE on both databases, as in 0004: no batch rebuild of the table that
    # holds every email.
    op.add_column(
        "outbox_message",
        sa.Column("next_attempt_at", models.base.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "outbox_message",
        sa.Column("first_deferred_at", models.base.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "outbox_message",
        sa.Column("deferred_too_long", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    for name in ("deferred_too_long", "first_deferred_at", "next_attempt_at"):
        op.drop_column("outbox_message", name)
