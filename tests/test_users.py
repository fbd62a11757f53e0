"""Operator accounts: password hashing, lockout after five wrong passwords, the permission table,
and the `users` command line (password from stdin), all audited."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import app.accounts.users as users_mod
from app.accounts.users import (
    LOGIN_REFUSED,
    PERMISSIONS,
    Permission,
    Role,
    UserError,
    UserStore,
    can,
    hash_password,
    required_role,
    verify_password,
)
from storage.accounts import UserRow, UserTable
from storage.audit import AuditLog, verify
from storage.schema import create_schema, make_engine

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self, t: float = 1_800_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def store(db_url, monkeypatch):
    monkeypatch.setattr(users_mod, "SCRYPT_N", 2**12)  # the account logic, not the hash's cost
    engine = make_engine(db_url)
    create_schema(engine)
    clock = Clock()
    s = UserStore(engine, AuditLog(engine, clock), clock=clock, lockout_s=900)
    s.test_clock = clock
    yield s
    engine.dispose()


@pytest.mark.slow
def test_hash_is_salted_self_describing_and_verifies():
    h1, h2 = hash_password("correct horse"), hash_password("correct horse")
    assert h1 != h2  # a random salt each time
    algo, params, salt, key = h1.split("$")
    assert algo == "scrypt" and params == "n=131072,r=8,p=1"
    assert verify_password("correct horse", h1) and verify_password("correct horse", h2)
    assert not verify_password("correct hors", h1)
    assert not verify_password("x", "garbage") and not verify_password("x", "md5$a$b$c")
    # other parameters stored in the string still verify
    assert verify_password("pw", hash_password("pw", n=2**10))


def test_permission_table():
    assert [r.label for r in sorted(Role)] == [
        "operator",
        "supervisor",
        "safety_manager",
        "engineer",
        "administrator",
    ]
    assert set(PERMISSIONS) == set(Permission)
    assert can("operator", Permission.ACKNOWLEDGE) and can(Role.OPERATOR, Permission.SHELVE)
    assert not can(Role.OPERATOR, Permission.OUT_OF_SERVICE) and not can(Role.OPERATOR, Permission.SUPPRESS)
    assert can(Role.SUPERVISOR, Permission.OUT_OF_SERVICE) and not can(Role.SUPERVISOR, Permission.CONFIGURE)
    assert can(Role.ENGINEER, Permission.CONFIGURE) and not can(Role.ENGINEER, Permission.MANAGE_USERS)
    # dual prevention: permits and rounds the supervisor's, the rest the safety manager's
    assert can(Role.SUPERVISOR, Permission.PERMIT) and can(Role.SUPERVISOR, Permission.INSPECT)
    assert not can(Role.SUPERVISOR, Permission.DUAL_PREVENTION)
    assert can("safety_manager", Permission.DUAL_PREVENTION) and can(
        Role.ENGINEER, Permission.DUAL_PREVENTION
    )
    assert not can(Role.SAFETY_MANAGER, Permission.CONFIGURE)
    assert not can(Role.SAFETY_MANAGER, Permission.TRUST_CERTIFICATE)
    assert required_role(Permission.DUAL_PREVENTION) is Role.SAFETY_MANAGER
    assert all(can(Role.ADMINISTRATOR, p) for p in Permission)
    assert not can(None, Permission.ACKNOWLEDGE)
    assert required_role(Permission.CONFIGURE) is Role.ENGINEER
    with pytest.raises(UserError):
        Role.parse("root")


def test_add_authenticate_and_manage(store):
    store.add("alice", "administrator", "s3cret-pass", by="setup")
    store.add("bob", Role.OPERATOR, "bob-password", by="alice")
    assert [(u.name, u.role) for u in store.users()] == [
        ("alice", Role.ADMINISTRATOR),
        ("bob", Role.OPERATOR),
    ]
    assert store.authenticate("bob", "bob-password").user.role is Role.OPERATOR
    assert not store.authenticate("nobody", "bob-password").ok
    with pytest.raises(UserError, match="exists"):
        store.add("bob", "operator", "another-one")
    with pytest.raises(UserError, match="at least 8"):
        store.add("carol", "operator", "short")
    with pytest.raises(UserError, match="last administrator"):
        store.remove("alice", by="alice")
    store.set_role("bob", "supervisor", by="alice")
    store.set_password("bob", "new-password", by="alice")
    assert not store.authenticate("bob", "bob-password").ok
    assert store.authenticate("bob", "new-password").user.role is Role.SUPERVISOR
    store.remove("bob", by="alice")
    assert store.get("bob") is None
    actions = [(e.user, e.action, e.target) for e in store.audit.entries()]
    assert ("alice", "user_add", "bob") in actions and ("alice", "user_role", "bob") in actions
    assert ("alice", "user_passwd", "bob") in actions and ("alice", "user_remove", "bob") in actions
    assert ("bob", "login", "bob") in actions
    unknown = [e for e in store.audit.entries() if e.action == "login_failed"][0]
    assert unknown.user.startswith("unknown user (6 chars, #") and "nobody" not in str(unknown)
    assert verify(store.engine)[0]


def test_the_user_table_stores_rows_as_given(db_url):
    """storage.accounts: the rows UserStore keeps, read back as written (lockout included)."""
    engine = make_engine(db_url)
    create_schema(engine)
    table = UserTable(engine)
    try:
        assert table.count() == 0 and table.rows() == [] and table.get("ann") is None
        table.insert(UserRow("zoe", "operator", "h1", 1_000))
        table.insert(UserRow("ann", "administrator", "h2", 2_000))
        assert [r.name for r in table.rows()] == ["ann", "zoe"]  # by name
        table.update("zoe", failed_count=0, locked_until=5_000, role="supervisor")
        assert table.get("zoe") == UserRow("zoe", "supervisor", "h1", 1_000, False, 0, 5_000)
        assert table.password_hashes() == {"ann": "h2", "zoe": "h1"}
        table.delete("zoe")
        assert table.count() == 1 and table.get("zoe") is None
    finally:
        engine.dispose()


def test_five_wrong_passwords_lock_the_account_until_the_time_is_up(store):
    clock = store.test_clock
    store.add("bob", "operator", "bob-password")
    for _ in range(4):
        r = store.authenticate("bob", "wrong-password")
        assert not r.ok and r.locked_until is None and r.reason == LOGIN_REFUSED
    r = store.authenticate("bob", "wrong-password")
    assert not r.ok and r.reason == LOGIN_REFUSED  # the same words: the name's existence is not told
    assert store.get("bob").locked_until == pytest.approx((clock.t + 900) * 1000)
    # locked: even the right password is refused
    clock.t += 899
    r = store.authenticate("bob", "bob-password")
    assert not r.ok and r.reason == LOGIN_REFUSED
    clock.t += 2
    assert store.authenticate("bob", "bob-password").ok
    # success resets the count: four more wrong ones do not lock
    for _ in range(4):
        store.authenticate("bob", "wrong-password")
    assert store.authenticate("bob", "bob-password").ok
    locked = [e for e in store.audit.entries() if e.action == "account_locked"]
    assert len(locked) == 1 and locked[0].target == "bob" and locked[0].detail["failures"] == 5


def _cli(data_dir, *args, stdin=""):
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**__import__("os").environ, "FOREWARN_DATA_DIR": str(data_dir)},
    )


@pytest.mark.slow
def test_cli_add_list_passwd_remove_with_password_on_stdin(data_dir, tmp_path):
    url = f"sqlite:///{tmp_path / 'plant.db'}"
    r = _cli(data_dir, "users", "add", "alice", "--role", "administrator", "--db", url, stdin="alice-pass\n")
    assert r.returncode == 0, r.stderr
    r = _cli(data_dir, "users", "add", "bob", "--role", "safety_manager", "--db", url, stdin="bob-pass-1\n")
    assert r.returncode == 0, r.stderr
    r = _cli(data_dir, "users", "add", "carol", "--db", url, stdin="short\n")
    assert r.returncode == 1 and "at least 8" in r.stderr
    r = _cli(data_dir, "users", "list", "--db", url)
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0].split()[:2] == ["alice", "administrator"] and lines[1].split()[:2] == [
        "bob",
        "safety_manager",
    ]
    assert _cli(data_dir, "users", "passwd", "bob", "--db", url, stdin="bob-pass-2\n").returncode == 0
    engine = make_engine(url)
    try:
        store = UserStore(engine)
        assert store.authenticate("bob", "bob-pass-2").ok and not store.authenticate("bob", "bob-pass-1").ok
        assert _cli(data_dir, "users", "remove", "bob", "--db", url).returncode == 0
        assert store.get("bob") is None
        actions = [e.action for e in AuditLog(engine).entries()]
        assert actions.count("user_add") == 2 and "user_passwd" in actions and "user_remove" in actions
    finally:
        engine.dispose()
    r = _cli(data_dir, "audit", "verify", "--db", url)
    assert r.returncode == 0 and "intact" in r.stdout


@pytest.mark.slow
def test_cli_defaults_to_the_plant_database_in_the_data_dir(data_dir):
    r = _cli(data_dir, "users", "add", "alice", "--role", "engineer", stdin="alice-pass\n")
    assert r.returncode == 0, r.stderr
    assert (data_dir / "demo-steel-works.db").exists()
    r = _cli(data_dir, "users", "list")
    assert r.stdout.split()[:2] == ["alice", "engineer"]
