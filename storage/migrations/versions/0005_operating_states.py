"""The declared operating state of a hazard source with every risk journal row (restored at start-up).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    with op.batch_alter_table("risk_events") as batch:
        batch.add_column(sa.Column("operating", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("risk_events") as batch:
        batch.drop_column("operating")
