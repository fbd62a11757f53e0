"""Commit receipts of the history writer: which of its transactions reached the database.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "writer_receipts",
        sa.Column("writer", sa.String(32), primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("ts", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("writer_receipts")
