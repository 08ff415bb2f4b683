"""The participant's own summary link (one per run, only the token's digest stored).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 15:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "summary_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["activity_runs.id"], name=op.f("fk_summary_links_run_id_activity_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_links")),
        sa.UniqueConstraint("run_id", name=op.f("uq_summary_links_run_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_summary_links_token_hash")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("summary_links")
