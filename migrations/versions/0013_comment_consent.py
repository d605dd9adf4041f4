"""The evaluation's comment consent: whether its author allows the comment in the bilan

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Answers given before the question was asked: no consent (their comments stay unpublished).
    with op.batch_alter_table("evaluation_answer") as batch:
        batch.add_column(
            sa.Column("comment_consent", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("evaluation_answer") as batch:
        batch.drop_column("comment_consent")
