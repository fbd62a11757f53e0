"""The main window on the demo plant, end to end: simulator (child process, real Modbus TCP and
OPC UA sockets) -> engine -> SQLite history -> Qt bridge -> widgets. Sees live values and an alarm."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QSettings

from app.config import demo_config_path
from app.runtime.engine import Engine
from core.samples import Quality
from demo.simulator import SimulatorProcess
from storage.history import History
from views.main_window import MainWindow


@pytest.fixture
def demo_plant():
    sim = SimulatorProcess(demo_config_path(), speed=1.0, ephemeral_ports=True, seed=1)
    cfg = sim.start()
    try:
        yield sim, cfg
    finally:
        sim.stop()


@pytest.mark.slow
def test_main_window_shows_live_values_and_an_alarm(qtbot, tmp_path, demo_plant):
    sim, cfg = demo_plant
    hist = History(f"sqlite:///{tmp_path / 'h.db'}", cfg.tags)
    engine = Engine(cfg, hist)
    win = MainWindow(engine, cfg, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    engine.start()
    try:
        model = win.tag_browser.model
        idx = cfg.tag_index()
        # live values from every device reach the tag browser (through the 8 Hz bridge)
        probes = [idx["BF1.TOP.PRESSURE"], idx["GAS.CO.01"], idx["BOF1.LANCE.FLOW_IN"]]
        probes = [p for p in probes if p is not None]
        qtbot.waitUntil(lambda: all(model.quality[p] == Quality.GOOD for p in probes), timeout=15000)
        for p in probes:
            assert math.isfinite(model.value[p])
        devices = {
            d.name: s.state.name
            for d, s in zip(cfg.devices, [engine.device_status()[d.name] for d in cfg.devices], strict=True)
        }
        assert set(devices.values()) == {"CONNECTED"}
        # the trend follows live data
        assert win.trend.has_pen(win.default_pens()[0])
        # force a CO detector over its HH limit on the Modbus server: the alarm reaches the table
        sim.set_value("GAS.CO.01", 200.0)
        key = "GAS.CO.01:HH"
        qtbot.waitUntil(lambda: win.alarm_table.model.row_of(key) is not None, timeout=15000)
        alarm = win.alarm_table.model.alarm(win.alarm_table.model.row_of(key))
        assert alarm.state == "UNACK" and alarm.priority <= 2
        qtbot.waitUntil(lambda: win.banner.current is not None, timeout=5000)
        # acknowledge from the window: the engine and the table agree
        win.acknowledge([key])
        qtbot.waitUntil(
            lambda: win.alarm_table.model.alarm(win.alarm_table.model.row_of(key)).state == "ACKED",
            timeout=5000,
        )
        assert [a.state for a in engine.active_alarms() if a.key == key] == ["ACKED"]
        # shelve from the window: journaled with the reason, shown as shelved
        win.shelve([key], 3600.0, "detector under calibration")
        qtbot.waitUntil(
            lambda: win.alarm_table.model.alarm(win.alarm_table.model.row_of(key)).state == "SHELVED",
            timeout=5000,
        )
    finally:
        win.close()
        engine.stop()
