"""Multi-pen trend on pyqtgraph: live data and months of history in one chart.

Each pen owns a preallocated ring buffer written by index (the buffer is stored twice in a row,
so the last N samples are always one contiguous slice: no `np.roll`, no per-point work). Samples
arrive in batches; the curves are redrawn from a timer (at most 10 Hz) and only when something
changed. When a pen is added, the last hour is loaded from history in a worker and merged in
front of the live samples.

When the operator zooms or pans (mouse wheel or drag on the time axis) beyond what the rings
hold, the visible range is re-read from history in a worker, 150 ms after the view stopped
moving; a read made for a view that has since changed is dropped. History fills everything
before a pen's first live sample, so the join has no gap and no overlap (`trend_data.compose`).
Curves are drawn as steps (history is stored on change: the value holds until the next sample);
bad quality is NaN and drawn as a gap (`connect="finite"`).

Pens of one unit share a Y axis; up to `max_axes` units get their own axis, more are shown in %
of their range. With one axis, the alarm limits are drawn as translucent bands. Alarm journal
entries of the trended tags appear as markers along the time axis, and a crosshair reads every
pen's value at the cursor into the legend.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from app.model import Quality, SampleBatch
from widgets.alarm_table import PRIORITY_COLORS, format_number
from widgets.trend_data import Series, TrendEvent, compose, csv_lines, value_at, write_csv
from widgets.trend_workers import (
    EventsLoader,
    HistoryLoad,
    HistoryLoader,
    LoadSignals,
    RangeLoad,
    RangeResult,
    RequestCounter,
)

# Calm, distinct pen colours that avoid the alarm hues (red, orange, yellow, blue).
PEN_COLORS = (
    "#e6e6e6",
    "#4fd1c5",
    "#c39bd3",
    "#9ccc65",
    "#f0a1c2",
    "#80deea",
    "#c8b89a",
    "#b0bec5",
    "#d4e157",
    "#8d9ee8",
    "#a5d6a7",
    "#ce93d8",
    "#bcaaa4",
    "#4db6ac",
    "#e8c7f0",
    "#7fb3a8",
)
MAX_PENS = 16
WINDOWS = {QT_TRANSLATE_NOOP("trend", "10 min"): 600.0, QT_TRANSLATE_NOOP("trend", "1 h"): 3600.0}
DEFAULT_CAPACITY = 16384  # > 4 h at 1 sample/s, plus a decimated history load
AXIS_TEXT = "#b8bcc2"
AXIS_LINE = "#5a5e64"
CLEARED_EVENT = "#8a8d91"
BAND_ALPHA = 34
__all__ = ["PEN_COLORS", "WINDOWS", "EventsLoader", "HistoryLoader", "Pen", "RingBuffer", "TrendPlot"]


class RingBuffer:
    """Fixed-capacity (ts, value, quality) ring; `view()` returns the newest samples, oldest first."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY):
        self.capacity = int(capacity)
        self.ts = np.full(2 * self.capacity, np.nan)
        self.value = np.full(2 * self.capacity, np.nan)
        self.quality = np.zeros(2 * self.capacity, np.uint8)
        self.written = 0

    def __len__(self) -> int:
        return min(self.written, self.capacity)

    def clear(self) -> None:
        self.written = 0

    def write(self, ts: np.ndarray, value: np.ndarray, quality: np.ndarray | None = None) -> None:
        k = len(ts)
        if k == 0:
            return
        if quality is None:
            quality = np.where(np.isnan(value), Quality.BAD, Quality.GOOD).astype(np.uint8)
        if k > self.capacity:
            ts, value, quality = ts[-self.capacity :], value[-self.capacity :], quality[-self.capacity :]
            k = self.capacity
        pos = (self.written + np.arange(k)) % self.capacity
        for arr, new in ((self.ts, ts), (self.value, value), (self.quality, quality)):
            arr[pos] = new
            arr[pos + self.capacity] = new
        self.written += k

    def _slice(self) -> slice:
        n = len(self)
        end = self.written % self.capacity + self.capacity
        return slice(end - n, end)

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        s = self._slice()
        return self.ts[s], self.value[s]

    def series(self) -> Series:
        """A copy of the newest samples (the curve keeps its arrays: a snapshot, not a window)."""
        s = self._slice()
        return Series(self.ts[s].copy(), self.value[s].copy(), self.quality[s].copy())

    def last_ts(self) -> float:
        if self.written == 0:
            return -math.inf
        return float(self.ts[(self.written - 1) % self.capacity])

    def first_ts(self) -> float:
        if self.written == 0:
            return math.inf
        return float(self.ts[self._slice().start])


@dataclass
class Pen:
    tag: int
    name: str
    unit: str
    color: str
    buffer: RingBuffer
    curve: pg.PlotDataItem
    span: tuple[float, float] | None = None
    limits: dict[str, tuple[float, int]] = field(default_factory=dict)
    dirty: bool = True
    generation: int = 0
    loading: bool = False
    loader: HistoryLoader | None = None
    history: Series = field(default_factory=Series.empty)
    history_end: float = -math.inf
    shown: Series = field(default_factory=Series.empty)  # what the curve draws, in engineering units
    view: pg.ViewBox | None = None
    cone: tuple | None = None  # the forecast ahead of the live curve: (t, lower, middle, upper)
    cone_items: list = field(default_factory=list)


@dataclass
class _Query:
    t0: float
    t1: float
    view_span: float
    tags: frozenset[int]
    events: bool


class TrendPlot(QWidget):
    """Multi-pen trend with a time axis, window presets, history back-fill and history zoom."""

    tagDropped = Signal(int)  # a tag was dropped here from the tag browser
    historyLoaded = Signal(int)  # tag whose history back-fill has been merged
    penRemoved = Signal(int)
    rangeLoaded = Signal()  # the history of the visible range has been merged
    loadingChanged = Signal(bool)  # a history read of the visible range started / ended
    loadProgress = Signal(int, int)  # reads done, reads in this request
    viewRangeChanged = Signal(float, float)  # visible time range (UNIX s)
    followingChanged = Signal(bool)

    def __init__(
        self,
        parent=None,
        *,
        capacity: int = DEFAULT_CAPACITY,
        redraw_hz: float = 5.0,
        window_s: float = 600.0,
        history_span_s: float = 3600.0,
        clock: Callable[[], float] = time.time,
        max_axes: int = 1,
        events_loader: EventsLoader | None = None,
        toolbar: bool = True,
        requery_ms: int = 150,
    ):
        super().__init__(parent)
        self.setObjectName("trendPlot")
        self.capacity = capacity
        self.window_s = window_s
        self.history_span_s = history_span_s
        self.clock = clock
        self.max_axes = max(1, min(4, int(max_axes)))
        self.events_loader = events_loader
        self.following = True
        self.pens: dict[int, Pen] = {}
        self.events: list[TrendEvent] = []
        self.load_errors: dict[int, str] = {}
        self.range_error = ""
        self.loading = False
        self._limit_lines: list[pg.InfiniteLine] = []
        self._bands: list[pg.LinearRegionItem] = []
        self._normalised = False
        self._highlight: int | None = None
        self._generation = 0
        self._requests = RequestCounter()
        self._query: _Query | None = None
        self._in_flight: int | None = None
        self._cursor_x: float | None = None
        self._signals = LoadSignals(self)
        self._signals.done.connect(self._history_done)
        self._signals.rangeProgress.connect(self._range_progress)
        self._signals.rangeDone.connect(self._range_done)

        pg.setConfigOptions(antialias=False)
        self.axis = pg.DateAxisItem(orientation="bottom")
        self.plot = pg.PlotWidget(parent=self, axisItems={"bottom": self.axis}, background="#26282b")
        self.item = self.plot.getPlotItem()
        self.vb = self.item.getViewBox()
        self.item.showGrid(x=True, y=True, alpha=0.18)
        self.item.setClipToView(True)
        self.item.setDownsampling(auto=True, mode="peak")
        self.item.setMenuEnabled(False)
        self.item.hideButtons()
        self.vb.setMouseEnabled(x=True, y=False)  # wheel and drag move time; Y follows the data
        self.vb.setAutoVisible(y=True)
        self.item.enableAutoRange(axis="y", enable=True)
        for name in ("left", "bottom"):
            self._style_axis(self.item.getAxis(name), AXIS_TEXT)
        # placed, not anchored: an anchor follows the view box's geometry signal, which can
        # still fire while the plot is being destroyed
        self.legend = self.item.addLegend(
            offset=None, brush=pg.mkBrush(38, 40, 43, 215), pen=pg.mkPen("#4a4d52"), labelTextColor="#d8dadd"
        )
        self.legend.setPos(8, 8)
        self.legend.setZValue(20)

        # extra unit axes: a view box each, linked in time, drawn under the main view box so
        # the main one receives every mouse event
        self._unit_views: list[tuple[pg.ViewBox, pg.AxisItem]] = []
        self._events_view = self._overlay_view()
        self._events_view.setYRange(0.0, 1.0, padding=0)
        self._events_view.enableAutoRange(axis="y", enable=False)
        self._event_marks = pg.ScatterPlotItem(size=9, symbol="t1", pxMode=True)
        self._events_view.addItem(self._event_marks)
        self.vb.sigResized.connect(self._sync_views)

        self._cursor_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#8a8f96", width=1))
        self._cursor_label = pg.TextItem("", color="#d8dadd", fill=pg.mkBrush(38, 40, 43, 215), anchor=(0, 0))
        for it in (self._cursor_line, self._cursor_label):
            it.setZValue(15)
            it.hide()
            self.item.addItem(it, ignoreBounds=True)
        self._mouse = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=30, slot=self._mouse_moved)
        self.plot.viewport().installEventFilter(self)

        self.vb.sigRangeChangedManually.connect(self._manual_range)
        self.vb.sigXRangeChanged.connect(self._x_range_changed)
        self.plot.setAcceptDrops(False)
        self.setAcceptDrops(True)

        self.title = QLabel("", self)
        self.title.setObjectName("trendTitle")
        self.toolbar = QWidget(self)
        bar = QHBoxLayout(self.toolbar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(4)
        bar.addWidget(self.title, 1)
        self.window_group = QButtonGroup(self)
        self.window_buttons: dict[str, QToolButton] = {}
        for label, secs in WINDOWS.items():
            b = QToolButton(self)
            b.setText(QCoreApplication.translate("trend", label))
            b.setCheckable(True)
            b.setChecked(secs == window_s)
            b.clicked.connect(lambda _c=False, s=secs: self.set_window(s))
            self.window_group.addButton(b)
            self.window_buttons[label] = b
            bar.addWidget(b)
        self.live_button = QToolButton(self)
        self.live_button.setText(self.tr("Live"))
        self.live_button.setCheckable(True)
        self.live_button.setChecked(True)
        self.live_button.setToolTip(self.tr("Follow the newest samples"))
        self.live_button.clicked.connect(self.set_following)
        bar.addWidget(self.live_button)
        self.clear_button = QToolButton(self)
        self.clear_button.setText(self.tr("Clear"))
        self.clear_button.setToolTip(self.tr("Remove every pen"))
        self.clear_button.clicked.connect(self.clear)
        bar.addWidget(self.clear_button)
        self.toolbar.setVisible(toolbar)
        lay = QVBoxLayout(self)
        m = 4 if toolbar else 0
        lay.setContentsMargins(m, m, m, m)
        lay.setSpacing(2)
        lay.addWidget(self.toolbar)
        lay.addWidget(self.plot, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / max(1.0, min(10.0, redraw_hz))))
        self._timer.timeout.connect(self.redraw)
        self._timer.start()
        self._requery = QTimer(self)
        self._requery.setSingleShot(True)
        self._requery.setInterval(requery_ms)
        self._requery.timeout.connect(self._maybe_query)
        self._update_title()
        if self.following:
            self._set_x_range()

    # ------------------------------------------------------------ pens
    def add_pen(
        self,
        tag: int,
        name: str,
        unit: str = "",
        history_loader: HistoryLoader | None = None,
        *,
        span: tuple[float, float] | None = None,
        limits: dict[str, tuple[float, int]] | None = None,
    ) -> bool:
        """Add a pen for `tag`; back-fill the last hour with `history_loader(tag, t0, t1)`,
        which also serves zooming into older history.

        `span` is the tag's range (used when pens of too many units share the plot),
        `limits` maps limit names to (value, priority) for limit lines and bands."""
        if tag in self.pens:
            return True
        if len(self.pens) >= MAX_PENS:
            return False
        used = {p.color for p in self.pens.values()}
        color = next((c for c in PEN_COLORS if c not in used), PEN_COLORS[len(self.pens) % len(PEN_COLORS)])
        curve = pg.PlotDataItem(
            pen=pg.mkPen(color, width=1.5),
            connect="finite",
            stepMode="right",  # hold the last value until the next sample
            skipFiniteCheck=True,
            clipToView=True,
            autoDownsample=True,
            downsampleMethod="peak",
        )
        self._generation += 1
        pen = Pen(tag, name, unit, color, RingBuffer(self.capacity), curve, span, dict(limits or {}))
        pen.generation = self._generation
        pen.loader = history_loader
        self.pens[tag] = pen
        self._place(pen, self.vb)
        self.legend.addItem(curve, self._legend_text(pen))
        if history_loader is not None:
            t1 = self.clock()
            pen.loading = True
            QThreadPool.globalInstance().start(
                HistoryLoad(history_loader, tag, pen.generation, t1 - self.history_span_s, t1, self._signals)
            )
        self._layout_changed()
        self._requery.start()
        return True

    def remove_pen(self, tag: int) -> None:
        pen = self.pens.get(tag)
        if pen is None:
            return
        self.set_forecast(tag, None)
        del self.pens[tag]
        self.legend.removeItem(pen.curve)
        self._place(pen, None)
        self.load_errors.pop(tag, None)
        if self._highlight == tag:
            self._highlight = None
        self._layout_changed()
        self._show_events()
        self.penRemoved.emit(tag)

    def clear(self) -> None:
        for tag in list(self.pens):
            self.remove_pen(tag)

    def has_pen(self, tag: int) -> bool:
        return tag in self.pens

    def highlight(self, tag: int | None) -> None:
        """Draw one pen thicker (the alarm the operator selected); its limits become the bands."""
        self._highlight = tag if tag in self.pens else None
        for t, p in self.pens.items():
            p.curve.setPen(pg.mkPen(p.color, width=3.0 if t == self._highlight else 1.5))
        self._draw_limits()

    # ------------------------------------------------------------ data
    def append(self, batch: SampleBatch) -> None:
        """Store new samples of the tags that have pens (cheap; drawing happens on the timer)."""
        if not self.pens or len(batch) == 0:
            return
        tags = np.fromiter(self.pens.keys(), dtype=np.int32, count=len(self.pens))
        mask = np.isin(batch.tag, tags)
        if not mask.any():
            return
        sub = batch.take(mask)
        value = np.where(sub.quality == Quality.BAD, np.nan, sub.value)
        for tag in np.unique(sub.tag):
            pen = self.pens[int(tag)]
            sel = sub.tag == tag
            ts, v, q = sub.ts[sel], value[sel], sub.quality[sel]
            keep = ts > pen.buffer.last_ts()
            if not keep.all():
                ts, v, q = ts[keep], v[keep], q[keep]
            if len(ts):
                pen.buffer.write(ts, v, q)
                pen.dirty = True

    def _history_done(self, tag: int, generation: int, result) -> None:
        pen = self.pens.get(tag)
        if pen is None or pen.generation != generation:
            return  # removed (or removed and added again) while loading
        pen.loading = False
        if isinstance(result, Exception):
            self.load_errors[tag] = str(result)
            self.legend.getLabel(pen.curve).setText(self._legend_text(pen))
            self.historyLoaded.emit(tag)
            return
        if result is not None and len(result):
            h = _series(result)
            live = pen.buffer.series()
            older = h.ts < live.ts[0] if len(live) else np.ones(len(h), bool)
            pen.buffer.clear()  # live samples win where both exist: no seam, no overlap
            pen.buffer.write(
                np.concatenate([h.ts[older], live.ts]),
                np.concatenate([h.value[older], live.value]),
                np.concatenate([h.quality[older], live.quality]),
            )
            pen.dirty = True
        self.historyLoaded.emit(tag)
        self._requery.start()  # the ring now covers more: the range query may change

    # ------------------------------------------------------------ history of the visible range
    def visible_range(self) -> tuple[float, float]:
        (t0, t1), _ = self.vb.viewRange()
        return float(t0), float(t1)

    def reload(self) -> None:
        """Read the visible range from history again (new samples were written, say)."""
        self._query = None
        self._requests.next()
        self._in_flight = None
        self._maybe_query()

    def _x_range_changed(self, *_args) -> None:
        t0, t1 = self.visible_range()
        self.viewRangeChanged.emit(t0, t1)
        q = self._query
        if self._in_flight is not None and q is not None and not self._covers(q, t0, t1, self.clock()):
            # the read under way is for a view that is gone: stop it, its result is stale
            self._requests.next()
            self._in_flight = None
            self._query = None
        self._requery.start()  # restarted on every change: reads once the view rests

    @staticmethod
    def _covers(q: _Query, t0: float, t1: float, right: float) -> bool:
        tol = 0.02 * (t1 - t0)
        return q.t0 <= t0 + tol and q.t1 >= min(t1, right) - tol and (t1 - t0) >= 0.5 * q.view_span

    def _maybe_query(self) -> None:
        """Start a history read unless the rings and the last read cover the visible range."""
        if not self._start_query() and self.loading and self._in_flight is None:
            self._set_loading(False)  # the view moved back to what is already there

    def _start_query(self) -> bool:
        if not self.pens:
            return False
        t0, t1 = self.visible_range()
        span = t1 - t0
        if not span > 0:
            return False
        now = self.clock()
        margin = 0.25 * span
        q0, q1 = t0 - margin, min(t1 + margin, now)
        if q1 <= q0:
            return False  # the whole view lies in the future
        need = [p for p in self.pens.values() if p.loader is not None and p.buffer.first_ts() > t0]
        want_events = self.events_loader is not None
        if not need and not want_events:
            return False
        q = self._query
        if q is not None:
            right = now if want_events else min(now, max(p.buffer.first_ts() for p in need))
            if (
                self._covers(q, t0, t1, right)
                and {p.tag for p in need} <= q.tags
                and (q.events or not want_events)
            ):
                return False
        jobs = [
            (p.tag, p.generation, p.loader)
            for p in self.pens.values()
            if p.loader is not None and p.buffer.first_ts() > q0
        ]
        self._query = _Query(q0, q1, span, frozenset(t for t, _, _ in jobs), want_events)
        self._in_flight = request = self._requests.next()
        self._set_loading(True)
        self.loadProgress.emit(0, len(jobs) + want_events)
        QThreadPool.globalInstance().start(
            RangeLoad(request, self._requests, jobs, q0, q1, self.events_loader, self._signals)
        )
        return True

    def _set_loading(self, on: bool) -> None:
        if on != self.loading:
            self.loading = on
            self.loadingChanged.emit(on)

    def _range_progress(self, request: int, done: int, total: int) -> None:
        if request == self._requests.value:
            self.loadProgress.emit(done, total)

    def _range_done(self, request: int, result: RangeResult) -> None:
        if request != self._requests.value:
            return  # made for a view that has changed since
        errors = []
        for tag, batch in result.batches.items():
            pen = self.pens.get(tag)
            if pen is None or pen.generation != result.generations.get(tag):
                continue
            if isinstance(batch, Exception):
                self.load_errors[tag] = str(batch)
                errors.append(f"{pen.name}: {batch}")
                continue
            self.load_errors.pop(tag, None)
            pen.history = _series(batch)
            pen.history_end = result.t1
            pen.dirty = True
        if isinstance(result.events, Exception):
            errors.append(self.tr("alarm journal: {error}").format(error=result.events))
        elif result.events is not None:
            self.events = sorted(result.events, key=lambda e: e.ts)
            self._show_events()
        self.range_error = "; ".join(errors)
        self._in_flight = None
        self._set_loading(False)
        self.redraw()
        self.rangeLoaded.emit()

    # ------------------------------------------------------------ view
    def set_window(self, seconds: float) -> None:
        self.window_s = float(seconds)
        for label, secs in WINDOWS.items():
            self.window_buttons[label].setChecked(secs == self.window_s)
        self.set_following(True)

    def set_following(self, on: bool = True) -> None:
        on = bool(on)
        changed = on != self.following
        self.following = on
        self.live_button.setChecked(self.following)
        if self.following:
            self.item.enableAutoRange(axis="y", enable=True)
            self._set_x_range()
        if changed:
            self.followingChanged.emit(on)

    def set_range(self, t0: float, t1: float) -> None:
        """Show a fixed time range (stops following live data)."""
        if not t1 > t0:
            return
        self.set_following(False)
        for label in WINDOWS:
            self.window_buttons[label].setChecked(False)
        self.vb.setXRange(float(t0), float(t1), padding=0)

    def _manual_range(self, *_args) -> None:
        if self.following:
            self.set_following(False)

    # ------------------------------------------------------------ forecast cones
    def set_forecast(self, tag: int, cone) -> None:
        """Draw a pen's forecast ahead of its live curve (t, lower, middle, upper), or remove it."""
        pen = self.pens.get(tag)
        if pen is None:
            return
        for it in pen.cone_items:
            if pen.view is not None:
                pen.view.removeItem(it)
        pen.cone_items = []
        pen.cone = cone
        if cone is None or pen.view is None:
            return
        t, lo, mid, hi = (np.asarray(a, dtype=float) for a in cone)
        if self._normalised and pen.span is not None:
            a, b = pen.span
            lo, mid, hi = ((x - a) * (100.0 / (b - a)) for x in (lo, mid, hi))
        color = pg.mkColor(pen.color)
        edge = pg.mkPen(color, width=1, style=Qt.PenStyle.DotLine)
        lower = pg.PlotCurveItem(t, lo, pen=edge)
        upper = pg.PlotCurveItem(t, hi, pen=edge)
        fill_color = pg.mkColor(pen.color)
        fill_color.setAlpha(45)
        fill = pg.FillBetweenItem(lower, upper, brush=pg.mkBrush(fill_color))
        middle = pg.PlotCurveItem(t, mid, pen=pg.mkPen(color, width=1.5, style=Qt.PenStyle.DashLine))
        for it in (fill, lower, upper, middle):
            pen.view.addItem(it)
        pen.cone_items = [fill, lower, upper, middle]

    def forecast_tags(self) -> list[int]:
        return [t for t, p in self.pens.items() if p.cone is not None]

    def _right_edge(self) -> float:
        now = self.clock()
        newest = max((p.buffer.last_ts() for p in self.pens.values()), default=-math.inf)
        if math.isfinite(newest) and newest < now - self.window_s:
            return newest  # replayed or stale data: show where the data is
        return now

    def _set_x_range(self) -> None:
        right = self._right_edge()
        # room ahead of now for forecast cones (a quarter of the window at most)
        ahead = self.window_s * (0.25 if any(p.cone is not None for p in self.pens.values()) else 0.01)
        self.item.setXRange(right - self.window_s, right + ahead, padding=0)

    def redraw(self) -> None:
        """Push dirty pens to their curves (timer, at most 10 Hz)."""
        dirty = [p for p in self.pens.values() if p.dirty]
        for pen in dirty:
            pen.shown = compose(pen.history, pen.history_end, pen.buffer.series())
            v = pen.shown.value
            if self._normalised and pen.span is not None:
                lo, hi = pen.span
                v = (v - lo) * (100.0 / (hi - lo))
            pen.curve.setData(pen.shown.ts, v)
            pen.dirty = False
            if self._cursor_x is None:
                self._set_legend(pen)
        if self.following and (dirty or not self.pens):
            self._set_x_range()

    def shown(self, tag: int) -> Series:
        """What the pen of `tag` draws (history and live joined), in engineering units."""
        pen = self.pens.get(tag)
        return pen.shown if pen is not None else Series.empty()

    # ------------------------------------------------------------ read-out and export
    def values_at(self, x: float) -> dict[int, float]:
        """Each pen's value at time `x`, holding the last sample (NaN in a gap)."""
        return {tag: value_at(p.shown, x) for tag, p in self.pens.items()}

    def show_cursor(self, x: float | None) -> None:
        """Put the crosshair at time `x` and read every pen's value there into the legend."""
        self._cursor_x = x
        if x is None:
            self._cursor_line.hide()
            self._cursor_label.hide()
            for pen in self.pens.values():
                self._set_legend(pen)
            return
        self._cursor_line.setPos(x)
        text = datetime.fromtimestamp(x).strftime("%Y-%m-%d %H:%M:%S")
        near = self._event_near(x)
        if near is not None:
            text += f"\n{near.text}"
        self._cursor_label.setText(text)
        self._place_cursor_label(x)
        self._cursor_line.show()
        self._cursor_label.show()
        for pen in self.pens.values():
            self._set_legend(pen, value_at(pen.shown, x))

    def _place_cursor_label(self, x: float) -> None:
        """Top of the plot, on the roomier side of the line, and below the legend if they meet."""
        (vx0, vx1), (_y0, y1) = self.vb.viewRange()
        pw, ph = self.vb.viewPixelSize()
        right_side = x > vx0 + 0.5 * (vx1 - vx0)
        self._cursor_label.setAnchor((1, 0) if right_side else (0, 0))
        width = self._cursor_label.boundingRect().width()
        x_px = (x - vx0) / pw if pw else 0.0
        left, right = (x_px - width, x_px) if right_side else (x_px, x_px + width)
        legend = self.legend.mapRectToItem(self.vb, self.legend.boundingRect())
        drop = 0.0
        if self.legend.isVisible() and left < legend.right() + 4 and right > legend.left() - 4:
            drop = (legend.bottom() + 4) * ph
        self._cursor_label.setPos(x, y1 - drop)

    def _event_near(self, x: float) -> TrendEvent | None:
        marks = self._visible_events()
        if not marks:
            return None
        px = self.vb.viewPixelSize()[0] * 6
        best = min(marks, key=lambda e: abs(e.ts - x))
        return best if abs(best.ts - x) <= px else None

    def _mouse_moved(self, args) -> None:
        pos = args[0]
        if self.pens and self.vb.sceneBoundingRect().contains(pos):
            self.show_cursor(self.vb.mapSceneToView(pos).x())
        elif self._cursor_x is not None:
            self.show_cursor(None)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Leave and self._cursor_x is not None:
            self.show_cursor(None)
        return super().eventFilter(obj, event)

    def shown_range_series(self, t0: float | None = None, t1: float | None = None) -> dict[str, Series]:
        """Each pen's shown samples within [t0, t1] (default: the visible range), by tag name."""
        if t0 is None or t1 is None:
            t0, t1 = self.visible_range()
        return {p.name: p.shown.between(t0, t1) for p in self.pens.values()}

    def export_csv(self, path, t0: float | None = None, t1: float | None = None) -> int:
        """Write the shown range as CSV (time,tag,value,quality; ISO 8601 UTC); returns the rows.

        The rows are what the chart holds: raw samples, or the min/max envelope history returned
        for a long range; a few thousand per pen at most."""
        self.redraw()
        return write_csv(path, self.shown_range_series(t0, t1))

    def csv_text(self) -> str:
        return "\n".join(csv_lines(self.shown_range_series())) + "\n"

    def export_png(self, path) -> bool:
        """Save the chart (curves, axes, legend) as an image."""
        self.redraw()
        return self.plot.grab().save(str(path))

    # ------------------------------------------------------------ axes, limits, events
    def _overlay_view(self) -> pg.ViewBox:
        vb = pg.ViewBox(enableMouse=False, enableMenu=False)
        vb.setZValue(self.vb.zValue() - 10)
        self.item.scene().addItem(vb)
        vb.setXLink(self.vb)
        vb.enableAutoRange(axis="x", enable=False)
        vb.setGeometry(self.vb.sceneBoundingRect())
        return vb

    def _sync_views(self, *_args) -> None:
        rect = self.vb.sceneBoundingRect()
        for vb in [v for v, _ in self._unit_views] + [self._events_view]:
            vb.setGeometry(rect)
            vb.linkedViewChanged(self.vb, vb.XAxis)

    def _style_axis(self, axis: pg.AxisItem, text: str) -> None:
        axis.setTextPen(text)
        axis.setPen(AXIS_LINE)

    def _place(self, pen: Pen, vb: pg.ViewBox | None) -> None:
        # straight into the view boxes: PlotItem.removeItem would also drop the legend entry
        if pen.view is vb:
            return
        if pen.view is not None:
            # emptied first: a curve with data re-entering the scene looks for its view box
            # before it has a parent (and finds the widget); the next redraw refills it
            pen.curve.clear()
            pen.dirty = True
            pen.view.removeItem(pen.curve)
        pen.view = vb
        if vb is not None:
            vb.addItem(pen.curve)

    def units(self) -> list[str]:
        """The units of the pens, in the order their axes appear."""
        out: list[str] = []
        for p in self.pens.values():
            if p.unit not in out:
                out.append(p.unit)
        return out

    def _layout_changed(self) -> None:
        units = self.units()
        spans = all(p.span is not None for p in self.pens.values())
        normalised = len(units) > self.max_axes and spans
        if normalised != self._normalised:
            self._normalised = normalised
        n_axes = 1 if normalised or len(units) <= 1 else min(len(units), self.max_axes)
        while len(self._unit_views) < n_axes - 1:
            self._add_unit_view()
        while len(self._unit_views) > n_axes - 1:
            self._drop_unit_view()
        views = [self.vb] + [v for v, _ in self._unit_views]
        axes = [self.item.getAxis("left")] + [a for _, a in self._unit_views]
        for p in self.pens.values():
            i = 0 if n_axes == 1 else min(units.index(p.unit), n_axes - 1)
            self._place(p, views[i])
        if n_axes > 1:
            for i, axis in enumerate(axes):
                first = next(p for p in self.pens.values() if min(units.index(p.unit), n_axes - 1) == i)
                label = units[i] if i < n_axes - 1 or len(units) == n_axes else self.tr("mixed units")
                self._style_axis(axis, first.color)
                axis.setLabel(label, color=first.color)
        for p in self.pens.values():
            p.dirty = True
        self._sync_views()
        self._draw_limits()
        self._update_title()

    def _add_unit_view(self) -> None:
        vb = self._overlay_view()
        vb.setAutoVisible(y=True)
        vb.enableAutoRange(axis="y", enable=True)
        axis = pg.AxisItem("right")
        axis.linkToView(vb)
        axis.setZValue(-100000)
        self.item.layout.addItem(axis, 2, 3 + len(self._unit_views))
        self._unit_views.append((vb, axis))

    def _drop_unit_view(self) -> None:
        vb, axis = self._unit_views.pop()
        for p in self.pens.values():
            if p.view is vb:
                self._place(p, self.vb)
        self.item.layout.removeItem(axis)
        axis.setParentItem(None)
        if axis.scene() is not None:
            axis.scene().removeItem(axis)
        self.item.scene().removeItem(vb)

    def _limit_pen(self) -> Pen | None:
        """The pen whose limits are drawn: the only pen, or the highlighted one on a single axis."""
        if len(self.pens) == 1:
            return next(iter(self.pens.values()))
        if self._highlight is not None and len(self.units()) == 1 and not self._normalised:
            return self.pens[self._highlight]
        return None

    def _draw_limits(self) -> None:
        for it in self._limit_lines + self._bands:
            self.item.removeItem(it)
        self._limit_lines.clear()
        self._bands.clear()
        pen = self._limit_pen()
        if pen is None or not pen.limits:
            return
        lim = {k: v for k, (v, _p) in pen.limits.items()}
        prio = {k: p for k, (_v, p) in pen.limits.items()}
        for name, (value, priority) in pen.limits.items():
            color = PRIORITY_COLORS.get(priority, "#a0a0a0")
            line = pg.InfiniteLine(
                pos=value,
                angle=0,
                pen=pg.mkPen(color, width=1, style=Qt.PenStyle.DashLine),
                label=f"{name} {format_number(value)}",
                labelOpts={"color": color, "position": 0.02, "anchors": [(0, 1), (0, 1)]},
            )
            line.setZValue(-5)
            self.item.addItem(line, ignoreBounds=True)
            self._limit_lines.append(line)
        values = sorted(lim.values())
        reach = max(abs(values[-1] - values[0]), abs(values[-1]), 1.0) * 10.0
        top = pen.span[1] if pen.span is not None else values[-1] + reach
        bottom = pen.span[0] if pen.span is not None else values[0] - reach
        bands = []
        if "H" in lim:
            bands.append((lim["H"], lim.get("HH", max(top, lim["H"])), prio["H"]))
        if "HH" in lim:
            bands.append((lim["HH"], max(top, lim["HH"] + reach), prio["HH"]))
        if "L" in lim:
            bands.append((lim.get("LL", min(bottom, lim["L"])), lim["L"], prio["L"]))
        if "LL" in lim:
            bands.append((min(bottom, lim["LL"] - reach), lim["LL"], prio["LL"]))
        for lo, hi, priority in bands:
            if not hi > lo:
                continue
            color = pg.mkColor(PRIORITY_COLORS.get(priority, "#a0a0a0"))
            color.setAlpha(BAND_ALPHA)
            band = pg.LinearRegionItem(
                values=(lo, hi),
                orientation="horizontal",
                movable=False,
                brush=pg.mkBrush(color),
                pen=pg.mkPen(None),
            )
            band.setZValue(-20)
            self.item.addItem(band, ignoreBounds=True)
            self._bands.append(band)

    def _visible_events(self) -> list[TrendEvent]:
        names = {p.name for p in self.pens.values()}
        return [e for e in self.events if e.source in names]

    def _show_events(self) -> None:
        marks = self._visible_events()
        if not marks:
            self._event_marks.setData([], [])
            return
        brushes = [
            pg.mkBrush(PRIORITY_COLORS.get(e.priority, CLEARED_EVENT) if e.active else CLEARED_EVENT)
            for e in marks
        ]
        self._event_marks.setData(
            x=np.array([e.ts for e in marks]),
            y=np.full(len(marks), 0.03),
            brush=brushes,
            pen=pg.mkPen("#1e1f22", width=1),
        )

    # ------------------------------------------------------------ legend and title
    def _set_legend(self, pen: Pen, value: float | None = None) -> None:
        label = self.legend.getLabel(pen.curve)
        if label is not None:
            label.setText(self._legend_text(pen, value))

    def _legend_text(self, pen: Pen, value: float | None = None) -> str:
        if value is None:
            _ts, v = pen.buffer.view()
            last = v[-1] if len(v) else math.nan
            if not len(v) and len(pen.shown):
                last = pen.shown.value[-1]
            shown = format_number(float(last)) if math.isfinite(last) else ("…" if pen.loading else "?")
        else:
            shown = format_number(value) if math.isfinite(value) else "—"
        unit = f" {pen.unit}" if pen.unit else ""
        text = f"{pen.name}   {shown}{unit}"
        if pen.tag in self.load_errors:
            text += "   " + self.tr("(history unavailable)")
        return text

    def _update_title(self) -> None:
        left = self.item.getAxis("left")
        if not self.pens:
            self.title.setText(self.tr("Trend: double-click or drag a tag here"))
            self._style_axis(left, AXIS_TEXT)
            self.item.setLabel("left", "")
        elif self._normalised:
            self.title.setText(self.tr("Trend: {n} pens, % of range").format(n=len(self.pens)))
            self._style_axis(left, AXIS_TEXT)
            self.item.setLabel("left", self.tr("% of range"), color=AXIS_TEXT)
        else:
            n = len(self.pens)
            self.title.setText(self.tr("Trend: {n} pens").format(n=n) if n > 1 else self.tr("Trend: 1 pen"))
            if len(self.units()) <= 1:
                self._style_axis(left, AXIS_TEXT)
                self.item.setLabel("left", next(iter(self.pens.values())).unit, color=AXIS_TEXT)

    # ------------------------------------------------------------ drag and drop from the tag browser
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat("application/x-forewarn-tag"):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasFormat("application/x-forewarn-tag"):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        md = event.mimeData()
        if not md.hasFormat("application/x-forewarn-tag"):
            return super().dropEvent(event)
        raw = bytes(md.data("application/x-forewarn-tag")).decode()
        for part in raw.split(","):
            if part.strip().isdigit():
                self.tagDropped.emit(int(part))
        event.acceptProposedAction()


def _series(batch: SampleBatch) -> Series:
    """A history batch as a sorted Series with NaN where quality is bad."""
    order = np.argsort(batch.ts, kind="stable")
    ts, v, q = batch.ts[order], batch.value[order], batch.quality[order]
    return Series(ts, np.where(q == Quality.BAD, np.nan, v), q.astype(np.uint8))
