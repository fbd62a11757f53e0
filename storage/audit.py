"""The audit trail: who did what, to what, when; append-only and hash-chained.

Every row stores the SHA-256 of the row before it (`prev_hash`) and its own `hash`, computed over
the canonical JSON of `[id, ts, user, action, target, detail, prev_hash]` (UTF-8, no spaces,
keys sorted inside `detail`). Changing, inserting or deleting a row in the middle breaks the chain
at that row or the next, and `verify` names it. (Cutting rows off the end cannot be seen from the
table alone; compare the last id and hash with a copy kept elsewhere, e.g. the shift report.)

Appends are serialised: a lock within the process, and across processes the last hash is read in
the same write transaction that inserts the next row: `BEGIN IMMEDIATE` on SQLite (the database
write lock is taken before the read), `LOCK TABLE ... IN EXCLUSIVE MODE` on PostgreSQL (readers go
on, a second writer waits). No Qt here.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from storage.schema import audit_log

GENESIS = "0" * 64  # prev_hash of the first row


class Action(StrEnum):
    """What an audit row records."""

    LOGIN = "login"
    LOGOUT = "logout"
    LOGIN_FAILED = "login_failed"
    ACCOUNT_LOCKED = "account_locked"
    ACKNOWLEDGE = "acknowledge"
    SHELVE = "shelve"
    UNSHELVE = "unshelve"
    OUT_OF_SERVICE = "out_of_service"
    SUPPRESS = "suppress"
    CONFIG_CHANGE = "config_change"
    USER_ADD = "user_add"
    USER_REMOVE = "user_remove"
    USER_PASSWD = "user_passwd"
    USER_ROLE = "user_role"
    WRITE = "write"  # a value written to a device (or refused): old, new, result
    CERT_TRUST = "certificate_trust"  # a device's server certificate put on the trust list
    CERT_REJECT = "certificate_reject"
    CERT_REMOVE = "certificate_remove"


@dataclass(frozen=True)
class AuditEntry:
    id: int
    ts: int  # UNIX ms
    user: str
    action: str
    target: str
    detail: Any  # decoded JSON
    prev_hash: str
    hash: str


def canonical_detail(detail: Any) -> str:
    """The JSON text stored for `detail`: sorted keys, no spaces, non-ASCII kept as is."""
    return json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_hash(id_: int, ts: int, user: str, action: str, target: str, detail_json: str, prev_hash: str) -> str:
    """SHA-256 (hex) of the canonical serialisation of one row."""
    payload = json.dumps(
        [int(id_), int(ts), user, action, target, detail_json, prev_hash],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class AuditLog:
    """Appends to and reads the `audit_log` table of a database whose schema is up to date."""

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time):
        self.engine = engine
        self.clock = clock
        self._lock = threading.Lock()

    def append(self, user: str, action: str, target: str = "", detail: Any = None) -> AuditEntry:
        """Write one row chained to the last one; returns it."""
        action = str(action)
        detail_json = canonical_detail(detail)
        with self._lock, self.engine.connect() as conn:
            dialect = conn.dialect.name
            if dialect == "sqlite":
                # take the write lock before reading the last hash (pysqlite would begin lazily)
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.begin()
                if dialect == "postgresql":
                    conn.exec_driver_sql("LOCK TABLE audit_log IN EXCLUSIVE MODE")
            try:
                entry = self._insert(conn, user, action, target, detail, detail_json)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        return entry

    def _insert(self, conn: Connection, user, action, target, detail, detail_json) -> AuditEntry:
        last = conn.execute(
            select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
        ).first()
        id_, prev = (int(last.id) + 1, last.hash) if last is not None else (1, GENESIS)
        ts = int(round(self.clock() * 1000))
        digest = row_hash(id_, ts, user, action, target, detail_json, prev)
        conn.execute(
            audit_log.insert().values(
                id=id_,
                ts=ts,
                user_name=user,
                action=action,
                target=target,
                detail=detail_json,
                prev_hash=prev,
                hash=digest,
            )
        )
        return AuditEntry(id_, ts, user, action, target, detail, prev, digest)

    def entries(
        self, since_ms: int | None = None, until_ms: int | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        """Rows in order of id (optionally within [since_ms, until_ms], the newest `limit`)."""
        q = select(audit_log)
        if since_ms is not None:
            q = q.where(audit_log.c.ts >= since_ms)
        if until_ms is not None:
            q = q.where(audit_log.c.ts <= until_ms)
        if limit is not None:
            q = q.order_by(audit_log.c.id.desc()).limit(limit)
        else:
            q = q.order_by(audit_log.c.id)
        with self.engine.connect() as conn:
            rows = [_entry(r) for r in conn.execute(q)]
        return sorted(rows, key=lambda e: e.id)

    def verify(self) -> tuple[bool, int | None, str]:
        return verify(self.engine)


def _entry(r) -> AuditEntry:
    try:
        detail = json.loads(r.detail)
    except ValueError:
        detail = r.detail
    return AuditEntry(int(r.id), int(r.ts), r.user_name, r.action, r.target, detail, r.prev_hash, r.hash)


def _rows(engine: Engine, batch: int = 5000) -> Iterator:
    after = 0
    with engine.connect() as conn:
        while True:
            rows = conn.execute(
                select(audit_log).where(audit_log.c.id > after).order_by(audit_log.c.id).limit(batch)
            ).all()
            if not rows:
                return
            yield from rows
            after = int(rows[-1].id)


def verify(engine: Engine) -> tuple[bool, int | None, str]:
    """Check the whole chain: (True, None, summary) or (False, id of the first bad row, why)."""
    prev, expected_id, n = GENESIS, 1, 0
    for r in _rows(engine):
        rid = int(r.id)
        if rid != expected_id:
            return False, rid, f"row {rid}: expected id {expected_id} (rows removed or inserted before it)"
        if r.prev_hash != prev:
            return False, rid, f"row {rid}: does not follow the row before it (that row changed or is gone)"
        digest = row_hash(rid, r.ts, r.user_name, r.action, r.target, r.detail, r.prev_hash)
        if digest != r.hash:
            return (
                False,
                rid,
                f"row {rid}: its content does not match its hash (changed after it was written)",
            )
        prev, expected_id, n = r.hash, rid + 1, n + 1
    if n == 0:
        return True, None, "audit trail empty"
    return True, None, f"audit trail intact: {n} rows, last hash {prev[:16]}…"


__all__ = ["GENESIS", "Action", "AuditEntry", "AuditLog", "canonical_detail", "row_hash", "verify"]
