"""`main.py db create-station-role NAME`: a station's read-only PostgreSQL role.

With `--admin-url` (an account that may create roles, on the server's database) the statements
run there; with `--print` they are printed for an administrator to run with psql. The role
reads the history, the journals, the audit trail and the user table, and writes nothing: a
station's logins and actions are commands to the server (storage/station_role.py says why).
A station then opens with `--db postgresql+psycopg://NAME:PASSWORD@HOST/DATABASE`.
"""

from __future__ import annotations

from pathlib import Path

from cli.commands import refuse


def create_station_role_command(args) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from storage.station_role import StationRoleError, create_station_role, role_sql

    password = None
    if args.password_file:
        password = Path(args.password_file).read_text(encoding="utf-8").splitlines()[0].strip() or None
    try:
        if args.print or not args.admin_url:
            database = "DATABASE"
            if args.admin_url:
                from sqlalchemy.engine import make_url

                database = make_url(args.admin_url).database or database
            for s in role_sql(args.name, database, password):
                print(s + ";")
            if not args.admin_url:
                print(
                    "-- run as an administrator on the server's database, or give --admin-url to run it here"
                )
            return 0
        create_station_role(args.admin_url, args.name, password)
    except StationRoleError as exc:
        return refuse(f"error: {exc}")
    except SQLAlchemyError as exc:
        return refuse(f"error: the role could not be created: {str(exc).splitlines()[0]}")
    print(
        f"db: station role {args.name} reads the history, journals, audit trail and users; it writes nothing"
    )
    return 0
