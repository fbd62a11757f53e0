"""The acquisition engine: one background thread, one asyncio loop, every driver.

Pipeline per batch from a driver: scale -> quality -> alarms, early warnings, rules and risk
(app/pipeline.py) -> history queue -> listeners.
Listeners are called from the acquisition thread and must only store what they get (the Qt
bridge coalesces and flushes on a timer). Operator actions (acknowledge) are thread-safe.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from typing import Protocol

import numpy as np

import devices.modbus  # noqa: F401  (registers the protocol)
import devices.opcua  # noqa: F401
from app.alarms import Alarm
from app.config import PlantConfig, tag_type
from app.model import DeviceState, DeviceStatus, Quality, SampleBatch
from app.pipeline import Pipeline
from devices.base import driver_for

log = logging.getLogger(__name__)


class EngineListener(Protocol):
    def on_samples(self, batch: SampleBatch) -> None: ...
    def on_alarm(self, alarm: Alarm) -> None: ...
    def on_device(self, status: DeviceStatus) -> None: ...
    def on_risk(self, states: list) -> None: ...


class Engine:
    """Runs the drivers of a plant and evaluates every batch they produce."""

    def __init__(
        self, config: PlantConfig, history=None, *, backoff_cap: float = 10.0, warnings: bool = True
    ):
        self.config = config
        self.history = history
        self.backoff_cap = backoff_cap
        tags = config.tags
        n = len(tags)
        self.n = n
        is_bool = np.array([tag_type(config, t) == "bool" for t in tags], dtype=bool)
        self.scale = np.where(is_bool, 1.0, np.array([t.scale for t in tags], dtype=np.float64))
        self.offset = np.where(is_bool, 0.0, np.array([t.offset for t in tags], dtype=np.float64))
        self.lo = np.array([t.range[0] if t.range else -np.inf for t in tags], dtype=np.float64)
        self.hi = np.array([t.range[1] if t.range else np.inf for t in tags], dtype=np.float64)
        self.pipeline = Pipeline(config, warnings=warnings)
        self.alarms = self.pipeline.alarms
        self._lock = threading.RLock()
        self._value = np.full(n, np.nan)
        self._quality = np.zeros(n, dtype=np.uint8)
        self._ts = np.zeros(n)
        self._devices: dict[str, DeviceStatus] = {
            d.name: DeviceStatus(d.name, DeviceState.CONNECTING, time.time()) for d in config.devices
        }
        self._listeners: list[EngineListener] = []
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task] = []
        self.drivers: list = []
        self.samples_in = 0
        self._started = threading.Event()

    # ------------------------------------------------------------ lifecycle
    def add_listener(self, listener: EngineListener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: EngineListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def start(self) -> None:
        if self._thread is not None:
            return
        if self.history is not None:
            self.history.start()
        self._thread = threading.Thread(target=self._run, name="acquisition", daemon=True)
        self._thread.start()
        self._started.wait(10)

    def stop(self, timeout: float = 10.0) -> None:
        loop, thread = self._loop, self._thread
        if thread is None:
            return
        if loop is not None and loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(self._cancel_all(), loop).result(timeout / 2)
            except (TimeoutError, concurrent.futures.TimeoutError):
                pending = [f"{t.get_name()} at {_where(t)}" for t in self._tasks if not t.done()]
                log.warning("drivers did not stop in time: %s", "; ".join(pending))
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        self._thread = None
        if self.history is not None:
            self.history.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            for dev in self.config.devices:
                members = [(i, t) for i, t in enumerate(self.config.tags) if t.device == dev.name]
                cls = driver_for(dev)
                drv = cls(dev, members, self._on_raw, self._on_status, backoff_cap=self.backoff_cap)
                self.drivers.append(drv)
                self._tasks.append(loop.create_task(drv.run(), name=f"driver:{dev.name}"))
            self._started.set()
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
            self._loop = None

    async def _cancel_all(self) -> None:
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    # ------------------------------------------------------------ pipeline (acquisition thread)
    def _on_raw(self, raw: SampleBatch) -> None:
        try:
            self.process(raw)
        except Exception:  # a bug in evaluation must not kill a driver's scan loop
            log.exception("processing a batch failed")

    def process(self, raw: SampleBatch) -> tuple[SampleBatch, list[Alarm]]:
        """Scale and check one raw batch, evaluate alarms, queue history, notify listeners."""
        idx = raw.tag
        value = raw.value * self.scale[idx] + self.offset[idx]
        q = raw.quality.copy()
        q[~np.isfinite(value)] = Quality.BAD
        # out of the instrument's range: still evaluated (an over-range gas detector alarms)
        out_of_range = (value < self.lo[idx]) | (value > self.hi[idx])
        q[out_of_range & (q == Quality.GOOD)] = Quality.UNCERTAIN
        batch = raw.replace(value=value, quality=q)
        with self._lock:
            self._value[idx] = value
            self._quality[idx] = q
            self._ts[idx] = raw.ts
            outcome = self.pipeline.evaluate(batch)
        transitions = outcome.alarms
        self.samples_in += len(batch)
        if self.history is not None:
            self.history.submit(batch)
            self.history.journal(transitions)
            if outcome.risk:
                self.history.journal_risk(outcome.risk)
        for listener in self._listeners:
            listener.on_samples(batch)
            for a in transitions:
                listener.on_alarm(a)
            if outcome.risk and hasattr(listener, "on_risk"):
                listener.on_risk(outcome.risk)
        return batch, transitions

    def _on_status(self, status: DeviceStatus) -> None:
        with self._lock:
            self._devices[status.device] = status
            alarm = None
            if status.state == DeviceState.DISCONNECTED:
                alarm = self.alarms.set_comm(status.device, True, status.ts, status.error)
            elif status.state == DeviceState.CONNECTED:
                alarm = self.alarms.set_comm(status.device, False, status.ts)
        if alarm is not None and self.history is not None:
            self.history.journal([alarm])
        for listener in self._listeners:
            listener.on_device(status)
            if alarm is not None:
                listener.on_alarm(alarm)

    # ------------------------------------------------------------ queries and actions (any thread)
    def acknowledge(self, keys: list[str] | None, user: str = "", comment: str = "") -> list[Alarm]:
        return self._operator(self.alarms.acknowledge, keys, time.time(), user, comment)

    def shelve(self, keys: list[str], duration_s: float | None, user: str, reason: str) -> list[Alarm]:
        """Shelve for `duration_s` seconds, or until the alarm next clears (None)."""
        return self._operator(self.alarms.shelve, keys, time.time(), duration_s, user, reason)

    def unshelve(self, keys: list[str], user: str = "") -> list[Alarm]:
        return self._operator(self.alarms.unshelve, keys, time.time(), user)

    def set_out_of_service(self, keys: list[str], on: bool, user: str, reason: str = "") -> list[Alarm]:
        return self._operator(self.alarms.set_out_of_service, keys, on, time.time(), user, reason)

    def _operator(self, action, *args) -> list[Alarm]:
        """Apply an operator action to the alarm engine; journal and publish its transitions."""
        with self._lock:
            out = action(*args)
        if self.history is not None:
            self.history.journal(out)
        for listener in self._listeners:
            for a in out:
                listener.on_alarm(a)
        return out

    def risk_states(self) -> list:
        """Every hazard source's risk as it stands, most severe first."""
        with self._lock:
            return self.pipeline.risk.states() if self.pipeline.risk is not None else []

    def explain(self, key: str):
        """The data and reasoning behind a warning, or None."""
        with self._lock:
            return self.pipeline.explain(key, time.time())

    def forecast_cone(self, tag: int):
        with self._lock:
            w = self.pipeline.warnings
            return None if w is None else w.cone(tag, time.time())

    def active_alarms(self) -> list[Alarm]:
        with self._lock:
            return self.alarms.standing()

    def device_status(self) -> dict[str, DeviceStatus]:
        with self._lock:
            return dict(self._devices)

    def latest(self) -> SampleBatch:
        with self._lock:
            return SampleBatch(
                np.arange(self.n, dtype=np.int32), self._ts.copy(), self._value.copy(), self._quality.copy()
            )


def _where(task: asyncio.Task) -> str:
    frames = task.get_stack(limit=1)
    return f"{frames[0].f_code.co_filename}:{frames[0].f_lineno}" if frames else "?"
