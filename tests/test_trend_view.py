"""The trend view over a real SQLite history: 30 days of 1-minute data, zoom into raw samples,
the seam between history and live samples, gaps, CSV export, trend sets, and reads that never
run on the GUI thread."""

from __future__ import annotations

import json
import math
import os
import re
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from app.config import parse_config_text  # noqa: E402
from core.alarm_types import Alarm  # noqa: E402
from core.formatting import csv_number  # noqa: E402
from core.samples import Quality, SampleBatch  # noqa: E402

PLANT = """\
schema: 1
plant: {name: Trend Works}
devices:
  - {name: plc1, protocol: modbus-tcp, port: 15020}
tags:
  - {name: BF1.TOP.PRESSURE, unit: kPa, device: plc1, address: "hr:0", type: float32, range: [0, 300],
     alarms: {HH: 250, H: 230}}
  - {name: BF1.HEARTH.TEMP, unit: degC, device: plc1, address: "hr:2", type: float32, range: [0, 1200]}
  - {name: GH1.CO.01, unit: ppm, device: plc1, address: "hr:4", type: float32, range: [0, 1000]}
  - {name: CW.FLOW, unit: m3/h, device: plc1, address: "hr:6", type: float32, range: [0, 2500]}
  - {name: CW.PRESSURE, unit: MPa, device: plc1, address: "hr:8", type: float32, range: [0, 1.6]}
"""
NOW = 1_717_200_000.0  # 2024-06-01 00:00 UTC
DAY = 86400.0
TS = np.arange(NOW - 30 * DAY, NOW, 60.0)  # 30 days of 1-minute samples
SPIKE = len(TS) - 12 * 1440  # twelve days ago: one minute at 290 kPa, the next at 120 kPa
BAD = slice(len(TS) - 5 * 1440, len(TS) - 5 * 1440 + 120)  # two hours of bad quality on tag 1


def values(tag: int) -> np.ndarray:
    i = np.arange(len(TS))
    if tag == 0:
        v = 200.0 + 10.0 * np.sin(2 * np.pi * TS / DAY) + (i * 7 % 13)  # every minute moves > deadband
        v[SPIKE], v[SPIKE + 1] = 290.0, 120.0
        return v
    return 800.0 + 50.0 * np.sin(2 * np.pi * TS / DAY) + 2.0 * (i * 5 % 11)


@pytest.fixture
def cfg():
    return parse_config_text(PLANT)


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """One store for the module (the tests only read it): the rollups of 86,400 samples take a while."""
    from storage.history import History

    path = tmp_path_factory.mktemp("trend_history") / "history.db"
    h = History(f"sqlite:///{path}", parse_config_text(PLANT).tags)
    spike_ts = float(TS[SPIKE])
    events = [
        Alarm(
            "BF1.TOP.PRESSURE:HH",
            "BF1.TOP.PRESSURE",
            0,
            "HH",
            2,
            True,
            False,
            spike_ts,
            spike_ts,
            290.0,
            250.0,
            "high",
        ),
        Alarm(
            "BF1.TOP.PRESSURE:HH",
            "BF1.TOP.PRESSURE",
            0,
            "HH",
            2,
            False,
            False,
            spike_ts + 60,
            spike_ts,
            120.0,
            250.0,
            "",
        ),
    ]
    q1 = np.full(len(TS), Quality.GOOD, np.uint8)
    q1[BAD] = Quality.BAD
    h.write_now(SampleBatch.build(np.zeros(len(TS)), TS, values(0), Quality.GOOD), events)
    h.write_now(SampleBatch.build(np.ones(len(TS)), TS, values(1), q1))
    yield h
    h.stop()


@pytest.fixture
def reads(history):
    """The view's loaders over the real store, recording the thread each read ran on."""
    from views.trend_view import history_loaders

    read, events = history_loaders(history)
    log = {"threads": [], "reads": []}

    def traced_read(tag, t0, t1):
        log["threads"].append(threading.current_thread())
        log["reads"].append((tag, t0, t1))
        return read(tag, t0, t1)

    def traced_events(t0, t1):
        log["threads"].append(threading.current_thread())
        return events(t0, t1)

    return traced_read, traced_events, log


def make_view(qtbot, cfg, reads, tmp_path, **kw):
    from views.trend_view import TrendView

    read, events, _log = reads
    view = TrendView(cfg, read, events, sets_dir=tmp_path / "trend_sets", clock=lambda: NOW, **kw)
    view.resize(1000, 500)
    qtbot.addWidget(view)
    return view


def add_pens(qtbot, view, tags):
    for tag in tags:
        with qtbot.waitSignal(view.historyLoaded, timeout=10000):
            view.add_tag(tag)


def show_window(qtbot, view, seconds):
    with qtbot.waitSignal(view.rangeLoaded, timeout=10000):
        view.set_window(seconds)
    view.redraw()


def show_range(qtbot, view, t0, t1):
    with qtbot.waitSignal(view.rangeLoaded, timeout=10000):
        view.set_range(t0, t1)
    view.redraw()


# ---------------------------------------------------------------- history zoom


@pytest.mark.slow
def test_30_days_show_an_envelope_that_keeps_the_spike(qtbot, cfg, reads, tmp_path):
    view = make_view(qtbot, cfg, reads, tmp_path)
    add_pens(qtbot, view, [0, 1])
    show_window(qtbot, view, 30 * DAY)
    t0, t1 = view.visible_range()
    assert t0 == pytest.approx(NOW - 30 * DAY, abs=1) and t1 >= NOW
    assert view.preset_buttons["30 d"].isChecked() and view.following
    for tag in (0, 1):
        shown = view.plot.shown(tag)
        assert 1000 < len(shown) <= 4100  # an envelope, not 43,200 samples
        assert np.all(np.diff(shown.ts) >= 0)
    near = view.plot.shown(0).between(TS[SPIKE] - DAY, TS[SPIKE] + DAY)
    assert np.nanmax(near.value) == 290.0 and np.nanmin(near.value) == 120.0
    # the reads ran in workers, never on the GUI thread
    threads = reads[2]["threads"]
    assert threads and all(t is not threading.main_thread() for t in threads)


def test_zoom_to_one_hour_reads_the_raw_samples(qtbot, cfg, reads, tmp_path):
    view = make_view(qtbot, cfg, reads, tmp_path)
    add_pens(qtbot, view, [0, 1])
    show_window(qtbot, view, 30 * DAY)
    t0 = float(TS[SPIKE - 30])
    show_range(qtbot, view, t0, t0 + 3600)
    assert not view.following and not any(b.isChecked() for b in view.preset_buttons.values())
    hour = view.plot.shown(0).between(t0, t0 + 3600)
    raw = slice(SPIKE - 30, SPIKE + 31)
    assert list(hour.ts) == list(TS[raw])  # every stored sample of the hour, at its own time
    assert list(hour.value) == list(values(0)[raw])
    # the crosshair holds the last value between two samples
    x = float(TS[SPIKE]) + 30.0
    assert view.plot.values_at(x)[0] == 290.0
    view.plot.show_cursor(x)
    assert "290.0 kPa" in view.plot.legend.getLabel(view.pens[0].curve).text
    view.plot.show_cursor(None)
    # the journal entries of the trended tag become markers on the time axis
    marks = view.plot.overlays.visible_events()
    assert [(e.ts, e.active) for e in marks] == [(TS[SPIKE], True), (TS[SPIKE] + 60, False)]


def test_live_samples_continue_history_without_a_gap(qtbot, cfg, reads, tmp_path):
    view = make_view(qtbot, cfg, reads, tmp_path)
    add_pens(qtbot, view, [0])
    show_window(qtbot, view, DAY)
    live_ts = NOW + np.arange(1.0, 6.0)
    view.append(SampleBatch.build(np.zeros(5), live_ts, [201.0, 202.0, 203.0, 204.0, 205.0], Quality.GOOD))
    view.redraw()
    shown = view.plot.shown(0)
    assert list(shown.ts[-5:]) == list(live_ts) and list(shown.value[-5:]) == [
        201.0,
        202.0,
        203.0,
        204.0,
        205.0,
    ]
    seam = shown.between(NOW - 2 * 3600, NOW + 10)
    assert np.all(np.isfinite(seam.value))  # no gap where history meets the ring, nor at "now"
    assert np.all(np.diff(seam.ts) > 0) and np.diff(seam.ts).max() <= 61.0
    i = int(np.searchsorted(shown.ts, NOW, side="left"))
    assert shown.ts[i] == NOW + 1.0 and shown.ts[i - 1] == TS[-1]  # last history point, first live one
    assert_held(view.plot, 0)  # every value held until the next sample, as far as one can see


def assert_held(plot, tag: int) -> None:
    """The curve drawn for `tag` is level wherever its samples are over two pixels apart: each
    value is held until the next sample (closer samples may be joined straight)."""
    x, y = plot.pens[tag].curve.getOriginalDataset()
    shown = plot.shown(tag)
    assert set(shown.ts.tolist()) <= set(x.tolist())
    wide = np.flatnonzero(np.diff(x) > plot.hold_gap)
    both = np.isfinite(y[wide]) & np.isfinite(y[wide + 1])
    assert np.array_equal(y[wide][both], y[wide + 1][both])


def test_bad_quality_is_drawn_as_a_gap(qtbot, cfg, reads, tmp_path):
    view = make_view(qtbot, cfg, reads, tmp_path)
    add_pens(qtbot, view, [1])
    show_window(qtbot, view, 30 * DAY)
    gap = view.plot.shown(1).between(TS[BAD.start] + 600, TS[BAD.stop - 1] - 600)
    assert len(gap) and np.all(np.isnan(gap.value))  # a bucket with no good sample is a gap
    t0 = float(TS[BAD.start]) - 1800
    show_range(qtbot, view, t0, t0 + 3 * 3600)
    shown = view.plot.shown(1).between(t0, t0 + 3 * 3600)
    inside = (shown.ts >= TS[BAD.start]) & (shown.ts <= TS[BAD.stop - 1])
    assert inside.sum() == 120 and np.all(np.isnan(shown.value[inside]))
    assert np.all(shown.quality[inside] == Quality.BAD)
    assert np.all(np.isfinite(shown.value[~inside]))
    opts = view.plot.pens[1].curve.opts
    assert opts["connect"] == "finite" and opts["skipFiniteCheck"]


def test_a_stale_read_is_dropped(qtbot):
    from widgets.trend import TrendPlot

    gate = threading.Event()
    old_range = NOW - 10 * DAY
    calls = []

    def loader(tag, t0, t1):
        calls.append(t0)
        if t1 >= NOW:  # the back-fill of the last hour
            return SampleBatch.empty()
        old = t0 < old_range + DAY
        if old:
            gate.wait(10)  # the first view's read is slow
        ts = np.arange(t0, t1, 60.0)
        return SampleBatch.build(
            np.full(len(ts), tag), ts, np.full(len(ts), 1.0 if old else 2.0), Quality.GOOD
        )

    plot = TrendPlot(clock=lambda: NOW, requery_ms=0)
    qtbot.addWidget(plot)
    with qtbot.waitSignal(plot.historyLoaded, timeout=5000):
        plot.add_pen(0, "A", "kPa", loader)
    merged = []
    plot.rangeLoaded.connect(lambda: merged.append(set(plot.shown(0).value.tolist())))
    plot.set_range(old_range, old_range + 3600)
    qtbot.waitUntil(lambda: any(t0 < old_range for t0 in calls), timeout=5000)  # the slow read runs
    plot.set_range(NOW - 5 * DAY, NOW - 5 * DAY + 3600)
    gate.set()
    qtbot.waitUntil(lambda: bool(merged) and merged[-1] == {2.0} and not plot.loading, timeout=5000)
    assert all(1.0 not in values for values in merged)  # nothing of the first view's read
    assert merged[-1] == {2.0}


# ---------------------------------------------------------------- axes and limits


def test_one_axis_per_unit_and_limit_bands(qtbot, cfg, tmp_path):
    from views.trend_view import TrendView

    view = TrendView(cfg, None, None, clock=lambda: NOW)
    qtbot.addWidget(view)
    view.add_tag(0)
    assert (
        len(view.plot.overlays.bands) == 2 and len(view.plot.overlays.limit_lines) == 2
    )  # H..HH and above HH
    view.add_tag(1)
    assert len(view.plot.axes.unit_views) == 1 and not view.plot.axes.normalised  # kPa left, degC right
    assert view.plot.overlays.bands == []
    assert view.pens[1].view is view.plot.axes.unit_views[0][0]
    for tag in (2, 3):
        view.add_tag(tag)
    assert len(view.plot.axes.unit_views) == 3
    view.add_tag(4)  # a fifth unit: every pen in % of its range on one axis
    assert view.plot.axes.normalised and view.plot.axes.unit_views == []
    view.append(SampleBatch.build([0, 4], [NOW, NOW], [150.0, 0.8], Quality.GOOD))
    view.redraw()
    assert view.pens[4].curve.getOriginalDataset()[1][-1] == pytest.approx(50.0)
    view.remove_pen(4)
    assert not view.plot.axes.normalised and len(view.plot.axes.unit_views) == 3


def test_forecast_cone_is_drawn_ahead_of_the_live_curve(qtbot, cfg, tmp_path):
    from views.trend_view import TrendView

    view = TrendView(cfg, None, None, clock=lambda: NOW)
    qtbot.addWidget(view)
    view.add_tag(0)
    view.append(SampleBatch.build([0, 0], [NOW - 1, NOW], [200.0, 201.0], Quality.GOOD))
    t = NOW + np.linspace(0, 600, 8)
    mid = 201.0 + 0.05 * (t - NOW)
    view.cone_source = lambda tag: (t, mid - 2, mid, mid + 2) if tag == 0 else None
    view.update_forecasts()
    pen = view.pens[0]
    assert pen.cone is not None and len(pen.cone_items) == 4
    assert all(it in pen.view.addedItems for it in pen.cone_items)
    view.redraw()
    x0, x1 = view.plot.item.viewRange()[0]
    assert x1 > NOW + 60  # the view leaves room ahead of now for the forecast
    view.cone_source = lambda tag: None  # the warning cleared: the cone goes
    view.update_forecasts()
    assert pen.cone is None and pen.cone_items == []
    view.remove_pen(0)


# ---------------------------------------------------------------- export and trend sets


def test_csv_export_of_the_shown_range(qtbot, cfg, reads, tmp_path):
    view = make_view(qtbot, cfg, reads, tmp_path)
    add_pens(qtbot, view, [0, 1])
    show_window(qtbot, view, 30 * DAY)
    t0 = float(TS[SPIKE - 30])
    show_range(qtbot, view, t0, t0 + 3600)
    path = tmp_path / "hour.csv"
    assert view.export_csv(path) == 2 * 61
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "time,tag,value,quality"
    assert len(lines) == 1 + 2 * 61
    first = lines[1].split(",")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first[0])
    assert first == ["2024-05-19T23:30:00.000Z", "BF1.HEARTH.TEMP", csv_number(values(1)[SPIKE - 30]), "2"]
    spike = [r for r in lines if r.startswith("2024-05-20T00:00:00.000Z,BF1.TOP.PRESSURE")]
    assert spike == ["2024-05-20T00:00:00.000Z,BF1.TOP.PRESSURE,290.0,2"]
    times = [r.split(",")[0] for r in lines[1:]]
    assert times == sorted(times)
    png = tmp_path / "hour.png"
    assert view.export_png(png) and png.stat().st_size > 1000


def test_trend_set_saves_and_reopens(qtbot, cfg, reads, tmp_path):
    view = make_view(qtbot, cfg, reads, tmp_path)
    add_pens(qtbot, view, [0, 1])
    t0 = NOW - 3 * DAY
    show_range(qtbot, view, t0, t0 + 8 * 3600)
    path = view.save_set("Furnace / top")
    assert path == tmp_path / "trend_sets" / "Furnace _ top.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["pens"] == ["BF1.TOP.PRESSURE", "BF1.HEARTH.TEMP"] and doc["following"] is False
    assert doc["range"] == ["2024-05-29T00:00:00.000Z", "2024-05-29T08:00:00.000Z"]
    show_window(qtbot, view, 8 * 3600)
    view.save_set("Shift")
    assert view.trend_sets() == ["Furnace _ top", "Shift"]

    again = make_view(qtbot, cfg, reads, tmp_path)
    assert again.sets_combo.count() == 3  # the placeholder and two sets
    with qtbot.waitSignal(again.rangeLoaded, timeout=10000):
        assert again.open_set("Furnace _ top")
    assert list(again.pens) == [0, 1] and not again.following
    assert again.visible_range() == pytest.approx((t0, t0 + 8 * 3600), abs=1e-3)
    assert again.open_set("Shift")
    assert again.following and again.preset() == "8 h" and again.preset_buttons["8 h"].isChecked()

    (tmp_path / "trend_sets" / "Broken.json").write_text("{not json", encoding="utf-8")
    messages = []
    again.message.connect(messages.append)
    assert not again.open_set("Broken")
    assert list(again.pens) == [0, 1] and "Cannot open" in messages[-1]


def test_trend_set_skips_tags_no_longer_configured(qtbot, cfg, tmp_path):
    from views.trend_view import TrendView
    from widgets.trend_data import TrendSet, save_set

    save_set(tmp_path, TrendSet("Old", ("GONE.TAG", "GH1.CO.01"), preset="1 h", following=True))
    view = TrendView(cfg, None, None, sets_dir=tmp_path, clock=lambda: NOW)
    qtbot.addWidget(view)
    messages = []
    view.message.connect(messages.append)
    assert view.open_set("Old")
    assert list(view.pens) == [2] and "GONE.TAG" in messages[-1]
    assert view.preset() == "1 h"


def test_compose_and_hold_last_value():
    from widgets.trend_data import Series, compose, value_at

    hist = Series(np.array([0.0, 60.0, 120.0]), np.array([1.0, np.nan, 3.0]), np.array([2, 0, 2], np.uint8))
    live = Series(np.array([120.0, 121.0]), np.array([30.0, 31.0]), np.array([2, 2], np.uint8))
    joined = compose(hist, 200.0, live)
    assert list(joined.ts) == [0.0, 60.0, 120.0, 121.0] and joined.value[2] == 30.0  # live wins
    apart = compose(hist, 130.0, Series(np.array([500.0]), np.array([5.0]), np.array([2], np.uint8)))
    assert list(apart.ts) == [0.0, 60.0, 120.0, 130.0, 500.0] and math.isnan(apart.value[3])
    assert value_at(joined, 30.0) == 1.0 and math.isnan(value_at(joined, 90.0))
    assert math.isnan(value_at(joined, -1.0)) and math.isnan(value_at(joined, 121.0 + 500))


def test_held_puts_a_corner_only_where_samples_are_far_apart():
    from widgets.trend_data import held

    ts = np.array([0.0, 1.0, 2.0, 10.0, 11.0, 30.0])
    v = np.array([1.0, 2.0, 3.0, np.nan, 5.0, 6.0])
    x, y = held(ts, v, 2.0)
    assert list(x) == [0.0, 1.0, 2.0, 10.0, 10.0, 11.0, 30.0, 30.0]
    assert np.array_equal(
        y, [1.0, 2.0, 3.0, 3.0, np.nan, 5.0, 5.0, 6.0], equal_nan=True
    )  # 3 holds up to the gap
    x, y = held(ts, v, 0.0)  # every sample a step, as pyqtgraph's stepMode="right" draws it
    assert list(x) == [0.0, 1.0, 1.0, 2.0, 2.0, 10.0, 10.0, 11.0, 11.0, 30.0, 30.0]
    assert list(held(ts[:1], v[:1], 0.0)[0]) == [0.0]


def test_zooming_in_draws_the_corners_of_the_new_scale(qtbot):
    from widgets.trend import TrendPlot

    plot = TrendPlot(window_s=600.0, clock=lambda: NOW)
    qtbot.addWidget(plot)
    plot.resize(1000, 500)
    plot.show()
    qtbot.waitExposed(plot)
    plot.add_pen(0, "T", "")
    ts = NOW - 600 + np.arange(600.0)  # a sample a second, about two a pixel
    ts = np.concatenate([ts[:300], ts[360:]])  # and a minute without one
    plot.append(SampleBatch.build(np.zeros(len(ts), np.int32), ts, np.sin(ts / 7), Quality.GOOD))
    plot.redraw()
    x, _y = plot.pens[0].curve.getOriginalDataset()
    assert len(ts) < len(x) < len(ts) + 5  # the minute's corner, not one a sample
    assert_held(plot, 0)
    plot.set_range(NOW - 100, NOW - 80)  # 20 s across: a sample is 50 px wide
    qtbot.waitUntil(lambda: plot.pens[0].dirty or plot.hold_gap < 0.1)
    plot.redraw()
    x, _y = plot.pens[0].curve.getOriginalDataset()
    assert len(x) == 2 * len(ts) - 1  # a step at every sample
    assert_held(plot, 0)


def test_a_long_window_leaves_only_the_forecast_ahead_and_cones_stay_in_range(qtbot, cfg, tmp_path):
    from views.trend_view import TrendView

    view = TrendView(cfg, None, None, clock=lambda: NOW)
    qtbot.addWidget(view)
    view.add_tag(0)
    view.append(SampleBatch.build([0, 0], [NOW - 1, NOW], [200.0, 201.0], Quality.GOOD))
    lo_range, hi_range = cfg.tags[0].range
    t = NOW + np.linspace(0, 1800, 8)  # a 30-minute forecast heading far below the range
    mid = 201.0 - 5.0 * (t - NOW)
    view.cone_source = lambda tag: (t, mid - 20, mid, mid + 20) if tag == 0 else None
    view.set_window(86400)  # the 24 h preset
    view.update_forecasts()
    view.redraw()
    x0, x1 = view.plot.item.viewRange()[0]
    assert NOW + 1800 <= x1 <= NOW + 1800 * 1.1  # the forecast, not six hours of empty future
    cone_t, lo, mid_shown, hi = view.pens[0].cone
    lower_curve = view.pens[0].cone_items[1]
    drawn = lower_curve.getData()[1]
    assert drawn.min() >= lo_range and drawn.max() <= hi_range
    view.remove_pen(0)


def test_picking_alarms_down_the_list_keeps_one_alarm_pen(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from app.config import demo_config_path, load_config
    from core.alarm_types import Alarm
    from tests.test_widgets import FakeEngine
    from views.main_window import MainWindow

    demo = load_config(demo_config_path())
    win = MainWindow(FakeEngine(demo), demo, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    own = set(win.trend.pens)
    idx = demo.tag_index()
    names = ["GAS.CO.01", "GAS.CO.02", "GAS.CO.03", "GAS.CO.04", "GAS.CO.05"]
    for name in names:
        win.show_alarm(Alarm(f"{name}:H", name, idx[name], "H", 3, True, False, NOW, NOW, 30.0, 24.0, "CO"))
    assert set(win.trend.pens) == own | {idx[names[-1]]}
    # a pen the operator adds stays when the next alarm is picked
    win.add_pen(idx["GAS.CO.02"])
    win.show_alarm(
        Alarm("GAS.CO.06:H", "GAS.CO.06", idx["GAS.CO.06"], "H", 3, True, False, NOW, NOW, 30.0, 24.0, "CO")
    )
    assert set(win.trend.pens) == own | {idx["GAS.CO.02"], idx["GAS.CO.06"]}


# ---------------------------------------------------------------- legend


@pytest.mark.parametrize("height", [260, 400, 600])
def test_the_legend_covers_at_most_a_quarter_of_a_small_plot(qtbot, height):
    """Up to three columns side by side keep the legend within 25 % of the plot's height; only
    when even three columns cannot (many pens on a very small plot) is it taller, in three."""
    from widgets.trend import LEGEND_LINE, LEGEND_SHARE, TrendPlot

    plot = TrendPlot(clock=lambda: NOW)
    qtbot.addWidget(plot)
    plot.resize(700, height)
    plot.show()
    qtbot.waitExposed(plot)
    legend = plot.legend
    seen = []
    for n in range(1, 10):
        plot.add_pen(n, f"BF1.TUYERE.{n:02d}.TEMP", "degC")
        rows = math.ceil(n / legend.columnCount)
        assert len(legend.items) == n and legend.layout.rowCount() == rows
        height = legend.sceneBoundingRect().height()
        assert height >= rows * LEGEND_LINE  # laid out: the real legend is measured
        share = height / plot.plot.height()
        seen.append((n, legend.columnCount, round(share, 2)))
        assert share <= LEGEND_SHARE or legend.columnCount == 3, seen
        assert legend.sceneBoundingRect().width() <= plot.plot.width(), seen
    assert seen[0][1] == 1  # one pen: one column
    # pens removed: the legend goes back to fewer columns
    for n in range(9, 1, -1):
        plot.remove_pen(n)
    assert legend.columnCount == 1
