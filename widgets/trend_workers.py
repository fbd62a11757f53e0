"""History reads for the trend, run in `QThreadPool` workers; results are queued to the GUI thread.

Two kinds of work: the back-fill of one new pen (`HistoryLoad`) and the re-query of the visible
range for several pens plus the alarm journal (`RangeLoad`). A range load checks before each pen
whether a newer request has replaced it and stops if so: zooming quickly never queues a backlog
of reads nobody will look at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QRunnable, Signal

from core.samples import SampleBatch
from widgets.trend_data import TrendEvent

HistoryLoader = Callable[[int, float, float], SampleBatch]
EventsLoader = Callable[[float, float], Sequence[TrendEvent]]


class LoadSignals(QObject):
    done = Signal(int, int, object)  # tag, generation, SampleBatch or Exception
    rangeProgress = Signal(int, int, int)  # request, done, total
    rangeDone = Signal(int, object)  # request, RangeResult


class RequestCounter:
    """The newest range request; read by workers to drop stale work (a plain int under the GIL)."""

    def __init__(self):
        self.value = 0

    def next(self) -> int:
        self.value += 1
        return self.value


@dataclass
class RangeResult:
    t0: float
    t1: float
    generations: dict[int, int]  # tag -> pen generation the read was made for
    batches: dict[int, SampleBatch | Exception] = field(default_factory=dict)
    events: Sequence[TrendEvent] | Exception | None = None


class HistoryLoad(QRunnable):
    """Reads one tag's history (the back-fill of a new pen)."""

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


class RangeLoad(QRunnable):
    """Reads the visible range of several pens and the alarm journal for one request."""

    def __init__(
        self,
        request: int,
        counter: RequestCounter,
        jobs: Sequence[tuple[int, int, HistoryLoader]],  # tag, generation, loader
        t0: float,
        t1: float,
        events_loader: EventsLoader | None,
        signals: LoadSignals,
    ):
        super().__init__()
        self.request, self.counter, self.jobs = request, counter, list(jobs)
        self.t0, self.t1, self.events_loader, self.signals = t0, t1, events_loader, signals

    def run(self) -> None:
        result = RangeResult(self.t0, self.t1, {tag: gen for tag, gen, _ in self.jobs})
        total = len(self.jobs) + (self.events_loader is not None)
        try:
            for i, (tag, _gen, loader) in enumerate(self.jobs):
                if self.counter.value != self.request:
                    return  # replaced by a newer view range
                try:
                    result.batches[tag] = loader(tag, self.t0, self.t1)
                except Exception as exc:  # shown next to the pen
                    result.batches[tag] = exc
                self.signals.rangeProgress.emit(self.request, i + 1, total)
            if self.events_loader is not None and self.counter.value == self.request:
                try:
                    result.events = list(self.events_loader(self.t0, self.t1))
                except Exception as exc:
                    result.events = exc
            self.signals.rangeDone.emit(self.request, result)
        except RuntimeError:  # the trend was closed while loading
            pass
