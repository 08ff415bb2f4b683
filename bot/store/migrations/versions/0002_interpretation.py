"""Interpretation: a reply held while the bot checks what was meant, misunderstanding count, consent's granting words, withdrawn shares.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 21:40:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("activity_runs") as batch:
        batch.add_column(sa.Column("pending_kind", sa.String(32), nullable=True))
        batch.add_column(sa.Column("pending_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("pending_value", sa.String(64), nullable=True))
        batch.add_column(sa.Column("misunderstandings", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("consent_records") as batch:
        batch.add_column(sa.Column("reply_text", sa.Text(), nullable=True))
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_column("withdrawn_at")
    with op.batch_alter_table("consent_records") as batch:
        batch.drop_column("reply_text")
    with op.batch_alter_table("activity_runs") as batch:
        batch.drop_column("misunderstandings")
        batch.drop_column("pending_value")
        batch.drop_column("pending_text")
        batch.drop_column("pending_kind")
