"""Objects that live as long as the process, kept out of the garbage collector's full passes.

A plant of thousands of tags leaves some 300,000 tracked objects behind its start-up (the
modules, the plant's configuration, the window), and every full collection walks them all: about
200 ms on the GUI thread, whichever thread triggers it, for nothing (they stay). Once the plant
is live, `freeze_start_up` collects once and moves every object then alive to the collector's
permanent generation (`gc.freeze`): later full collections walk only what came after. An
object frozen that becomes garbage later is still freed by its reference count; one held in a
reference cycle is not (the first window and engine after a live configuration change: once per
process). `join_frozen` adds what a late load left (the compiled alarm pass: numba and LLVM,
some 90,000 objects) when start-up was frozen.

Pure Python, no Qt.
"""

from __future__ import annotations

import gc
import logging
import time

log = logging.getLogger(__name__)


def freeze_start_up() -> int:
    """Collect, then freeze every object alive; the number frozen (0 if already done)."""
    if gc.get_freeze_count():
        return 0
    start = time.perf_counter()
    gc.collect()
    gc.freeze()
    n = gc.get_freeze_count()
    log.info(
        "%d objects of start-up kept out of full collections (%.0f ms)",
        n,
        (time.perf_counter() - start) * 1000,
    )
    return n


def join_frozen() -> int:
    """After start-up was frozen, freeze what came since (a late load of long-lived modules);
    the number frozen now, 0 if start-up was not frozen (tests, benchmarks, tools)."""
    if not gc.get_freeze_count():
        return 0
    before = gc.get_freeze_count()
    gc.freeze()
    return gc.get_freeze_count() - before
