"""Login dialog (success, failure text, lockout message, first administrator), the idle screen
lock (banner and horn stay, unlock by the same or another user), Switch user and Log out, and the
permission gating of the main window's actions, with every action audited under the user."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMenu, QToolBar

import app.accounts.users as users_mod
from app.accounts.users import LOGIN_REFUSED, Role, UserStore
from app.alarms.annunciation import SOUNDING
from storage.audit import AuditLog, verify
from storage.schema import create_schema, make_engine
from tests.helpers import Clock, FakeEngine
from tests.test_widgets import PLANT, alarm
from views.login import MODE_FIRST_ADMIN, LoginDialog
from views.session import Session


class RecordingEngine(FakeEngine):
    def __init__(self, config):
        super().__init__(config)
        self.calls = []

    def acknowledge(self, keys, user="", comment=""):
        self.calls.append(("acknowledge", keys, user))

    def shelve(self, keys, duration_s, user, reason):
        self.calls.append(("shelve", keys, user))

    def unshelve(self, keys, user=""):
        self.calls.append(("unshelve", keys, user))

    def set_out_of_service(self, keys, on, user, reason=""):
        self.calls.append(("out_of_service", keys, user))

    def suppress(self, keys, on, user, reason=""):
        self.calls.append(("suppress" if on else "unsuppress", keys, user))


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(users_mod, "SCRYPT_N", 2**12)  # the dialog, not the hash's cost
    engine = make_engine(f"sqlite:///{tmp_path / 'plant.db'}")
    create_schema(engine)
    clock = Clock()
    s = UserStore(engine, AuditLog(engine, clock), clock=clock)
    s.clock_ = clock
    s.add("olga", Role.OPERATOR, "olga-password")
    s.add("sam", Role.SUPERVISOR, "sam-password")
    s.add("erin", Role.ENGINEER, "erin-password")
    yield s
    engine.dispose()


@pytest.fixture
def cfg():
    from app.config import parse_config_text

    return parse_config_text(PLANT)


def window(qtbot, tmp_path, cfg, store, name, lock_after_s=None):
    from views.main_window import MainWindow

    session = Session(store, store.audit, store.get(name))
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    win = MainWindow(RecordingEngine(cfg), cfg, settings, session=session, lock_after_s=lock_after_s)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def actions_of(store):
    return [(e.user, e.action, e.target) for e in store.audit.entries()]


# ---------------------------------------------------------------- the dialog


def test_login_succeeds_with_the_right_password(qtbot, store):
    dlg = LoginDialog(store, plant_name="Test Works")
    qtbot.addWidget(dlg)
    dlg.form.name.setText("sam")
    dlg.form.password.setText("sam-password")
    with qtbot.waitSignal(dlg.accepted, timeout=2000):
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.user.name == "sam" and dlg.user.role is Role.SUPERVISOR
    assert ("sam", "login", "sam") in actions_of(store)


def test_every_refused_login_says_the_same_and_lockout_still_holds(qtbot, store):
    """Wrong password, a locked account and an unknown name read alike: the dialog does not
    tell which names exist (no "4 attempts left" for a known name only)."""
    dlg = LoginDialog(store, user_name="olga")
    qtbot.addWidget(dlg)
    dlg.show()
    for _ in range(5):
        dlg.form.password.setText("wrong-password")
        qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
        assert dlg.error_text == LOGIN_REFUSED
        assert dlg.form.password.text() == "" and dlg.result() == 0
    dlg.form.password.setText("olga-password")  # the right one is refused while locked
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.error_text == LOGIN_REFUSED and dlg.user is None
    assert ("olga", "account_locked", "olga") in actions_of(store)
    dlg.form.name.setText("nobody-here")
    dlg.form.password.setText("olga-password")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.error_text == LOGIN_REFUSED
    store.clock_.t += 901
    dlg.form.name.setText("olga")
    dlg.form.password.setText("olga-password")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert dlg.user is not None and dlg.user.name == "olga"


def test_first_administrator_mode(qtbot, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    create_schema(engine)
    try:
        store = UserStore(engine, AuditLog(engine))
        dlg = LoginDialog(store, mode=MODE_FIRST_ADMIN, plant_name="Test Works")
        qtbot.addWidget(dlg)
        assert dlg.form.confirm is not None and "first administrator" in dlg.form.title.text()
        dlg.form.name.setText("ada")
        dlg.form.password.setText("short")
        dlg.form.confirm.setText("short")
        dlg.submit()
        assert "at least 8" in dlg.error_text and store.count() == 0
        dlg.form.password.setText("long-enough-1")
        dlg.form.confirm.setText("long-enough-2")
        dlg.submit()
        assert dlg.error_text == "The two passwords differ." and store.count() == 0
        dlg.form.password.setText("long-enough-1")
        dlg.form.confirm.setText("long-enough-1")
        with qtbot.waitSignal(dlg.accepted, timeout=2000):
            dlg.submit()
        assert dlg.user.name == "ada" and dlg.user.role is Role.ADMINISTRATOR
        assert [u.role for u in store.users()] == [Role.ADMINISTRATOR]
        assert [e.action for e in store.audit.entries()] == ["user_add", "login"]
    finally:
        engine.dispose()


# ---------------------------------------------------------------- permissions


def test_an_operator_cannot_configure_or_take_alarms_out_of_service(qtbot, tmp_path, cfg, store):
    win = window(qtbot, tmp_path, cfg, store, "olga")
    assert win.user == "olga" and win.user_label.text() == "User: olga (operator)"
    assert win.ack_action.isEnabled() and win.unshelve_action.isEnabled()
    for act, role in (
        (win.settings_action, "safety manager"),  # the risk inventory page; the rest the engineer's
        (win.oos_action, "supervisor"),
        (win.return_action, "supervisor"),
        (win.suppress_action, "supervisor"),
        (win.unsuppress_action, "supervisor"),
        (win.users_action, "administrator"),
    ):
        assert not act.isEnabled(), act.text()
        assert act.toolTip() == f"Needs the {role} role or higher"
    win.open_settings()  # the shortcut path is refused as well
    assert getattr(win, "settings_dialog", None) is None
    win.set_out_of_service(["GH1.CO.01:H"], True, "calibration")
    win.suppress(["GH1.CO.01:H"], True, "converter stopped")
    assert win.engine.calls == []
    # a supervisor logs in: out of service is allowed, the settings still are not
    win.session.login(store.authenticate("sam", "sam-password").user)
    assert win.user_label.text() == "User: sam (supervisor)"
    assert win.oos_action.isEnabled() and win.return_action.isEnabled()
    assert not win.settings_action.isEnabled()
    win.session.login(store.authenticate("erin", "erin-password").user)
    assert win.settings_action.isEnabled() and win.settings_action.toolTip() != ""
    assert not win.users_action.isEnabled()


def test_window_actions_reach_the_engine_with_the_user_and_the_audit_trail(qtbot, tmp_path, cfg, store):
    win = window(qtbot, tmp_path, cfg, store, "sam")
    win.acknowledge(["GH1.CO.01:H"])
    win.shelve(["GH1.CO.02:H"], 3600.0, "detector under calibration")
    win.set_out_of_service(["GH1.CO.03:H"], True, "instrument removed")
    win.suppress(["GH1.CO.04:H"], True, "gas holder 1 isolated")
    win.suppress(["GH1.CO.04:H"], False)
    applied = []
    win.apply_config = lambda new, diff: applied.append(diff)  # live reconfiguration is tested elsewhere
    win.settings_apply.applied(cfg, ["tag GH1.CO.01: alarms.H 24 → 30"])
    assert applied == [["tag GH1.CO.01: alarms.H 24 → 30"]]
    assert win.engine.calls[:3] == [
        ("acknowledge", ["GH1.CO.01:H"], "sam"),
        ("shelve", ["GH1.CO.02:H"], "sam"),
        ("out_of_service", ["GH1.CO.03:H"], "sam"),
    ]
    assert win.engine.calls[3:5] == [
        ("suppress", ["GH1.CO.04:H"], "sam"),
        ("unsuppress", ["GH1.CO.04:H"], "sam"),
    ]
    rows = [e for e in store.audit.entries() if e.user == "sam" and e.action not in ("login", "user_add")]
    assert [(e.action, e.target) for e in rows] == [
        ("acknowledge", "GH1.CO.01:H"),
        ("shelve", "GH1.CO.02:H"),
        ("out_of_service", "GH1.CO.03:H"),
        ("suppress", "GH1.CO.04:H"),
        ("suppress", "GH1.CO.04:H"),
        ("config_change", "Test Works"),
    ]
    assert rows[3].detail == {"on": True, "reason": "gas holder 1 isolated"}
    assert rows[1].detail == {"duration_s": 3600.0, "reason": "detector under calibration"}
    assert rows[5].detail == ["tag GH1.CO.01: alarms.H 24 → 30"]
    assert verify(store.engine)[0]


# ---------------------------------------------------------------- lock, switch, log out


def test_idle_lock_keeps_the_banner_and_horn_and_unlocks_by_password(qtbot, tmp_path, cfg, store):
    win = window(qtbot, tmp_path, cfg, store, "olga", lock_after_s=0.3)
    lock = win.session_controls.lock_screen
    # an alarm stands: banner shows it, horn sounds
    win.bridge.on_alarm(alarm("GH1.CO.01:H", tag=3, priority=1))
    qtbot.waitUntil(lambda: win.banner.current is not None, timeout=3000)
    qtbot.waitUntil(lock.isVisible, timeout=5000)
    assert "locked after" in lock.form.subtitle.text() and lock.form.name.text() == "olga"
    # the overlay covers everything under the banner; the banner is still shown
    bar = win.findChild(QToolBar, "bannerBar")
    assert win.banner.isVisible() and lock.geometry().top() >= bar.geometry().bottom()
    assert lock.geometry().bottom() >= win.centralWidget().geometry().bottom()
    assert win.horn.state == SOUNDING
    assert not win.ack_action.isEnabled() and not win.menuBar().isEnabled()
    assert win.silence_action.isEnabled()
    win.acknowledge(["GH1.CO.01:H"])  # a click on the banner does nothing while locked
    assert win.engine.calls == []
    # wrong password: stays locked and says so
    lock.form.password.setText("nope-nope")
    qtbot.mouseClick(lock.unlock_button, Qt.MouseButton.LeftButton)
    assert lock.isVisible() and lock.form.error.text().startswith("Wrong user name or password")
    lock.form.password.setText("olga-password")
    qtbot.keyClick(lock.form.password, Qt.Key.Key_Return)
    assert not lock.isVisible() and win.ack_action.isEnabled() and win.menuBar().isEnabled()
    assert not win.settings_action.isEnabled()  # the role's gating is back, not everything
    # another user unlocks: the session passes to them, the previous one is logged out
    win.session_controls.lock()
    assert lock.isVisible()
    lock.form.name.setText("erin")
    lock.form.password.setText("erin-password")
    lock.submit()
    assert not lock.isVisible() and win.user == "erin" and win.settings_action.isEnabled()
    acts = actions_of(store)
    assert ("olga", "logout", "olga") in acts and acts[-1] == ("erin", "login", "erin")


def test_switch_user_and_log_out(qtbot, tmp_path, cfg, store):
    win = window(qtbot, tmp_path, cfg, store, "olga")
    assert win.switch_user_action.shortcut().toString() == "Ctrl+Shift+U"
    win.switch_user_action.trigger()
    dlg = win.session_controls.login_dialog
    assert dlg is not None and dlg.isVisible() and dlg.mode == "login"
    dlg.form.name.setText("sam")
    dlg.form.password.setText("sam-password")
    dlg.submit()
    assert win.user == "sam" and win.user_label.text() == "User: sam (supervisor)"
    win.logout_action.trigger()
    lock = win.session_controls.lock_screen
    assert win.session.user is None and lock.isVisible() and lock.form.title.text() == "Logged out"
    assert not win.oos_action.isEnabled()
    lock.form.name.setText("olga")
    lock.form.password.setText("olga-password")
    lock.submit()
    assert win.user == "olga" and not lock.isVisible()
    acts = actions_of(store)
    assert ("olga", "logout", "olga") in acts and ("sam", "logout", "sam") in acts


def test_the_demo_session_is_a_passwordless_operator_that_never_locks(qtbot, tmp_path, cfg, store):
    from views.main_window import MainWindow

    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    win = MainWindow(RecordingEngine(cfg), cfg, settings, session=Session.demo(store, store.audit))
    qtbot.addWidget(win)
    assert win.user == "operator" and win.user_label.text() == "User: operator (operator)"
    assert not win.settings_action.isEnabled() and not win.lock_action.isEnabled()
    assert win.switch_user_action.isEnabled()
    # every action above an operator looks disabled and says which role it needs, in the menu too
    for act in (win.suppress_action, win.unsuppress_action, win.oos_action, win.return_action):
        assert not act.isEnabled() and "supervisor" in act.toolTip().lower(), act.text()
    assert all(menu.toolTipsVisible() for menu in win.menuBar().findChildren(QMenu))
    win.session_controls.lock_idle()
    assert not win.session_controls.locked
    win.acknowledge(["GH1.CO.01:H"])
    assert win.engine.calls == [("acknowledge", ["GH1.CO.01:H"], "operator")]
    assert actions_of(store)[-1] == ("operator", "acknowledge", "GH1.CO.01:H")


def test_the_launcher_logs_in_before_a_real_plant_and_not_before_the_demo(monkeypatch, tmp_path, cfg):
    import views.login
    from storage.history import History
    from views.launcher import open_session

    hist = History(f"sqlite:///{tmp_path / 'h.db'}", cfg.tags)
    try:
        assert open_session(cfg, hist, {"demo": True}, None).name == "operator"
        asked = []
        monkeypatch.setattr(views.login, "ask_login", lambda store, plant: asked.append(plant))
        assert open_session(cfg, hist, {"demo": False}, None) is None and asked == ["Test Works"]
    finally:
        hist.stop()
