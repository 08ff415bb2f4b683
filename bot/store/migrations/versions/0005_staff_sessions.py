"""Staff sessions kept on the server: sign-out, a password change, deactivation or an admin end them at once.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 09:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["practitioner_id"], ["practitioners.id"], name=op.f("fk_staff_sessions_practitioner_id_practitioners"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_sessions_token_hash")),
    )
    op.create_index(op.f("ix_staff_sessions_practitioner_id"), "staff_sessions", ["practitioner_id"], unique=False)
    # Sign-in throttling now keys attempts by (account, address) and by address: the old per-email keys no longer apply.
    op.execute("DELETE FROM login_attempts")


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_staff_sessions_practitioner_id"), table_name="staff_sessions")
    op.drop_table("staff_sessions")
