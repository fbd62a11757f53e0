"""Why? on an ordinary alarm shows its limit, where it returns to normal and its trend; there is
one Why? window, which follows the operator's selection instead of stacking dialogs."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from app.config import demo_config_path, load_config
from core.alarm_types import Alarm
from tests.helpers import FakeEngine
from views.main_window import MainWindow
from views.warning_explain import WarningExplainDialog

NOW = 1_700_000_000.0


def why_windows() -> list:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, WarningExplainDialog) and w.isVisible()
    ]


def test_why_on_an_alarm_shows_its_limit_and_trend_and_follows_the_selection(qtbot, tmp_path):
    cfg = load_config(demo_config_path())
    idx = cfg.tag_index()
    win = MainWindow(FakeEngine(cfg), cfg, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    tag = cfg.tags[idx["GH1.CO.01"]]
    first = Alarm(
        "GH1.CO.01:H",
        "GH1.CO.01",
        idx["GH1.CO.01"],
        "H",
        3,
        True,
        False,
        NOW,
        NOW,
        30.0,
        tag.alarms.H,
        "CO high",
    )
    second = Alarm("BF1.TOP.PRESSURE:HH", "BF1.TOP.PRESSURE", idx["BF1.TOP.PRESSURE"], "HH", 2, True, False,
                   NOW + 1, NOW + 1, 260.0, 250.0, "top pressure")  # fmt: skip
    win.alarm_table.update_alarms([first, second])
    assert win.alarm_table.select_key(first.key)
    assert win.alarm_table.why_button.isEnabled()  # an ordinary alarm has a Why? too
    win.why_action.trigger()  # F1
    dlg = win.why_dialog
    assert isinstance(dlg, WarningExplainDialog) and dlg.isVisible()
    assert "H alarm" in dlg.title.text()
    assert "Returns to normal below" in dlg.lines.text()
    assert dlg.plot is not None and dlg.plot.has_pen(idx["GH1.CO.01"])
    win.why_action.trigger()  # F1 again: no second window
    qtbot.waitUntil(lambda: len(why_windows()) == 1)
    # picking another alarm: the one Why? window now explains that one
    assert win.alarm_table.select_key(second.key)
    qtbot.waitUntil(lambda: win.why_dialog is not None and win.why_dialog.alarm.key == second.key)
    qtbot.waitUntil(lambda: len(why_windows()) == 1)
    assert "HH alarm" in win.why_dialog.title.text()
    win.why_dialog.close()
    qtbot.waitUntil(lambda: not why_windows())
    # with the window closed, picking a row opens nothing
    assert win.alarm_table.select_key(first.key)
    assert not why_windows()
