"""A background loop's thread: started once, woken early by producers, stopped and joined.

The history writer, the notification dispatcher and the regulator link each run one loop on a
daemon thread of their own, which sleeps until its period ends or a producer wakes it, and
which ends when asked to stop. `Worker` holds that thread and its two events; the loop itself
stays with its owner (what it does, and whether it finishes its work after a stop, differ).
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Worker:
    """The thread of one background loop, with its stop request and its wake-up call."""

    def __init__(self, name: str):
        self.name = name
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def stopping(self) -> bool:
        """True once `stop` was called, until the next `start`."""
        return self._stop.is_set()

    def wake(self) -> None:
        """End the loop's current wait now (any thread)."""
        self._wake.set()

    def wait(self, timeout: float) -> None:
        """The loop's thread: sleep up to `timeout` seconds, less if woken."""
        self._wake.wait(timeout)
        self._wake.clear()

    def start(self, loop: Callable[[], None]) -> None:
        """Run `loop` on a daemon thread; nothing when one already runs."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=loop, name=self.name, daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to end, wake it and wait up to `timeout` seconds for its thread."""
        if self._thread is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join(timeout)
            self._thread = None
