"""Operating states in the main window: the "Operating state…" dialog of a supervisor (an
operator may not), the declaration through the engine and its audit row, and the state shown the
same everywhere: the map's plate and hatching, the Hazard source panel, Plant risk, and the alarm
list (the suppressed alarm in the Shelved & out of service view, with who and why)."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox

from app.accounts.users import Role
from app.runtime.engine import Engine
from core.operating import OpState
from core.samples import Quality, SampleBatch
from tests.test_login import store  # noqa: F401  (the user store with a supervisor and an operator)
from tests.test_operating_states import cfg, values
from widgets.alarm_model import COL_OFF, VIEW_OFF

KEY = "T:H"


@pytest.fixture
def running(qtbot, tmp_path, store):  # noqa: F811
    from views.main_window import MainWindow
    from views.session import Session

    config = cfg()
    engine = Engine(config)
    engine.warm_up_s = 0
    engine.start()
    windows = []

    def open_as(name: str):
        session = Session(store, store.audit, store.get(name))
        settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
        win = MainWindow(engine, config, settings, session=session, lock_after_s=None)
        qtbot.addWidget(win)
        win.resize(1300, 800)
        win.show()
        windows.append(win)
        return win

    try:
        yield engine, open_as
    finally:
        for win in windows:
            win.close()
        engine.stop()


def feed(engine, seconds: int = 12) -> None:
    t0 = time.time()  # after whatever the engine saw at start (its buckets move forward only)
    for k in range(seconds):
        batch = SampleBatch.build(np.arange(4, dtype=np.int32), t0 + k, values(t=110.0)(k), Quality.GOOD)
        engine.call_in_loop(engine.process, batch).result(5)


def test_a_supervisor_declares_maintenance_and_every_view_shows_it(running, qtbot, store):  # noqa: F811
    engine, open_as = running
    win = open_as("sam")
    assert store.get("sam").role is Role.SUPERVISOR and win.state_action.isEnabled()
    feed(engine)
    qtbot.waitUntil(
        lambda: KEY in win.bridge.standing and "Converter" in win.bridge.risk_states, timeout=5000
    )
    win.show_hazard("Converter")
    dialog = win.operator.open_state_dialog()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # a reason is required
    dialog.state_box.setCurrentIndex(list(OpState).index(OpState.MAINTENANCE))
    dialog.reason.setText("relining")
    assert ok.isEnabled()
    ok.click()
    qtbot.waitUntil(lambda: ("sam", "operating_state", "Converter") in audited(store), timeout=5000)
    entry = next(e for e in store.audit.entries() if e.action == "operating_state")
    assert entry.detail["state"] == "maintenance" and entry.detail["reason"] == "relining"
    # the Hazard source panel: state, who, since, why
    panel = win.hazard_panel
    qtbot.waitUntil(lambda: panel.state_label.isVisible(), timeout=5000)
    text = panel.state_label.text()
    assert (
        "under maintenance since" in text
        and "by sam: relining" in text
        and "live evidence not counted" in text
    )
    # the map: the plate says the state, the area is hatched grey, not in its risk colour
    area = win.map.hazards["Converter"]
    assert area.muted and "under maintenance" in area.label.text and not area.raised
    # Plant risk names the state
    model = win.risk_overview.model
    assert any("under maintenance" in model.data(model.index(r, 1)) for r in range(model.rowCount()))
    # the alarm list: off the main list, in the Shelved & out of service view with who and why
    table = win.alarm_table
    qtbot.waitUntil(lambda: KEY not in {a.key for a in table.visible_alarms()}, timeout=5000)
    table.set_view(VIEW_OFF)
    m = table.model
    qtbot.waitUntil(lambda: m.row_of(KEY) is not None, timeout=5000)
    note = m.data(m.index(m.row_of(KEY), COL_OFF))
    assert note.startswith("sam · ") and "relining" in note


def test_an_operator_may_not_declare_a_state(running, qtbot, store):  # noqa: F811
    _engine, open_as = running
    win = open_as("olga")
    assert not win.state_action.isEnabled()
    assert win.operator.open_state_dialog("Converter") is None


def audited(store) -> list:  # noqa: F811
    return [(e.user, e.action, e.target) for e in store.audit.entries()]
