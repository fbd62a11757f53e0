"""A station's read-only database role on PostgreSQL, and a station's read-only SQLite file.

A station reads the server's database (trends from the history, the alarm journal, the audit
trail, the user table for its login) and writes nothing: its operator actions, its logins
included, are commands the server applies, audits and publishes (app/control_room/commands.py),
so a station's role needs no INSERT anywhere, not even on the audit trail (whose hash chain is
keyed with the server's own key: a row a station wrote would not verify). `role_sql` is the
SQL an administrator runs (or `main.py db create-station-role NAME --admin-url URL` runs for
them): a login role with CONNECT, USAGE on the schema and SELECT on exactly `READ_TABLES`.
"""

from __future__ import annotations

import re

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

# what a station reads, and nothing else
READ_TABLES = (
    "tags",
    "samples",
    "rollup_1m",
    "rollup_1h",
    "alarm_events",
    "risk_events",
    "audit_log",
    "users",
)
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class StationRoleError(ValueError):
    """A role that cannot be created as asked; the message says why."""


class DatabaseUnreadable(RuntimeError):
    """A station cannot read the server's database (no such file, a role that may not read it);
    the message says why in one line."""


def check_role_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise StationRoleError(
            f"bad role name {name!r}: lower-case letters, digits and _, starting with a letter or _"
        )
    return name


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def role_sql(name: str, database: str, password: str | None = None, schema: str = "public") -> list[str]:
    """The statements that create (or reset) station role `name` on `database`: LOGIN (with
    `password` when given), CONNECT, USAGE on `schema`, SELECT on READ_TABLES; no other grant."""
    check_role_name(name)
    login = "LOGIN" + (f" PASSWORD {_literal(password)}" if password else "")
    tables = ", ".join(f"{schema}.{t}" for t in READ_TABLES)
    return [
        f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {_literal(name)}) "
        f"THEN CREATE ROLE {name} {login}; END IF; END$$",
        f"ALTER ROLE {name} {login} NOCREATEDB NOCREATEROLE",
        f'GRANT CONNECT ON DATABASE "{database}" TO {name}',
        f"GRANT USAGE ON SCHEMA {schema} TO {name}",
        f"GRANT SELECT ON {tables} TO {name}",
    ]


def create_station_role(admin_url: str, name: str, password: str | None = None) -> list[str]:
    """Run `role_sql` with the administrator's URL (its database is the one granted); the
    statements run, for the record."""
    url = make_url(admin_url)
    if not url.get_backend_name().startswith("postgresql"):
        raise StationRoleError("a station role is a PostgreSQL role: give the database's postgresql URL")
    statements = role_sql(name, url.database or "postgres", password)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for s in statements:
                conn.exec_driver_sql(s)
    finally:
        engine.dispose()
    return statements


def drop_station_role(admin_url: str, name: str, schema: str = "public") -> None:
    """Revoke what `create_station_role` granted on the URL's database and drop the role."""
    check_role_name(name)
    url = make_url(admin_url)
    tables = ", ".join(f"{schema}.{t}" for t in READ_TABLES)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"REVOKE ALL ON {tables} FROM {name}")
            conn.exec_driver_sql(f"REVOKE ALL ON SCHEMA {schema} FROM {name}")
            conn.exec_driver_sql(f'REVOKE ALL ON DATABASE "{url.database or "postgres"}" FROM {name}')
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {name}")
    finally:
        engine.dispose()


def read_only_sqlite_url(url: str) -> str:
    """A SQLite URL opened read-only (`mode=ro`): a station's view of the server's file."""
    path = url.split("///", 1)[-1].split("?", 1)[0]
    return f"sqlite:///file:{path}?mode=ro&uri=true"
