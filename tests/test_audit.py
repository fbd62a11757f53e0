"""The audit trail: a hash chain that verify checks row by row, tamper evidence, serialised
appends from several threads, and `audit verify` on the command line."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.audit import GENESIS, Action, AuditLog, keyed_row_hash, row_hash, verify
from storage.schema import create_schema, make_engine

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def engine(db_url, data_dir):
    e = make_engine(db_url)
    create_schema(e)
    yield e
    e.dispose()


def test_append_chains_rows_and_verify_passes(engine):
    log = AuditLog(engine, clock=lambda: 1_800_000_000.5)
    assert verify(engine) == (True, None, "audit trail empty")
    a = log.append("alice", Action.LOGIN)
    b = log.append("alice", Action.CONFIG_CHANGE, "Demo steel works", ["tag X: alarms.H 230 → 235"])
    c = log.append("bob", "acknowledge", "GAS.CO.01:HH", {"keys": ["GAS.CO.01:HH"], "comment": "é"})
    # row 1 is the marker naming the key the chain is keyed with from there on
    marker = log.entries(markers=True)[0]
    kid, key = log.keys.signing()
    assert marker.action == Action.KEYED and marker.detail["key_id"] == kid and marker.prev_hash == GENESIS
    assert (a.id, b.id, c.id) == (2, 3, 4)
    assert a.prev_hash == marker.hash and b.prev_hash == a.hash and c.prev_hash == b.hash
    assert a.ts == 1_800_000_000_500
    assert c.hash == keyed_row_hash(
        key, 4, c.ts, "bob", "acknowledge", "GAS.CO.01:HH", '{"comment":"é","keys":["GAS.CO.01:HH"]}', b.hash
    )
    ok, bad, message = verify(engine)
    assert ok and bad is None and "4 rows" in message
    entries = log.entries()
    assert [e.action for e in entries] == ["login", "config_change", "acknowledge"]
    assert entries[1].detail == ["tag X: alarms.H 230 → 235"]
    assert [e.id for e in log.entries(limit=2)] == [3, 4]


def test_a_changed_detail_is_named_by_verify(engine):
    log = AuditLog(engine)
    for i in range(5):
        log.append("alice", Action.SHELVE, f"TAG{i}:HH", {"reason": "calibration", "duration_s": 3600})
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET detail = :d WHERE id = 3"), {"d": '{"reason":"nothing to see"}'}
        )
    ok, bad, message = verify(engine)
    assert not ok and bad == 3 and "row 3" in message


def test_a_deleted_row_breaks_the_chain_at_the_next(engine):
    log = AuditLog(engine)
    for i in range(4):
        log.append("alice", Action.ACKNOWLEDGE, f"T{i}")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    ok, bad, _ = verify(engine)
    assert not ok and bad == 3


def test_a_rehashed_row_is_caught_at_once(engine):
    """Rewriting a row and its own (unkeyed) hash is caught at that row: the chain is keyed."""
    log = AuditLog(engine)
    for i in range(3):
        log.append("alice", Action.ACKNOWLEDGE, f"T{i}")
    row = log.entries()[1]
    forged = row_hash(2, row.ts, "mallory", row.action, row.target, "null", row.prev_hash)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET user_name='mallory', hash=:h WHERE id=2"), {"h": forged})
    assert verify(engine)[:2] == (False, 2)


def test_concurrent_appends_from_two_threads_and_two_logs_keep_the_chain(engine):
    # two AuditLog objects stand for two processes: only the database serialises them
    logs = [AuditLog(engine), AuditLog(engine)]
    errors = []

    def work(n):
        try:
            for i in range(40):
                logs[n].append(f"user{n}", Action.ACKNOWLEDGE, f"T{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    ok, bad, message = verify(engine)
    assert ok, message
    assert [e.id for e in logs[0].entries(markers=True)] == list(range(1, 82))


@pytest.mark.slow
def test_cli_verify_exit_codes(tmp_path, data_dir):
    url = f"sqlite:///{tmp_path / 'plant.db'}"
    e = make_engine(url)
    create_schema(e)
    log = AuditLog(e)
    for i in range(3):
        log.append("alice", Action.OUT_OF_SERVICE, f"T{i}", {"on": True})
    cmd = [sys.executable, str(ROOT / "main.py"), "audit", "verify", "--db", url]
    env = {**__import__("os").environ, "FOREWARN_DATA_DIR": str(data_dir)}
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert r.returncode == 0 and "intact: 4 rows" in r.stdout
    with e.begin() as conn:
        conn.execute(text("UPDATE audit_log SET target='T9' WHERE id=3"))
    e.dispose()
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert r.returncode == 1 and "row 3" in r.stderr
    missing = subprocess.run(
        [*cmd[:-1], f"sqlite:///{tmp_path / 'none.db'}"], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert missing.returncode == 2 and not (tmp_path / "none.db").exists()
