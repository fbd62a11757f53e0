"""Database schema (SQLAlchemy Core) and engine set-up for SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
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


def _rollup(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("tag_id", Integer, primary_key=True, autoincrement=False),
        Column("bucket", BigInteger, primary_key=True, autoincrement=False),  # bucket start, UNIX ms
        Column("vmin", Float, nullable=True),  # NULL: no good sample in the bucket
        Column("vmax", Float, nullable=True),
        Column("vsum", Float, nullable=False),
        Column("n", Integer, nullable=False),  # good samples
        Column("nbad", Integer, nullable=False),  # bad samples
        Column("first", Float, nullable=True),
        Column("first_ts", BigInteger, nullable=True),
        Column("last", Float, nullable=True),
        Column("last_ts", BigInteger, nullable=True),
        sqlite_with_rowid=False,
    )


rollup_1m = _rollup("rollup_1m")
rollup_1h = _rollup("rollup_1h")

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

# hazard-source risk changes (app/risk.py): the level, the one before, the inherent level and the
# trace (JSON list of {indicator, what, level, detail, since}) of every change
risk_events = Table(
    "risk_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", BigInteger, nullable=False, index=True),  # UNIX ms
    Column("hazard", String(200), nullable=False),
    Column("level", SmallInteger, nullable=False),
    Column("previous", SmallInteger, nullable=True),  # NULL: the first state known
    Column("inherent", SmallInteger, nullable=False),
    Column("trace", Text, nullable=False, default="[]"),
    # the declared operating state then (JSON of core.operating.Declaration; NULL: running)
    Column("operating", Text, nullable=True),
    Index("ix_risk_events_hazard_ts", "hazard", "ts"),
)

# the history writer's last committed transaction, one row per writer (storage/history.py): a
# commit that reports an error may still have reached the disk (SQLite's WAL checkpoint failing
# on a full disk, a PostgreSQL connection lost during COMMIT); the receipt tells a retry apart
# from a first write, so journal rows and rollup sums are never written twice
writer_receipts = Table(
    "writer_receipts",
    metadata,
    Column("writer", String(32), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("ts", BigInteger, nullable=False),  # UNIX ms
)

# operator accounts (app/users.py): role name, scrypt hash "scrypt$n=..,r=..,p=..$salt$hash",
# consecutive wrong passwords and the end of a lockout (UNIX ms)
users = Table(
    "users",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created", BigInteger, nullable=False),  # UNIX ms
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed_count", Integer, nullable=False, default=0),
    Column("locked_until", BigInteger, nullable=True),  # UNIX ms; NULL: not locked
)

# the audit trail (storage/audit.py): append-only, each row carries the hash of the one before;
# ids are assigned by the writer (they are part of the hash), detail is canonical JSON
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("ts", BigInteger, nullable=False, index=True),  # UNIX ms
    Column("user_name", String(100), nullable=False),
    Column("action", String(40), nullable=False),
    Column("target", Text, nullable=False, default=""),
    Column("detail", Text, nullable=False, default="null"),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)


# the delivery log of off-console notifications (storage/notifications.py, app/notify/): one row
# per delivery attempt or decision: sent, failed, retried, held by quiet hours, digested, limited
notify_log = Table(
    "notify_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", BigInteger, nullable=False, index=True),  # UNIX ms
    Column("status", String(12), nullable=False),
    Column("rule", String(200), nullable=False, default=""),
    Column("recipient", String(200), nullable=False, default=""),
    Column("channel", String(200), nullable=False, default=""),
    Column("alarm_key", String(250), nullable=False, default=""),
    Column("attempt", SmallInteger, nullable=False, default=0),
    Column("detail", Text, nullable=False, default=""),
)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(url: str) -> Engine:
    """An SQLAlchemy engine; SQLite gets WAL, NORMAL sync and a busy timeout on every connection."""
    if url.startswith("sqlite") and "mode=ro" in url:  # a station's view: no WAL switch, no directory
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})

        @event.listens_for(engine, "connect")
        def _read_only(dbapi_conn, _record):
            dbapi_conn.execute("PRAGMA busy_timeout=5000")

        return engine
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
    """Create or upgrade the database to the newest schema (Alembic migrations)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
