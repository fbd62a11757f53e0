"""Leadership of one plant among several servers: a PostgreSQL session-level advisory lock.

Two servers for one plant, one active: the one whose dedicated connection holds
`pg_try_advisory_lock(key)` (the key derived from the plant id) leads; the others wait and try
again. The lock lives exactly as long as the session that took it, so:

- a holder killed (`kill -9`) or crashed: its kernel closes the socket, the server ends the
  session and releases the lock at once;
- a holder host gone or cut off: TCP keepalives on both ends (a few seconds) end the session;
- a holder frozen (stopped, swapping): `idle_session_timeout` ends its session once it has not
  checked its lock for `lease_s`;
- fencing: the holder checks its lock every second or so (`check`); any error on the connection,
  or the lock not found, is leadership lost at once, and the connection is closed so the lock
  cannot come back behind its back. The journal writer asks `fence(conn)` inside each of its
  transactions, which fails unless the leader's session still holds the lock, so a server that
  has lost leadership and not yet noticed cannot journal beside the new one.

SQLite has no shared lock between servers: leadership is refused (`LeadershipRefused`) with a
message saying redundancy needs a shared PostgreSQL. No table, no migration; depends only on
psycopg and SQLAlchemy's URL parsing.
"""

from __future__ import annotations

import hashlib
import logging
import threading

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

log = logging.getLogger(__name__)

LEASE_S = 5.0  # a frozen holder's session (and lock) ends after this long without a check
CONNECT_TIMEOUT_S = 3
KEEPALIVE = {"keepalives": 1, "keepalives_idle": 2, "keepalives_interval": 1, "keepalives_count": 3}
_HELD_SQL = (
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = %(pid)s"
    " AND classid::bigint = %(hi)s AND objid::bigint = %(lo)s AND objsubid = 1 AND granted)"
)
_FENCE_SQL = text(_HELD_SQL.replace("%(pid)s", ":pid").replace("%(hi)s", ":hi").replace("%(lo)s", ":lo"))


class LeadershipRefused(RuntimeError):
    """Leadership cannot be had on this database (not PostgreSQL); the message says why."""


class LeadershipLost(RuntimeError):
    """This server no longer leads the plant: nothing may be written in its name."""


def plant_lock_key(plant_id: str) -> int:
    """The advisory lock key of a plant: a signed 64-bit number from its id."""
    digest = hashlib.sha256(f"forewarn-leadership:{plant_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def is_postgresql(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


class Leadership:
    """Leadership of one plant on a PostgreSQL database, held by a connection of its own.

    `try_acquire` and `check` are called from one thread (the redundancy loop); `fence` and
    `held` from any thread."""

    def __init__(self, url: str, plant_id: str, *, lease_s: float = LEASE_S):
        if not is_postgresql(url):
            raise LeadershipRefused(
                f"Redundancy (an active and a standby server) needs a shared PostgreSQL database; "
                f"{make_url(url).get_backend_name()} cannot elect a leader between servers. "
                "Give --db postgresql+psycopg://USER:PASSWORD@HOST/DATABASE."
            )
        self.plant_id = plant_id
        self.key = plant_lock_key(plant_id)
        self.lease_s = lease_s
        self._url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn = None  # psycopg connection, autocommit
        self._lock = threading.Lock()
        self._pid: int | None = None  # the backend that holds the lock, while held
        self.lost_reason = ""

    # ------------------------------------------------------------ the lock (one thread)
    def _connect(self):
        import psycopg

        ms = int(self.lease_s * 1000)
        options = (
            "-c tcp_keepalives_idle=2 -c tcp_keepalives_interval=1 -c tcp_keepalives_count=3 "
            f"-c statement_timeout={ms} -c application_name=forewarn-leadership"
        )
        conn = psycopg.connect(
            self._url,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_S,
            tcp_user_timeout=ms,
            options=options,
            **KEEPALIVE,
        )
        try:  # PostgreSQL 14 and later; before it a frozen holder keeps the lock until it dies
            conn.execute(f"SET idle_session_timeout = {ms}")
        except psycopg.errors.UndefinedObject:
            log.warning("PostgreSQL before 14: no idle_session_timeout; a frozen leader keeps the lead")
        return conn

    def try_acquire(self) -> bool:
        """Take leadership if nobody holds it; True when this server leads (or already did). A
        database out of reach is no leadership, said in the log, tried again next time."""
        with self._lock:
            if self._pid is not None:
                return True
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = self._connect()
                got, pid = self._conn.execute(
                    "SELECT pg_try_advisory_lock(%s), pg_backend_pid()", (self.key,)
                ).fetchone()
            except Exception as exc:  # the server or the network: standby, try again
                log.warning("leadership of %s: database out of reach: %s", self.plant_id, _first_line(exc))
                self._close()
                return False
            if got:
                self._pid, self.lost_reason = int(pid), ""
                log.info("leadership of %s taken (backend %s)", self.plant_id, pid)
            return bool(got)

    def check(self) -> bool:
        """Whether this server still leads: its session answers and holds the lock. Anything else
        is leadership lost at once (the connection closed, `lost_reason` says why)."""
        with self._lock:
            if self._pid is None:
                return False
            try:
                held = self._conn.execute(_HELD_SQL, self._params()).fetchone()[0]
            except Exception as exc:  # the session is gone or unusable: so is the lock
                self._lose(f"connection lost: {_first_line(exc)}")
                return False
            if not held:
                self._lose("the lock is no longer held by this server's session")
            return bool(held)

    def release(self) -> None:
        """Give leadership up (a clean stop) and close the connection."""
        with self._lock:
            if self._pid is not None and self._conn is not None:
                try:
                    self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
                except Exception as exc:  # closing the session releases it anyway
                    log.info("leadership release: %s", _first_line(exc))
            self._pid = None
            self._close()

    def _lose(self, reason: str) -> None:
        log.warning("leadership of %s lost: %s", self.plant_id, reason)
        self._pid, self.lost_reason = None, reason
        self._close()

    def _close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # already broken: nothing left to close
                pass
        self._conn = None

    def _params(self) -> dict:
        return {"pid": self._pid, "hi": (self.key >> 32) & 0xFFFFFFFF, "lo": self.key & 0xFFFFFFFF}

    # ------------------------------------------------------------ any thread
    @property
    def held(self) -> bool:
        """Whether this server leads, as of its last check."""
        return self._pid is not None

    def fence(self, conn: Connection) -> None:
        """Inside another session's transaction (the journal writer's): raise `LeadershipLost`
        unless this server's leadership session still holds the lock, so what the transaction
        writes is written by the leader only."""
        pid = self._pid
        if pid is None:
            raise LeadershipLost(f"not the leader of {self.plant_id}: {self.lost_reason or 'standby'}")
        params = {**self._params(), "pid": pid}
        if not conn.execute(_FENCE_SQL, params).scalar_one():
            raise LeadershipLost(f"the leadership lock of {self.plant_id} is no longer held by this server")


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
