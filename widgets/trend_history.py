"""History in the trend: the back-fill of a new pen, and the reads of the visible range.

When the operator zooms or pans beyond what the rings hold, the visible range is re-read from
history in a worker once the view rests; a read made for a view that has since changed is
dropped. `TrendHistory` is a component of `widgets.trend.TrendPlot` (`plot.history`): it owns
the reads under way and what the last one covered, and uses the plot's public pens, view box,
clock, events loader, signals and redraw. Its texts keep the "TrendPlot" translation context.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QCoreApplication, QThreadPool, QTimer

from core.samples import Quality, SampleBatch
from widgets.trend_data import Series
from widgets.trend_workers import HistoryLoad, LoadSignals, RangeLoad, RangeResult, RequestCounter


@dataclass
class Query:
    """What a history read of the visible range asked for."""

    t0: float
    t1: float
    view_span: float
    tags: frozenset[int]
    events: bool


class TrendHistory:
    """History back-fill and history zoom of a `widgets.trend.TrendPlot` (see the module docstring)."""

    def __init__(self, plot, requery_ms: int):
        self.plot = plot
        self.requests = RequestCounter()
        self.query: Query | None = None  # what the last read of the visible range covered
        self.in_flight: int | None = None  # the request under way
        self.signals = LoadSignals(plot)
        self.signals.done.connect(self._backfill_done)
        self.signals.rangeProgress.connect(self._range_progress)
        self.signals.rangeDone.connect(self._range_done)
        self.requery = QTimer(plot)
        self.requery.setSingleShot(True)
        self.requery.setInterval(requery_ms)
        self.requery.timeout.connect(self.maybe_query)

    # ------------------------------------------------------------ back-fill of a new pen
    def backfill(self, pen) -> None:
        """Read the last `history_span_s` of a new pen's tag in a worker."""
        t1 = self.plot.clock()
        pen.loading = True
        QThreadPool.globalInstance().start(
            HistoryLoad(pen.loader, pen.tag, pen.generation, t1 - self.plot.history_span_s, t1, self.signals)
        )

    def _backfill_done(self, tag: int, generation: int, result) -> None:
        plot = self.plot
        pen = plot.pens.get(tag)
        if pen is None or pen.generation != generation:
            return  # removed (or removed and added again) while loading
        pen.loading = False
        if isinstance(result, Exception):
            plot.load_errors[tag] = str(result)
            plot.set_legend(pen)
            plot.historyLoaded.emit(tag)
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
        plot.historyLoaded.emit(tag)
        self.requery.start()  # the ring now covers more: the range query may change

    # ------------------------------------------------------------ history of the visible range
    def reload(self) -> None:
        """Read the visible range from history again (new samples were written, say)."""
        self.query = None
        self.requests.next()
        self.in_flight = None
        self.maybe_query()

    def x_range_changed(self, *_args) -> None:
        plot = self.plot
        t0, t1 = plot.visible_range()
        plot.viewRangeChanged.emit(t0, t1)
        q = self.query
        if self.in_flight is not None and q is not None and not self._covers(q, t0, t1, plot.clock()):
            # the read under way is for a view that is gone: stop it, its result is stale
            self.requests.next()
            self.in_flight = None
            self.query = None
        self.requery.start()  # restarted on every change: reads once the view rests

    @staticmethod
    def _covers(q: Query, t0: float, t1: float, right: float) -> bool:
        tol = 0.02 * (t1 - t0)
        return q.t0 <= t0 + tol and q.t1 >= min(t1, right) - tol and (t1 - t0) >= 0.5 * q.view_span

    def maybe_query(self) -> None:
        """Start a history read unless the rings and the last read cover the visible range."""
        if not self._start_query() and self.plot.loading and self.in_flight is None:
            self._set_loading(False)  # the view moved back to what is already there

    def _start_query(self) -> bool:
        plot = self.plot
        if not plot.pens:
            return False
        t0, t1 = plot.visible_range()
        span = t1 - t0
        if not span > 0:
            return False
        now = plot.clock()
        margin = 0.25 * span
        q0, q1 = t0 - margin, min(t1 + margin, now)
        if q1 <= q0:
            return False  # the whole view lies in the future
        need = [p for p in plot.pens.values() if p.loader is not None and p.buffer.first_ts() > t0]
        want_events = plot.events_loader is not None
        if not need and not want_events:
            return False
        q = self.query
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
            for p in plot.pens.values()
            if p.loader is not None and p.buffer.first_ts() > q0
        ]
        self.query = Query(q0, q1, span, frozenset(t for t, _, _ in jobs), want_events)
        self.in_flight = request = self.requests.next()
        self._set_loading(True)
        plot.loadProgress.emit(0, len(jobs) + want_events)
        QThreadPool.globalInstance().start(
            RangeLoad(request, self.requests, jobs, q0, q1, plot.events_loader, self.signals)
        )
        return True

    def _set_loading(self, on: bool) -> None:
        plot = self.plot
        if on != plot.loading:
            plot.loading = on
            plot.loadingChanged.emit(on)

    def _range_progress(self, request: int, done: int, total: int) -> None:
        if request == self.requests.value:
            self.plot.loadProgress.emit(done, total)

    def _range_done(self, request: int, result: RangeResult) -> None:
        if request != self.requests.value:
            return  # made for a view that has changed since
        plot = self.plot
        errors = []
        for tag, batch in result.batches.items():
            pen = plot.pens.get(tag)
            if pen is None or pen.generation != result.generations.get(tag):
                continue
            if isinstance(batch, Exception):
                plot.load_errors[tag] = str(batch)
                errors.append(f"{pen.name}: {batch}")
                continue
            plot.load_errors.pop(tag, None)
            pen.history = _series(batch)
            pen.history_end = result.t1
            pen.dirty = True
        if isinstance(result.events, Exception):
            errors.append(
                QCoreApplication.translate("TrendPlot", "alarm journal: {error}").format(error=result.events)
            )
        elif result.events is not None:
            plot.events = sorted(result.events, key=lambda e: e.ts)
            plot.overlays.show_events()
        plot.range_error = "; ".join(errors)
        self.in_flight = None
        self._set_loading(False)
        plot.redraw()
        plot.rangeLoaded.emit()


def _series(batch: SampleBatch) -> Series:
    """A history batch as a sorted Series with NaN where quality is bad."""
    order = np.argsort(batch.ts, kind="stable")
    ts, v, q = batch.ts[order], batch.value[order], batch.quality[order]
    return Series(ts, np.where(q == Quality.BAD, np.nan, v), q.astype(np.uint8))
