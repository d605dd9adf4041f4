"""cohort_run_lease.rerun_wanted: a run turned away by the lease asks its holder to run
again on release, instead of waiting a minute (which lost due dates in accelerated time)

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "cohort_run_lease",
        sa.Column("rerun_wanted", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("cohort_run_lease", "rerun_wanted")
