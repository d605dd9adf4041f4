"""person.hr_id: one person across imports; programme.column_mapping: the operator's reading
of HR headers; cohort.open_applications and application_domains: the open application link

Plain ADD COLUMN (no batch rebuild: see 0004), with server defaults so existing rows get a
value; a unique index rather than a constraint, which SQLite cannot add to a table.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("person", sa.Column("hr_id", sa.String(length=40), nullable=True))
    op.create_index("ix_person_hr_id", "person", ["hr_id"], unique=True)
    op.add_column(
        "programme",
        sa.Column("column_mapping", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )
    op.add_column(
        "cohort",
        sa.Column("open_applications", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "cohort",
        sa.Column("application_domains", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )


def downgrade() -> None:
    op.drop_column("cohort", "application_domains")
    op.drop_column("cohort", "open_applications")
    op.drop_column("programme", "column_mapping")
    op.drop_index("ix_person_hr_id", table_name="person")
    op.drop_column("person", "hr_id")
