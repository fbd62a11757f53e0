"""An administrator on a station manages the shared user table through the server: `main.py serve`
as a real process on a real Mosquitto, a station (RemoteEngine) reading the server's database
read-only, and the users dialog on it (offscreen). A user created there logs in; one disabled
there cannot; a password set there is the one that works; a non-administrator is refused by the
server, and the refusal is audited. No password reaches the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from app.accounts import users as users_mod
from app.accounts.users import LOGIN_REFUSED, Role, User, UserStore
from app.control_room.station_login import RemoteAccounts
from tests.conftest import wait_until

pytestmark = pytest.mark.slow


def _names(dlg) -> list[str]:
    return [dlg.table.item(r, 0).text() for r in range(dlg.table.rowCount())]


def _select(dlg, name: str) -> None:
    dlg.table.setCurrentCell(_names(dlg).index(name), 0)


def test_an_administrator_on_a_station_creates_disables_and_resets_users(qtbot, tmp_path, monkeypatch):
    from tests.test_station import ControlRoom
    from views.session import Session
    from views.users_dialog import UsersDialog

    room = ControlRoom(tmp_path)
    reader = create_engine(f"sqlite:///file:{tmp_path / 'server.db'}?mode=ro&uri=true")
    try:
        monkeypatch.setattr(users_mod, "SCRYPT_N", 2**12)  # this process's hash only: quick
        UserStore(room.audit.engine, room.audit).add("boss", "administrator", "password-boss")
        station = room.station("s1", user="boss")
        wait_until(lambda: station.connected, timeout=60, what="the station's link")
        accounts = RemoteAccounts(station, reader)
        dlg = UsersDialog(Session(accounts, None, User("boss", Role.ADMINISTRATOR, 0)))
        qtbot.addWidget(dlg)
        assert "newop" not in _names(dlg)

        dlg.create("newop", Role.OPERATOR, "password-new", "password-new")
        assert dlg.pending is not None and not dlg.note.isHidden()  # sent: the screen goes on
        qtbot.waitUntil(lambda: dlg.pending is None, timeout=30_000)
        assert dlg.error.isHidden(), dlg.error.text()
        assert "newop" in _names(dlg)  # read back from the shared table the server wrote
        login = accounts.authenticate("newop", "password-new")
        assert login.ok and login.user.role == Role.OPERATOR

        dlg.create("newop", Role.OPERATOR, "password-new", "password-new")  # the server's own checks
        qtbot.waitUntil(lambda: dlg.pending is None, timeout=30_000)
        assert "exists" in dlg.error.text()

        _select(dlg, "newop")
        dlg.toggle_disabled()
        qtbot.waitUntil(lambda: dlg.pending is None, timeout=30_000)
        assert accounts.get("newop").disabled
        assert accounts.authenticate("newop", "password-new").reason == LOGIN_REFUSED
        dlg.toggle_disabled()  # enabled again
        qtbot.waitUntil(lambda: dlg.pending is None, timeout=30_000)
        assert not accounts.get("newop").disabled

        _select(dlg, "newop")
        monkeypatch.setattr(
            "views.users_dialog.QInputDialog.getText", lambda *_a, **_k: ("password-reset", True)
        )
        dlg.new_password()
        qtbot.waitUntil(lambda: dlg.pending is None, timeout=30_000)
        assert dlg.error.isHidden(), dlg.error.text()
        assert accounts.authenticate("newop", "password-reset").ok
        assert not accounts.authenticate("newop", "password-new").ok

        # an operator's dialog on the same station: the server refuses, and audits the refusal
        op = UsersDialog(Session(accounts, None, User("op", Role.OPERATOR, 0)))
        qtbot.addWidget(op)
        op.create("mallory", Role.ADMINISTRATOR, "password-mal", "password-mal")
        qtbot.waitUntil(lambda: op.pending is None, timeout=30_000)
        assert "may not" in op.error.text() and accounts.get("mallory") is None
        entries = room.audit.entries()
        assert any(
            e.action == "command_refused" and e.user == "op" and e.detail.get("action") == "user_add"
            for e in entries
        )
        made = [e for e in entries if e.action == "user_add" and e.target == "newop"]
        assert len(made) == 1 and made[0].user == "boss"
        assert any(e.action == "user_disable" and e.user == "boss" for e in entries)
        assert any(e.action == "user_passwd" and e.target == "newop" and e.user == "boss" for e in entries)
        assert not any("password-" in str(e.detail) for e in entries)
        assert (
            users_mod.users_problems(UserStore(room.audit.engine), entries, room.audit.fingerprint) == []
        )  # every change the server made is in its trail
        dlg.close()
        op.close()
    finally:
        reader.dispose()
        room.close()


def test_disabling_is_audited_and_the_trail_replays_it(tmp_path, monkeypatch):
    from storage.audit import AuditLog
    from storage.schema import create_schema, make_engine

    monkeypatch.setattr(users_mod, "SCRYPT_N", 2**12)
    engine = make_engine(f"sqlite:///{tmp_path / 'u.db'}")
    create_schema(engine)
    audit = AuditLog(engine, data_dir=tmp_path)
    store = UserStore(engine, audit)
    store.add("admin", "administrator", "password-adm")
    store.add("op", "operator", "password-op1")
    store.set_disabled("op", True, by="admin")
    assert store.get("op").disabled and not store.authenticate("op", "password-op1").ok
    assert users_mod.users_problems(store, audit.entries(), audit.fingerprint) == []
    with pytest.raises(users_mod.UserError, match="last administrator"):
        store.set_disabled("admin", True, by="admin")
    store.set_disabled("op", False, by="admin")
    assert store.authenticate("op", "password-op1").ok
    store.table.update("op", disabled=True)  # behind Forewarn's back
    assert users_mod.users_problems(store, audit.entries(), audit.fingerprint) == [
        "user 'op' was disabled outside Forewarn"
    ]
    engine.dispose()
