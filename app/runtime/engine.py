"""The acquisition engine: one background thread, one asyncio loop, every driver.

Pipeline per batch from a driver: scale -> quality -> alarms, early warnings, rules and risk
(app/pipeline.py) -> history queue -> listeners.
Listeners are called from the acquisition thread and must only store what they get (the Qt
bridge coalesces and flushes on a timer). Operator actions (acknowledge, shelve, ...;
app/runtime/operator.py), a new configuration (`submit_config`) and device writes (`write`,
app/runtime/device_writes.py) run in the acquisition loop, between two detector passes, and
answer with a future, so the GUI never waits on a pass; every write attempt, refused ones too,
goes to the audit trail. Without a running loop they run inline.

Time: the engine runs on its `clock` (app/clock.py). For a real plant that is wall time and
nothing is mapped. For an accelerated demo it is the plant's clock: every sample's timestamp and
every device status time is mapped to plant time on arrival, before the quality stage, and the
alarm clock's tick, operator actions, explanations and the history watch read `clock.now()`,
so the pipeline, the history and the journal see one clock.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

import numpy as np

import devices.modbus  # noqa: F401  (registers the protocol)
import devices.opcua  # noqa: F401
from app.config import PlantConfig
from app.config.io import changed_devices
from app.evaluation.integrity import QualityStage
from app.evaluation.pipeline import Outcome, Pipeline
from app.risk import operating_states
from app.runtime.answers import Reconfigured, TagNow  # noqa: F401  (part of the engine's API)
from app.runtime.device_writes import DeviceWrites, WriteResult  # noqa: F401  (WriteResult: part of the engine's API)
from app.runtime.history_watch import HISTORY_ALARM_KEY, HistoryWatch  # noqa: F401  (the key: engine API)
from app.runtime.operator import OperatorRequests
from app.runtime.warm_up import WARM_UP_S, learn_from_past, restore_from_journal
from core.alarm_types import Alarm
from core.clock import WALL, PlantClock
from core.samples import DeviceState, DeviceStatus, SampleBatch
from devices.base import driver_for

log = logging.getLogger(__name__)
ALARM_TICK_S = 1.0  # time-driven alarm transitions (a bad value's delay, shelve expiry) without samples


class EngineListener(Protocol):
    def on_samples(self, batch: SampleBatch) -> None: ...
    def on_alarm(self, alarm: Alarm) -> None: ...
    def on_device(self, status: DeviceStatus) -> None: ...
    def on_risk(self, states: list) -> None: ...


class Engine:
    """Runs the drivers of a plant and evaluates every batch they produce."""

    def __init__(
        self,
        config: PlantConfig,
        history=None,
        *,
        backoff_cap: float = 10.0,
        warnings: bool = True,
        audit=None,
        clock: PlantClock | None = None,
        prehistory: list[SampleBatch] | None = None,
    ):
        """`clock`: the plant clock of an accelerated demo (None: wall time, nothing mapped);
        `prehistory`: batches on that clock the detectors learn from at start instead of the
        history (a demo plant's run-in, demo.simulator.SimulatorProcess.run_in)."""
        self.config = config
        self.clock = WALL if clock is None else clock  # an accelerated demo: the plant's clock
        self.prehistory = prehistory or None
        self.history = history
        self.audit = audit  # storage.audit.AuditLog: without one, device writes are refused
        self.write_timeout: float | None = None  # s; None: from the device's timeout
        self.backoff_cap = backoff_cap
        tags = config.tags
        n = len(tags)
        self.n = n
        self.quality_stage = QualityStage(config)
        self.pipeline = Pipeline(config, warnings=warnings)
        self.pipeline.reason = self.quality_stage.reason  # one array: the stage writes, the risk reads
        self.alarms = self.pipeline.alarms
        self._lock = threading.RLock()
        self._value = np.full(n, np.nan)
        self._quality = np.zeros(n, dtype=np.uint8)
        self._ts = np.zeros(n)
        self._devices: dict[str, DeviceStatus] = {
            d.name: DeviceStatus(d.name, DeviceState.CONNECTING, self.clock.now()) for d in config.devices
        }
        self._listeners: list[EngineListener] = []
        self._tickers: list[Callable[[float], None]] = []  # called with `now` on every alarm-clock tick
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task] = []
        self._stopping = False  # set while the drivers are being cancelled
        self.drivers: list = []
        self.samples_in = 0
        self._started = threading.Event()
        self._remap: dict[str, np.ndarray] = {}  # device -> index its driver uses -> index now
        self.warm_up_s = WARM_UP_S
        self._watch_task: asyncio.Task | None = None
        self._clock_task: asyncio.Task | None = None
        self.writes = DeviceWrites(self)  # device writes (`write`)
        self.operator = OperatorRequests(self)  # the operator's actions on the alarms
        self.history_watch = HistoryWatch(self)  # the history's SYSTEM alarm

    # ------------------------------------------------------------ lifecycle
    def add_listener(self, listener: EngineListener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: EngineListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def add_ticker(self, fn: Callable[[float], None]) -> None:
        """Call `fn(now)` on the acquisition loop at every tick of the alarm clock (about once a
        second, `now` on the engine's clock): time-driven work beside the alarms (notification
        escalations). It must be quick and must not raise."""
        self._tickers.append(fn)

    def remove_ticker(self, fn: Callable[[float], None]) -> None:
        if fn in self._tickers:
            self._tickers.remove(fn)

    def start(self) -> None:
        if self._thread is not None:
            return
        if self.history is not None:
            self.history.start()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="acquisition", daemon=True)
        self._thread.start()
        self._started.wait(10)

    def stop(self, timeout: float = 10.0) -> None:
        loop, thread = self._loop, self._thread
        if thread is None:
            return
        if loop is not None and not loop.is_closed():  # running, or about to run
            try:
                asyncio.run_coroutine_threadsafe(self._cancel_all(), loop).result(timeout / 2)
                loop.call_soon_threadsafe(loop.stop)
            except (TimeoutError, concurrent.futures.TimeoutError):
                pending = [f"{t.get_name()} at {_where(t)}" for t in self._tasks if not t.done()]
                log.warning("drivers did not stop in time: %s", "; ".join(pending))
                loop.call_soon_threadsafe(loop.stop)
            except RuntimeError:  # the loop closed meanwhile
                pass
        thread.join(timeout)
        self._thread = None
        if self.history is not None:
            self.history.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The acquisition loop while it runs, else None."""
        loop = self._loop
        return loop if loop is not None and loop.is_running() else None

    def call_in_loop(self, fn: Callable, *args) -> concurrent.futures.Future:
        """Run `fn(*args)` in the acquisition loop, between two detector passes, and answer at once
        with a future of its result (or of its exception). Inline when no loop runs (a replay, an
        engine never started) or when called from the loop's own thread."""
        future: concurrent.futures.Future = concurrent.futures.Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args))
            except Exception as exc:  # handed to whoever asked
                future.set_exception(exc)

        loop = self.loop
        if loop is None or threading.current_thread() is self._thread:
            run()
            return future
        try:
            loop.call_soon_threadsafe(run)
        except RuntimeError:  # the loop closed meanwhile: nothing runs beside us now
            run()
        return future

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            self._warm_up()
            for dev in self.config.devices:
                self._start_driver(dev)
            if self.history is not None:
                self._watch_task = loop.create_task(self.history_watch.run(), name="history-watch")
            self._clock_task = loop.create_task(self._alarm_clock(), name="alarm-clock")
            self._started.set()
            loop.run_forever()
        finally:
            # whatever still runs (a driver slow to close, a reconnect caught mid-way) is
            # cancelled and given a moment, so no coroutine outlives its loop
            left = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for t in left:
                t.cancel()
            if left:
                loop.run_until_complete(asyncio.wait(left, timeout=3.0))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())  # audit writes of device writes
            loop.close()
            self._loop = None

    def _warm_up(self) -> None:
        learn_from_past(self)  # app/runtime/warm_up.py
        self.restore_alarms()
        self.operator.restore_permits()  # the work permits still open

    def restore_alarms(self) -> int:
        """Put back, before the first pass, the alarms the journal leaves standing and the
        operating states declared before the last stop (app/runtime/warm_up.py); how many
        alarms were restored."""
        return restore_from_journal(self)

    def _start_driver(self, dev) -> None:
        """Create and schedule a device's driver (on the loop thread); its batches carry the tag
        indexes of the configuration it was made for, mapped to the current ones on arrival."""
        if self._stopping:
            return
        members = [(i, t) for i, t in enumerate(self.config.tags) if t.device == dev.name]
        drv = driver_for(dev)(
            dev,
            members,
            lambda raw, d=dev.name: self._on_raw(raw, d),
            self._on_status,
            backoff_cap=self.backoff_cap,
        )
        if self.config.source_path is not None and hasattr(drv, "base"):
            drv.base = self.config.source_path.parent
        self.drivers.append(drv)
        self._remap.pop(dev.name, None)
        self._tasks.append(self._loop.create_task(drv.run(), name=f"driver:{dev.name}"))

    async def _stop_driver(self, name: str) -> None:
        for drv, task in [
            (d, t) for d, t in zip(self.drivers, self._tasks, strict=True) if d.device.name == name
        ]:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            self.drivers.remove(drv)
            self._tasks.remove(task)

    async def _cancel_all(self) -> None:
        self._stopping = True  # a reconnect or reconfiguration under way starts no new driver
        watch = [t for t in (self._watch_task, self._clock_task) if t is not None]
        for t in self._tasks + watch:
            t.cancel()
        await asyncio.gather(*self._tasks, *watch, return_exceptions=True)
        self._tasks.clear()
        self._watch_task = self._clock_task = None

    # ------------------------------------------------------------ pipeline (acquisition thread)
    def _on_raw(self, raw: SampleBatch, device: str | None = None) -> None:
        try:
            remap = self._remap.get(device) if device is not None else None
            if remap is not None:  # made for an earlier configuration: today's indexes
                idx = remap[raw.tag]
                keep = idx >= 0
                raw = SampleBatch(
                    idx[keep].astype(np.int32), raw.ts[keep], raw.value[keep], raw.quality[keep]
                )
                if not len(raw):
                    return
            if self.clock.accelerated:  # stamped by the drivers in wall time
                raw = SampleBatch(raw.tag, self.clock.to_plant(raw.ts), raw.value, raw.quality)
            self.process(raw)
        except Exception:  # a bug in evaluation must not kill a driver's scan loop
            log.exception("processing a batch failed")

    def process(self, raw: SampleBatch) -> tuple[SampleBatch, list[Alarm]]:
        """Scale and check one raw batch (app/integrity.py: range, NE 43 fault band, frozen
        signal), evaluate alarms, queue history, notify listeners. Its timestamps are on the
        engine's clock (the drivers' batches are mapped in `_on_raw`)."""
        idx = raw.tag
        batch, _reason, diagnostics = self.quality_stage.apply(raw)
        with self._lock:
            self._value[idx] = batch.value
            self._quality[idx] = batch.quality
            self._ts[idx] = raw.ts
            try:
                outcome = self.pipeline.evaluate(batch)
            except Exception:  # the pipeline faults its own parts; this is the last guard for history
                log.exception("evaluating a batch failed; its samples are stored all the same")
                outcome = Outcome()
            for c in diagnostics:
                a = self.pipeline.set_condition(c)
                if a is not None:
                    outcome.alarms.append(a)
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

    async def _alarm_clock(self) -> None:
        while True:
            await asyncio.sleep(ALARM_TICK_S)
            try:
                self.tick_alarms()
            except Exception:  # the clock must outlive a bug in one tick
                log.exception("the alarm clock's tick failed")

    def tick_alarms(self, now: float | None = None) -> list[Alarm]:
        """Time-driven alarm transitions when no sample comes: a value sent bad once (an OPC UA
        status change) alarms after its delay, a shelve or a declared operating state expires.
        Journaled and published; then the tickers (`add_ticker`) run."""
        now = self.clock.now() if now is None else now
        if self.pipeline.opstates.declared:  # an operating state whose end has come, samples or not
            self.update_pipeline(lambda p: operating_states.expire(p, now, risk=True) or Outcome())
        out = self.update_alarms(lambda alarms: alarms.tick(now))
        for fn in list(self._tickers):
            try:
                fn(now)
            except Exception:  # one ticker's bug must not stop the alarm clock
                log.exception("a ticker of the alarm clock failed")
        return out

    def _on_status(self, status: DeviceStatus) -> None:
        if self.clock.accelerated:
            status = replace(status, ts=self.clock.to_plant(status.ts))
        with self._lock:
            self._devices[status.device] = status
            alarm = None
            if status.state == DeviceState.DISCONNECTED:
                alarm = self.alarms.set_comm(status.device, True, status.ts, status.error)
            elif status.state == DeviceState.CONNECTED:
                alarm = self.alarms.set_comm(status.device, False, status.ts)
        for listener in self._listeners:
            listener.on_device(status)
        if alarm is not None:
            self.publish([alarm])

    def check_history(self, now: float | None = None) -> Alarm | None:
        """The history's SYSTEM alarm, raised or cleared now (app/runtime/history_watch.py)."""
        return self.history_watch.check(now)

    # ------------------------------------------------------------ live reconfiguration
    def reconnect(self, device: str, timeout: float = 10.0, wait: bool = True) -> bool:
        """Drop a device's connection and connect again now, without waiting out its backoff
        (e.g. once its server certificate is trusted). Thread-safe; False when not running or
        no such device. `wait=False` (the GUI) returns once it is asked for."""
        loop = self._loop
        if loop is None or not loop.is_running():
            return False

        async def again() -> bool:
            try:
                dev = self.config.device(device)
            except KeyError:
                return False
            await self._stop_driver(device)
            self._start_driver(dev)
            return True

        future = asyncio.run_coroutine_threadsafe(again(), loop)
        return future.result(timeout) if wait else True

    def apply_config(self, new: PlantConfig, timeout: float = 20.0) -> Reconfigured:
        """`submit_config`, waiting up to `timeout` s for what changed (not from the GUI thread)."""
        return self.submit_config(new).result(timeout)

    def submit_config(self, new: PlantConfig) -> concurrent.futures.Future:
        """Switch to a new (validated) configuration without stopping: only devices whose settings
        or tags changed reconnect, the history carries on (new tags added), alarm states of tags
        whose alarms did not change are kept. Thread-safe; answers at once with a future of what
        changed (`Reconfigured`), or of the error, the previous configuration then in force."""
        loop = self.loop
        if loop is not None:
            return asyncio.run_coroutine_threadsafe(self._reconfigure(new), loop)
        future: concurrent.futures.Future = concurrent.futures.Future()
        try:
            future.set_result(asyncio.run(self._reconfigure(new, running=False)))
        except Exception as exc:  # handed to whoever asked
            future.set_exception(exc)
        return future

    async def _reconfigure(self, new: PlantConfig, running: bool = True) -> Reconfigured:
        old = self.config
        restart = changed_devices(old, new)
        removed = {d.name for d in old.devices} - {d.name for d in new.devices}
        if running:
            for name in restart | removed:
                await self._stop_driver(name)
        now = self.clock.now()
        new_at = new.tag_index()
        old_to_new = np.array([new_at.get(t.name, -1) for t in old.tags], dtype=np.intp)
        with self._lock:
            pipeline = Pipeline(new, warnings=self.pipeline.warnings_on)
            stage = QualityStage(new)
            stage.adopt(self.quality_stage)
            pipeline.reason = stage.reason
            ended = pipeline.adopt(self.pipeline, now)
            for c in stage.ended(self.quality_stage, now):  # tags gone: their diagnostics end
                ended += [a for a in [self.pipeline.set_condition(c)] if a is not None]
            for name in removed:
                ended += [a for a in [pipeline.alarms.set_comm(name, False, now)] if a is not None]
            n = len(new.tags)
            value, quality, ts = np.full(n, np.nan), np.zeros(n, dtype=np.uint8), np.zeros(n)
            kept = old_to_new >= 0
            value[old_to_new[kept]] = self._value[kept]
            quality[old_to_new[kept]] = self._quality[kept]
            ts[old_to_new[kept]] = self._ts[kept]
            self._value, self._quality, self._ts = value, quality, ts
            for d in old.devices:  # drivers that keep running: their indexes, mapped to the new ones
                if running and d.name not in restart and d.name not in removed:
                    prev = self._remap.get(d.name)
                    self._remap[d.name] = (
                        old_to_new
                        if prev is None
                        else np.where(prev >= 0, old_to_new[np.maximum(prev, 0)], -1)
                    )
            self.pipeline, self.alarms = pipeline, pipeline.alarms
            self.config, self.n = new, n
            self.quality_stage = stage
            for name in removed:
                self._devices.pop(name, None)
            for d in new.devices:
                self._devices.setdefault(d.name, DeviceStatus(d.name, DeviceState.CONNECTING, now))
            if self.history is not None:
                self.history.retag(new.tags)  # in order with the batches before and after
                self.history.journal(ended)
        if running:
            for d in new.devices:
                if d.name in restart or d.name not in {o.name for o in old.devices}:
                    self._start_driver(d)
        added = {d.name for d in new.devices} - {d.name for d in old.devices}
        result = Reconfigured(
            devices_restarted=sorted(restart - removed - added),
            devices_added=sorted({d.name for d in new.devices} - {d.name for d in old.devices}),
            devices_removed=sorted(removed),
            tags_added=int((np.isin(np.arange(len(new.tags)), old_to_new[kept], invert=True)).sum()),
            tags_removed=int((~kept).sum()),
            transitions=ended,
        )
        for listener in self._listeners:
            for a in ended:
                listener.on_alarm(a)
        log.info("configuration applied: %s", result)
        return result

    # ------------------------------------------------------------ actions and queries (any thread)
    def acknowledge(
        self, keys: list[str] | None, user: str = "", comment: str = ""
    ) -> concurrent.futures.Future:
        """Acknowledge alarms (None: all); a future of the transitions (app/runtime/operator.py)."""
        return self.operator.acknowledge(keys, user, comment)

    def shelve(
        self, keys: list[str], duration_s: float | None, user: str, reason: str
    ) -> concurrent.futures.Future:
        """Shelve for `duration_s` seconds, or until the alarm next clears (None); a future."""
        return self.operator.shelve(keys, duration_s, user, reason)

    def unshelve(self, keys: list[str], user: str = "") -> concurrent.futures.Future:
        return self.operator.unshelve(keys, user)

    def set_out_of_service(
        self, keys: list[str], on: bool, user: str, reason: str = ""
    ) -> concurrent.futures.Future:
        return self.operator.set_out_of_service(keys, on, user, reason)

    def suppress(self, keys: list[str], on: bool, user: str, reason: str = "") -> concurrent.futures.Future:
        """Suppress alarms by hand until lifted (on=False lifts it); a future of the transitions."""
        return self.operator.suppress(keys, on, user, reason)

    def write(
        self, tag_name: str, value: float, user, timeout: float | None = None
    ) -> concurrent.futures.Future:
        """Write to a tag's device as `user`; a future of a WriteResult (app/runtime/device_writes.py)."""
        return self.writes.write(tag_name, value, user, timeout)

    def update_alarms(self, change: Callable) -> list[Alarm]:
        """Apply `change(alarm_engine)` (it returns transitions) under the engine's lock, so a
        detector pass sees all of it or none; journal and publish what it returns."""
        with self._lock:
            out = change(self.alarms)
        self.publish(out)
        return out

    def update_pipeline(self, change: Callable) -> Outcome:
        """Apply `change(pipeline)` (it returns an Outcome) under the engine's lock; journal and
        publish its alarm transitions and risk changes."""
        with self._lock:
            outcome = change(self.pipeline)
        self.publish(outcome.alarms)
        if outcome.risk:
            if self.history is not None:
                self.history.journal_risk(outcome.risk)
            for listener in self._listeners:
                if hasattr(listener, "on_risk"):
                    listener.on_risk(outcome.risk)
        return outcome

    def publish(self, transitions: list[Alarm]) -> None:
        """Journal alarm transitions and hand them to the listeners."""
        transitions = self.pipeline.permits.escalate(transitions, self.clock.now())  # people at work
        if self.history is not None:
            self.history.journal(transitions)
        for listener in self._listeners:
            for a in transitions:
                listener.on_alarm(a)

    def risk_states(self) -> list:
        """Every hazard source's risk as it stands, most severe first."""
        with self._lock:
            return self.pipeline.risk.states() if self.pipeline.risk is not None else []

    def explain(self, key: str):
        """The data and reasoning behind a warning, or None."""
        with self._lock:
            return self.pipeline.explain(key, self.clock.now())

    def forecast_cone(self, tag: int):
        with self._lock:
            w = self.pipeline.warnings
            return None if w is None else w.cone(tag, self.clock.now())

    def faults(self) -> dict:
        """Faulted rules, expressions and detectors (app.evaluation.faults.Fault by alarm key), a copy."""
        with self._lock:
            return self.pipeline.faults.snapshot()

    def active_alarms(self) -> list[Alarm]:
        with self._lock:
            now = self.clock.now()
            return self.pipeline.permits.escalate(self.alarms.standing(now), now)  # people at work

    def device_status(self) -> dict[str, DeviceStatus]:
        with self._lock:
            return dict(self._devices)

    def quality_reasons(self) -> np.ndarray:
        """Why each tag's latest value is not good (core.samples.QualityReason values, per tag)."""
        with self._lock:
            return self.quality_stage.reason.copy()

    def tag_now(self, name: str) -> TagNow:
        """A tag's configuration, latest valid value and scaling, read together."""
        with self._lock:
            i = self.config.tag_index().get(name)
            if i is None:
                return TagNow(self.config, None, None, 1.0, 0.0)
            value = float(self._value[i]) if np.isfinite(self._value[i]) else None
            stage = self.quality_stage
            return TagNow(
                self.config, self.config.tags[i], value, float(stage.scale[i]), float(stage.offset[i])
            )

    def latest(self) -> SampleBatch:
        with self._lock:
            return SampleBatch(
                np.arange(self.n, dtype=np.int32), self._ts.copy(), self._value.copy(), self._quality.copy()
            )


def _where(task: asyncio.Task) -> str:
    frames = task.get_stack(limit=1)
    return f"{frames[0].f_code.co_filename}:{frames[0].f_lineno}" if frames else "?"
