"""Cyclic garbage is collected on the GUI thread only (views/collector.py): a worker's collection
that destroys a Qt object can deadlock with the GUI thread connecting a signal."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject

from views.collector import collect_anywhere, collect_on_gui_thread


def _drop_a_cycle_holding_a_qt_object(seen: list, kept: list) -> None:
    """In a worker thread: a cycle that holds a QObject becomes garbage, then the thread allocates
    enough to pass the collector's threshold many times over (into `kept`: a collection counts
    what was allocated and not yet freed)."""

    def work() -> None:
        class Holder:
            pass

        h = Holder()
        h.obj, h.me = QObject(), h
        weakref.finalize(h, lambda: seen.append(threading.get_ident()))
        del h
        kept.extend([] for _ in range(50_000))

    t = threading.Thread(target=work)
    t.start()
    t.join()


def test_a_workers_cyclic_garbage_with_a_qt_object_is_collected_on_the_gui_thread(qapp, qtbot):
    collect_on_gui_thread(qapp)
    assert not gc.isenabled()
    seen: list[int] = []
    kept: list = []
    _drop_a_cycle_holding_a_qt_object(seen, kept)
    assert seen == []  # not in the worker
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)  # the GUI thread's next tick
    assert seen == [threading.get_ident()]
    kept.clear()


def test_without_it_the_worker_collects_the_qt_object_itself(qapp):
    collect_anywhere(qapp)
    try:
        seen: list[int] = []
        kept: list = []
        _drop_a_cycle_holding_a_qt_object(seen, kept)
        assert seen and seen[0] != threading.get_ident()  # what the GUI-thread collector prevents
        kept.clear()
    finally:
        collect_on_gui_thread(qapp)
