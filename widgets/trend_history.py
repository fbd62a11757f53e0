"""History in the trend: the back-fill of a new pen, and the reads of the visible range.

When the operator zooms or pans beyond what the rings hold, the visible range is re-read from
history in a worker once the view rests; a read made for a view that has since changed is
dropped. `HistoryMixin` holds this part of `widgets.trend.TrendPlot`, whose attributes and signals
it uses. Its texts keep the "TrendPlot" translation context.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QCoreApplication, QThreadPool

from core.samples import Quality, SampleBatch
from widgets.trend_data import Series
from widgets.trend_workers import RangeLoad, RangeResult


@dataclass
class _Query:
    t0: float
    t1: float
    view_span: float
    tags: frozenset[int]
    events: bool


class HistoryMixin:
    """History back-fill and history zoom of `widgets.trend.TrendPlot`."""

    # ------------------------------------------------------------ back-fill of a new pen
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
            # TrendPlot's context, as its own tr() had: lupdate files a mixin's tr() under the mixin
            errors.append(
                QCoreApplication.translate("TrendPlot", "alarm journal: {error}").format(error=result.events)
            )
        elif result.events is not None:
            self.events = sorted(result.events, key=lambda e: e.ts)
            self._show_events()
        self.range_error = "; ".join(errors)
        self._in_flight = None
        self._set_loading(False)
        self.redraw()
        self.rangeLoaded.emit()


def _series(batch: SampleBatch) -> Series:
    """A history batch as a sorted Series with NaN where quality is bad."""
    order = np.argsort(batch.ts, kind="stable")
    ts, v, q = batch.ts[order], batch.value[order], batch.quality[order]
    return Series(ts, np.where(q == Quality.BAD, np.nan, v), q.astype(np.uint8))
