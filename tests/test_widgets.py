"""Widgets fed with synthetic samples and alarms: alarm list, trend, plant map, tag browser,
status pieces, the engine bridge and the assembled main window (with a fake engine)."""

from __future__ import annotations

import math
import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QSettings, Qt  # noqa: E402

from app.config import parse_config_text  # noqa: E402
from core.samples import DeviceState, DeviceStatus, Quality, SampleBatch  # noqa: E402
from tests import helpers  # noqa: E402
from tests.helpers import (
    FakeEngine,  # noqa: E402, F401  (other tests import it from here)
    plant_yaml,  # noqa: E402
)

PLANT = plant_yaml(
    """
    - {name: BF1.TOP.PRESSURE, description: Top pressure, unit: kPa, device: plc1, address: "hr:0",
       type: float32, range: [0, 300], area: Blast furnace, alarms: {HH: 250, H: 230}, map: [10, 10]}
    - {name: BF1.HEARTH.TEMP, description: Hearth temperature, unit: degC, device: plc1, address: "hr:2",
       type: float32, range: [0, 1200], area: Blast furnace, map: [40, 10]}
    - {name: BF1.INTERLOCK, description: Bleeder interlock, device: plc1, address: "co:0", type: bool,
       area: Blast furnace, alarms: {state: false}}
    - {name: GH1.CO.01, description: CO north, unit: ppm, device: plc2, address: "hr:0", type: float32,
       range: [0, 1000], area: Gas holder, alarms: {H: 24, HH: 160}, map: [110, 60]}
    """,
    devices="""
    - {name: plc1, protocol: modbus-tcp, port: 15020}
    - {name: plc2, protocol: modbus-tcp, port: 15021}
    """,
    name="Test Works",
    extra="""
    hazard_sources:
      - {name: Blast furnace 1, kind: blast_furnace, inherent_level: 1,
         tags: [BF1.TOP.PRESSURE, BF1.HEARTH.TEMP, BF1.INTERLOCK], area: [[0, 0], [60, 0], [60, 40], [0, 40]]}
      - {name: Gas holder 1, kind: gas_holder, inherent_level: 2, tags: [GH1.CO.01],
         area: [[90, 40], [140, 40], [140, 90], [90, 90]]}
    """,
)


@pytest.fixture
def cfg():
    return parse_config_text(PLANT)


def alarm(key="BF1.TOP.PRESSURE:H", tag=0, priority=3, active=True, acked=False, ts=100.0, value=235.0):
    return helpers.alarm(key, tag, priority, active=active, acked=acked, ts=ts, value=value, limit=230.0)


def batch(tags, ts, values, quality=Quality.GOOD):
    return SampleBatch.build(tags, ts, values, quality)


# ---------------------------------------------------------------- alarm table


def test_alarm_model_insert_update_remove_without_reset(qtbot):
    from widgets.alarm_model import COL_STATE, AlarmTableModel

    model = AlarmTableModel({"BF1.TOP.PRESSURE": "kPa"})
    events = []
    model.rowsInserted.connect(lambda *a: events.append("insert"))
    model.rowsRemoved.connect(lambda *a: events.append("remove"))
    model.modelReset.connect(lambda *a: events.append("reset"))
    changed = []
    model.dataChanged.connect(lambda tl, br, roles=(): changed.append((tl.row(), br.row())))

    model.update_alarms([alarm(), alarm("GH1.CO.01:HH", tag=3, priority=2)])  # one insertion for both
    assert model.rowCount() == 2 and events == ["insert"]
    model.update_alarms([alarm(acked=True, ts=101.0)])  # acknowledged: same row, updated
    assert model.rowCount() == 2 and events == ["insert"]
    assert (0, 0) in changed
    assert model.index(0, COL_STATE).data() == "Acked"
    model.update_alarms([alarm(active=False, acked=False, ts=102.0, key="GH1.CO.01:HH", tag=3)])
    assert model.index(1, COL_STATE).data() == "RTN unack"
    assert model.index(1, 2).data(Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    model.update_alarms([alarm(active=False, acked=True, ts=103.0)])  # NORMAL: removed
    assert events == ["insert", "remove"]
    assert model.rowCount() == 1 and model.alarm(0).key == "GH1.CO.01:HH"
    assert model.row_of("GH1.CO.01:HH") == 0 and model.row_of("BF1.TOP.PRESSURE:H") is None
    model.update_alarms([alarm(active=False, acked=True, ts=104.0)])  # unknown NORMAL: ignored
    assert "reset" not in events


def test_alarm_model_takes_a_flush_in_bulk_as_one_at_a_time(qtbot):
    """A flood is one insertion; a flush of mixed transitions (new, updated, normal again, a key
    twice) leaves the rows that applying them one at a time leaves, with fewer moves."""
    from widgets.alarm_model import AlarmTableModel

    bulk, single = AlarmTableModel(), AlarmTableModel()
    inserts = []
    bulk.rowsInserted.connect(lambda _p, first, last: inserts.append((first, last)))
    flood = [alarm(f"T{i}:H", tag=i) for i in range(1000)]
    bulk.update_alarms(flood)
    assert inserts == [(0, 999)] and bulk.row_of("T999:H") == 999
    for a in flood:
        single.update_alarms([a])
    mixed = [
        alarm("T3:H", tag=3, active=False, acked=True),  # normal: leaves
        alarm("T4:H", tag=4, acked=True),  # updated in place
        alarm("N1:H", tag=1001),  # new
        alarm("T5:H", tag=5, active=False, acked=True),
        alarm("T3:H", tag=3),  # back again in the same flush: a new row at the end
        alarm("N2:H", tag=1002),
        alarm("N2:H", tag=1002, active=False, acked=True),  # new and normal again: never listed
        *(alarm(f"T{i}:H", tag=i, active=False, acked=True) for i in range(500, 1000, 3)),
    ]
    bulk.update_alarms(mixed)
    for a in mixed:
        single.update_alarms([a])
    assert bulk.alarms() == single.alarms()
    assert all(bulk.row_of(a.key) == r for r, a in enumerate(bulk.alarms()))
    for keep in (bulk, single):  # held in place as normal, then closed up
        keep.update_alarms([alarm("T6:H", tag=6, active=False, acked=True)], keep_normal=True)
        keep.drop_normal()
    assert bulk.alarms() == single.alarms() and bulk.row_of("T6:H") is None


def test_alarm_model_columns(qtbot):
    from widgets.alarm_model import AlarmTableModel

    model = AlarmTableModel({"BF1.TOP.PRESSURE": "kPa"})
    model.update_alarms([alarm(priority=1)])
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row[1:8] == ["I", "BF1.TOP.PRESSURE", "BF1.TOP.PRESSURE H", "H", "235.0 kPa", "230.0", "Unack"]
    assert row[8:] == ["", ""]  # no countdown (not a warning), not off the list


def test_alarm_flash_is_bounded_to_priority_cells(qtbot):
    from widgets.alarm_model import COL_PRI, AlarmTableModel

    model = AlarmTableModel()
    model.update_alarms([alarm(acked=True), alarm("GH1.CO.01:H", tag=3), alarm("X:HH", tag=1, acked=True)])
    changed = []
    model.dataChanged.connect(lambda *args: changed.append(args))
    looks = []
    for _ in range(2):
        with qtbot.waitSignal(model.restyled, timeout=2000) as blocker:
            pass
        assert blocker.args == [COL_PRI]
        looks.append([model.index(r, COL_PRI).data(Qt.ItemDataRole.BackgroundRole) for r in range(3)])
    assert not changed  # a colour: nothing a filter or the sort reads changed
    assert all(phase[0] is not None and phase[2] is not None for phase in looks)  # acknowledged: steady
    assert [phase[1] is None for phase in looks] == [True, False]  # only the unacknowledged row flashes
    model.update_alarms([alarm("GH1.CO.01:H", tag=3, acked=True)])
    assert not model._flash.isActive()


def test_alarm_flash_and_a_flush_do_not_filter_the_whole_list_again(qtbot, monkeypatch):
    from widgets.alarm_model import AlarmFilterProxy
    from widgets.alarm_table import AlarmTable

    filtered, counted = [], []
    accepts, count = AlarmFilterProxy.filterAcceptsRow, AlarmTable._update_count
    monkeypatch.setattr(
        AlarmFilterProxy, "filterAcceptsRow", lambda self, r, p: filtered.append(r) or accepts(self, r, p)
    )
    monkeypatch.setattr(
        AlarmTable, "_update_count", lambda self, *a: counted.append(not self._feeding) or count(self, *a)
    )
    table = AlarmTable()
    qtbot.addWidget(table)
    table.update_alarms([alarm(f"T{i}:H", tag=i, ts=100.0 + i) for i in range(300)])
    filtered.clear()
    table.model._toggle_flash()  # the timer's tick
    assert filtered == []
    # a flush that acknowledges every tenth alarm: those rows are filtered again, the counts made once
    counted.clear()
    table.update_alarms([alarm(f"T{i}:H", tag=i, ts=200.0 + i, acked=True) for i in range(0, 300, 10)])
    assert sorted(filtered) == list(range(0, 300, 10))
    assert counted.count(True) == 1
    assert table.count_label.text() == "300 of 300 shown, 270 unacknowledged"


def test_alarm_table_filter_and_acknowledge(qtbot):
    from widgets.alarm_table import AlarmTable

    table = AlarmTable()
    qtbot.addWidget(table)
    table.update_alarms([alarm(), alarm("GH1.CO.01:HH", tag=3, priority=2, ts=200.0)])
    table.filter_edit.setText("gh1")
    assert table.proxy.rowCount() == 1
    with qtbot.waitSignal(table.acknowledgeRequested) as blocker:
        table.ack_all_button.click()
    assert blocker.args == [["GH1.CO.01:HH"]]  # only what passes the filter
    table.filter_edit.setText("")
    assert table.proxy.rowCount() == 2
    with qtbot.waitSignal(table.alarmSelected) as sel:
        assert table.select_key("BF1.TOP.PRESSURE:H")
    assert sel.args[0].key == "BF1.TOP.PRESSURE:H"
    with qtbot.waitSignal(table.acknowledgeRequested) as blocker:
        table.ack_button.click()
    assert blocker.args == [["BF1.TOP.PRESSURE:H"]]


# ---------------------------------------------------------------- trend


def test_ring_buffer_wraps_in_order():
    from widgets.trend import RingBuffer

    rb = RingBuffer(8)
    for start in range(0, 30, 3):
        t = np.arange(start, start + 3, dtype=float)
        rb.write(t, t * 10)
    ts, v = rb.view()
    assert list(ts) == list(np.arange(22.0, 30.0))
    assert list(v) == list(np.arange(22.0, 30.0) * 10)
    rb.write(np.arange(100.0, 120.0), np.arange(20.0))  # more than the capacity at once
    assert list(rb.view()[0]) == list(np.arange(112.0, 120.0))


def test_trend_bad_quality_is_a_gap(qtbot):
    from widgets.trend import TrendPlot

    trend = TrendPlot(capacity=64, clock=lambda: 1_000.0)
    qtbot.addWidget(trend)
    assert trend.add_pen(0, "BF1.TOP.PRESSURE", "kPa")
    q = np.array([Quality.GOOD, Quality.GOOD, Quality.BAD, Quality.GOOD], dtype=np.uint8)
    trend.append(batch([0, 0, 0, 0], [1.0, 2.0, 3.0, 4.0], [10.0, 11.0, 12.0, 13.0], q))
    trend.append(batch([1, 0], [5.0, 5.0], [99.0, 14.0]))  # tag 1 has no pen
    trend.append(batch([0], [4.0], [15.0]))  # not newer than what is stored: ignored
    trend.redraw()
    x, y = trend.pens[0].curve.getOriginalDataset()
    assert list(x) == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert np.isnan(y[2]) and list(y[[0, 1, 3, 4]]) == [10.0, 11.0, 13.0, 14.0]
    assert trend.pens[0].curve.opts["connect"] == "finite"
    assert trend.pens[0].curve.opts["skipFiniteCheck"]


def test_trend_history_backfill_has_no_seam(qtbot):
    from widgets.trend import TrendPlot

    calls = []

    def loader(tag, t0, t1):
        calls.append((tag, t0, t1, threading.current_thread() is threading.main_thread()))
        ts = np.arange(900.0, 1_000.0)  # overlaps the live samples from 995 on
        return batch(np.full(len(ts), tag), ts, np.full(len(ts), -1.0))

    trend = TrendPlot(capacity=256, clock=lambda: 1_000.0)
    qtbot.addWidget(trend)
    trend.append(batch([2], [1.0], [1.0]))  # no pen yet: ignored
    with qtbot.waitSignal(trend.historyLoaded, timeout=5000) as blocker:
        trend.add_pen(2, "GH1.CO.01", "ppm", loader)
        trend.append(batch([2, 2, 2], [995.0, 996.0, 997.0], [5.0, 6.0, 7.0]))
    assert blocker.args == [2]
    assert calls == [(2, 1_000.0 - 3600.0, 1_000.0, False)]  # read in a worker thread
    ts, v = trend.pens[2].buffer.view()
    assert np.all(np.diff(ts) > 0)
    assert ts[0] == 900.0 and list(ts[-3:]) == [995.0, 996.0, 997.0]
    assert list(v[-3:]) == [5.0, 6.0, 7.0] and v[-4] == -1.0  # live wins where both exist
    trend.append(batch([2], [998.0], [8.0]))
    assert trend.pens[2].buffer.last_ts() == 998.0


def test_trend_limits_shown_for_one_pen_and_normalised_for_mixed_units(qtbot):
    from widgets.trend import TrendPlot

    trend = TrendPlot(clock=lambda: 1_000.0)
    qtbot.addWidget(trend)
    trend.add_pen(0, "A", "kPa", span=(0, 300), limits={"H": (230.0, 3), "HH": (250.0, 2)})
    assert len(trend.overlays.limit_lines) == 2 and not trend.axes.normalised
    trend.add_pen(1, "B", "degC", span=(0, 1200))
    assert trend.overlays.limit_lines == [] and trend.axes.normalised
    trend.append(batch([0, 1], [1.0, 1.0], [150.0, 600.0]))
    trend.redraw()
    assert trend.pens[0].curve.getOriginalDataset()[1][0] == pytest.approx(50.0)
    trend.remove_pen(1)
    assert len(trend.overlays.limit_lines) == 2 and not trend.axes.normalised


# ---------------------------------------------------------------- plant map


def test_plant_map_colours_follow_alarms(qtbot, cfg):
    from widgets.plant_map import PlantMap

    pm = PlantMap(cfg)
    qtbot.addWidget(pm)
    assert set(pm.hazards) == {"Blast furnace 1", "Gas holder 1"}
    assert set(pm.markers) == {0, 1, 3}
    hazard, marker = pm.hazards["Blast furnace 1"], pm.markers[0]
    assert hazard.priority == 0 and marker.priority == 0

    a = alarm(priority=2)
    pm.update_alarms({a.key: a})
    assert hazard.priority == 2 and marker.priority == 2
    assert pm.hazards["Gas holder 1"].priority == 0
    assert hazard.pen().color().name() == "#ff7f0e"  # the alarm outlines the area
    b = alarm("BF1.INTERLOCK:STATE", tag=2, priority=1)
    pm.update_alarms({a.key: a, b.key: b})
    assert hazard.priority == 1 and marker.priority == 2
    cleared = alarm(priority=2, active=False)  # returned, not acknowledged: no colour
    pm.update_alarms({cleared.key: cleared})
    assert hazard.priority == 0 and marker.priority == 0
    assert hazard.pen().color().name() != "#d62728"


def test_plant_map_values_touch_only_changed_markers(qtbot, cfg):
    from widgets.plant_map import PlantMap

    pm = PlantMap(cfg)
    qtbot.addWidget(pm)
    value = np.array([205.04, 812.0, 1.0, 5.0])
    quality = np.array([2, 2, 2, 0], dtype=np.uint8)
    pm.update_values(value, quality)
    assert pm.markers[0].text == "205.0 kPa"
    assert pm.markers[3].text == "?" and pm.markers[3].bad
    seen = []
    for tag, m in pm.markers.items():
        m.set_state = lambda text, bad, prio, _t=tag: seen.append(_t)
    value2 = value.copy()
    value2[1] = 813.0
    pm.update_values(value2, quality)
    assert seen == [1]


def test_plant_map_click_and_focus(qtbot, cfg):
    from widgets.plant_map import PlantMap

    pm = PlantMap(cfg)
    qtbot.addWidget(pm)
    pm.resize(400, 300)
    pm.show()
    qtbot.waitExposed(pm)
    pos = pm.mapFromScene(pm.markers[3].pos())
    with qtbot.waitSignal(pm.tagClicked) as blocker:
        qtbot.mouseClick(pm.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [3]
    pos = pm.mapFromScene(50.0, 30.0)
    with qtbot.waitSignal(pm.hazardClicked) as blocker:
        qtbot.mouseClick(pm.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == ["Blast furnace 1"]
    pm.focus_tag(2)  # no marker: its hazard is outlined
    assert pm.hazards["Blast furnace 1"].selected_ring and not pm._ring.isVisible()
    pm.focus_tag(3)
    assert pm.hazards["Gas holder 1"].selected_ring and not pm.hazards["Blast furnace 1"].selected_ring


# ---------------------------------------------------------------- tag browser and status


def test_tag_browser_filter_values_and_activation(qtbot, cfg):
    from widgets.tag_browser import COL_VALUE, TagBrowser

    tb = TagBrowser(cfg.tags)
    qtbot.addWidget(tb)
    m = tb.model
    assert [g for g, _ in m.groups] == ["Blast furnace", "Gas holder"]
    m.update_values(np.array([1.0, 2.0, 1.0, np.nan]), np.array([2, 2, 2, 0], dtype=np.uint8))
    grp = m.index(0, 0)
    assert m.index(2, COL_VALUE, grp).data() == "ON"
    assert m.index(0, COL_VALUE, m.index(1, 0)).data() == "?"
    tb.filter_edit.setText("hearth")
    assert tb.proxy.rowCount() == 1
    group = tb.proxy.index(0, 0)
    assert tb.proxy.rowCount(group) == 1
    with qtbot.waitSignal(tb.tagActivated) as blocker:
        tb.view.activated.emit(tb.proxy.index(0, 0, group))
    assert blocker.args == [1]
    md = m.mimeData([m.index(1, 0, m.index(0, 0))])
    assert bytes(md.data("application/x-forewarn-tag")) == b"1"


def test_device_badges_and_banner(qtbot):
    from widgets.status import AlarmBanner, DeviceBadges

    badges = DeviceBadges(["plc1", "plc2"])
    qtbot.addWidget(badges)
    badges.update_devices({"plc1": DeviceStatus("plc1", DeviceState.DISCONNECTED, 1.0, "timeout")})
    assert badges.badges["plc1"].property("state") == "fail"
    assert "COMM FAIL" in badges.badges["plc1"].text() and "timeout" in badges.badges["plc1"].toolTip()
    badges.update_devices({"plc1": DeviceStatus("plc1", DeviceState.CONNECTED, 2.0)})
    assert badges.badges["plc1"].property("state") == "ok"

    banner = AlarmBanner()
    qtbot.addWidget(banner)
    low, high_old, high_new = (
        alarm(priority=3, ts=300.0),
        alarm("A:HH", priority=1, ts=100.0),
        alarm("B:HH", priority=1, ts=200.0),
    )
    acked = alarm("C:HH", priority=1, ts=400.0, acked=True)
    banner.update_alarms({a.key: a for a in (low, high_old, high_new, acked)})
    assert banner.current.key == "B:HH" and banner.property("priority") == "1"
    assert "+2" in banner.more.text()
    with qtbot.waitSignal(banner.acknowledgeRequested) as blocker:
        qtbot.mouseClick(banner, Qt.MouseButton.LeftButton)
    assert blocker.args == [["B:HH"]]
    banner.update_alarms({})
    assert banner.current is None and banner.property("priority") == "0"


# ---------------------------------------------------------------- bridge


def test_bridge_coalesces_samples_and_alarms(qtbot, cfg):
    from views.bridge import EngineBridge

    engine = FakeEngine(cfg, standing=[alarm()])
    bridge = EngineBridge(engine, rate_hz=10)
    assert engine.listeners == [bridge]
    bridge.flush()  # the primed snapshot
    assert set(bridge.standing) == {"BF1.TOP.PRESSURE:H"}
    emitted = []
    bridge.samples.connect(emitted.append)
    latest = []
    bridge.latest.connect(latest.append)
    alarms = []
    bridge.alarms.connect(alarms.append)

    def acquisition():
        for k in range(500):
            bridge.on_samples(batch([0, 3], float(k), [float(k), 2.0 * k]))
        for ts, acked in ((1.0, False), (2.0, True)):
            bridge.on_alarm(alarm("GH1.CO.01:H", tag=3, ts=ts, acked=acked))
        bridge.on_alarm(alarm(active=False, acked=True, ts=3.0))
        bridge.on_device(DeviceStatus("plc1", DeviceState.CONNECTED, 1.0))

    t = threading.Thread(target=acquisition)
    t.start()
    t.join()
    with qtbot.waitSignal(bridge.devices, timeout=2000) as blocker:
        pass
    assert blocker.args[0]["plc1"].state == DeviceState.CONNECTED
    assert len(emitted) == 1 and len(emitted[0]) == 1000  # one batch per flush, not per sample
    assert emitted[0].value[-2:].tolist() == [499.0, 998.0]
    value, quality = latest[-1]
    assert value[0] == 499.0 and value[3] == 998.0 and quality[0] == Quality.GOOD
    assert len(alarms) == 1
    assert [(a.key, a.acked) for a in alarms[0]] == [("GH1.CO.01:H", True), ("BF1.TOP.PRESSURE:H", True)]
    assert set(bridge.standing) == {"GH1.CO.01:H"}  # the NORMAL one left
    flushes = bridge.flushes
    qtbot.waitUntil(lambda: bridge.flushes > flushes + 1, timeout=2000)
    assert len(emitted) == 1  # nothing new, nothing emitted
    bridge.acknowledge(["GH1.CO.01:H"])
    assert engine.acks == [["GH1.CO.01:H"]]
    bridge.stop()
    assert engine.listeners == []


# ---------------------------------------------------------------- main window


def test_main_window_assembles_and_saves_layout(qtbot, cfg, tmp_path):
    from views.main_window import MainWindow

    settings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    engine = FakeEngine(cfg)
    win = MainWindow(engine, cfg, settings)
    qtbot.addWidget(win)
    assert win.windowTitle() == "Forewarn — Test Works"
    assert list(win.trend.pens) == [0, 1]  # the analog tags of the first hazard source
    win.show()
    qtbot.waitExposed(win)
    listener = engine.listeners[0]
    listener.on_samples(batch([0, 1, 3], 1_000.0, [240.0, 800.0, 30.0]))
    listener.on_alarm(alarm(value=240.0, priority=2))
    qtbot.waitUntil(lambda: win.alarm_table.model.rowCount() == 1, timeout=2000)
    assert win.banner.current.key == "BF1.TOP.PRESSURE:H"
    assert win.map.hazards["Blast furnace 1"].priority == 2
    assert win.map.markers[0].text == "240.0 kPa"

    win.alarm_table.select_key("BF1.TOP.PRESSURE:H")
    assert win.map._ring.isVisible() and win.trend.highlighted == 0
    win.ack_action.trigger()
    assert engine.acks == [["BF1.TOP.PRESSURE:H"]]
    win.ack_all_action.trigger()
    assert engine.acks[-1] == ["BF1.TOP.PRESSURE:H"]

    win.tag_browser.tagActivated.emit(3)
    assert 3 in win.trend.pens
    win.alarm_dock.hide()
    win.close()
    assert engine.listeners == []
    assert settings.value("mainwindow/state") is not None

    again = MainWindow(FakeEngine(cfg), cfg, settings)
    qtbot.addWidget(again)
    assert again.alarm_dock.isHidden()
    again.close()


def test_format_number_is_compact():
    from core.formatting import format_number

    assert format_number(1234.6) == "1235"
    assert format_number(205.04) == "205.0"
    assert format_number(5.0) == "5.00"
    assert format_number(math.nan) == "" and format_number(None) == ""


def test_banner_prefers_an_alarm_and_shows_a_warning_apart(qtbot):
    from widgets.status import AlarmBanner

    banner = AlarmBanner()
    qtbot.addWidget(banner)
    w = alarm("GH1.CO.03:FORECAST", priority=1, ts=200.0)
    banner.update_alarms({w.key: w})
    assert banner.current is w and banner.property("kind") == "warning"
    assert banner.text.text().startswith("⚠ Early warning")
    a = alarm(priority=3, ts=100.0)  # an older, lower alarm still comes before any warning
    banner.update_alarms({w.key: w, a.key: a})
    assert banner.current is a and banner.property("kind") == "alarm"
    assert "Early warning" not in banner.text.text()


def test_alarm_list_sorts_a_flood_into_place(qtbot):
    """Newest first by default, by any column the operator picks, and a flood sorted into a
    list that already holds alarms."""
    from widgets.alarm_table import COL_PRI, COL_TAG, COL_TIME, AlarmTable

    table = AlarmTable()
    qtbot.addWidget(table)
    table.update_alarms([alarm(f"A{i}:H", tag=i, priority=1 + i % 4, ts=100.0 + i) for i in range(0, 40, 2)])
    table.update_alarms([alarm(f"A{i}:H", tag=i, priority=1 + i % 4, ts=100.0 + i) for i in range(1, 40, 2)])
    shown = table.visible_alarms()
    assert [a.since for a in shown] == sorted((a.since for a in shown), reverse=True) and len(shown) == 40
    table.view.sortByColumn(COL_PRI, Qt.SortOrder.AscendingOrder)
    assert [a.priority for a in table.visible_alarms()] == sorted(a.priority for a in shown)
    table.view.sortByColumn(COL_TAG, Qt.SortOrder.DescendingOrder)
    assert [a.source for a in table.visible_alarms()] == sorted((a.source for a in shown), reverse=True)
    table.view.sortByColumn(COL_TIME, Qt.SortOrder.DescendingOrder)
    assert table.visible_alarms()[0].key == "A39:H"


def test_banner_leaves_out_hidden_alarms_and_redoes_nothing_when_nothing_changed(qtbot, monkeypatch):
    from widgets.status import AlarmBanner

    banner = AlarmBanner()
    qtbot.addWidget(banner)
    shown, shelved = (
        alarm("A:HH", priority=1, ts=100.0),
        helpers.alarm("S:HH", priority=1, ts=200.0, shelved=True),
    )
    standing = {"A:HH": shown, "S:HH": shelved, "B:H": alarm("B:H", priority=3, ts=50.0)}
    banner.update_alarms(standing)
    assert (
        banner.current is shown and banner.more.text() == "+1 unacknowledged"
    )  # the shelved one: not counted
    texts = []
    monkeypatch.setattr(banner.text, "setText", texts.append)
    banner.update_alarms(dict(standing))  # a flush whose transitions the banner does not show
    assert texts == []
    newer = alarm("C:HH", priority=1, ts=300.0)
    banner.update_alarms({**standing, "C:HH": newer})
    assert banner.current is newer and len(texts) == 1 and banner.more.text() == "+2 unacknowledged"
