"""The GUI thread never waits on the engine: an operator action or a new configuration asked for
while a detector pass holds the engine's lock returns at once (the GUI's event loop keeps
running) and lands in the acquisition loop after the pass; without a running loop it runs inline."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QSettings, QTimer

from app.config import parse_config_text
from app.runtime.engine import Engine
from core.samples import Quality, SampleBatch

PLANT = """schema: 1
plant: {name: Requests}
devices:
  - {name: plc, protocol: modbus-tcp, port: 1, enabled: false}
tags:
  - {name: P, device: plc, address: "hr:0", unit: bar, alarms: {H: 10}}
  - {name: T, device: plc, address: "hr:2", unit: C}
"""
KEY = "P:H"
AT_ONCE_S = 0.5  # what "returns at once" allows a loaded machine


class Recorder:
    def __init__(self):
        self.alarms = []

    def on_samples(self, batch):
        pass

    def on_alarm(self, alarm):
        self.alarms.append(alarm)

    def on_device(self, status):
        pass


class HeldPass:
    """A detector pass that holds the engine's lock until released (the pipeline's evaluate blocks)."""

    def __init__(self, engine, monkeypatch):
        self.entered, self.release = threading.Event(), threading.Event()
        evaluate = engine.pipeline.evaluate

        def held(batch):
            self.entered.set()
            self.release.wait(20)
            return evaluate(batch)

        monkeypatch.setattr(engine.pipeline, "evaluate", held)
        self.engine = engine

    def start(self, qtbot) -> None:
        batch = SampleBatch.build([0, 1], time.time(), [20.0, 50.0], Quality.GOOD)
        self.engine.call_in_loop(self.engine.process, batch)  # not waited for: the loop runs it
        qtbot.waitUntil(self.entered.is_set, timeout=5000)


@pytest.fixture
def running(qtbot, tmp_path):
    from views.main_window import MainWindow

    cfg = parse_config_text(PLANT)
    engine = Engine(cfg, warnings=False)
    engine.warm_up_s = 0
    rec = Recorder()
    engine.add_listener(rec)
    engine.start()
    win = MainWindow(engine, cfg, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    raised = engine.call_in_loop(engine.process, SampleBatch.build([0], time.time(), [20.0], Quality.GOOD))
    assert [a.state for a in raised.result(5)[1]] == ["UNACK"]
    qtbot.waitUntil(lambda: KEY in win.bridge.standing, timeout=5000)
    try:
        yield engine, win, rec
    finally:
        win.close()
        engine.stop()


def event_loop_runs(qtbot) -> None:
    fired = []
    QTimer.singleShot(10, lambda: fired.append(True))
    qtbot.waitUntil(lambda: bool(fired), timeout=2000)


def test_an_acknowledge_during_a_detector_pass_returns_at_once_and_lands_after(running, qtbot, monkeypatch):
    engine, win, rec = running
    held = HeldPass(engine, monkeypatch)
    held.start(qtbot)
    try:
        t0 = time.perf_counter()
        win.acknowledge([KEY])
        assert time.perf_counter() - t0 < AT_ONCE_S
        event_loop_runs(qtbot)  # the GUI keeps processing while the pass holds the lock
        assert not [a for a in rec.alarms if a.key == KEY and a.acked]  # queued behind the pass
    finally:
        held.release.set()
    qtbot.waitUntil(lambda: any(a.key == KEY and a.acked for a in rec.alarms), timeout=5000)
    model = win.alarm_table.model
    qtbot.waitUntil(lambda: model.alarm(model.row_of(KEY)).state == "ACKED", timeout=5000)
    assert [a.state for a in engine.active_alarms() if a.key == KEY] == ["ACKED"]


def test_applying_a_configuration_does_not_block_the_gui(running, qtbot, monkeypatch):
    engine, win, _rec = running
    tags = list(engine.config.tags)
    tags[1] = tags[1].model_copy(update={"unit": "K"})
    new = engine.config.model_copy(update={"tags": tags})
    win.open_settings()
    dlg = win.settings_dialog
    held = HeldPass(engine, monkeypatch)
    held.start(qtbot)
    try:
        t0 = time.perf_counter()
        future = win.apply_config(new, ["tag T: unit C → K"])
        assert time.perf_counter() - t0 < AT_ONCE_S
        assert not future.done()
        event_loop_runs(qtbot)
        assert not win.settings_apply.busy.isHidden()  # the status bar shows it under way
        assert "Applying" in win.statusBar().currentMessage()
        assert "applying" in dlg.summary.text() and not dlg.apply_button.isEnabled()  # and the dialog
        assert win.apply_config(new) is None  # one at a time
    finally:
        held.release.set()
    with qtbot.waitSignal(win.configApplied, timeout=10000) as sig:
        pass
    assert sig.args[0] is new and engine.config is new
    assert win.settings_apply.busy.isHidden() and "Configuration applied" in win.statusBar().currentMessage()
    assert dlg.apply_button.isEnabled() and dlg.ok_button.isEnabled()
    dlg.close()


def test_without_a_running_loop_actions_run_inline_and_errors_come_back():
    cfg = parse_config_text(PLANT)
    engine = Engine(cfg, warnings=False)
    engine.process(SampleBatch.build([0], 100.0, [20.0], Quality.GOOD))
    done = engine.acknowledge([KEY], user="op", comment="seen")
    assert done.done() and [(a.state, a.user, a.comment) for a in done.result()] == [("ACKED", "op", "seen")]
    refused = engine.shelve([KEY], None, "op", " ")
    assert isinstance(refused.exception(), ValueError)  # a shelve needs a reason
    applied = engine.submit_config(cfg.model_copy())
    assert applied.done() and applied.result().tags_removed == 0


def test_an_action_the_engine_refuses_is_said_in_the_status_bar(qtbot, tmp_path):
    from views.main_window import MainWindow

    cfg = parse_config_text(PLANT)
    engine = Engine(cfg, warnings=False)
    win = MainWindow(engine, cfg, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.shelve([KEY], 3600.0, "")
    assert "not done" in win.statusBar().currentMessage()
