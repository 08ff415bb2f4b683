"""Provider message records (Twilio SIDs, never bodies or numbers), deleted at the provider after delivery.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "provider_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=True),
        sa.Column("checked_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("erased_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("lease_holder", sa.String(length=160), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["identity_id"],
            ["channel_identities.id"],
            name=op.f("fk_provider_messages_identity_id_channel_identities"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_messages")),
        sa.UniqueConstraint("provider", "sid", name=op.f("uq_provider_messages_provider")),
    )
    op.create_index(op.f("ix_provider_messages_identity_id"), "provider_messages", ["identity_id"], unique=False)
    op.create_index(
        "ix_provider_messages_deleted_at_next_attempt_at",
        "provider_messages",
        ["deleted_at", "next_attempt_at"],
        unique=False,
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_provider_messages_deleted_at_next_attempt_at", table_name="provider_messages")
    op.drop_index(op.f("ix_provider_messages_identity_id"), table_name="provider_messages")
    op.drop_table("provider_messages")
