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
Curves are drawn as steps (history is stored on change: the value holds until the next sample),
with a corner only where two samples are over two pixels apart (`trend_data.held`); bad quality
is NaN and drawn as a gap (`connect="finite"`).

A redraw is one paint: Y is fitted when the data is set (not while painting), the live view
moves on only once it would move a whole pixel, and the axes with their grid, the forecast cones
and the legend's ground are painted from pixmaps kept until they change (`trend_axes.cached`).

Pens of one unit share a Y axis; up to `max_axes` units get their own axis, more are shown in %
of their range. With one axis, the alarm limits are drawn as translucent bands. Alarm journal
entries of the trended tags appear as markers along the time axis, and a crosshair reads every
pen's value at the cursor into the legend.

The pens and their rings are in `widgets.trend_pens`; the history reads in `widgets.trend_history`
(`plot.history`), the unit axes in `widgets.trend_axes` (`plot.axes`), the cones, crosshair, bands
and markers in `widgets.trend_overlays` (`plot.overlays`): components of `TrendPlot`, which owns
the pens, the view and the signals, and which they use through its public attributes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QTimer, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from core.formatting import format_number
from core.samples import Quality, SampleBatch
from widgets.trend_axes import AXIS_TEXT, TrendAxes, cached, place, style_axis
from widgets.trend_data import Series, TrendEvent, compose, csv_lines, held, value_at, write_csv
from widgets.trend_history import TrendHistory
from widgets.trend_overlays import TrendOverlays
from widgets.trend_pens import DEFAULT_CAPACITY, PEN_COLORS, Pen, RingBuffer
from widgets.trend_workers import EventsLoader, HistoryLoader

MAX_PENS = 16
WINDOWS = {QT_TRANSLATE_NOOP("trend", "10 min"): 600.0, QT_TRANSLATE_NOOP("trend", "1 h"): 3600.0}
__all__ = ["PEN_COLORS", "WINDOWS", "EventsLoader", "HistoryLoader", "Pen", "RingBuffer", "TrendPlot"]


LEGEND_SHARE = 0.25  # of the plot's height the legend may cover (as long as three columns can)
LEGEND_LINE, LEGEND_FRAME = 22, 18  # px per legend row, px of its frame and margins
HOLD_PX = 2.0  # samples further apart than this on screen are drawn with the corner of a step


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
        self.highlighted: int | None = None  # the pen drawn thicker
        self.hold_gap = 0.0  # s: samples further apart got a step's corner when last drawn
        self._generation = 0
        self.history = TrendHistory(self, requery_ms)  # back-fill and history of the visible range

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
            style_axis(self.item.getAxis(name), AXIS_TEXT)
            cached(self.item.getAxis(name))
        # placed, not anchored: an anchor follows the view box's geometry signal, which can
        # still fire while the plot is being destroyed
        self.legend = self.item.addLegend(
            offset=None, brush=pg.mkBrush(38, 40, 43, 215), pen=pg.mkPen("#4a4d52"), labelTextColor="#d8dadd"
        )
        self.legend.setPos(8, 8)
        self.legend.setZValue(20)
        cached(self.legend)  # its frame and translucent ground

        # extra unit axes (a view box each, linked in time, drawn under the main view box so
        # the main one receives every mouse event), then what is drawn over the curves
        self.axes = TrendAxes(self)
        self.overlays = TrendOverlays(self)
        self.vb.sigResized.connect(self.axes.sync_views)
        self._mouse = pg.SignalProxy(
            self.plot.scene().sigMouseMoved, rateLimit=30, slot=self.overlays.mouse_moved
        )
        self.plot.viewport().installEventFilter(self)

        self.vb.sigRangeChangedManually.connect(self._manual_range)
        self.vb.sigXRangeChanged.connect(self.history.x_range_changed)
        self.vb.sigXRangeChanged.connect(self._x_scaled)
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
        self.update_title()
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
            connect="finite",  # held until the next sample by `held`'s corners, not stepMode
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
        place(pen, self.vb)
        self.legend.addItem(curve, self._legend_text(pen))
        self._fit_legend()
        if history_loader is not None:
            self.history.backfill(pen)
        self.axes.layout_changed()
        self.history.requery.start()
        return True

    def remove_pen(self, tag: int) -> None:
        pen = self.pens.get(tag)
        if pen is None:
            return
        self.set_forecast(tag, None)
        del self.pens[tag]
        self.legend.removeItem(pen.curve)
        self._fit_legend()
        place(pen, None)
        self.load_errors.pop(tag, None)
        if self.highlighted == tag:
            self.highlighted = None
        self.axes.layout_changed()
        self.overlays.show_events()
        self.penRemoved.emit(tag)

    def clear(self) -> None:
        for tag in list(self.pens):
            self.remove_pen(tag)

    def has_pen(self, tag: int) -> bool:
        return tag in self.pens

    def highlight(self, tag: int | None) -> None:
        """Draw one pen thicker (the alarm the operator selected); its limits become the bands."""
        self.highlighted = tag if tag in self.pens else None
        for t, p in self.pens.items():
            p.curve.setPen(pg.mkPen(p.color, width=3.0 if t == self.highlighted else 1.5))
        self.overlays.draw_limits()

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

    def _right_edge(self) -> float:
        now = self.clock()
        newest = max((p.buffer.last_ts() for p in self.pens.values()), default=-math.inf)
        if math.isfinite(newest) and newest < now - self.window_s:
            return newest  # replayed or stale data: show where the data is
        return now

    def _set_x_range(self) -> None:
        right = self._right_edge()
        # room ahead of now for the forecast cones drawn (a quarter of the window at most)
        ahead = self.window_s * 0.01
        ends = [float(p.cone[0][-1]) for p in self.pens.values() if p.cone is not None and len(p.cone[0])]
        if ends:
            ahead = min(self.window_s * 0.25, max(ahead, (max(ends) - right) * 1.05))
        t0, t1 = right - self.window_s, right + ahead
        # on screen, a move of less than a pixel shows nothing new but would redraw the axes and
        # the grid and re-clip every curve: the view steps on once it would move a whole pixel
        (x0, x1), pixel = self.vb.viewRange()[0], self._pixel_s()
        if self.isVisible() and pixel > 0 and abs(t0 - x0) < pixel and abs(t1 - x1) < pixel:
            return
        self.item.setXRange(t0, t1, padding=0)

    def _pixel_s(self) -> float:
        """Seconds per pixel of the time axis (0 before the plot is laid out)."""
        (x0, x1), width = self.vb.viewRange()[0], self.vb.width()
        return (x1 - x0) / width if width > 0 and x1 > x0 else 0.0

    def _x_scaled(self, *_args) -> None:
        """Zoomed in so that samples joined straight would show it: every pen again, with the
        corners of the new scale (zoomed out, the corners drawn are merely more than needed)."""
        if self.hold_gap > 0 and self._pixel_s() * HOLD_PX < self.hold_gap / 1.5:
            for pen in self.pens.values():
                pen.dirty = True

    def redraw(self) -> None:
        """Push dirty pens to their curves (timer, at most 10 Hz)."""
        dirty = [p for p in self.pens.values() if p.dirty]
        if dirty:
            self.hold_gap = self._pixel_s() * HOLD_PX
        for pen in dirty:
            pen.shown = compose(pen.history, pen.history_end, pen.buffer.series())
            v = pen.shown.value
            if self.axes.normalised and pen.span is not None:
                lo, hi = pen.span
                v = (v - lo) * (100.0 / (hi - lo))
            pen.curve.setData(*held(pen.shown.ts, v, self.hold_gap))
            pen.dirty = False
            if self.overlays.cursor_x is None:
                self.set_legend(pen)
        if self.following and (dirty or not self.pens):
            self._set_x_range()
        if dirty:
            # fit Y now: left to the paint, a new Y range would ask for a second paint
            for vb in self.axes.value_views():
                vb.updateAutoRange()

    def shown(self, tag: int) -> Series:
        """What the pen of `tag` draws (history and live joined), in engineering units."""
        pen = self.pens.get(tag)
        return pen.shown if pen is not None else Series.empty()

    # ------------------------------------------------------------ read-out and export
    def values_at(self, x: float) -> dict[int, float]:
        """Each pen's value at time `x`, holding the last sample (NaN in a gap)."""
        return {tag: value_at(p.shown, x) for tag, p in self.pens.items()}

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Leave and self.overlays.cursor_x is not None:
            self.show_cursor(None)
        return super().eventFilter(obj, event)

    def visible_range(self) -> tuple[float, float]:
        (t0, t1), _ = self.vb.viewRange()
        return float(t0), float(t1)

    def reload(self) -> None:
        """Read the visible range from history again (new samples were written, say)."""
        self.history.reload()

    def set_forecast(self, tag: int, cone) -> None:
        """Draw a pen's forecast ahead of its live curve (t, lower, middle, upper), or remove it."""
        self.overlays.set_forecast(tag, cone)

    def show_cursor(self, x: float | None) -> None:
        """Put the crosshair at time `x` and read every pen's value there into the legend."""
        self.overlays.show_cursor(x)

    def units(self) -> list[str]:
        """The units of the pens, in the order their axes appear."""
        return self.axes.units()

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

    # ------------------------------------------------------------ legend and title
    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_legend()

    def _fit_legend(self) -> None:
        """One column while it covers at most a quarter of the plot's height, else up to three
        side by side, so a small plot keeps most of its data in sight. Its height is whole rows
        and its frame: four pens in two columns are two rows, not the two of a fraction."""
        entries = max(len(self.pens), 1)
        columns = 1
        while columns < 3 and math.ceil(entries / columns) * LEGEND_LINE + LEGEND_FRAME > (
            self.plot.height() * LEGEND_SHARE
        ):
            columns += 1
        if self.legend.columnCount != columns:
            self.legend.setColumnCount(columns)

    def set_legend(self, pen: Pen, value: float | None = None) -> None:
        """A pen's legend entry: its latest value, or its value at the cursor."""
        label = self.legend.getLabel(pen.curve)
        text = self._legend_text(pen, value)
        if label is not None and label.text != text:  # setText re-lays the legend out
            label.setText(text)

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

    def update_title(self) -> None:
        left = self.item.getAxis("left")
        if not self.pens:
            self.title.setText(self.tr("Trend: double-click or drag a tag here"))
            style_axis(left, AXIS_TEXT)
            self.item.setLabel("left", "")
        elif self.axes.normalised:
            self.title.setText(self.tr("Trend: {n} pens, % of range").format(n=len(self.pens)))
            style_axis(left, AXIS_TEXT)
            self.item.setLabel("left", self.tr("% of range"), color=AXIS_TEXT)
        else:
            n = len(self.pens)
            self.title.setText(self.tr("Trend: {n} pens").format(n=n) if n > 1 else self.tr("Trend: 1 pen"))
            if len(self.units()) <= 1:
                style_axis(left, AXIS_TEXT)
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
