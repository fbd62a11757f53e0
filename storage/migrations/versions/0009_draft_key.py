"""Hidden dangers: the key of a draft opened by monitoring, unique, so that two processes on one
database (a server and a workstation, two servers of a pair) never open the same draft twice
(storage/dual_prevention.py `insert_draft`).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    with op.batch_alter_table("hidden_dangers") as batch:
        batch.add_column(sa.Column("draft_key", sa.String(400), nullable=True))
    op.create_index("ux_hidden_dangers_draft_key", "hidden_dangers", ["draft_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_hidden_dangers_draft_key", "hidden_dangers")
    with op.batch_alter_table("hidden_dangers") as batch:
        batch.drop_column("draft_key")
