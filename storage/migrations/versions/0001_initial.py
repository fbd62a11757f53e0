"""Initial schema: tags, samples, 1-minute and 1-hour rollups, alarm journal.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def _rollup(name: str) -> None:
    op.create_table(
        name,
        sa.Column("tag_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("bucket", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("vmin", sa.Float, nullable=True),
        sa.Column("vmax", sa.Float, nullable=True),
        sa.Column("vsum", sa.Float, nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("nbad", sa.Integer, nullable=False),
        sa.Column("first", sa.Float, nullable=True),
        sa.Column("first_ts", sa.BigInteger, nullable=True),
        sa.Column("last", sa.Float, nullable=True),
        sa.Column("last_ts", sa.BigInteger, nullable=True),
        sqlite_with_rowid=False,
    )


def upgrade() -> None:
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("unit", sa.String(40), nullable=False, server_default=""),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "samples",
        sa.Column("tag_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("ts", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("quality", sa.SmallInteger, nullable=False),
        sqlite_with_rowid=False,
    )
    _rollup("rollup_1m")
    _rollup("rollup_1h")
    op.create_table(
        "alarm_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ts", sa.BigInteger, nullable=False, index=True),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("priority", sa.SmallInteger, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("acked", sa.Boolean, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("limit_value", sa.Float, nullable=True),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("user_name", sa.String(100), nullable=False, server_default=""),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
    )


def downgrade() -> None:
    for name in ("alarm_events", "rollup_1h", "rollup_1m", "samples", "tags"):
        op.drop_table(name)
