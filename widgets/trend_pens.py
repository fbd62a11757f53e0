"""A trend pen and its samples: the preallocated ring buffer written by index, and the colours.

The ring is stored twice in a row, so the last N samples are always one contiguous slice: no
`np.roll`, no per-point work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg

from core.samples import Quality
from widgets.trend_data import Series
from widgets.trend_workers import HistoryLoader

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
DEFAULT_CAPACITY = 16384  # > 4 h at 1 sample/s, plus a decimated history load


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
    """One curve of `widgets.trend.TrendPlot`: the tag, its ring, what is drawn, and where."""

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
