"""cohort.settings: each cohort keeps the programme's settings it was created with (existing
cohorts take their programme's current settings); cohort.charter_adopted_at; a charter
signature per member, pair and charter version (a new version is signed again)

Plain ALTER TABLE on `cohort`, not batch mode (see 0004): a batch rebuild would drop a table
every other table references. `settings` is added with a server default so that SQLite can add
it NOT NULL, then filled from the programme.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_UNIQUE = "uq_charter_signature_pair_id_application_id"
NEW_UNIQUE = "uq_charter_signature_pair_id_application_id_charter_version_id"


def upgrade() -> None:
    op.add_column(
        "cohort",
        sa.Column("settings", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )
    op.execute(
        "UPDATE cohort SET settings = "
        "(SELECT programme.settings FROM programme WHERE programme.id = cohort.programme_id)"
    )
    op.add_column(
        "cohort",
        sa.Column("charter_adopted_at", models.base.UTCDateTime(timezone=True), nullable=True),
    )
    with op.batch_alter_table("charter_signature") as batch:
        batch.drop_constraint(OLD_UNIQUE, type_="unique")
        batch.create_unique_constraint(
            NEW_UNIQUE, ["pair_id", "application_id", "charter_version_id"]
        )


def downgrade() -> None:
    # One signature per member and pair again: the first one is kept, the later versions'
    # signatures are dropped (the earlier schema cannot hold them).
    op.execute(
        "DELETE FROM charter_signature WHERE id NOT IN (SELECT MIN(id) FROM charter_signature"
        " GROUP BY pair_id, application_id)"
    )
    with op.batch_alter_table("charter_signature") as batch:
        batch.drop_constraint(NEW_UNIQUE, type_="unique")
        batch.create_unique_constraint(OLD_UNIQUE, ["pair_id", "application_id"])
    op.drop_column("cohort", "charter_adopted_at")
    op.drop_column("cohort", "settings")
