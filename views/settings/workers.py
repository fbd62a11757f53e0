"""Running a probe coroutine off the GUI thread: a QRunnable with its own asyncio loop, the
result delivered back through a queued signal. The GUI never waits on a device."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives in the GUI thread; `done` is emitted from the worker and queued to the GUI."""

    done = Signal(bool, object)  # ok, result or the exception


class _Job(QRunnable):
    def __init__(self, factory: Callable[[], Coroutine], relay: _Relay):
        super().__init__()
        self.factory, self.relay = factory, relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = asyncio.run(self.factory())
        except Exception as exc:  # handed to the caller, who shows it
            log.debug("probe failed", exc_info=True)
            self.relay.done.emit(False, exc)
        else:
            self.relay.done.emit(True, result)


class ProbeRunner(QObject):
    """Runs probe coroutines in a small private pool; `wait()` before the owner goes away."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._relays: set[_Relay] = set()

    def run(self, factory: Callable[[], Coroutine], on_done: Callable[[bool, object], None]) -> None:
        """Run `factory()` (a coroutine) in a worker; call `on_done(ok, result)` in the GUI thread."""
        relay = _Relay()
        self._relays.add(relay)

        def finish(ok: bool, result: object, relay=relay) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            on_done(ok, result)

        relay.done.connect(finish)
        self.pool.start(_Job(factory, relay))

    @property
    def busy(self) -> bool:
        return self.pool.activeThreadCount() > 0

    def wait(self, ms: int = 10_000) -> bool:
        return self.pool.waitForDone(ms)
