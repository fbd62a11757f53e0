"""Dual prevention: work permits, hidden dangers, the risk inventory and inspection tasks
(storage/dual_prevention.py).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    op.create_table(
        "permits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("hazard", sa.String(200), nullable=False),
        sa.Column("start", sa.BigInteger, nullable=False),
        sa.Column("end", sa.BigInteger, nullable=False),
        sa.Column("people", sa.Integer, nullable=False),
        sa.Column("issuer", sa.String(100), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("gas", sa.Text, nullable=False, server_default="[]"),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("changed", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_permits_status", "permits", ["status"])
    op.create_table(
        "hidden_dangers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("hazard", sa.String(200), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("grade", sa.String(10), nullable=False),
        sa.Column("criterion", sa.String(40), nullable=False, server_default=""),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("found", sa.BigInteger, nullable=False),
        sa.Column("found_by", sa.String(100), nullable=False),
        sa.Column("responsible", sa.String(100), nullable=False, server_default=""),
        sa.Column("deadline", sa.BigInteger, nullable=True),
        sa.Column("measures", sa.Text, nullable=False, server_default=""),
        sa.Column("funds", sa.Float, nullable=True),
        sa.Column("emergency_plan", sa.Text, nullable=False, server_default=""),
        sa.Column("accepted_by", sa.String(100), nullable=False, server_default=""),
        sa.Column("closed", sa.BigInteger, nullable=True),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("evidence", sa.Text, nullable=False, server_default=""),
    )
    op.create_table(
        "risk_points",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("hazard", sa.String(200), nullable=False),
        sa.Column("point", sa.Text, nullable=False),
        sa.Column("activity", sa.Text, nullable=False, server_default=""),
        sa.Column("method", sa.String(4), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("level", sa.SmallInteger, nullable=False),
        sa.Column("inputs", sa.Text, nullable=False, server_default="{}"),
        sa.Column("measures", sa.Text, nullable=False, server_default="{}"),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated", sa.BigInteger, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("risk_point", sa.Integer, nullable=False),
        sa.Column("hazard", sa.String(200), nullable=False),
        sa.Column("measure", sa.Text, nullable=False),
        sa.Column("due", sa.BigInteger, nullable=False),
        sa.Column("done", sa.BigInteger, nullable=True),
        sa.Column("done_by", sa.String(100), nullable=False, server_default=""),
        sa.Column("result", sa.String(12), nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("hidden_danger", sa.Integer, nullable=True),
    )
    op.create_index("ix_inspections_due", "inspections", ["due"])


def downgrade() -> None:
    op.drop_index("ix_inspections_due", "inspections")
    op.drop_table("inspections")
    op.drop_table("risk_points")
    op.drop_table("hidden_dangers")
    op.drop_index("ix_permits_status", "permits")
    op.drop_table("permits")
