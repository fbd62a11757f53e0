"""Accounts that cannot be probed or abused: one answer to every refused login, unknown names
never stored as typed, capped names, scrypt's cost and rehash, the lockout's bounds and files
readable by their owner only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

import app.accounts.users as users_mod
from app.accounts.users import (
    LOGIN_REFUSED,
    MAX_NAME,
    Role,
    UserError,
    UserStore,
    hash_params,
    users_problems,
)
from storage.audit import MAX_TEXT, Action, AuditLog
from storage.schema import create_schema, make_engine
from tests.helpers import Clock

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path, data_dir, monkeypatch):
    monkeypatch.setattr(users_mod, "SCRYPT_N", 2**12)
    engine = make_engine(f"sqlite:///{tmp_path / 'plant.db'}")
    create_schema(engine)
    s = UserStore(engine, AuditLog(engine), clock=Clock(), lockout_s=900)
    s.add("olga", Role.OPERATOR, "olga-password", by="cli:root")
    s.add("dora", Role.OPERATOR, "dora-password", by="cli:root")
    yield s
    engine.dispose()


def test_every_refused_login_reads_alike(store):
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE users SET disabled = 1 WHERE name = 'dora'"))
    refusals = [store.authenticate("nobody", "olga-password"), store.authenticate("dora", "dora-password")]
    refusals += [store.authenticate("olga", "wrong-password") for _ in range(5)]  # the 5th locks
    refusals.append(store.authenticate("olga", "olga-password"))  # locked: the right one too
    assert store.get("olga").locked_until is not None
    assert {(r.ok, r.reason, r.locked_until) for r in refusals} == {(False, LOGIN_REFUSED, None)}


def test_an_unknown_name_never_reaches_the_trail_as_typed(store):
    typed = "Furn4ce-Sesame!"  # a password typed into the name field
    store.authenticate(typed, "olga-password")
    store.authenticate(typed, "again")
    rows = [e for e in store.audit.entries() if e.action == Action.LOGIN_FAILED]
    assert len(rows) == 2 and all(typed not in repr(e) for e in store.audit.entries())
    assert rows[0].user.startswith(f"unknown user ({len(typed)} chars, #")
    assert rows[0].user == rows[1].user  # the same mistyped name can be followed, never read
    store.authenticate("Furn4ce-Sesame?", "x")
    assert store.audit.entries()[-1].user != rows[0].user


def test_names_and_typed_text_are_capped(store):
    with pytest.raises(UserError, match=f"1 to {MAX_NAME} printable"):
        store.add("x" * (MAX_NAME + 1), Role.OPERATOR, "long-enough")
    store.add("y" * MAX_NAME, Role.OPERATOR, "long-enough")
    r = store.authenticate("z" * 10_000, "whatever")
    assert not r.ok and r.reason == LOGIN_REFUSED
    last = store.audit.entries()[-1]
    assert last.user == last.target == f"unknown user (10000 chars, #{last.user.split('#')[1]}"
    e = store.audit.append("w" * 500, Action.SHELVE, "T" * 5000, {"reason": "r" * 100_000})
    assert len(e.user) == 64 and len(e.target) == 1000 and len(e.detail["reason"]) == MAX_TEXT
    assert store.audit.verify()[0]


def test_an_older_hash_is_replaced_at_the_next_login(store, monkeypatch):
    monkeypatch.setattr(users_mod, "SCRYPT_N", 2**13)  # the parameters were raised since
    old = store.password_hashes()["olga"]
    assert not store.authenticate("olga", "wrong-password").ok
    assert store.password_hashes()["olga"] == old  # a refused login changes nothing
    assert store.authenticate("olga", "olga-password").ok
    new = store.password_hashes()["olga"]
    assert hash_params(old) == (2**12, 8, 1) and hash_params(new) == (2**13, 8, 1)
    assert store.authenticate("olga", "olga-password").ok
    rehash = [e for e in store.audit.entries() if e.action == Action.USER_PASSWD]
    assert len(rehash) == 1 and rehash[0].detail["rehash"] is True
    assert users_problems(store, store.audit.entries(), store.audit.fingerprint) == []


@pytest.mark.slow
def test_the_default_cost_is_n_2_17_with_room_for_it():
    assert users_mod.SCRYPT_N == 2**17 and users_mod.SCRYPT_R == 8
    need = 128 * users_mod.SCRYPT_R * users_mod.SCRYPT_N
    assert need == 128 * 2**20
    assert users_mod.scrypt_maxmem(users_mod.SCRYPT_N, users_mod.SCRYPT_R, users_mod.SCRYPT_P) > need
    h = users_mod.hash_password("correct horse battery")
    assert hash_params(h) == (2**17, 8, 1) and users_mod.verify_password("correct horse battery", h)


def _main(*args, env=None, stdin=""):
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--lockout", "0"], "--lockout: 0 minutes: must be more than 0"),
        (["--lockout", "-5"], "--lockout: -5 minutes: must be more than 0"),
        (["--lockout", "nan"], "--lockout: nan minutes"),
        (["--lock-after", "-1"], "--lock-after: -1 minutes: must be 0 or more"),
    ],
)
def test_the_command_line_refuses_a_lockout_of_zero(args, says, data_dir):
    r = _main(*args, "users", "list", env={"FOREWARN_DATA_DIR": str(data_dir)})
    assert r.returncode == 2 and says in r.stderr and "Traceback" not in r.stderr


def test_the_plant_file_refuses_a_lockout_of_zero(tmp_path):
    plant = tmp_path / "plant.yaml"
    plant.write_text("schema: 1\nplant: {name: T}\nsecurity:\n  lockout_min: 0\n", encoding="utf-8")
    r = _main("check-config", str(plant))
    assert r.returncode == 2 and f"{plant}:4: security.lockout_min:" in r.stderr


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_the_database_and_the_data_directory_are_owner_only(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    db = tmp_path / "plant.db"
    r = _main(
        "users", "add", "ada", "--role", "administrator", "--db", f"sqlite:///{db}",
        env={"FOREWARN_DATA_DIR": str(data)}, stdin="ada-password\n",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert data.stat().st_mode & 0o777 == 0o700
    for p in (db, db.with_name("plant.db-wal"), db.with_name("plant.db-shm")):
        if p.exists():
            assert p.stat().st_mode & 0o777 == 0o600, p
    assert (data / "audit.key").stat().st_mode & 0o777 == 0o600
    r = _main("audit", "verify", "--db", f"sqlite:///{db}", env={"FOREWARN_DATA_DIR": str(data)})
    assert r.returncode == 0, r.stderr


def test_an_account_named_before_the_cap_still_logs_in(store):
    old_name = "o" * 80  # the column holds 100; the cap for new names is 64
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (name, role, password_hash, created, disabled, failed_count) "
                "VALUES (:n, 'operator', :h, 0, false, 0)"
            ),
            {"n": old_name, "h": users_mod.hash_password("old-password")},
        )
    assert store.authenticate(old_name, "old-password").ok
    assert not store.authenticate("p" * 101, "old-password").ok
