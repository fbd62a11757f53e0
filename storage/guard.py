"""Journal database guard: never start on a corrupt journal, never silently replace a lost one.

Before the history database (the alarm journal lives in it) is opened by the HMI or `headless`:

- a SQLite file that exists must be a SQLite database that passes `PRAGMA quick_check`;
  otherwise `JournalError` names the file and what to do;
- every SQLite database this installation creates is recorded in a registry
  (`journals.json` in the data directory) with a random id, also written into the database's
  header (`PRAGMA application_id`). If a registered file is missing, starting would create a
  new, empty journal in its place and the old record would look erased: `JournalError` says
  where it was expected, unless the operator explicitly asks for a new one (`--new-db`).

A SQLite journal and its `-wal` and `-shm` files are made readable by their owner only (0600)
once open: the journal holds the users' password hashes and the audit trail.

PostgreSQL (and other server) URLs skip the file checks: the server guards its own storage.
No Qt here; the callers print the message (and the HMI shows it) and exit with status 2.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import time
from pathlib import Path

log = logging.getLogger(__name__)

REGISTRY_NAME = "journals.json"
SQLITE_MAGIC = b"SQLite format 3\x00"


class JournalError(RuntimeError):
    """The journal database cannot be used safely; the message says which file and what to do."""


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for in-memory databases and for server URLs)."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1] if "///" in url else ""
    path = path.split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path).expanduser().resolve()


def check_file(path: Path) -> None:
    """Raise `JournalError` unless `path` is a readable SQLite database that passes quick_check."""
    what_to_do = (
        f"Restore it from a backup, or move it aside to keep it for inspection (e.g. to {path.name}.corrupt) "
        "and start with --new-db to begin a new journal."
    )
    try:
        size = path.stat().st_size
        if size == 0:
            raise JournalError(f"The journal database {path} is empty (0 bytes). {what_to_do}")
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise JournalError(f"The journal database {path} cannot be read: {exc.strerror or exc}.") from exc
    if head != SQLITE_MAGIC:
        raise JournalError(f"The journal database {path} is not a SQLite database (corrupt?). {what_to_do}")
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise JournalError(f"The journal database {path} is damaged ({exc}). {what_to_do}") from exc
    if rows != ["ok"]:
        detail = "; ".join(str(r) for r in rows[:3])
        raise JournalError(f"The journal database {path} failed its integrity check ({detail}). {what_to_do}")


class JournalRegistry:
    """The databases this installation created: {path: {"id": int, "created": ISO time}} in JSON."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / REGISTRY_NAME

    def load(self) -> dict[str, dict]:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            # a damaged registry must not stop the plant's monitoring; it is rebuilt as databases open
            log.warning("journal registry %s unreadable (%s); starting a new one", self.path, exc)
            return {}
        dbs = doc.get("databases") if isinstance(doc, dict) else None
        return {k: v for k, v in (dbs or {}).items() if isinstance(v, dict)}

    def get(self, db: Path) -> dict | None:
        return self.load().get(str(db))

    def record(self, db: Path, db_id: int) -> None:
        dbs = self.load()
        dbs[str(db)] = {"id": db_id, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"schema": 1, "databases": dbs}, indent=2), encoding="utf-8")
        os.replace(tmp, self.path)


def read_id(path: Path) -> int:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        return int(conn.execute("PRAGMA application_id").fetchone()[0])
    finally:
        conn.close()


def write_id(path: Path, db_id: int) -> None:
    conn = sqlite3.connect(str(path), timeout=5)
    try:
        conn.execute(f"PRAGMA application_id = {int(db_id)}")
        conn.commit()
    finally:
        conn.close()


def check_journal(url: str, data_dir: Path, *, new_db: bool = False) -> Path | None:
    """Before opening: refuse a corrupt file, and a registered file that has gone missing unless
    `new_db`. Returns the SQLite file (None when there is no file to guard)."""
    path = sqlite_path(url)
    if path is None:
        return None
    if path.exists():
        check_file(path)
        return path
    entry = JournalRegistry(data_dir).get(path)
    if entry is not None and not new_db:
        raise JournalError(
            f"The journal database is missing: it was expected at {path} (created {entry.get('created', '?')}). "
            "Starting now would begin a new, empty journal in its place. Restore the file from a backup, "
            "or start with --new-db to begin a new journal deliberately."
        )
    if entry is not None:
        log.warning("starting a new journal at %s in place of a missing one (--new-db)", path)
    return path


def register_journal(path: Path | None, data_dir: Path) -> None:
    """After the database is open: give a new file its id and record it (known files keep theirs)."""
    if path is None or not path.exists():
        return
    registry = JournalRegistry(data_dir)
    entry = registry.get(path)
    current = read_id(path)
    if entry is not None and current and int(entry.get("id", 0)) == current:
        return
    if entry is not None and current and int(entry.get("id", 0)) != current:
        log.warning("journal %s has another id than registered; registering the database found there", path)
    db_id = current or (secrets.randbelow(2**31 - 2) + 1)
    if not current:
        write_id(path, db_id)
    registry.record(path, db_id)


def owner_only(path: Path | None) -> None:
    """Make a SQLite database and its -wal and -shm files (those that exist) mode 0600. SQLite
    gives the -wal and -shm files it makes later the database file's mode."""
    if path is None or os.name != "posix":
        return
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if p.stat().st_mode & 0o077:
                os.chmod(p, 0o600)
        except FileNotFoundError:
            continue
        except OSError as exc:  # not ours to change: say so, the journal still opens
            log.warning("cannot make %s readable by its owner only: %s", p, exc.strerror or exc)


def open_guarded(url: str, data_dir: Path, open_history, *, new_db: bool = False):
    """check_journal, then `open_history(url)`, then register_journal; returns the history."""
    path = check_journal(url, data_dir, new_db=new_db)
    history = open_history(url)
    owner_only(path)
    try:
        register_journal(path, data_dir)
    except (OSError, sqlite3.Error) as exc:  # the journal is open and good; the registry is a guard
        log.warning("could not record journal %s in the registry: %s", path, exc)
    return history


__all__ = [
    "JournalError",
    "JournalRegistry",
    "check_file",
    "check_journal",
    "open_guarded",
    "owner_only",
    "register_journal",
    "sqlite_path",
]
