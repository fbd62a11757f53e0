"""The safety manager, between supervisor and engineer: a database written before the role
existed (roles kept by name in the users table and the audit trail) opens as it was, every user
keeps their role and rights, nothing is reported as changed behind Forewarn's back, and a user
is then made safety manager, audited like any change of role."""

from __future__ import annotations

import pytest

import app.accounts.users as users_mod
from app.accounts.users import Permission, Role, UserStore, can, hash_password, users_problems
from storage.accounts import UserRow, UserTable
from storage.audit import Action, AuditLog
from storage.schema import create_schema, make_engine


@pytest.fixture
def old_database(db_url, data_dir, monkeypatch):
    """Users and their audit rows as the code before the safety manager wrote them: the role's
    name in `users.role`, {"role": name, "hash_id": ...} in the trail."""
    monkeypatch.setattr(users_mod, "SCRYPT_N", 2**12)
    engine = make_engine(db_url)
    create_schema(engine)
    audit, table = AuditLog(engine), UserTable(engine)
    for name, role in (
        ("ada", "administrator"),
        ("erin", "engineer"),
        ("sam", "supervisor"),
        ("olga", "operator"),
    ):
        digest = hash_password(f"{name}-password")
        table.insert(UserRow(name, role, digest, 1_800_000_000_000))
        audit.append("setup", Action.USER_ADD, name, {"role": role, "hash_id": audit.fingerprint(digest)})
    yield engine
    engine.dispose()


def test_an_old_database_keeps_its_roles_and_takes_the_new_one(old_database):
    audit = AuditLog(old_database)
    store = UserStore(old_database, audit)
    roles = {u.name: u.role for u in store.users()}
    assert roles == {
        "ada": Role.ADMINISTRATOR,
        "erin": Role.ENGINEER,
        "sam": Role.SUPERVISOR,
        "olga": Role.OPERATOR,
    }
    assert users_problems(store, audit.entries(), audit.verifying_fingerprint()) == []
    assert can(roles["erin"], Permission.CONFIGURE) and can(roles["sam"], Permission.PERMIT)
    assert not can(roles["sam"], Permission.DUAL_PREVENTION)  # the hidden dangers moved up
    assert store.authenticate("erin", "erin-password").user.role is Role.ENGINEER
    store.set_role("sam", "safety_manager", by="ada")
    sam = store.get("sam")
    assert sam.role is Role.SAFETY_MANAGER and Role.SUPERVISOR < sam.role < Role.ENGINEER
    assert can(sam.role, Permission.DUAL_PREVENTION) and not can(sam.role, Permission.CONFIGURE)
    (change,) = [e for e in audit.entries() if e.action == Action.USER_ROLE]
    assert change.detail == {"from": "supervisor", "to": "safety_manager"}
    assert users_problems(store, audit.entries(), audit.verifying_fingerprint()) == []
    assert audit.verify()[0]


def test_the_plant_file_names_every_role():
    """A tag's `write_role` in the plant file may be any role, the safety manager included."""
    from typing import get_args

    from core.schema.base import RoleName

    assert get_args(RoleName) == tuple(r.label for r in sorted(Role))
