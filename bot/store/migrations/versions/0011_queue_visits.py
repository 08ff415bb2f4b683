"""The queue at scale: each practitioner's last queue visit ("new since your last visit"), and the queue's index.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 12:00:00

"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: Union[str, Sequence[str], None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("practitioners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_queue_visit_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.create_index("ix_handoffs_site_audience_created", ["site_id", "audience", "created_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index("ix_handoffs_site_audience_created")
    with op.batch_alter_table("practitioners", schema=None) as batch_op:
        batch_op.drop_column("last_queue_visit_at")
