"""Guard against the PySide6 6.12 bug that drops a reference to None on every void call
(Python 3.11 then aborts with "Fatal Python error: none_dealloc")."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

CALLS = 20_000


def test_void_qt_calls_keep_none_refcount(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    timer = QTimer()
    widget.update()  # warm up caches before counting
    timer.stop()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        widget.update()
        timer.stop()
    after = sys.getrefcount(None)
    # a healthy binding leaves the count where it was (give or take a few unrelated references);
    # the broken one loses one reference per call
    assert after >= before - 100, f"None lost {before - after} references over {2 * CALLS} void calls"
