"""Hazard-source risk journal: every change of a hazard source's dynamic level or its trace.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "risk_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ts", sa.BigInteger, nullable=False, index=True),
        sa.Column("hazard", sa.String(200), nullable=False),
        sa.Column("level", sa.SmallInteger, nullable=False),
        sa.Column("previous", sa.SmallInteger, nullable=True),
        sa.Column("inherent", sa.SmallInteger, nullable=False),
        sa.Column("trace", sa.Text, nullable=False, server_default="[]"),
    )
    op.create_index("ix_risk_events_hazard_ts", "risk_events", ["hazard", "ts"])


def downgrade() -> None:
    op.drop_index("ix_risk_events_hazard_ts", table_name="risk_events")
    op.drop_table("risk_events")
