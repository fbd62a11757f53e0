"""The `users` table: operator accounts as stored (name, role, password hash, lockout). No Qt.

`UserTable` reads and writes the rows; what a role may do, how passwords are hashed and when an
account locks is `app.accounts.users`, which keeps its accounts here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from storage.schema import users


@dataclass(frozen=True, slots=True)
class UserRow:
    """One row of the `users` table; times in UNIX ms."""

    name: str
    role: str  # app.accounts.users.Role.label
    password_hash: str
    created: int
    disabled: bool = False
    failed_count: int = 0
    locked_until: int | None = None  # NULL: not locked


def _row(r) -> UserRow:
    return UserRow(
        r.name,
        r.role,
        r.password_hash,
        int(r.created),
        bool(r.disabled),
        int(r.failed_count or 0),
        None if r.locked_until is None else int(r.locked_until),
    )


class UserTable:
    """The `users` table of a database whose schema is up to date (see storage.schema.create_schema)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(users)).scalar_one())

    def rows(self) -> list[UserRow]:
        """Every account, by name."""
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(select(users).order_by(users.c.name))]

    def get(self, name: str) -> UserRow | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(users).where(users.c.name == name)).first()
        return _row(r) if r is not None else None

    def insert(self, row: UserRow) -> None:
        with self.engine.begin() as conn:
            conn.execute(users.insert().values(**dataclasses.asdict(row)))

    def delete(self, name: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(users.delete().where(users.c.name == name))

    def update(self, name: str, **values) -> None:
        """Set the given columns of one account."""
        with self.engine.begin() as conn:
            conn.execute(users.update().where(users.c.name == name).values(**values))

    def password_hashes(self) -> dict[str, str]:
        """{name: stored hash} of every account."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(users.c.name, users.c.password_hash)).all()
        return {r.name: r.password_hash for r in rows}
