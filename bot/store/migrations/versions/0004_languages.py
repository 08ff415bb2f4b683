"""Languages: an invite may carry a language; a participant's language records when it was chosen, not guessed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 05:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("invite_codes") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("language_chosen_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("language_chosen_at")
    with op.batch_alter_table("invite_codes") as batch:
        batch.drop_column("language")
