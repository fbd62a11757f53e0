"""Sparklines: the last minutes of many tags, kept cheaply, drawn small.

`SparkStore` keeps one preallocated ring for every tag of the plant on a shared time axis: each
step (2 s by default) one column holds every tag's latest value, written by index; bad-quality
values are stored as NaN and drawn as gaps. It is fed with the bridge's coalesced latest values,
so a member row that appears later already has its recent past.

`Sparkline` is a light QWidget that paints one tag of a store as a polyline. It repaints only when
`refresh()` is called after the store has a new column (once per bridge flush at most), never
per sample.
"""

from __future__ import annotations

import math
import time

import numpy as np
from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.samples import Quality

SPAN_S = 600.0  # ten minutes
STEP_S = 2.0
LINE = QColor("#b8bcc2")
LINE_STALE = QColor("#6f7378")
FRAME = QColor("#3d4045")
_BAD = int(Quality.BAD)


class SparkStore:
    """Every tag's last `span_s` seconds, one column per `step_s`, in preallocated rings."""

    def __init__(self, n_tags: int, span_s: float = SPAN_S, step_s: float = STEP_S, *, clock=time.time):
        self.span_s, self.step_s, self.clock = float(span_s), float(step_s), clock
        self.capacity = max(2, int(math.ceil(span_s / step_s)) + 1)
        self.values = np.full((n_tags, self.capacity), np.nan)
        self.times = np.full(self.capacity, np.nan)
        self.head = 0  # next column to write
        self.count = 0
        self.version = 0  # bumped on every new column: sparklines repaint when it moved

    def append(self, values: np.ndarray, quality: np.ndarray | None = None, ts: float | None = None) -> bool:
        """Store every tag's latest value if a step has passed since the last column; True if stored."""
        now = self.clock() if ts is None else float(ts)
        if self.count:
            last = self.times[(self.head - 1) % self.capacity]
            if now < last - self.step_s:  # the clock was set back: start again rather than stall
                self.clear()
            elif now - last < self.step_s:
                return False
        col = np.asarray(values, dtype=float)
        if quality is not None:
            col = np.where(np.asarray(quality) == _BAD, np.nan, col)
        self.values[:, self.head] = col
        self.times[self.head] = now
        self.head = (self.head + 1) % self.capacity
        self.count = min(self.count + 1, self.capacity)
        self.version += 1
        return True

    def clear(self) -> None:
        self.values[:] = np.nan
        self.times[:] = np.nan
        self.head = self.count = 0
        self.version += 1

    def series(self, tag: int) -> tuple[np.ndarray, np.ndarray]:
        """(times, values) of one tag, oldest first, within the span of the newest column."""
        if not self.count or not 0 <= tag < len(self.values):
            return np.zeros(0), np.zeros(0)
        idx = (self.head - self.count + np.arange(self.count)) % self.capacity
        t, v = self.times[idx], self.values[tag, idx]
        keep = t >= t[-1] - self.span_s
        return t[keep], v[keep]


class Sparkline(QWidget):
    """One tag of a `SparkStore` as a small grey polyline over the store's span (gaps where bad)."""

    def __init__(self, store: SparkStore, tag: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("sparkline")
        self.store, self.tag = store, tag
        self._drawn = -1  # store version last painted
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)
        self.setToolTip(self.tr("Last 10 minutes"))

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(120, 22)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(60, 18)

    @property
    def dirty(self) -> bool:
        return self._drawn != self.store.version

    def refresh(self) -> None:
        """Repaint if the store has moved since the last paint (call once per bridge flush)."""
        if self.dirty and self.isVisible():
            self.update()

    def points(self) -> list[QPolygonF]:
        """The polyline pieces (split at gaps) in widget coordinates."""
        t, v = self.store.series(self.tag)
        ok = np.isfinite(v)
        if ok.sum() < 2:
            return []
        w, h = max(self.width() - 4, 1), max(self.height() - 4, 1)
        t1 = t[-1]
        t0 = t1 - self.store.span_s
        lo, hi = float(np.min(v[ok])), float(np.max(v[ok]))
        if hi - lo < 1e-12:
            lo, hi = lo - 1.0, hi + 1.0
        x = 2 + (t - t0) / (t1 - t0) * w
        y = 2 + (hi - v) / (hi - lo) * h
        pieces, cur = [], QPolygonF()
        for xi, yi, good in zip(x, y, ok, strict=True):
            if good:
                cur.append(QPointF(float(xi), float(yi)))
            elif cur.size():
                pieces.append(cur)
                cur = QPolygonF()
        if cur.size():
            pieces.append(cur)
        return [p for p in pieces if p.size() >= 1]

    def paintEvent(self, _event) -> None:  # noqa: N802
        self._drawn = self.store.version
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(FRAME, 1))
        p.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        t, v = self.store.series(self.tag)
        stale = len(v) and not math.isfinite(v[-1])
        p.setPen(QPen(LINE_STALE if stale else LINE, 1.2))
        last = None
        for poly in self.points():
            if poly.size() == 1:
                p.drawPoint(poly[0])
            else:
                p.drawPolyline(poly)
            last = poly[poly.size() - 1]
        if last is not None and not stale:
            p.setBrush(LINE)
            p.drawEllipse(last, 1.8, 1.8)
        p.end()


__all__ = ["SPAN_S", "STEP_S", "SparkStore", "Sparkline"]
