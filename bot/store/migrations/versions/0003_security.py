"""Security: inbound provider messages claimed under a lease (done only after the turn), resume-code attempts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "inbound_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("message_key", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("holder", sa.String(length=160), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_claims")),
        sa.UniqueConstraint("channel", "message_key", name="uq_inbound_claims_channel_message_key"),
    )
    # Messages processed before this revision were answered: a late provider retry of one is still answered once.
    op.execute(
        "INSERT INTO inbound_claims (channel, message_key, status, holder, lease_until, attempts, created_at, finished_at) "
        "SELECT channel, message_key, 'done', 'migrated', created_at, 1, created_at, created_at FROM inbound_messages"
    )
    op.create_table(
        "resume_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resume_attempts")),
    )
    op.create_index("ix_resume_attempts_key_created_at", "resume_attempts", ["key", "created_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_resume_attempts_key_created_at", table_name="resume_attempts")
    op.drop_table("resume_attempts")
    op.drop_table("inbound_claims")
