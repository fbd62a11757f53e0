"""Attacks on the audit trail by someone who can write the database but not the data directory:
each is done with SQL on a real SQLite file (and a PostgreSQL database when FOREWARN_TEST_PG_URL
is set), and `main.py audit verify` must name it (exit 1)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

import app.accounts.users as users_mod
from app.accounts.users import Role, UserStore
from storage.audit import GENESIS, Action, AuditLog, row_hash, verify
from storage.schema import create_schema, make_engine

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def quick_scrypt(monkeypatch):
    monkeypatch.setattr(users_mod, "SCRYPT_N", 2**12)  # the attacks are on the trail, not the hash


@pytest.fixture
def plant(db_url, data_dir):
    """A plant database with two users and a few audited actions; (url, engine, store, audit)."""
    url = db_url
    engine = make_engine(url)
    create_schema(engine)
    audit = AuditLog(engine)
    store = UserStore(engine, audit)
    store.add("ada", Role.ADMINISTRATOR, "ada-password", by="cli:root")
    store.add("olga", Role.OPERATOR, "olga-password", by="ada")
    for i in range(3):
        audit.append("olga", Action.ACKNOWLEDGE, f"T{i}:HH")
    yield url, engine, store, audit
    engine.dispose()


def audit_verify(url: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "FOREWARN_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "audit", "verify", "--db", url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def sql(engine, statement: str, **params) -> None:
    with engine.begin() as conn:
        conn.execute(text(statement), params)


def test_an_intact_trail_verifies(plant, data_dir):
    url, *_ = plant
    r = audit_verify(url, data_dir)
    assert r.returncode == 0, r.stderr
    assert "intact: 6 rows" in r.stdout


def test_a_row_edited_and_the_chain_recomputed_without_the_key_is_named(plant, data_dir):
    url, engine, _store, _audit = plant
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT * FROM audit_log ORDER BY id")).mappings().all()
        prev = rows[3]["prev_hash"]
        for r in rows[3:]:  # rewrite row 4 and recompute every hash after it, as the old chain allowed
            target = "T9:HH" if r["id"] == 4 else r["target"]
            h = row_hash(r["id"], r["ts"], r["user_name"], r["action"], target, r["detail"], prev)
            conn.execute(
                text("UPDATE audit_log SET target=:t, prev_hash=:p, hash=:h WHERE id=:i"),
                {"t": target, "p": prev, "h": h, "i": r["id"]},
            )
            prev = h
    r = audit_verify(url, data_dir)
    assert r.returncode == 1
    assert "row 4: its content does not match its hash" in r.stderr


def test_deleting_the_last_row_is_named(plant, data_dir):
    url, engine, *_ = plant
    sql(engine, "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
    assert verify(engine)[0] is False
    r = audit_verify(url, data_dir)
    assert r.returncode == 1
    assert "ends at row 5, but row 6 was anchored" in r.stderr and "deleted from its end" in r.stderr


def test_emptying_the_trail_is_named(plant, data_dir):
    url, engine, *_ = plant
    sql(engine, "DELETE FROM audit_log")
    r = audit_verify(url, data_dir)
    assert r.returncode == 1
    assert "the audit trail is empty, but row 6 was anchored" in r.stderr


def test_a_role_escalation_by_sql_is_named(plant, data_dir):
    url, engine, *_ = plant
    sql(engine, "UPDATE users SET role='administrator' WHERE name='olga'")
    r = audit_verify(url, data_dir)
    assert r.returncode == 1
    assert "intact" in r.stdout  # the chain itself is untouched: the users table is what changed
    assert (
        "user 'olga' has the role administrator in the users table, but the audit trail gives operator"
        in (r.stderr)
    )


def test_a_password_hash_or_a_user_put_in_by_sql_is_named(plant, data_dir):
    url, engine, store, _audit = plant
    forged = users_mod.hash_password("mallory-password")
    sql(engine, "UPDATE users SET password_hash=:h WHERE name='ada'", h=forged)
    sql(
        engine,
        "INSERT INTO users (name, role, password_hash, created, disabled, failed_count) "
        "VALUES ('mallory', 'administrator', :h, 0, false, 0)",
        h=forged,
    )
    sql(engine, "DELETE FROM users WHERE name='olga'")
    r = audit_verify(url, data_dir)
    assert r.returncode == 1
    assert "the password of user 'ada' was changed outside Forewarn" in r.stderr
    assert "user 'mallory' (administrator) is in the users table but was never added" in r.stderr
    assert "user 'olga' was removed from the users table outside Forewarn" in r.stderr


def test_changes_made_through_forewarn_agree_with_the_trail(plant, data_dir):
    url, _engine, store, _audit = plant
    store.set_role("olga", Role.SUPERVISOR, by="ada")
    store.set_password("olga", "olga-new-password", by="ada")
    store.add("sam", Role.ENGINEER, "sam-password", by="ada")
    store.remove("sam", by="ada")
    r = audit_verify(url, data_dir)
    assert r.returncode == 0, r.stderr


def test_a_missing_key_is_reported_never_passed(plant, data_dir):
    url, *_ = plant
    (data_dir / "audit.key").unlink()
    r = audit_verify(url, data_dir)
    assert r.returncode == 1
    assert "the audit key is missing" in r.stderr and "audit.key is missing" in r.stderr


def test_an_append_after_the_key_was_lost_rekeys_and_verify_still_fails(plant, data_dir, caplog):
    url, engine, _store, audit = plant
    old = audit.keys.signing()[0]
    (data_dir / "audit.key").unlink()
    entry = AuditLog(engine).append("olga", Action.ACKNOWLEDGE, "T3:HH")
    new = AuditLog(engine).keys.signing()[0]
    assert new != old and entry.id == 8  # row 7: the new key's marker
    assert "re-keyed from row 7" in caplog.text
    ok, bad, message = verify(engine)
    assert not ok and old in message and "not in the key file" in message


def test_an_edited_anchor_is_named(plant, data_dir):
    url, *_ = plant
    (anchor,) = (data_dir / "audit-anchors").glob("*.log")
    lines = anchor.read_text().splitlines()
    ts, id_, h, kid, mac = lines[-1].split()
    lines[-1] = " ".join([ts, "5", h, kid, mac])  # pretend the trail ended earlier
    anchor.write_text("\n".join(lines) + "\n")
    r = audit_verify(url, data_dir)
    assert r.returncode == 1 and "anchor file tampered" in r.stderr and "not authentic" in r.stderr


def test_a_chain_from_before_the_key_is_kept_and_keyed_from_a_marker(tmp_path, data_dir):
    """Rows written by the unkeyed chain stay as they are and are checked as that chain; the
    first keyed append writes the marker, and rows after it are keyed."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    create_schema(engine)
    prev = GENESIS
    with engine.begin() as conn:
        for i in range(1, 4):
            detail = json.dumps({"n": i})
            h = row_hash(i, 1_700_000_000_000 + i, "alice", "acknowledge", f"T{i}", detail, prev)
            conn.execute(
                text("INSERT INTO audit_log VALUES (:i, :ts, 'alice', 'acknowledge', :t, :d, :p, :h)"),
                {"i": i, "ts": 1_700_000_000_000 + i, "t": f"T{i}", "d": detail, "p": prev, "h": h},
            )
            prev = h
    ok, _, message = verify(engine)
    assert ok and "not keyed yet" in message
    AuditLog(engine).append("alice", Action.ACKNOWLEDGE, "T4")
    rows = AuditLog(engine).entries(markers=True)
    assert rows[3].action == Action.KEYED and rows[3].detail["after_row"] == 3
    r = audit_verify(url, data_dir)
    assert r.returncode == 0, r.stderr
    assert "rows 1 to 3 predate the audit key" in r.stdout and "keyed from row 4" in r.stdout
    engine.dispose()


def test_the_key_and_anchors_are_owner_only(plant, data_dir):
    assert (data_dir / "audit.key").stat().st_mode & 0o777 == 0o600
    (anchor,) = (data_dir / "audit-anchors").glob("*.log")
    assert anchor.stat().st_mode & 0o777 == 0o600
    key = (data_dir / "audit.key").read_text()
    url, engine, *_ = plant
    with engine.connect() as conn:
        dump = "".join(str(r) for r in conn.execute(text("SELECT * FROM audit_log")))
    secret = key.split()[-1]
    assert secret not in dump and hashlib.sha256(bytes.fromhex(secret)).hexdigest() not in dump


def test_the_shift_report_prints_the_audit_head(plant, qapp):
    from app.reports import report_data as rd
    from views.report_html import shift_report_html

    _url, engine, _store, audit = plant
    last = audit.entries()[-1]
    rep = rd.build_shift_report(engine, "Test Works", 1_800_000_000.0, 1_800_003_600.0)
    assert rep.audit_head == (last.id, last.hash)
    assert f"Audit trail head: #{last.id} {last.hash[:16]}…" in shift_report_html(rep)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    rep = rd.build_shift_report(engine, "Test Works", 1_800_000_000.0, 1_800_003_600.0)
    assert rep.audit_head is None and "Audit trail head: none (empty)" in shift_report_html(rep)
