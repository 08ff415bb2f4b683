"""Dual-client alignment: the facts read from a summary's words, and the match record two practitioners share.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 01:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: Union[str, Sequence[str], None] = "0012"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("summaries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("facts", sa.JSON(), nullable=True))
    op.create_table(
        "matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seeker_handoff_id", sa.Integer(), nullable=False),
        sa.Column("employer_handoff_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("ended_reason", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seeker_handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_matches_seeker_handoff_id_handoffs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["employer_handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_matches_employer_handoff_id_handoffs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_matches_site_id_sites")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["practitioners.id"],
            name=op.f("fk_matches_created_by_id_practitioners"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matches")),
        sa.UniqueConstraint("seeker_handoff_id", "employer_handoff_id", name="uq_matches_pair"),
    )
    op.create_index(op.f("ix_matches_seeker_handoff_id"), "matches", ["seeker_handoff_id"], unique=False)
    op.create_index(op.f("ix_matches_employer_handoff_id"), "matches", ["employer_handoff_id"], unique=False)
    op.create_index(op.f("ix_matches_site_id"), "matches", ["site_id"], unique=False)
    op.create_table(
        "match_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=True),
        sa.Column("happened_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_match_events_match_id_matches"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioners.id"],
            name=op.f("fk_match_events_practitioner_id_practitioners"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_events")),
    )
    op.create_index(op.f("ix_match_events_match_id"), "match_events", ["match_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_match_events_match_id"), table_name="match_events")
    op.drop_table("match_events")
    op.drop_index(op.f("ix_matches_site_id"), table_name="matches")
    op.drop_index(op.f("ix_matches_employer_handoff_id"), table_name="matches")
    op.drop_index(op.f("ix_matches_seeker_handoff_id"), table_name="matches")
    op.drop_table("matches")
    with op.batch_alter_table("summaries", schema=None) as batch_op:
        batch_op.drop_column("facts")
