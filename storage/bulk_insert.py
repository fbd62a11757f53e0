"""Many rows in few statements: the history writer's inserts and upserts.

Python's sqlite3 steps an `executemany` once per row and lets the GIL go around every step, so
a writer storing thousands of rows a second takes and gives back the GIL thousands of times a
second. Each time it wants the GIL back while the GUI thread is drawing, the GUI thread is made
to stop and hand it over: the window's frame rate fell to 0.6-0.75 of idle under 20,000 tags/s
(bench/gui_load.py), against 0.9 with the same acquisition and no history. On SQLite the rows go
in statements of up to `ROWS_PER_STATEMENT` rows each (`INSERT ... VALUES (...), (...), ...`):
one step, one GIL hand-over, for the lot. Rows of one statement are applied in order, as
`executemany` applies them, so an upsert of a key twice in a batch ends the same.

PostgreSQL keeps the driver's `executemany` (psycopg sends it as one pipeline), as its
`ON CONFLICT DO UPDATE` may not touch one row twice in a statement.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from itertools import chain

from sqlalchemy import Connection

ROWS_PER_STATEMENT = 256  # a power of two: a remainder goes in halving sizes, so few statements are cached
# the most bound parameters SQLite takes in one statement (SQLITE_MAX_VARIABLE_NUMBER's default)
MAX_PARAMETERS = 32766 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999


class BulkInsert:
    """`head VALUES (row) tail` for many rows: `head` is `INSERT ... INTO t (columns)`, `tail`
    what follows the values (an `ON CONFLICT` clause, or nothing)."""

    def __init__(self, head: str, width: int, tail: str = "", *, dialect: str):
        self.sqlite = dialect == "sqlite"
        self.head, self.tail = head, tail
        self.row = "(" + ", ".join(["?" if self.sqlite else "%s"] * width) + ")"
        self.single = self._statement(1)
        rows = ROWS_PER_STATEMENT
        while rows > 1 and rows * width > MAX_PARAMETERS:
            rows //= 2
        self.rows_per_statement = rows
        self._sql: dict[int, str] = {}  # rows per statement -> its SQL

    def _statement(self, n: int) -> str:
        values = ", ".join([self.row] * n)
        return f"{self.head} VALUES {values} {self.tail}".rstrip()

    def sql(self, n: int) -> str:
        """The statement inserting `n` rows."""
        sql = self._sql.get(n)
        if sql is None:
            sql = self._sql[n] = self._statement(n)
        return sql

    def execute(self, conn: Connection, rows: Sequence[tuple]) -> int:
        """Write `rows` (tuples in column order); returns the statements run."""
        if not rows:
            return 0
        if not self.sqlite:
            conn.exec_driver_sql(self.single, list(rows))
            return 1
        return self._statements(conn, list(chain.from_iterable(rows)), len(rows))

    def execute_columns(self, conn: Connection, columns: Sequence[list]) -> int:
        """As `execute`, for rows given as columns (lists of one length, in column order). On
        SQLite their values are interleaved into the statements' parameters by slice assignment,
        without a tuple for each row: the history writer's samples, 20,000 rows a second."""
        n = len(columns[0]) if columns else 0
        if not n:
            return 0
        if not self.sqlite:
            return self.execute(conn, list(zip(*columns, strict=True)))
        width = len(columns)
        flat: list = [None] * (n * width)
        for k, column in enumerate(columns):
            flat[k::width] = column
        return self._statements(conn, flat, n)

    def _statements(self, conn: Connection, flat: list, n: int) -> int:
        """Run the SQLite statements for `n` rows whose parameters are `flat`, row after row."""
        width = len(flat) // n
        at, size, statements = 0, self.rows_per_statement, 0
        while at < n:
            while size > n - at:
                size //= 2
            conn.exec_driver_sql(self.sql(size), tuple(flat[at * width : (at + size) * width]))
            at += size
            statements += 1
        return statements
