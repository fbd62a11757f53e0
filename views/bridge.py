"""The Qt bridge to the engine: stores what the acquisition thread hands over, flushes at 5-10 Hz.

Engine listener callbacks run on the acquisition thread. They only store, under a lock: the
latest value/quality/time per tag, the sample batches not yet shown by trends, the alarm
transitions (coalesced by key to the newest) and the device states. A `QTimer` on the GUI thread
swaps those out and emits one coalesced signal of each kind per flush, never one per sample.

The other way, the GUI asks the engine for what it answers with a future (an operator action,
a new configuration, app/runtime/operator.py) through `request`, and never waits for it: the
answer comes back to the GUI thread as a queued signal and runs the caller's `on_done(future)`.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from core.alarm_types import State
from core.samples import SampleBatch

log = logging.getLogger(__name__)
DEFAULT_RATE_HZ = 8.0
MAX_PENDING_ROWS = 500_000  # trend rows kept while the GUI is stalled; oldest batches go first


class EngineBridge(QObject):
    """Engine listener on one side, coalesced Qt signals on the other."""

    samples = Signal(object)  # SampleBatch: every sample since the last flush, concatenated
    latest = Signal(object)  # (value: float64[n], quality: uint8[n]) latest per tag
    alarms = Signal(object)  # list[Alarm]: transitions since the last flush, newest per key
    devices = Signal(object)  # dict[str, DeviceStatus]: every device's current state
    risk = Signal(object)  # list[RiskState]: hazard sources whose risk changed, newest per source
    answered = Signal(object, object)  # (on_done, future): a request's answer, queued to the GUI thread

    def __init__(self, engine, parent: QObject | None = None, *, rate_hz: float = DEFAULT_RATE_HZ):
        super().__init__(parent)
        self.engine = engine
        n = len(engine.config.tags)
        self._lock = threading.Lock()
        self._value = np.full(n, np.nan)
        self._quality = np.zeros(n, dtype=np.uint8)
        self._ts = np.zeros(n)
        self._latest_dirty = False
        self._batches: list[SampleBatch] = []
        self._pending_rows = 0
        self._alarms: dict[str, object] = {}
        self._devices: dict[str, object] = {}
        self._devices_dirty = False
        self._risk: dict[str, object] = {}
        # every hazard source's risk as the GUI knows it (GUI thread only), name -> RiskState
        self.risk_states: dict[str, object] = {}
        self.dropped_rows = 0
        self.flushes = 0
        # standing alarms as the GUI knows them (GUI thread only), key -> Alarm
        self.standing: dict[str, object] = {}
        self._prime()
        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / max(5.0, min(10.0, rate_hz))))
        self._timer.timeout.connect(self.flush)
        self.answered.connect(self._land, Qt.ConnectionType.QueuedConnection)
        engine.add_listener(self)
        self._listening = True
        self._timer.start()

    def _prime(self) -> None:
        """Take the engine's current state so the first flush shows it."""
        latest = getattr(self.engine, "latest", None)
        if latest is not None:
            snap = latest()
            if len(snap):
                self._value[snap.tag] = snap.value
                self._quality[snap.tag] = snap.quality
                self._ts[snap.tag] = snap.ts
                self._latest_dirty = True
        active = getattr(self.engine, "active_alarms", None)
        if active is not None:
            for a in active():
                self._alarms[a.key] = a
        risk = getattr(self.engine, "risk_states", None)
        if risk is not None:
            for r in risk():
                self._risk[r.hazard] = r
        status = getattr(self.engine, "device_status", None)
        if status is not None:
            self._devices.update(status())
            self._devices_dirty = bool(self._devices)

    # ------------------------------------------------------------ listener (acquisition thread)
    def on_samples(self, batch: SampleBatch) -> None:
        if len(batch) == 0:
            return
        with self._lock:
            self._value[batch.tag] = batch.value
            self._quality[batch.tag] = batch.quality
            self._ts[batch.tag] = batch.ts
            self._latest_dirty = True
            self._batches.append(batch)
            self._pending_rows += len(batch)
            while self._pending_rows > MAX_PENDING_ROWS and len(self._batches) > 1:
                gone = self._batches.pop(0)
                self._pending_rows -= len(gone)
                self.dropped_rows += len(gone)

    def on_alarm(self, alarm) -> None:
        with self._lock:
            self._alarms.pop(alarm.key, None)  # keep arrival order of the newest transition
            self._alarms[alarm.key] = alarm

    def on_risk(self, states) -> None:
        with self._lock:
            for r in states:
                self._risk[r.hazard] = r

    def on_device(self, status) -> None:
        with self._lock:
            self._devices[status.device] = status
            self._devices_dirty = True

    # ------------------------------------------------------------ GUI thread
    def flush(self) -> None:
        """Emit what arrived since the last flush (called by the timer; callable directly)."""
        with self._lock:
            batches, self._batches, self._pending_rows = self._batches, [], 0
            alarms, self._alarms = self._alarms, {}
            latest = (self._value.copy(), self._quality.copy()) if self._latest_dirty else None
            self._latest_dirty = False
            devices = dict(self._devices) if self._devices_dirty else None
            self._devices_dirty = False
            risk, self._risk = self._risk, {}
        self.flushes += 1
        if batches:
            self.samples.emit(SampleBatch.concat(batches))
        if latest is not None:
            self.latest.emit(latest)
        if alarms:
            transitions = list(alarms.values())
            for a in transitions:
                if a.state == State.NORMAL:
                    self.standing.pop(a.key, None)
                else:
                    self.standing[a.key] = a
            self.alarms.emit(transitions)
        if devices is not None:
            self.devices.emit(devices)
        if risk:
            self.risk_states.update(risk)
            self.risk.emit(list(risk.values()))

    def ranked_risk(self) -> list:
        """Every hazard source's risk as the GUI knows it, most severe first."""
        return sorted(
            self.risk_states.values(), key=lambda r: (r.level, r.level - r.inherent.level, r.hazard)
        )

    def explain(self, key: str):
        """The engine's explanation of a warning (thread-safe there), or None."""
        fn = getattr(self.engine, "explain", None)
        return None if fn is None else fn(key)

    def forecast_cone(self, tag: int):
        fn = getattr(self.engine, "forecast_cone", None)
        return None if fn is None else fn(tag)

    def latest_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Copies of the latest (value, quality, ts) per tag, for widgets that start late."""
        with self._lock:
            return self._value.copy(), self._quality.copy(), self._ts.copy()

    def acknowledge(
        self, keys: list[str] | None, user: str = "", comment: str = "", on_done: Callable | None = None
    ) -> concurrent.futures.Future:
        """Forward an operator acknowledgement to the engine, without waiting for it (`request`)."""
        keys = list(keys) if keys is not None else None
        return self.request(self.engine.acknowledge, keys, user=user, comment=comment, on_done=on_done)

    def request(
        self, call: Callable, *args, on_done: Callable | None = None, **kwargs
    ) -> concurrent.futures.Future:
        """`call(*args, **kwargs)` (an engine method that answers with a future) without waiting
        for its answer: `on_done(future)` runs in the GUI thread once it is there (at once if it
        already is). A plain answer (an engine without futures) or an exception raised by the
        call counts as a done future."""
        future = concurrent.futures.Future()
        try:
            answer = call(*args, **kwargs)
        except Exception as exc:  # handed to on_done, like an answer's exception
            future.set_exception(exc)
        else:
            if isinstance(answer, concurrent.futures.Future):
                future = answer
            else:
                future.set_result(answer)
        if on_done is not None:
            if future.done():
                on_done(future)
            else:
                future.add_done_callback(lambda f: self._answer(on_done, f))
        return future

    def _answer(self, on_done: Callable, future) -> None:  # the engine's thread
        try:
            self.answered.emit(on_done, future)
        except RuntimeError:  # the bridge is gone with its window: nobody to tell
            log.debug("an answer came after its window closed")

    def _land(self, on_done: Callable, future) -> None:
        on_done(future)

    def set_rate(self, rate_hz: float) -> None:
        self._timer.setInterval(int(1000 / max(5.0, min(10.0, rate_hz))))

    def stop(self) -> None:
        """Stop flushing and stop listening (before the window goes away)."""
        self._timer.stop()
        if self._listening:
            self._listening = False
            remove = getattr(self.engine, "remove_listener", None)
            if remove is not None:
                remove(self)
