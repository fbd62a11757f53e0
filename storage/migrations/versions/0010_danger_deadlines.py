"""Hidden dangers: when each was found overdue (`overdue_at`) and when a major one was told
through the notifications (`announced`), each set once by a conditional update, so that the
deadline pass of two processes on one database (storage/dual_prevention.py `claim`) records and
tells each event once. Major hidden dangers already registered count as told.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    with op.batch_alter_table("hidden_dangers") as batch:
        batch.add_column(sa.Column("overdue_at", sa.BigInteger, nullable=True))
        batch.add_column(sa.Column("announced", sa.BigInteger, nullable=True))
    op.execute("UPDATE hidden_dangers SET announced = found WHERE grade = 'major'")


def downgrade() -> None:
    with op.batch_alter_table("hidden_dangers") as batch:
        batch.drop_column("announced")
        batch.drop_column("overdue_at")
