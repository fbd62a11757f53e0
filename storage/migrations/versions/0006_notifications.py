"""The delivery log of off-console notifications (e-mail, chat-robot webhooks).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "notify_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False, server_default=""),
        sa.Column("recipient", sa.String(200), nullable=False, server_default=""),
        sa.Column("channel", sa.String(200), nullable=False, server_default=""),
        sa.Column("alarm_key", sa.String(250), nullable=False, server_default=""),
        sa.Column("attempt", sa.SmallInteger, nullable=False, server_default="0"),
        sa.Column("detail", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_notify_log_ts", "notify_log", ["ts"])


def downgrade() -> None:
    op.drop_index("ix_notify_log_ts", "notify_log")
    op.drop_table("notify_log")
