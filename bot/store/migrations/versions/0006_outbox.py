"""The outbox: messages the bot sends on its own, written with the change that causes them, delivered by a worker;
and each run's reminders count.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 21:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("recipient_key", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("lease_holder", sa.String(length=160), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("provider_id", sa.String(length=200), nullable=True),
        sa.Column("last_error", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_outbox_messages_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    op.create_index(op.f("ix_outbox_messages_participant_id"), "outbox_messages", ["participant_id"], unique=False)
    op.create_index("ix_outbox_messages_recipient_key_id", "outbox_messages", ["recipient_key", "id"], unique=False)
    op.create_index(
        "ix_outbox_messages_status_next_attempt_at", "outbox_messages", ["status", "next_attempt_at"], unique=False
    )
    with op.batch_alter_table("activity_runs") as batch:
        batch.add_column(sa.Column("reminders_sent", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_reminder_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("reminders_off_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("reminders_off_at")
    with op.batch_alter_table("activity_runs") as batch:
        batch.drop_column("last_reminder_at")
        batch.drop_column("reminders_sent")
    op.drop_index("ix_outbox_messages_status_next_attempt_at", table_name="outbox_messages")
    op.drop_index("ix_outbox_messages_recipient_key_id", table_name="outbox_messages")
    op.drop_index(op.f("ix_outbox_messages_participant_id"), table_name="outbox_messages")
    op.drop_table("outbox_messages")
