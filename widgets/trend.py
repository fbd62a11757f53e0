"""Live multi-pen trend on pyqtgraph.

Each pen owns a preallocated ring buffer written by index (the buffer is stored twice in a row,
so the last N samples are always one contiguous slice: no `np.roll`, no per-point work). Samples arrive in
batches; the curves are redrawn from a timer at most 5 Hz and only when something changed.
Bad-quality samples are stored as NaN and drawn as gaps (`connect="finite"`). When a pen is
added, the last hour is loaded from history in a worker and merged in front of the live samples.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from app.model import Quality, SampleBatch
from widgets.alarm_table import PRIORITY_COLORS, format_number

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
WINDOWS = {"10 min": 600.0, "1 h": 3600.0}
DEFAULT_CAPACITY = 16384  # > 4 h at 1 sample/s, plus a decimated history load
HistoryLoader = Callable[[int, float, float], SampleBatch]


class RingBuffer:
    """Fixed-capacity (ts, value) ring; `view()` returns the newest samples, oldest first."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY):
        self.capacity = int(capacity)
        self.ts = np.full(2 * self.capacity, np.nan)
        self.value = np.full(2 * self.capacity, np.nan)
        self.written = 0

    def __len__(self) -> int:
        return min(self.written, self.capacity)

    def clear(self) -> None:
        self.written = 0

    def write(self, ts: np.ndarray, value: np.ndarray) -> None:
        k = len(ts)
        if k == 0:
            return
        if k > self.capacity:
            ts, value = ts[-self.capacity :], value[-self.capacity :]
            k = self.capacity
        pos = (self.written + np.arange(k)) % self.capacity
        self.ts[pos] = ts
        self.ts[pos + self.capacity] = ts
        self.value[pos] = value
        self.value[pos + self.capacity] = value
        self.written += k

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        n = len(self)
        end = self.written % self.capacity + self.capacity
        return self.ts[end - n : end], self.value[end - n : end]

    def last_ts(self) -> float:
        if self.written == 0:
            return -math.inf
        return float(self.ts[(self.written - 1) % self.capacity])

    def first_ts(self) -> float:
        if self.written == 0:
            return math.inf
        return float(self.view()[0][0])


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


class _LoadSignals(QObject):
    done = Signal(int, int, object)  # tag, generation, SampleBatch or Exception


class _HistoryLoad(QRunnable):
    """Reads one tag's history in a pool thread; the result is queued to the GUI thread."""

    def __init__(self, loader: HistoryLoader, tag: int, generation: int, t0: float, t1: float, signals):
        super().__init__()
        self.loader, self.tag, self.generation, self.t0, self.t1 = loader, tag, generation, t0, t1
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.loader(self.tag, self.t0, self.t1)
        except Exception as exc:  # reported on the GUI thread, next to the pen
            result = exc
        try:
            self.signals.done.emit(self.tag, self.generation, result)
        except RuntimeError:  # the trend was closed while loading
            pass


class TrendPlot(QWidget):
    """Multi-pen live trend with a time axis, window presets and history back-fill."""

    tagDropped = Signal(int)  # a tag was dropped here from the tag browser
    historyLoaded = Signal(int)  # tag whose history back-fill has been merged
    penRemoved = Signal(int)

    def __init__(
        self,
        parent=None,
        *,
        capacity: int = DEFAULT_CAPACITY,
        redraw_hz: float = 5.0,
        window_s: float = 600.0,
        history_span_s: float = 3600.0,
        clock: Callable[[], float] = time.time,
    ):
        super().__init__(parent)
        self.setObjectName("trendPlot")
        self.capacity = capacity
        self.window_s = window_s
        self.history_span_s = history_span_s
        self.clock = clock
        self.following = True
        self.pens: dict[int, Pen] = {}
        self._limit_lines: list[pg.InfiniteLine] = []
        self._normalised = False
        self._highlight: int | None = None
        self._generation = 0
        self._signals = _LoadSignals(self)
        self._signals.done.connect(self._history_done)
        self.load_errors: dict[int, str] = {}

        pg.setConfigOptions(antialias=False)
        self.axis = pg.DateAxisItem(orientation="bottom")
        self.plot = pg.PlotWidget(parent=self, axisItems={"bottom": self.axis}, background="#26282b")
        self.item = self.plot.getPlotItem()
        self.item.showGrid(x=True, y=True, alpha=0.18)
        self.item.setClipToView(True)
        self.item.setDownsampling(auto=True, mode="peak")
        self.item.setMenuEnabled(False)
        self.item.hideButtons()
        self.item.getViewBox().setAutoVisible(y=True)
        self.item.enableAutoRange(axis="y", enable=True)
        for name in ("left", "bottom"):
            ax = self.item.getAxis(name)
            ax.setTextPen("#b8bcc2")
            ax.setPen("#5a5e64")
        # placed, not anchored: an anchor follows the view box's geometry signal, which can
        # still fire while the plot is being destroyed
        self.legend = self.item.addLegend(
            offset=None, brush=pg.mkBrush(38, 40, 43, 215), pen=pg.mkPen("#4a4d52"), labelTextColor="#d8dadd"
        )
        self.legend.setPos(8, 8)
        self.item.getViewBox().sigRangeChangedManually.connect(self._manual_range)
        self.plot.setAcceptDrops(False)
        self.setAcceptDrops(True)

        self.title = QLabel("", self)
        self.title.setObjectName("trendTitle")
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(4)
        bar.addWidget(self.title, 1)
        self.window_group = QButtonGroup(self)
        self.window_buttons: dict[str, QToolButton] = {}
        for label, secs in WINDOWS.items():
            b = QToolButton(self)
            b.setText(label)
            b.setCheckable(True)
            b.setChecked(secs == window_s)
            b.clicked.connect(lambda _c=False, s=secs: self.set_window(s))
            self.window_group.addButton(b)
            self.window_buttons[label] = b
            bar.addWidget(b)
        self.live_button = QToolButton(self)
        self.live_button.setText("Live")
        self.live_button.setCheckable(True)
        self.live_button.setChecked(True)
        self.live_button.setToolTip("Follow the newest samples")
        self.live_button.clicked.connect(self.set_following)
        bar.addWidget(self.live_button)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("Clear")
        self.clear_button.setToolTip("Remove every pen")
        self.clear_button.clicked.connect(self.clear)
        bar.addWidget(self.clear_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(2)
        lay.addLayout(bar)
        lay.addWidget(self.plot, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / max(1.0, min(10.0, redraw_hz))))
        self._timer.timeout.connect(self.redraw)
        self._timer.start()
        self._update_title()

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
        """Add a pen for `tag`; back-fill the last hour with `history_loader(tag, t0, t1)`.

        `span` is the tag's range (used when pens of different units share the plot),
        `limits` maps limit names to (value, priority) for dashed limit lines."""
        if tag in self.pens:
            return True
        if len(self.pens) >= MAX_PENS:
            return False
        used = {p.color for p in self.pens.values()}
        color = next((c for c in PEN_COLORS if c not in used), PEN_COLORS[len(self.pens) % len(PEN_COLORS)])
        curve = pg.PlotDataItem(
            pen=pg.mkPen(color, width=1.5),
            connect="finite",
            skipFiniteCheck=True,
            clipToView=True,
            autoDownsample=True,
            downsampleMethod="peak",
        )
        self.item.addItem(curve)
        self._generation += 1
        pen = Pen(tag, name, unit, color, RingBuffer(self.capacity), curve, span, dict(limits or {}))
        pen.generation = self._generation
        self.pens[tag] = pen
        self.legend.addItem(curve, self._legend_text(pen))
        if history_loader is not None:
            t1 = self.clock()
            pen.loading = True
            QThreadPool.globalInstance().start(
                _HistoryLoad(history_loader, tag, pen.generation, t1 - self.history_span_s, t1, self._signals)
            )
        self._layout_changed()
        return True

    def remove_pen(self, tag: int) -> None:
        pen = self.pens.pop(tag, None)
        if pen is None:
            return
        self.legend.removeItem(pen.curve)
        self.item.removeItem(pen.curve)
        if self._highlight == tag:
            self._highlight = None
        self._layout_changed()
        self.penRemoved.emit(tag)

    def clear(self) -> None:
        for tag in list(self.pens):
            self.remove_pen(tag)

    def has_pen(self, tag: int) -> bool:
        return tag in self.pens

    def highlight(self, tag: int | None) -> None:
        """Draw one pen thicker (the alarm the operator selected)."""
        self._highlight = tag if tag in self.pens else None
        for t, p in self.pens.items():
            p.curve.setPen(pg.mkPen(p.color, width=3.0 if t == self._highlight else 1.5))

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
            ts, v = sub.ts[sel], value[sel]
            keep = ts > pen.buffer.last_ts()
            if not keep.all():
                ts, v = ts[keep], v[keep]
            if len(ts):
                pen.buffer.write(ts, v)
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
            first_live = pen.buffer.first_ts()
            order = np.argsort(result.ts, kind="stable")
            hts, hv, hq = result.ts[order], result.value[order], result.quality[order]
            older = hts < first_live  # live samples win where both exist: no seam, no overlap
            hv = np.where(hq == Quality.BAD, np.nan, hv)
            live_ts, live_v = pen.buffer.view()
            ts = np.concatenate([hts[older], live_ts])
            v = np.concatenate([hv[older], live_v])
            pen.buffer.clear()
            pen.buffer.write(ts, v)
            pen.dirty = True
        self.historyLoaded.emit(tag)

    # ------------------------------------------------------------ view
    def set_window(self, seconds: float) -> None:
        self.window_s = float(seconds)
        for label, secs in WINDOWS.items():
            self.window_buttons[label].setChecked(secs == self.window_s)
        self.set_following(True)

    def set_following(self, on: bool = True) -> None:
        self.following = bool(on)
        self.live_button.setChecked(self.following)
        if self.following:
            self.item.enableAutoRange(axis="y", enable=True)
            self._set_x_range()

    def _manual_range(self, *_args) -> None:
        if self.following:
            self.following = False
            self.live_button.setChecked(False)

    def _right_edge(self) -> float:
        now = self.clock()
        newest = max((p.buffer.last_ts() for p in self.pens.values()), default=-math.inf)
        if math.isfinite(newest) and newest < now - self.window_s:
            return newest  # replayed or stale data: show where the data is
        return now

    def _set_x_range(self) -> None:
        right = self._right_edge()
        self.item.setXRange(right - self.window_s, right + self.window_s * 0.01, padding=0)

    def redraw(self) -> None:
        """Push dirty pens to their curves (timer, at most 5 Hz)."""
        dirty = [p for p in self.pens.values() if p.dirty]
        for pen in dirty:
            ts, v = pen.buffer.view()
            if self._normalised and pen.span is not None:
                lo, hi = pen.span
                v = (v - lo) * (100.0 / (hi - lo))
            else:
                v = v.copy()
            # the curve keeps its arrays: hand it a snapshot, not a window onto the ring
            pen.curve.setData(ts.copy(), v)
            pen.dirty = False
            label = self.legend.getLabel(pen.curve)
            if label is not None:
                label.setText(self._legend_text(pen))
        if self.following and (dirty or not self.pens):
            self._set_x_range()

    def _legend_text(self, pen: Pen) -> str:
        ts, v = pen.buffer.view()
        last = v[-1] if len(v) else math.nan
        value = format_number(float(last)) if math.isfinite(last) else ("…" if pen.loading else "?")
        unit = f" {pen.unit}" if pen.unit else ""
        text = f"{pen.name}   {value}{unit}"
        if pen.tag in self.load_errors:
            text += "   (history unavailable)"
        return text

    def _layout_changed(self) -> None:
        units = {p.unit for p in self.pens.values()}
        spans = all(p.span is not None for p in self.pens.values())
        normalised = len(units) > 1 and spans
        if normalised != self._normalised:
            self._normalised = normalised
            for p in self.pens.values():
                p.dirty = True
        for line in self._limit_lines:
            self.item.removeItem(line)
        self._limit_lines.clear()
        if len(self.pens) == 1:
            (pen,) = self.pens.values()
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
        for p in self.pens.values():
            p.dirty = True
        self._update_title()

    def _update_title(self) -> None:
        if not self.pens:
            self.title.setText("Trend: double-click or drag a tag here")
            self.item.setLabel("left", "")
        elif self._normalised:
            self.title.setText(f"Trend: {len(self.pens)} pens, % of range")
            self.item.setLabel("left", "% of range", color="#b8bcc2")
        else:
            unit = next(iter(self.pens.values())).unit
            self.title.setText(f"Trend: {len(self.pens)} pen{'s' if len(self.pens) > 1 else ''}")
            self.item.setLabel("left", unit, color="#b8bcc2")

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
