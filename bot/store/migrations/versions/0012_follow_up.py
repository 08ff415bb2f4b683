"""A practitioner's working day: follow-up due dates, contact attempts, assignment history, note drafts.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 20:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _practitioner_fk(name: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [name], ["practitioners.id"], name=op.f(f"fk_{table}_{name}_practitioners"), ondelete="SET NULL"
    )


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follow_up_due_on", sa.Date(), nullable=True))
    op.create_table(
        "contact_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoffs.id"], name=op.f("fk_contact_attempts_handoff_id_handoffs"), ondelete="CASCADE"
        ),
        _practitioner_fk("practitioner_id", "contact_attempts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_attempts")),
    )
    op.create_index(op.f("ix_contact_attempts_handoff_id"), "contact_attempts", ["handoff_id"], unique=False)
    op.create_table(
        "handoff_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("from_id", sa.Integer(), nullable=True),
        sa.Column("to_id", sa.Integer(), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoffs.id"], name=op.f("fk_handoff_assignments_handoff_id_handoffs"), ondelete="CASCADE"
        ),
        _practitioner_fk("from_id", "handoff_assignments"),
        _practitioner_fk("to_id", "handoff_assignments"),
        _practitioner_fk("by_id", "handoff_assignments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_assignments")),
    )
    op.create_index(op.f("ix_handoff_assignments_handoff_id"), "handoff_assignments", ["handoff_id"], unique=False)
    op.create_index(op.f("ix_handoff_assignments_from_id"), "handoff_assignments", ["from_id"], unique=False)
    op.create_table(
        "note_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoffs.id"], name=op.f("fk_note_drafts_handoff_id_handoffs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_note_drafts_practitioner_id_practitioners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_drafts")),
        sa.UniqueConstraint("practitioner_id", "handoff_id", name="uq_note_drafts_practitioner_handoff"),
    )
    op.create_index(op.f("ix_note_drafts_handoff_id"), "note_drafts", ["handoff_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_note_drafts_handoff_id"), table_name="note_drafts")
    op.drop_table("note_drafts")
    op.drop_index(op.f("ix_handoff_assignments_from_id"), table_name="handoff_assignments")
    op.drop_index(op.f("ix_handoff_assignments_handoff_id"), table_name="handoff_assignments")
    op.drop_table("handoff_assignments")
    op.drop_index(op.f("ix_contact_attempts_handoff_id"), table_name="contact_attempts")
    op.drop_table("contact_attempts")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_column("follow_up_due_on")
