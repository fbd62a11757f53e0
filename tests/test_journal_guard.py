"""The journal guard: a corrupt or missing journal database refuses to start with a message;
a new journal over a lost one only with --new-db."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import parse_config_text
from storage.guard import (
    REGISTRY_NAME,
    JournalError,
    JournalRegistry,
    check_journal,
    open_guarded,
    sqlite_path,
)
from storage.history import History
from tests.helpers import plant_yaml

ROOT = Path(__file__).resolve().parent.parent
PLANT = plant_yaml(
    """
    - {name: P, device: plc, address: "hr:0", alarms: {H: 10}}
    """,
    devices="""
    - {name: plc, protocol: modbus-tcp, host: 127.0.0.1, port: 1, enabled: false}
    """,
    name="Guard Plant",
)


def open_history(url: str) -> History:
    return History(url, parse_config_text(PLANT).tags)


def start(url: str, data_dir: Path, new_db: bool = False) -> None:
    """Open the journal through the guard as the HMI and headless do, then close it."""
    open_guarded(url, data_dir, open_history, new_db=new_db).stop()


def test_new_database_is_created_and_registered(tmp_path, data_dir):
    db = tmp_path / "j.db"
    start(f"sqlite:///{db}", data_dir)
    assert db.exists()
    doc = json.loads((data_dir / REGISTRY_NAME).read_text(encoding="utf-8"))
    entry = doc["databases"][str(db.resolve())]
    assert entry["id"] > 0
    import sqlite3

    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA application_id").fetchone()[0] == entry["id"]
    start(f"sqlite:///{db}", data_dir)  # a known, healthy journal opens again
    assert JournalRegistry(data_dir).get(db.resolve())["id"] == entry["id"]


def test_garbage_file_is_refused_naming_it(tmp_path, data_dir):
    db = tmp_path / "j.db"
    db.write_bytes(os.urandom(4096))
    with pytest.raises(JournalError) as err:
        start(f"sqlite:///{db}", data_dir)
    assert str(db) in str(err.value) and "not a SQLite database" in str(err.value)
    assert "--new-db" in str(err.value)
    assert db.stat().st_size == 4096  # left as it was, for inspection


def test_empty_file_is_refused(tmp_path, data_dir):
    db = tmp_path / "j.db"
    db.write_bytes(b"")
    with pytest.raises(JournalError, match="empty"):
        check_journal(f"sqlite:///{db}", data_dir)


def test_damaged_pages_fail_quick_check(tmp_path, data_dir):
    db = tmp_path / "j.db"
    start(f"sqlite:///{db}", data_dir)
    raw = bytearray(db.read_bytes())
    assert len(raw) > 8192
    raw[4096:8192] = os.urandom(4096)  # a page past the header
    db.write_bytes(bytes(raw))
    with pytest.raises(JournalError) as err:
        start(f"sqlite:///{db}", data_dir)
    assert str(db) in str(err.value)


def test_registered_then_deleted_is_refused_unless_new_db(tmp_path, data_dir):
    db = tmp_path / "j.db"
    start(f"sqlite:///{db}", data_dir)
    old_id = JournalRegistry(data_dir).get(db.resolve())["id"]
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with pytest.raises(JournalError) as err:
        start(f"sqlite:///{db}", data_dir)
    msg = str(err.value)
    assert "missing" in msg and str(db.resolve()) in msg and "--new-db" in msg
    assert not db.exists()  # nothing was created in its place
    start(f"sqlite:///{db}", data_dir, new_db=True)
    assert db.exists()
    assert JournalRegistry(data_dir).get(db.resolve())["id"] != old_id  # a new journal, a new id
    start(f"sqlite:///{db}", data_dir)  # and from now on it is the known one


def test_unregistered_missing_file_starts(tmp_path, data_dir):
    db = tmp_path / "fresh" / "j.db"
    start(f"sqlite:///{db}", data_dir)
    assert db.exists()


def test_server_and_memory_urls_skip_file_checks(tmp_path, data_dir):
    assert sqlite_path("postgresql+psycopg://u@host/db") is None
    assert sqlite_path("sqlite://") is None
    assert sqlite_path("sqlite:///:memory:") is None
    assert check_journal("postgresql+psycopg://u@host/db", data_dir) is None
    assert not (data_dir / REGISTRY_NAME).exists()


def test_damaged_registry_does_not_stop_a_start(tmp_path, data_dir):
    (data_dir / REGISTRY_NAME).write_text("{not json", encoding="utf-8")
    db = tmp_path / "j.db"
    start(f"sqlite:///{db}", data_dir)
    assert JournalRegistry(data_dir).get(db.resolve()) is not None


def run_main(args, data_dir: Path):
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "FOREWARN_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"},
        cwd=ROOT,
    )


@pytest.fixture
def plant_file(tmp_path) -> Path:
    p = tmp_path / "plant.yaml"
    p.write_text(PLANT, encoding="utf-8")
    return p


def test_headless_refuses_a_corrupt_journal_with_exit_2(tmp_path, plant_file):
    db = tmp_path / "corrupt.db"
    db.write_bytes(b"this is not a database\n" * 100)
    r = run_main(
        ["headless", "--config", str(plant_file), "--db", f"sqlite:///{db}", "--duration", "0.2"], tmp_path
    )
    assert r.returncode == 2, r.stderr
    assert str(db) in r.stderr and "not a SQLite database" in r.stderr


@pytest.mark.slow
def test_headless_refuses_a_missing_journal_and_starts_with_new_db(tmp_path, plant_file):
    db = tmp_path / "j.db"
    url = f"sqlite:///{db}"
    args = ["headless", "--config", str(plant_file), "--db", url, "--duration", "0.2"]
    r = run_main(args, tmp_path)
    assert r.returncode == 0, r.stderr
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    r = run_main(args, tmp_path)
    assert r.returncode == 2 and "missing" in r.stderr and str(db) in r.stderr
    r = run_main([*args, "--new-db"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert db.exists()


def test_hmi_refuses_a_corrupt_journal_with_exit_2(tmp_path, plant_file):
    db = tmp_path / "corrupt.db"
    db.write_bytes(b"\x00garbage" * 512)
    r = run_main(["--config", str(plant_file), "--db", f"sqlite:///{db}"], tmp_path)
    assert r.returncode == 2, r.stderr
    assert str(db) in r.stderr
