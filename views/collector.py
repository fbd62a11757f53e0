"""Python's cycle collector run on the GUI thread only.

The collector runs in whichever thread allocates past its threshold. When that is a worker (a
history read in the thread pool, the acquisition thread) and the garbage holds a Qt object, the
object is destroyed there: Qt takes its signal-slot lock in that thread and asks PySide for the
GIL, while the GUI thread, holding the GIL, waits for the same lock to connect a signal. Both
wait for ever: a window that hangs. So the automatic collector is switched off, and the GUI
thread collects on a timer with the collector's own thresholds, generation by generation
(pyqtgraph's GarbageCollector). Cyclic garbage of the other threads waits for the next tick
(half a second); everything else is still freed at once by reference counting.
"""

from __future__ import annotations

import gc

INTERVAL_S = 0.5


def collect_on_gui_thread(app, interval_s: float = INTERVAL_S):
    """Switch the automatic collector off and collect on `app`'s thread every `interval_s`; kept
    on the application (once per process). Returns the collector."""
    from pyqtgraph.util.garbage_collector import GarbageCollector

    got = getattr(app, "_gui_collector", None)
    if got is None:
        got = GarbageCollector(interval=interval_s)
        app._gui_collector = got
    return got


def collect_anywhere(app) -> None:
    """Give the collection back to Python's automatic collector (tests that end their Qt use)."""
    got = getattr(app, "_gui_collector", None)
    if got is not None:
        got.timer.stop()
        app._gui_collector = None
    gc.enable()
