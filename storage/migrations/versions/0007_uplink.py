"""The regulator link: its store-and-forward queue and the responses to reported alarms
(storage/uplink_queue.py).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.create_table(
        "uplink_queue",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("msg_id", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("data_ts", sa.BigInteger, nullable=False),
        sa.Column("created", sa.BigInteger, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("points", sa.Text, nullable=False, server_default=""),
        sa.Column("state", sa.SmallInteger, nullable=False, server_default="0"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("sent", sa.BigInteger, nullable=True),
        sa.Column("answer", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_uplink_queue_state_id", "uplink_queue", ["state", "id"])
    op.create_index("ix_uplink_queue_kind_ts", "uplink_queue", ["kind", "data_ts"])
    op.create_table(
        "alarm_responses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alarm_key", sa.String(250), nullable=False),
        sa.Column("since", sa.BigInteger, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("point_code", sa.String(64), nullable=False, server_default=""),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("ended", sa.BigInteger, nullable=False),
        sa.Column("due", sa.BigInteger, nullable=False),
        sa.Column("responded", sa.BigInteger, nullable=True),
        sa.Column("cause", sa.Text, nullable=False, server_default=""),
        sa.Column("measure", sa.Text, nullable=False, server_default=""),
        sa.Column("user_name", sa.String(100), nullable=False, server_default=""),
        sa.UniqueConstraint("alarm_key", "since", name="uq_alarm_responses_alarm"),
    )
    op.create_index("ix_alarm_responses_due", "alarm_responses", ["responded", "due"])


def downgrade() -> None:
    op.drop_table("alarm_responses")
    op.drop_table("uplink_queue")
