"""The demo plant served over real protocol servers: one Modbus TCP server per Modbus device and
one OPC UA server per OPC UA device, all on 127.0.0.1.

`SimulatorProcess` runs the plant in a child process ("spawn") so its CPU does not compete with the
HMI's GUI thread; the parent talks to it over a Pipe, one reply per command, errors come back as
exceptions. `serve_forever` runs the same servers in-process for `python main.py simulate`.

Every 250 ms (wall clock) the physics advances `speed` times that much simulated time and every
value is written to its server (devices/sim_servers.py: Modbus registers encoded with the tag's
type and word order, OPC UA variables as Double or Boolean with a source timestamp).

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

from app.config import (
    ModbusDevice,
    PlantConfig,
    load_config,
)
from devices.plant_physics import INCIDENTS as PHYSICS_INCIDENTS
from devices.plant_physics import PlantPhysics
from devices.sim_servers import HOST, ModbusEndpoint, ModbusImage, OpcUaEndpoint, quiet_libraries

INCIDENTS: tuple[str, ...] = (*PHYSICS_INCIDENTS, "device_silent")
TICK_S = 0.25
SILENT_DEVICE = "steel_plc"  # the device `device_silent` takes off the network (else the last one)

log = logging.getLogger(__name__)


class PlantRuntime:
    """Physics plus servers in one asyncio loop; what the child process (or `serve_forever`) runs."""

    def __init__(
        self, cfg: PlantConfig, *, speed: float = 1.0, ephemeral_ports: bool = True, seed: int | None = None
    ):
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.cfg = cfg
        self.speed = float(speed)
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
        self._last = 0.0

    async def start(self) -> None:
        self._push_images()
        try:
            for ep in self.endpoints.values():
                await ep.start()
                if isinstance(ep, OpcUaEndpoint):
                    await ep.write(self.physics.values)
        except BaseException:
            await self.stop()
            raise
        self._last = time.monotonic()

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
        self._push_images()
        for ep in self.endpoints.values():
            if isinstance(ep, ModbusEndpoint):
                await ep.write()
            else:
                await ep.write(self.physics.values)

    async def tick(self) -> None:
        now = time.monotonic()
        dt, self._last = now - self._last, now
        self.physics.step(min(dt, 5.0) * self.speed)  # a stalled loop does not jump the plant
        await self._write_all()

    async def run(self, stop: asyncio.Event) -> None:
        """Tick every TICK_S until `stop` is set."""
        next_t = time.monotonic()
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:  # a failed write must not stop the plant; it is logged once per tick
                log.exception("simulator tick failed")
            next_t += TICK_S
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
        raise ValueError(f"unknown command {name!r}")


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
    conn, config_path: str, speed: float, incidents: tuple, ephemeral: bool, seed, parent_pid: int
):
    """Entry point of the simulator child process."""
    quiet_libraries()
    with contextlib.suppress(Exception):
        signal.signal(
            signal.SIGINT, signal.SIG_IGN
        )  # Ctrl-C in a terminal goes to the parent, which stops us
    try:
        asyncio.run(_child_async(conn, config_path, speed, incidents, ephemeral, seed, parent_pid))
    finally:
        with contextlib.suppress(Exception):
            conn.close()


async def _child_async(conn, config_path, speed, incidents, ephemeral, seed, parent_pid):
    loop = asyncio.get_running_loop()
    try:
        cfg = load_config(config_path)
        rt = PlantRuntime(cfg, speed=speed, ephemeral_ports=ephemeral, seed=seed)
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
    ):
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
