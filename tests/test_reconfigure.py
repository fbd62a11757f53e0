"""Live reconfiguration: a new configuration applied to the running engine over real sockets.
Only devices whose settings or tags changed reconnect, the history carries on, and alarm states
of tags whose alarms did not change are kept."""

from __future__ import annotations

import time

import numpy as np
import pytest

from app.config import Tag, demo_config_path
from app.runtime.engine import Engine
from core.samples import Quality
from demo.simulator import SimulatorProcess
from storage.history import History


@pytest.fixture
def plant():
    sim = SimulatorProcess(demo_config_path(), speed=1.0, ephemeral_ports=True, seed=2)
    cfg = sim.start()
    try:
        yield cfg
    finally:
        sim.stop()


def live(engine, names):
    snap = engine.latest()
    at = engine.config.tag_index()
    return all(snap.quality[at[n]] == Quality.GOOD and snap.ts[at[n]] > time.time() - 3 for n in names)


@pytest.mark.slow
def test_apply_config_keeps_unchanged_devices_alarm_states_and_history(plant, tmp_path, qtbot):
    cfg = plant
    hist = History(f"sqlite:///{tmp_path / 'h.db'}", cfg.tags)
    engine = Engine(cfg, hist)
    engine.start()
    try:
        qtbot.waitUntil(
            lambda: live(engine, ["BF1.TOP.PRESSURE", "CR1.HOIST.LOAD", "BOF1.GAS.O2"]), timeout=20000
        )
        keep_key, change_key = "BF1.TOP.PRESSURE:H", "BF1.TOP.TEMP:H"
        engine.shelve([keep_key, change_key], 3600, "engineer", "instrument work").result(5)
        drivers = {d.device.name: d for d in engine.drivers}

        # a new tag on steel_plc (that device reconnects), a changed limit on a bf_plc tag (it does not)
        tags = list(cfg.tags)
        at = cfg.tag_index()
        i = at["BF1.TOP.TEMP"]
        tags[i] = tags[i].model_copy(update={"alarms": tags[i].alarms.model_copy(update={"H": 320.0})})
        new_tag = Tag(
            name="CR1.HOIST.LOAD.COPY", device="steel_plc", address="hr:240", type="float32", unit="t"
        )
        tags.insert(3, new_tag)  # before others: every later index moves
        new = cfg.model_copy(update={"tags": tags})
        result = engine.apply_config(new)

        assert (
            result.devices_restarted == ["steel_plc"] and result.tags_added == 1 and result.tags_removed == 0
        )
        now_drivers = {d.device.name: d for d in engine.drivers}
        assert now_drivers["bf_plc"] is drivers["bf_plc"] and now_drivers["bof_opc"] is drivers["bof_opc"]
        assert now_drivers["steel_plc"] is not drivers["steel_plc"]
        standing = {a.key: a for a in engine.active_alarms()}
        assert keep_key in standing and standing[keep_key].shelved  # unchanged alarm: still shelved
        assert change_key not in standing  # its limits changed: starts afresh

        # values keep flowing to the right tags, the new tag included, and into the history
        t_apply = time.time()
        qtbot.waitUntil(
            lambda: live(engine, ["BF1.TOP.PRESSURE", "CR1.HOIST.LOAD.COPY", "BOF1.GAS.O2"]), timeout=20000
        )
        snap = engine.latest()
        at = new.tag_index()
        assert snap.value[at["CR1.HOIST.LOAD.COPY"]] == pytest.approx(
            snap.value[at["CR1.HOIST.LOAD"]], abs=50
        )
        assert 150 < snap.value[at["BF1.TOP.PRESSURE"]] < 260  # bf_plc's batches mapped to the new indexes
        qtbot.waitUntil(
            lambda: hist.read(at["CR1.HOIST.LOAD.COPY"], t_apply - 1, time.time() + 1).ts.size > 0,
            timeout=20000,
        )
        top = hist.read(at["BF1.TOP.PRESSURE"], t_apply - 60, time.time() + 1)
        assert top.ts.size > 0 and np.nanmin(top.value) > 150  # no row from another tag under its id
    finally:
        engine.stop()


def test_main_window_applies_a_configuration_and_hands_it_over(qtbot, tmp_path):
    from app.config import load_config
    from views.main_window import MainWindow

    cfg = load_config(demo_config_path())
    engine = Engine(cfg, History(f"sqlite:///{tmp_path / 'h.db'}", cfg.tags))
    win = MainWindow(engine, cfg, sets_dir=tmp_path / "sets")
    qtbot.addWidget(win)
    tags = [t for t in cfg.tags if t.name != "BF1.TOP.TEMP"]
    new = cfg.model_copy(update={"tags": tags})
    with qtbot.waitSignal(win.configApplied, timeout=10000) as sig:
        assert win.apply_config(new, ["tag BF1.TOP.TEMP removed"])
    applied, result = sig.args
    assert applied is new and engine.config is new and result.tags_removed == 1
    assert "1 removed" in win.statusBar().currentMessage()
    win.close()
    engine.history.stop()
