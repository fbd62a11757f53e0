"""The tables of dual prevention (migration 0008) and their reads and writes: work permits,
hidden dangers, the risk inventory (risk points with their measures, versioned) and inspection
tasks. Plain functions on an SQLAlchemy Engine; rows go in and come out as dicts of plain
values (times are UNIX ms in the database, UNIX s here), the app (app/dual_prevention/) turns
them into its records. Every change is also audited by the app through storage.audit.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from storage.schema import metadata

# a work permit (app/dual_prevention/permits.py); gas: JSON list of the readings of its gas test
permits = Table(
    "permits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),
    Column("hazard", String(200), nullable=False),
    Column("start", BigInteger, nullable=False),  # UNIX ms
    Column("end", BigInteger, nullable=False),  # UNIX ms
    Column("people", Integer, nullable=False),
    Column("issuer", String(100), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("gas", Text, nullable=False, default="[]"),
    Column("status", String(12), nullable=False),
    Column("changed", BigInteger, nullable=False),  # UNIX ms
    Index("ix_permits_status", "status"),
)

# a hidden danger (app/dual_prevention/hidden_dangers.py) from finding to acceptance
hidden_dangers = Table(
    "hidden_dangers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hazard", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("grade", String(10), nullable=False),  # general | major
    Column("criterion", String(40), nullable=False, default=""),  # item of the major-hazard criteria
    Column("status", String(20), nullable=False),
    Column("found", BigInteger, nullable=False),  # UNIX ms
    Column("found_by", String(100), nullable=False),
    Column("responsible", String(100), nullable=False, default=""),
    Column("deadline", BigInteger, nullable=True),  # UNIX ms
    Column("measures", Text, nullable=False, default=""),
    Column("funds", Float, nullable=True),  # yuan
    Column("emergency_plan", Text, nullable=False, default=""),
    Column("accepted_by", String(100), nullable=False, default=""),
    Column("closed", BigInteger, nullable=True),  # UNIX ms: accepted or dismissed
    Column("note", Text, nullable=False, default=""),  # the acceptance or dismissal note
    Column("evidence", Text, nullable=False, default=""),  # what opened it (an inspection, a bypass)
    # a draft opened by monitoring: "<hazard>|<evidence>|<n>" (app.dual_prevention.monitoring);
    # unique, so two processes that see the same evidence open one draft (`insert_draft`)
    Column("draft_key", String(400), nullable=True),
    # set once each (`claim`, migration 0010): when it was found overdue, when a major one was told
    Column("overdue_at", BigInteger, nullable=True),  # UNIX ms
    Column("announced", BigInteger, nullable=True),  # UNIX ms
    Index("ux_hidden_dangers_draft_key", "draft_key", unique=True),
)

# the risk inventory: a risk point or activity of a hazard source with its evaluation and measures
risk_points = Table(
    "risk_points",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("hazard", String(200), nullable=False),
    Column("point", Text, nullable=False),
    Column("activity", Text, nullable=False, default=""),
    Column("method", String(4), nullable=False),  # LEC | LS
    Column("score", Float, nullable=False),  # D or R
    Column("level", SmallInteger, nullable=False),
    Column("inputs", Text, nullable=False, default="{}"),  # JSON {"L":..,"E":..,"C":..} or {"L":..,"S":..}
    Column("measures", Text, nullable=False, default="{}"),  # JSON {kind: text}
    Column("version", Integer, nullable=False),
    Column("updated", BigInteger, nullable=False),  # UNIX ms
    Column("updated_by", String(100), nullable=False),
)

# an inspection task generated from a control measure
inspections = Table(
    "inspections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("risk_point", Integer, nullable=False),
    Column("hazard", String(200), nullable=False),
    Column("measure", Text, nullable=False),
    Column("due", BigInteger, nullable=False, index=True),  # UNIX ms
    Column("done", BigInteger, nullable=True),  # UNIX ms
    Column("done_by", String(100), nullable=False, default=""),
    Column("result", String(12), nullable=False, default=""),  # ok | finding
    Column("note", Text, nullable=False, default=""),
    Column("hidden_danger", Integer, nullable=True),
)

TABLES = {t.name: t for t in (permits, hidden_dangers, risk_points, inspections)}
_TIMES = {
    "start",
    "end",
    "changed",
    "found",
    "deadline",
    "closed",
    "updated",
    "due",
    "done",
    "overdue_at",
    "announced",
}


def _to_db(values: dict) -> dict:
    return {k: (None if v is None else round(v * 1000)) if k in _TIMES else v for k, v in values.items()}


def _from_db(row) -> dict:
    d = dict(row._mapping)
    for k in _TIMES & d.keys():
        if d[k] is not None:
            d[k] = d[k] / 1000.0
    return d


def insert(engine: Engine, table: str, values: dict) -> int:
    """Add a row; its id."""
    with engine.begin() as conn:
        return int(conn.execute(TABLES[table].insert().values(**_to_db(values))).inserted_primary_key[0])


def insert_draft(engine: Engine, values: dict) -> int | None:
    """Add a hidden danger opened by monitoring, its `draft_key` given; None when a row holds
    that key already (another process opened the same draft a moment ago)."""
    try:
        return insert(engine, "hidden_dangers", values)
    except IntegrityError:
        return None


def update(engine: Engine, table: str, id_: int, values: dict) -> None:
    t = TABLES[table]
    with engine.begin() as conn:
        conn.execute(t.update().where(t.c.id == id_).values(**_to_db(values)))


def claim(engine: Engine, table: str, id_: int, values: dict, **where) -> bool:
    """Change a row only while the columns `where` still hold what they are given (a list: one
    of them; None: NULL); whether this call changed it. Two processes that claim the same change
    at once: one gets True, the other False (one UPDATE, atomic on SQLite and PostgreSQL)."""
    t = TABLES[table]
    q = t.update().where(t.c.id == id_)
    for k, v in where.items():
        c = t.c[k]
        q = q.where(c.is_(None) if v is None else c.in_(v) if isinstance(v, (list, tuple, set)) else c == v)
    with engine.begin() as conn:
        return conn.execute(q.values(**_to_db(values))).rowcount == 1


def delete(engine: Engine, table: str, id_: int) -> None:
    t = TABLES[table]
    with engine.begin() as conn:
        conn.execute(t.delete().where(t.c.id == id_))


def rows(engine: Engine, table: str, **equal) -> list[dict]:
    """Every row (with the columns given equal to the values given), by id."""
    t = TABLES[table]
    q = select(t).order_by(t.c.id)
    for k, v in equal.items():
        q = q.where(t.c[k].in_(v) if isinstance(v, (list, tuple, set)) else t.c[k] == v)
    with engine.connect() as conn:
        return [_from_db(r) for r in conn.execute(q)]


def changed_since(engine: Engine, table: str, column: str, since: float) -> list[dict]:
    """The rows whose time `column` is at or after `since` (UNIX s), by id."""
    t = TABLES[table]
    q = select(t).where(t.c[column] >= round(since * 1000)).order_by(t.c.id)
    with engine.connect() as conn:
        return [_from_db(r) for r in conn.execute(q)]


def row(engine: Engine, table: str, id_: int) -> dict | None:
    found = rows(engine, table, id=id_)
    return found[0] if found else None
