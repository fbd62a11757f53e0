"""Applying the settings on the running demo: the saved file keeps the demo's own ports (not the
ports its simulator picked at start), the plant drawing stays on the map, and the Settings dialog
stays open on the rebuilt window with its confirmation in view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from app.config import demo_config_path, load_config
from demo.simulator import SimulatorProcess
from tests.helpers import FakeEngine
from views.main_window import MainWindow


@pytest.fixture
def running_demo(data_dir):
    sim = SimulatorProcess(demo_config_path(), speed=1.0, ephemeral_ports=True, seed=3)
    cfg = sim.start()
    try:
        yield cfg
    finally:
        sim.stop()


@pytest.mark.slow
def test_apply_on_the_demo_keeps_its_ports_its_drawing_and_the_dialog(qtbot, tmp_path, running_demo):
    shipped = load_config(demo_config_path())
    running = running_demo
    assert [d.model_dump() for d in running.devices] != [d.model_dump() for d in shipped.devices]
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    win = MainWindow(FakeEngine(running), running, settings)
    qtbot.addWidget(win)
    win.show()
    win.open_settings()
    dlg = win.settings_dialog
    applied = []
    win.configApplied.connect(lambda new, _r: applied.append(new))
    win.apply_config = lambda new, diff=(): (applied.append(new), True)[1]
    # one real edit: a tag's description
    dlg.draft.tags.set_cells([0], {"description": "checked on the demo"})
    assert dlg.apply(), dlg.last_errors
    saved_path = dlg.path
    assert saved_path.parent != demo_config_path().parent  # the shipped demo is never written
    saved = load_config(saved_path)
    # the file names the demo's own addresses; the running plant keeps the simulator's
    assert [(d.name, getattr(d, "port", None), getattr(d, "endpoint", None)) for d in saved.devices] == [
        (d.name, getattr(d, "port", None), getattr(d, "endpoint", None)) for d in shipped.devices
    ]
    new = applied[-1]
    assert new.devices == running.devices
    # the drawing is found from the saved copy and from the running configuration
    assert saved.map_path() is not None and saved.map_path().exists()
    assert new.map_path() is not None and new.map_path().exists()
    # the window is rebuilt on the new configuration (as the launcher does); the dialog stays
    rebuilt = MainWindow(FakeEngine(new), new, settings)
    qtbot.addWidget(rebuilt)
    rebuilt.show()
    rebuilt.adopt_settings_dialog(win)
    win.close()
    qtbot.wait(50)
    assert rebuilt.settings_dialog is dlg and dlg.isVisible() and dlg.parent() is rebuilt
    assert "Applied and saved" in dlg.summary.text()
    # a second Apply from the adopted dialog reaches the new window and still saves the demo's ports
    dlg.draft.tags.set_cells([1], {"description": "checked again"})
    rebuilt.apply_config = lambda cfg, diff=(): (applied.append(cfg), True)[1]
    assert dlg.apply(), dlg.last_errors
    assert applied[-1].devices == running.devices
    again = load_config(saved_path)
    assert [getattr(d, "port", None) for d in again.devices] == [
        getattr(d, "port", None) for d in shipped.devices
    ]
