"""The demo plant served over real protocol servers: one Modbus TCP server per Modbus device and
one OPC UA server per OPC UA device, all on 127.0.0.1.

`SimulatorProcess` runs the plant in a child process ("spawn") so its CPU does not compete with the
HMI's GUI thread; the parent talks to it over a Pipe, one reply per command, errors come back as
exceptions. `serve_forever` runs the same servers in-process for `python main.py simulate`.

Every 250 ms of wall time (less at high speed: `tick_s`) the physics is brought to plant time
`run-in + (wall - origin) * speed` (`origin`: when the servers opened) and every value is
written to its server (demo/sim_servers.py: Modbus registers encoded with the tag's type and
word order, OPC UA variables as Double or Boolean with a source timestamp). Plant time is an exact function of wall time, so a client can
map any wall timestamp to it (`SimulatorProcess.plant_clock`, app/clock.py): an accelerated demo
evaluates its samples on the plant's clock. A stalled loop catches up in steps of at most
`MAX_STEP_S` wall seconds' worth, never in one jump. `accelerated_config` shortens the scan
periods so that the engine still sees every tag about once per plant second or two.

`run_in_s`: the plant has been running that long (plant seconds, one value per second) before
its servers open; `SimulatorProcess.run_in()` hands that past over, stamped on the plant clock,
so an engine's detectors learn the plant's normal behaviour from it before they judge it (as
they learn from the history at a restart, and as the benchmark warms up before an incident).

Tags marked `writable` accept client writes (OPC UA variables are made writable; the Modbus
image is served read-write anyway). Just before each update the simulator looks at what the
servers hold for them: a value a client wrote is kept (the physics holds the tag at it, as a
setpoint would be) instead of being overwritten, so it is read back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing as mp
import os
import signal
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from app.config import (
    ModbusDevice,
    PlantConfig,
    load_config,
)
from core.clock import PlantClock
from core.samples import Quality, SampleBatch
from demo.plant_physics import INCIDENTS as PHYSICS_INCIDENTS
from demo.plant_physics import PlantPhysics
from demo.sim_servers import HOST, ModbusEndpoint, ModbusImage, OpcUaEndpoint, quiet_libraries

INCIDENTS: tuple[str, ...] = (*PHYSICS_INCIDENTS, "device_silent")
TICK_S = 0.25
MIN_TICK_S = 0.05  # the fastest tick of an accelerated plant (20 updates per wall second)
PLANT_TICK_S = 0.5  # an accelerated plant updates at least every this many plant seconds (down to MIN_TICK_S)
MAX_STEP_S = 5.0  # wall seconds' worth of plant time one physics step advances at most
MIN_SCAN_MS = 100  # accelerated_config never scans faster than this
SILENT_DEVICE = "steel_plc"  # the device `device_silent` takes off the network (else the last one)

log = logging.getLogger(__name__)


class PlantRuntime:
    """Physics plus servers in one asyncio loop; what the child process (or `serve_forever`) runs."""

    def __init__(
        self,
        cfg: PlantConfig,
        *,
        speed: float = 1.0,
        ephemeral_ports: bool = True,
        seed: int | None = None,
        run_in_s: float = 0.0,
    ):
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.cfg = cfg
        self.speed = float(speed)
        self.run_in_s = max(0, int(run_in_s))
        self.past: tuple[np.ndarray, np.ndarray] | None = None  # (plant s, values) of the run-in
        self.physics = PlantPhysics(cfg, seed=seed)
        self.endpoints: dict[str, ModbusEndpoint | OpcUaEndpoint] = {}
        for dev in cfg.devices:
            if not dev.enabled:
                continue
            if isinstance(dev, ModbusDevice):
                self.endpoints[dev.name] = ModbusEndpoint(
                    ModbusImage.build(cfg, dev), 0 if ephemeral_ports else dev.port
                )
            else:
                port = 0 if ephemeral_ports else (urlparse(dev.endpoint).port or 4840)
                self.endpoints[dev.name] = OpcUaEndpoint(cfg, dev, port)
        for ep in self.endpoints.values():
            ep.on_client_write = self._client_wrote
        self.tick_s = tick_for(self.speed)
        self.origin = time.time()  # wall time at which serving started (set again at start)
        self._mono0 = time.monotonic()
        self._t0 = 0.0  # the physics' time at `origin`: the run-in

    def _run_in(self) -> None:
        k = self.run_in_s
        if k <= 0:
            return
        t = np.empty(k)
        v = np.empty((k, len(self.physics.names)))
        for j in range(k):
            v[j] = self.physics.step(1.0)
            t[j] = self.physics.t
        self.past = (t, v)

    async def start(self) -> None:
        self._run_in()
        self._push_images()
        try:
            for ep in self.endpoints.values():
                await ep.start()
                if isinstance(ep, OpcUaEndpoint):
                    await ep.write(self.physics.values)
        except BaseException:
            await self.stop()
            raise
        self.origin, self._mono0, self._t0 = time.time(), time.monotonic(), self.physics.t

    def plant_clock(self) -> PlantClock:
        """The mapping from wall time to this plant's time (it agrees with wall time at `origin`,
        when the servers opened)."""
        return PlantClock(self.origin, self.speed)

    async def stop(self) -> None:
        for ep in self.endpoints.values():
            with contextlib.suppress(Exception):
                await ep.stop()

    def _client_wrote(self, tag: int, value: float) -> None:
        """A client wrote a writable tag: the plant holds it there from now on."""
        self.physics.set_override(self.physics.names[tag], value)

    def describe(self) -> dict[str, str | int]:
        """Device name -> actual port (Modbus) or endpoint URL (OPC UA)."""
        return {
            n: (ep.endpoint if isinstance(ep, OpcUaEndpoint) else ep.port) for n, ep in self.endpoints.items()
        }

    def _push_images(self) -> None:
        for ep in self.endpoints.values():
            if isinstance(ep, ModbusEndpoint):
                ep.image.update(self.physics.values)

    async def _write_all(self) -> None:
        self._push_images()  # what the Modbus servers serve
        for ep in self.endpoints.values():
            if isinstance(ep, OpcUaEndpoint):
                await ep.write(self.physics.values)

    async def tick(self) -> None:
        """Bring the physics to plant time now and serve the values."""
        target = self._t0 + (time.monotonic() - self._mono0) * self.speed
        most = MAX_STEP_S * self.speed  # a stalled loop catches up in steps, not in one jump
        while target - self.physics.t > 1e-9:
            self.physics.step(min(target - self.physics.t, most))
        await self._write_all()

    async def run(self, stop: asyncio.Event) -> None:
        """Tick every `tick_s` until `stop` is set."""
        next_t = time.monotonic()
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:  # a failed write must not stop the plant; it is logged once per tick
                log.exception("simulator tick failed")
            next_t += self.tick_s
            delay = next_t - time.monotonic()
            if delay < 0:
                next_t, delay = time.monotonic(), 0.0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)

    # -- commands
    async def inject(self, incident: str) -> None:
        if incident not in INCIDENTS:
            raise ValueError(f"unknown incident {incident!r} (known: {', '.join(INCIDENTS)})")
        if incident == "device_silent":
            await self.silence(self._silent_target(), True)
        else:
            self.physics.inject(incident)

    def _silent_target(self) -> str:
        if SILENT_DEVICE in self.endpoints:
            return SILENT_DEVICE
        if not self.endpoints:
            raise ValueError("the plant has no device to silence")
        return list(self.endpoints)[-1]

    async def set_value(self, tag: str, value: float | None) -> None:
        self.physics.set_override(tag, value)
        await self._write_all()

    async def silence(self, device: str, silent: bool = True) -> None:
        ep = self.endpoints.get(device)
        if ep is None:
            raise ValueError(f"unknown device {device!r} (devices: {', '.join(self.endpoints)})")
        if silent:
            await ep.stop()
        elif not ep.running:
            self._push_images()
            await ep.start()
            if isinstance(ep, OpcUaEndpoint):
                await ep.write(self.physics.values)

    async def command(self, name: str, args: tuple):
        if name == "inject":
            return await self.inject(*args)
        if name == "set_value":
            return await self.set_value(*args)
        if name == "silence":
            return await self.silence(*args)
        if name == "ping":
            return self.physics.t
        if name == "clock":
            return (self.origin, self.speed)
        if name == "run_in":  # handed over once
            past, self.past = self.past, None
            return past
        raise ValueError(f"unknown command {name!r}")


def tick_for(speed: float) -> float:
    """Wall seconds between updates of a plant at `speed`: TICK_S, shorter when accelerated so
    that one update advances the plant at most PLANT_TICK_S (never below MIN_TICK_S)."""
    return max(MIN_TICK_S, min(TICK_S, PLANT_TICK_S / speed))


def accelerated_config(cfg: PlantConfig, speed: float) -> PlantConfig:
    """The plant's devices scanned `speed` times faster (never below MIN_SCAN_MS), so that an
    accelerated demo evaluated on plant time sees each tag about as often per plant second as at
    speed 1 (1 s scans: every plant second at x10, every 3 at x30). The identity at speed <= 1."""
    if speed <= 1.0:
        return cfg
    devices = [
        d.model_copy(update={"scan_ms": max(MIN_SCAN_MS, int(round(d.scan_ms / speed)))})
        if d.scan_ms > MIN_SCAN_MS
        else d
        for d in cfg.devices
    ]
    return cfg.with_devices(devices)


def _rewrite_devices(cfg: PlantConfig, actual: dict[str, str | int]) -> PlantConfig:
    devices = []
    for d in cfg.devices:
        if d.name not in actual:
            devices.append(d)
        elif isinstance(d, ModbusDevice):
            devices.append(d.model_copy(update={"host": HOST, "port": int(actual[d.name])}))
        else:
            devices.append(d.model_copy(update={"endpoint": str(actual[d.name])}))
    return cfg.with_devices(devices)


# ---------------------------------------------------------------- child process


def _child_main(
    conn,
    config_path: str,
    speed: float,
    incidents: tuple,
    ephemeral: bool,
    seed,
    parent_pid: int,
    run_in_s: float = 0.0,
):
    """Entry point of the simulator child process."""
    quiet_libraries()
    with contextlib.suppress(Exception):
        signal.signal(
            signal.SIGINT, signal.SIG_IGN
        )  # Ctrl-C in a terminal goes to the parent, which stops us
    try:
        asyncio.run(_child_async(conn, config_path, speed, incidents, ephemeral, seed, parent_pid, run_in_s))
    finally:
        with contextlib.suppress(Exception):
            conn.close()


async def _child_async(conn, config_path, speed, incidents, ephemeral, seed, parent_pid, run_in_s=0.0):
    loop = asyncio.get_running_loop()
    try:
        cfg = load_config(config_path)
        rt = PlantRuntime(cfg, speed=speed, ephemeral_ports=ephemeral, seed=seed, run_in_s=run_in_s)
        await rt.start()
        for inc in incidents:
            await rt.inject(inc)
    except BaseException as exc:
        conn.send(("err", type(exc).__name__, str(exc)))
        return
    conn.send(("ready", rt.describe()))
    stop = asyncio.Event()
    commands: asyncio.Queue = asyncio.Queue()

    def readable():
        try:
            msg = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            loop.remove_reader(conn.fileno())
            stop.set()
            return
        commands.put_nowait(msg)

    loop.add_reader(conn.fileno(), readable)

    async def serve_commands():
        while True:
            name, args = await commands.get()
            if name == "stop":
                conn.send(("ok", None))
                stop.set()
                return
            try:
                result = await rt.command(name, args)
                conn.send(("ok", result))
            except Exception as exc:
                conn.send(("err", type(exc).__name__, str(exc)))

    async def watch_parent():
        while not stop.is_set():
            if os.getppid() != parent_pid:
                stop.set()
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)

    tasks = [asyncio.create_task(serve_commands()), asyncio.create_task(watch_parent())]
    try:
        await rt.run(stop)
    finally:
        with contextlib.suppress(Exception):
            loop.remove_reader(conn.fileno())
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await rt.stop()


_ERRORS = {"ValueError": ValueError, "KeyError": KeyError, "TypeError": TypeError, "ConfigError": ValueError}


class SimulatorProcess:
    """The demo plant in a child process, served on 127.0.0.1; see the module docstring."""

    def __init__(
        self,
        config_path: str | Path,
        *,
        speed: float = 1.0,
        incidents: Sequence[str] = (),
        ephemeral_ports: bool = True,
        seed: int | None = None,
        run_in_s: float = 0.0,
    ):
        """`run_in_s`: plant seconds the plant runs before its servers open (see `run_in`)."""
        unknown = [i for i in incidents if i not in INCIDENTS]
        if unknown:
            raise ValueError(f"unknown incident(s) {unknown} (known: {', '.join(INCIDENTS)})")
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.config_path = Path(config_path)
        self.speed = float(speed)
        self.incidents = tuple(incidents)
        self.ephemeral_ports = ephemeral_ports
        self.seed = seed
        self.run_in_s = run_in_s
        self.config: PlantConfig | None = None
        self.endpoints: dict[str, str | int] = {}
        self._proc = None
        self._conn = None
        self._lock = threading.Lock()

    def start(self, timeout: float = 30.0) -> PlantConfig:
        """Start the child; block until every server listens. Returns the config with actual ports."""
        if self._proc is not None:
            raise RuntimeError("the simulator is already started")
        cfg = load_config(self.config_path)  # fail here, with file:line, before spawning
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe(duplex=True)
        proc = ctx.Process(
            target=_child_main,
            args=(
                child,
                str(self.config_path),
                self.speed,
                self.incidents,
                self.ephemeral_ports,
                self.seed,
                os.getpid(),
                self.run_in_s,
            ),
            name="forewarn-simulator",
            daemon=True,
        )
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        try:
            deadline = time.monotonic() + timeout
            while not parent.poll(0.1):
                if not proc.is_alive():
                    raise RuntimeError(f"the simulator exited during start (exit code {proc.exitcode})")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the simulator did not start within {timeout} s")
            try:
                msg = parent.recv()
            except EOFError:
                proc.join(5)
                raise RuntimeError(f"the simulator exited during start (exit code {proc.exitcode})") from None
            if msg[0] != "ready":
                _, kind, text = msg
                raise _ERRORS.get(kind, RuntimeError)(f"simulator failed to start: {text}")
        except BaseException:
            self.stop()
            raise
        self.endpoints = msg[1]
        self.config = _rewrite_devices(cfg, self.endpoints)
        return self.config

    def _call(self, name: str, *args, timeout: float = 30.0):
        with self._lock:
            if self._conn is None or self._proc is None or not self._proc.is_alive():
                raise RuntimeError("the simulator is not running")
            self._conn.send((name, args))
            if not self._conn.poll(timeout):
                raise TimeoutError(f"the simulator did not answer {name!r} within {timeout} s")
            reply = self._conn.recv()
        if reply[0] == "ok":
            return reply[1]
        _, kind, text = reply
        raise _ERRORS.get(kind, RuntimeError)(text)

    def inject(self, incident: str) -> None:
        """Start an incident now (see INCIDENTS); ValueError for unknown names."""
        if incident not in INCIDENTS:
            raise ValueError(f"unknown incident {incident!r} (known: {', '.join(INCIDENTS)})")
        self._call("inject", incident)

    def set_value(self, tag: str, value: float | None) -> None:
        """Force a tag's engineering value (None releases it); returns once the server holds it."""
        self._call("set_value", tag, None if value is None else float(value))

    def silence(self, device: str, silent: bool = True) -> None:
        """Stop a device's server (listener and connections); silent=False restarts it on the same port."""
        self._call("silence", device, bool(silent))

    def simulated_time(self) -> float:
        """Simulated seconds since start."""
        return float(self._call("ping"))

    def plant_clock(self) -> PlantClock:
        """The plant's clock as a function of wall time (app/clock.py): what an engine on an
        accelerated demo maps its samples' timestamps with."""
        origin, speed = self._call("clock")
        return PlantClock(float(origin), float(speed))

    def run_in(self) -> list[SampleBatch]:
        """The plant's run-in (`run_in_s`), one batch of every tag per plant second, stamped on
        the plant clock so that the last one is at the moment the servers opened: what an
        engine's detectors learn from before reading the devices (Engine `prehistory`). Handed
        over once; empty without a run-in."""
        origin, _speed = self._call("clock")
        past = self._call("run_in")
        if past is None:
            return []
        t, v = past
        tags = np.arange(v.shape[1], dtype=np.int32)
        ts = float(origin) - (t[-1] - t)
        return [SampleBatch.build(tags, ts[j], v[j], Quality.GOOD) for j in range(len(t))]

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the child; idempotent. Terminates it if it does not exit within `timeout`."""
        proc, conn = self._proc, self._conn
        if proc is None:
            return
        try:
            if conn is not None and proc.is_alive():
                with self._lock, contextlib.suppress(Exception):
                    conn.send(("stop", ()))
                    if conn.poll(timeout):
                        conn.recv()
            proc.join(timeout)
            if proc.is_alive():
                proc.terminate()
                proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join(5)
        finally:
            if conn is not None:
                conn.close()
            self._proc = self._conn = None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def __enter__(self) -> SimulatorProcess:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# ---------------------------------------------------------------- in-process


def serve_forever(
    config_path: str | Path,
    *,
    speed: float = 1.0,
    incidents: Sequence[str] = (),
    ephemeral_ports: bool = False,
) -> None:
    """Serve the plant in this process until Ctrl-C; prints the endpoints."""
    quiet_libraries()
    cfg = load_config(config_path)
    for inc in incidents:
        if inc not in INCIDENTS:
            raise ValueError(f"unknown incident {inc!r} (known: {', '.join(INCIDENTS)})")

    async def main():
        rt = PlantRuntime(cfg, speed=speed, ephemeral_ports=ephemeral_ports)
        await rt.start()
        try:
            for inc in incidents:
                await rt.inject(inc)
            print(f"{cfg.plant.name}: {len(cfg.tags)} tags, speed x{speed:g}", flush=True)
            for name, where in rt.describe().items():
                shown = f"modbus-tcp {HOST}:{where}" if isinstance(where, int) else f"opcua {where}"
                print(f"  {name}: {shown}", flush=True)
            if incidents:
                print(f"  incidents: {', '.join(incidents)}", flush=True)
            print("Ctrl-C stops.", flush=True)
            await rt.run(asyncio.Event())
        finally:
            await rt.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
