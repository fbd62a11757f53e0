"""The audit trail: who did what, to what, when; append-only, keyed and anchored outside the database.

Every row stores the hash of the row before it (`prev_hash`) and its own `hash`, computed over the
canonical JSON of `[id, ts, user, action, target, detail, prev_hash]` (UTF-8, no spaces, keys
sorted inside `detail`). The hash is an HMAC-SHA256 under a key kept in the data directory
(`audit.key`, mode 0600, made on first use), never in the database: someone who can write the
database but not read the key cannot rewrite a row and recompute the chain.

- **Older chains.** Rows written before the key existed keep their plain SHA-256 and are checked
  as such; the first keyed append writes a marker row (`audit_keyed`, naming the key by its id)
  and every row from the marker on is keyed. `verify` says how many rows predate the key.
- **A lost key.** An append that finds the chain keyed with a key not in `audit.key` makes a new
  key and writes a new marker (logged as an error); `verify` then reports the rows keyed with
  the missing key as unverifiable and fails. It never passes without checking.
- **Anchors.** After every append, one line goes to an append-only anchor file in the data
  directory (`audit-anchors/<database id>.log`: time, row id, row hash, key id and an HMAC of
  them). `verify` checks every anchored row against the database, so cutting rows off the end
  or emptying the table is seen: the anchor names a row the database no longer has.
- **A shared database** (PostgreSQL with several nodes): copy `audit.key` to each node's data
  directory; a node with another key re-keys the chain with a marker, and `verify` needs every
  key used (extra lines of `audit.key`, `<key id> <hex key>`, are used to verify only).

Appends are serialised: a lock within the process, and across processes the last hash is read in
the same write transaction that inserts the next row: `BEGIN IMMEDIATE` on SQLite (the database
write lock is taken before the read), `LOCK TABLE ... IN EXCLUSIVE MODE` on PostgreSQL (readers go
on, a second writer waits). No Qt here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from storage.schema import audit_log

log = logging.getLogger(__name__)

GENESIS = "0" * 64  # prev_hash of the first row
KEY_FILE = "audit.key"
ANCHOR_DIR = "audit-anchors"
SYSTEM_USER = "forewarn"  # who writes the key markers
# what is typed reaches the trail at most this long (the column holds 100; a reason or a comment
# pasted by mistake is cut, never refused: the action it records is what matters)
MAX_USER, MAX_TARGET, MAX_TEXT = 64, 1000, 2000


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
    OPERATING_STATE = "operating_state"  # a hazard source declared running, reduced, down, under maintenance
    ALARM_RESPONSE = "alarm_response"  # the cause and measure of a reported alarm (处置反馈)
    PERMIT = "permit"  # a work permit issued, refused, suspended, resumed, ended or expired
    HIDDEN_DANGER = "hidden_danger"  # a hidden danger registered, assigned, rectified, accepted, dismissed
    RISK_INVENTORY = "risk_inventory"  # a risk point added, changed (a new version) or removed
    INSPECTION = "inspection"  # inspection tasks generated, an inspection done (ok or a finding)
    CONFIG_CHANGE = "config_change"
    USER_ADD = "user_add"
    USER_REMOVE = "user_remove"
    USER_PASSWD = "user_passwd"
    USER_ROLE = "user_role"
    USER_DISABLE = "user_disable"  # an account disabled (refused at login) or enabled again
    WRITE = "write"  # a value written to a device (or refused): old, new, result
    CERT_TRUST = "certificate_trust"  # a device's server certificate put on the trust list
    CERT_REJECT = "certificate_reject"
    CERT_REMOVE = "certificate_remove"
    KEYED = "audit_keyed"  # rows from this one on are keyed with the key it names


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


def _payload(
    id_: int, ts: int, user: str, action: str, target: str, detail_json: str, prev_hash: str
) -> bytes:
    return json.dumps(
        [int(id_), int(ts), user, action, target, detail_json, prev_hash],
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")


def row_hash(id_: int, ts: int, user: str, action: str, target: str, detail_json: str, prev_hash: str) -> str:
    """SHA-256 (hex) of the canonical serialisation of one row: the hash of rows before the key."""
    return hashlib.sha256(_payload(id_, ts, user, action, target, detail_json, prev_hash)).hexdigest()


def keyed_row_hash(
    key: bytes, id_: int, ts: int, user: str, action: str, target: str, detail_json: str, prev_hash: str
) -> str:
    """HMAC-SHA256 (hex) of the canonical serialisation of one row under the audit key."""
    return hmac.new(
        key, _payload(id_, ts, user, action, target, detail_json, prev_hash), "sha256"
    ).hexdigest()


def key_id(key: bytes) -> str:
    """A key's public name: the first 16 hex digits of its SHA-256 (the key itself never leaves the file)."""
    return hashlib.sha256(key).hexdigest()[:16]


class AuditKeyError(RuntimeError):
    """The audit key file cannot be read or written."""


class AuditKeys:
    """The audit key ring: `<data>/audit.key`, lines `<key id> <hex key>`, mode 0600. The first
    line signs; the others (keys of other nodes, or earlier keys) are used to verify."""

    def __init__(self, directory: str | Path):
        self.path = Path(directory) / KEY_FILE

    def ring(self) -> dict[str, bytes]:
        """{key id: key} of the file; empty when there is no file."""
        try:
            text = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            raise AuditKeyError(f"cannot read the audit key {self.path}: {exc}") from None
        out: dict[str, bytes] = {}
        for n, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            try:
                kid, hexkey = line.split()
                key = bytes.fromhex(hexkey)
            except ValueError:
                raise AuditKeyError(f"{self.path}:{n}: expected '<key id> <hex key>'") from None
            if key_id(key) != kid or len(key) < 16:
                raise AuditKeyError(f"{self.path}:{n}: the key does not match its id {kid}")
            out[kid] = key
        return out

    def signing(self) -> tuple[str, bytes]:
        """(id, key) that signs new rows; made (32 random bytes, mode 0600) when there is none."""
        ring = self.ring()
        if ring:
            return next(iter(ring.items()))
        key = secrets.token_bytes(32)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = f"# Forewarn audit trail key: keep it secret, back it up with the database\n{key_id(key)} {key.hex()}\n"
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return self.signing()
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
        log.info("audit trail key %s made in %s", key_id(key), self.path)
        return key_id(key), key


def database_id(engine: Engine) -> tuple[str, str]:
    """Where the database is, as a short stable id (the anchor file's name): the SQLite file's
    resolved path, or the server URL without its password; and that description."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        where = "sqlite:" + str(Path(url.database).expanduser().resolve())
    else:
        where = url.set(password=None).render_as_string(hide_password=True)
    return hashlib.sha256(where.encode("utf-8")).hexdigest()[:16], where


@dataclass(frozen=True)
class Anchor:
    ts: int  # UNIX ms when it was written
    id: int
    hash: str
    key_id: str


class AnchorFile:
    """The append-only anchor file of one database: `ts id hash key_id mac` per line, the MAC an
    HMAC under the audit key of (database id, ts, id, hash)."""

    def __init__(self, directory: str | Path, engine: Engine):
        self.db_id, self.where = database_id(engine)
        self.path = Path(directory) / ANCHOR_DIR / f"{self.db_id}.log"

    def _mac(self, key: bytes, ts: int, id_: int, hash_: str) -> str:
        return hmac.new(key, f"{self.db_id}|{ts}|{id_}|{hash_}".encode(), "sha256").hexdigest()

    def append(self, kid: str, key: bytes, id_: int, hash_: str, ts: int) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        new = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="ascii") as f:
            if new:
                f.write(f"# Forewarn audit trail anchors of {self.where}\n")
            f.write(f"{ts} {id_} {hash_} {kid} {self._mac(key, ts, id_, hash_)}\n")
            f.flush()
            os.fsync(f.fileno())

    def read(self, ring: dict[str, bytes]) -> tuple[list[Anchor], list[str]]:
        """(authentic anchors, problems): a line with a wrong MAC or an unknown key is a problem."""
        try:
            lines = self.path.read_text(encoding="ascii").splitlines()
        except FileNotFoundError:
            return [], []
        except (OSError, UnicodeDecodeError) as exc:
            return [], [f"cannot read the anchor file {self.path}: {exc}"]
        anchors, problems = [], []
        for n, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            try:
                ts, id_, hash_, kid, mac = line.split()
                ts, id_ = int(ts), int(id_)
            except ValueError:
                problems.append(f"{self.path}:{n}: not an anchor line")
                continue
            key = ring.get(kid)
            if key is None:
                problems.append(f"{self.path}:{n}: anchored with key {kid}, which is not in the key file")
            elif not hmac.compare_digest(self._mac(key, ts, id_, hash_), mac):
                problems.append(f"{self.path}:{n}: the anchor of row {id_} is not authentic (edited)")
            else:
                anchors.append(Anchor(ts, id_, hash_, kid))
        return anchors, problems


def _default_dir() -> Path:
    from core.paths import data_dir  # the one place that knows the data directory

    return data_dir()


class AuditLog:
    """Appends to and reads the `audit_log` table of a database whose schema is up to date.
    `data_dir` holds the key and the anchors (default: Forewarn's data directory)."""

    def __init__(
        self, engine: Engine, clock: Callable[[], float] = time.time, *, data_dir: str | Path | None = None
    ):
        self.engine = engine
        self.clock = clock
        self.data_dir = Path(data_dir) if data_dir is not None else _default_dir()
        self.keys = AuditKeys(self.data_dir)
        self.anchors = AnchorFile(self.data_dir, engine)
        self._lock = threading.Lock()

    def append(self, user: str, action: str, target: str = "", detail: Any = None) -> AuditEntry:
        """Write one row chained to the last one (after a key marker when the chain is not yet
        keyed with this node's key); anchor it; return it."""
        action = str(action)
        user, target, detail = _cap(str(user), MAX_USER), _cap(str(target), MAX_TARGET), _capped(detail)
        detail_json = canonical_detail(detail)
        kid, key = self.keys.signing()
        with self._lock:
            with self.engine.connect() as conn:
                dialect = conn.dialect.name
                if dialect == "sqlite":
                    # take the write lock before reading the last hash (pysqlite would begin lazily)
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                else:
                    conn.begin()
                    if dialect == "postgresql":
                        conn.exec_driver_sql("LOCK TABLE audit_log IN EXCLUSIVE MODE")
                try:
                    entry = self._insert(conn, kid, key, user, action, target, detail, detail_json)
                    conn.commit()
                except BaseException:
                    conn.rollback()
                    raise
            try:
                self.anchors.append(kid, key, entry.id, entry.hash, int(round(time.time() * 1000)))
            except OSError as exc:  # the row is written; the next anchor covers it, but say so
                log.error("audit row %d written but not anchored in %s: %s", entry.id, self.anchors.path, exc)
        return entry

    def _insert(self, conn: Connection, kid, key, user, action, target, detail, detail_json) -> AuditEntry:
        last = conn.execute(
            select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
        ).first()
        id_, prev = (int(last.id) + 1, last.hash) if last is not None else (1, GENESIS)
        ts = int(round(self.clock() * 1000))
        chain_kid = _chain_key_id(conn)
        if chain_kid != kid:
            marker = {"key_id": kid, "previous_key_id": chain_kid, "after_row": id_ - 1}
            if chain_kid is not None and chain_kid not in self.keys.ring():
                log.error(
                    "the audit trail is keyed with key %s, which is not in %s: re-keyed from row %d; "
                    "rows before it cannot be verified without that key",
                    chain_kid,
                    self.keys.path,
                    id_,
                )
            m = self._write(conn, key, id_, ts, SYSTEM_USER, Action.KEYED.value, "", marker, prev)
            id_, prev = id_ + 1, m.hash
        return self._write(conn, key, id_, ts, user, action, target, detail, prev, detail_json)

    def _write(self, conn, key, id_, ts, user, action, target, detail, prev, detail_json=None) -> AuditEntry:
        detail_json = canonical_detail(detail) if detail_json is None else detail_json
        digest = keyed_row_hash(key, id_, ts, user, action, target, detail_json, prev)
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

    def fingerprint(self, text: str, length: int = 12) -> str:
        """A keyed digest of `text` (hex, `length` digits): names a thing in the trail without
        storing it, e.g. a password hash or a mistyped user name. Makes the key if needed."""
        _kid, key = self.keys.signing()
        return hmac.new(key, b"fingerprint|" + text.encode("utf-8"), "sha256").hexdigest()[:length]

    def verifying_fingerprint(self) -> Callable[[str], str] | None:
        """`fingerprint` when a key exists, else None (verifying never makes a key)."""
        return self.fingerprint if self.keys.ring() else None

    def head(self) -> tuple[int, str] | None:
        """(id, hash) of the newest row, None for an empty trail."""
        return head(self.engine)

    def entries(
        self,
        since_ms: int | None = None,
        until_ms: int | None = None,
        limit: int | None = None,
        *,
        markers: bool = False,
    ) -> list[AuditEntry]:
        """Rows in order of id (optionally within [since_ms, until_ms], the newest `limit`); the
        key markers (bookkeeping of the chain, not anybody's action) only with `markers`."""
        q = select(audit_log)
        if not markers:
            q = q.where(audit_log.c.action != Action.KEYED.value)
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
        return verify(self.engine, self.data_dir)


def _cap(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _capped(detail: Any) -> Any:
    """`detail` with every string cut to MAX_TEXT characters."""
    if isinstance(detail, str):
        return _cap(detail, MAX_TEXT)
    if isinstance(detail, dict):
        return {str(k)[:MAX_USER]: _capped(v) for k, v in detail.items()}
    if isinstance(detail, list | tuple):
        return [_capped(v) for v in detail]
    return detail


def _chain_key_id(conn: Connection) -> str | None:
    """The key id named by the newest key marker (None: no marker, the chain is not keyed)."""
    r = conn.execute(
        select(audit_log.c.detail)
        .where(audit_log.c.action == Action.KEYED.value)
        .order_by(audit_log.c.id.desc())
        .limit(1)
    ).first()
    return None if r is None else _marker_key(r.detail)


def _marker_key(detail_json: str) -> str | None:
    try:
        kid = json.loads(detail_json).get("key_id")
    except (ValueError, AttributeError):
        return None
    return kid if isinstance(kid, str) else None


def head(engine: Engine) -> tuple[int, str] | None:
    """(id, hash) of the newest row of the trail, None when it is empty."""
    with engine.connect() as conn:
        r = conn.execute(
            select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
        ).first()
    return None if r is None else (int(r.id), r.hash)


def head_if_readable(engine: Engine) -> tuple[int, str] | None:
    """`head`, or None when the database cannot tell (it has no audit trail)."""
    try:
        return head(engine)
    except SQLAlchemyError:
        return None


def action_rows(engine: Engine, action: str, until_ms: int) -> list[tuple[int, str, str]]:
    """(ts ms, target, detail JSON as stored) of the rows recording `action` at or before
    `until_ms`, in order of id; none when the database has no audit trail."""
    q = (
        select(audit_log.c.ts, audit_log.c.target, audit_log.c.detail)
        .where(audit_log.c.action == str(action), audit_log.c.ts <= until_ms)
        .order_by(audit_log.c.id)
    )
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(q)]
    except SQLAlchemyError:
        return []


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


def _when(ts_ms: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts_ms / 1000)) + " UTC"


def verify(engine: Engine, data_dir: str | Path | None = None) -> tuple[bool, int | None, str]:
    """Check the whole chain against the key and the anchors: (True, None, summary) or
    (False, id of the first bad row or None, why)."""
    directory = Path(data_dir) if data_dir is not None else _default_dir()
    keys = AuditKeys(directory)
    try:
        ring = keys.ring()
    except AuditKeyError as exc:
        return False, None, str(exc)
    anchor_file = AnchorFile(directory, engine)
    if not ring and anchor_file.path.exists():
        return (
            False,
            None,
            f"the audit key is missing: {keys.path} is missing, so the keyed rows and the anchors of "
            f"this trail ({anchor_file.path}) cannot be verified (restore the key file from a backup)",
        )
    anchors, problems = anchor_file.read(ring)
    if problems:
        return False, None, f"anchor file tampered or unverifiable: {problems[0]}"
    anchored = {a.id: a for a in anchors}
    prev, expected_id, n, kid, key, unkeyed, first_keyed = GENESIS, 1, 0, None, None, 0, None
    for r in _rows(engine):
        rid = int(r.id)
        if rid != expected_id:
            return False, rid, f"row {rid}: expected id {expected_id} (rows removed or inserted before it)"
        if r.prev_hash != prev:
            return False, rid, f"row {rid}: does not follow the row before it (that row changed or is gone)"
        if r.action == Action.KEYED.value:
            kid = _marker_key(r.detail)
            key = ring.get(kid) if kid else None
            first_keyed = first_keyed or rid
            if key is None:
                where = f"in {keys.path}" if ring else f"there: {keys.path} is missing"
                return (
                    False,
                    rid,
                    f"row {rid}: the rows from here are keyed with audit key {kid}, which is not {where}; "
                    "they cannot be verified (restore the key file from a backup)",
                )
        if key is None:
            digest = row_hash(rid, r.ts, r.user_name, r.action, r.target, r.detail, r.prev_hash)
            unkeyed += 1
        else:
            digest = keyed_row_hash(key, rid, r.ts, r.user_name, r.action, r.target, r.detail, r.prev_hash)
        if not hmac.compare_digest(digest, r.hash):
            return (
                False,
                rid,
                f"row {rid}: its content does not match its hash (changed after it was written)",
            )
        a = anchored.get(rid)
        if a is not None and a.hash != r.hash:
            return False, rid, f"row {rid}: differs from the hash anchored at {_when(a.ts)} (rewritten)"
        prev, expected_id, n = r.hash, rid + 1, n + 1
    if anchors:
        last = max(anchors, key=lambda a: a.id)
        if last.id > n:
            ends = f"ends at row {n}" if n else "is empty"
            return (
                False,
                n + 1,
                f"the audit trail {ends}, but row {last.id} was anchored at {_when(last.ts)} "
                f"({anchor_file.path}): rows were deleted from its end",
            )
    elif first_keyed is not None:
        return (
            False,
            None,
            f"the anchor file {anchor_file.path} is missing: cannot tell whether rows were cut off the end",
        )
    if n == 0:
        return True, None, "audit trail empty"
    note = ""
    if unkeyed and first_keyed:
        note = (
            f"; rows 1 to {unkeyed} predate the audit key (plain SHA-256 chain), keyed from row {first_keyed}"
        )
    elif unkeyed:
        note = "; not keyed yet (plain SHA-256 chain: the next entry keys it)"
    return True, None, f"audit trail intact: {n} rows, last hash {prev[:16]}…{note}"


__all__ = [
    "GENESIS",
    "Action",
    "AnchorFile",
    "AuditEntry",
    "AuditKeyError",
    "AuditKeys",
    "AuditLog",
    "canonical_detail",
    "head",
    "keyed_row_hash",
    "row_hash",
    "verify",
]
