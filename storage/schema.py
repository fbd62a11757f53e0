"""Database schema (SQLAlchemy Core) and engine set-up for SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine

SCHEMA_VERSION = 1
metadata = MetaData()

tags = Table(
    "tags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("unit", String(40), nullable=False, default=""),
    Column("description", Text, nullable=False, default=""),
)

# (tag_id, ts) is the key: on SQLite the table is clustered on it (WITHOUT ROWID)
samples = Table(
    "samples",
    metadata,
    Column("tag_id", Integer, primary_key=True, autoincrement=False),
    Column("ts", BigInteger, primary_key=True, autoincrement=False),  # UNIX ms, UTC
    Column("value", Float, nullable=True),
    Column("quality", SmallInteger, nullable=False),
    sqlite_with_rowid=False,
)

alarm_events = Table(
    "alarm_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", BigInteger, nullable=False, index=True),
    Column("key", String(250), nullable=False),
    Column("source", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("priority", SmallInteger, nullable=False),
    Column("state", String(12), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("acked", Boolean, nullable=False),
    Column("value", Float, nullable=True),
    Column("limit_value", Float, nullable=True),
    Column("message", Text, nullable=False),
    Column("user_name", String(100), nullable=False, default=""),
    Column("comment", Text, nullable=False, default=""),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(50), primary_key=True),
    Column("value", Text, nullable=False),
)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(url: str) -> Engine:
    """An SQLAlchemy engine; SQLite gets WAL, NORMAL sync and a busy timeout on every connection."""
    if url.startswith("sqlite"):
        db_path = url.split("///", 1)[-1]
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def create_schema(engine: Engine) -> None:
    metadata.create_all(engine)
    with engine.begin() as conn:
        row = conn.execute(meta.select().where(meta.c.key == "schema")).first()
        if row is None:
            conn.execute(meta.insert().values(key="schema", value=str(SCHEMA_VERSION)))
