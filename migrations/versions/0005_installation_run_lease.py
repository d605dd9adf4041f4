"""installation: one random id per Mentorat database, made when the schema is created;
cohort_run_lease: one run of a cohort at a time across every worker

Revision ID: 0005
Revises: 0004
"""

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "installation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("installation_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installation")),
        sa.UniqueConstraint("installation_id", name=op.f("uq_installation_installation_id")),
    )
    op.bulk_insert(
        table,
        [{"id": 1, "installation_id": secrets.token_hex(8), "created_at": datetime.now(UTC)}],
    )
    op.create_table(
        "cohort_run_lease",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("until", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohort.id"], name=op.f("fk_cohort_run_lease_cohort_id_cohort")
        ),
        sa.PrimaryKeyConstraint("cohort_id", name=op.f("pk_cohort_run_lease")),
    )


def downgrade() -> None:
    op.drop_table("cohort_run_lease")
    op.drop_table("installation")
