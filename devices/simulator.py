"""The demo plant served over real protocol servers: one Modbus TCP server per Modbus device and
one OPC UA server per OPC UA device, all on 127.0.0.1.

`SimulatorProcess` runs the plant in a child process ("spawn") so its CPU does not compete with the
HMI's GUI thread; the parent talks to it over a Pipe, one reply per command, errors come back as
exceptions. `serve_forever` runs the same servers in-process for `python main.py simulate`.

Every 250 ms (wall clock) the physics advances `speed` times that much simulated time and every
value is written to its server: Modbus registers encoded with the tag's type and word order from
raw = (engineering - offset) / scale, OPC UA variables as Double (Boolean for bool tags) with a
source timestamp.

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
import re
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from app.config import (
    REGISTER_WORDS,
    ModbusDevice,
    OpcUaDevice,
    PlantConfig,
    load_config,
    parse_modbus_address,
    tag_type,
)
from devices.codec import decode_one, encode_many
from devices.plant_physics import INCIDENTS as PHYSICS_INCIDENTS
from devices.plant_physics import PlantPhysics

INCIDENTS: tuple[str, ...] = (*PHYSICS_INCIDENTS, "device_silent")
TICK_S = 0.25
HOST = "127.0.0.1"
SILENT_DEVICE = "steel_plc"  # the device `device_silent` takes off the network (else the last one)

log = logging.getLogger(__name__)


def _quiet_libraries() -> None:
    logging.getLogger("pymodbus").setLevel(logging.WARNING)
    logging.getLogger("asyncua").setLevel(logging.ERROR)


# ---------------------------------------------------------------- Modbus


@dataclass
class _Group:
    """Tags of one table, type and word order: encoded together."""

    table: str
    type_: str
    word_order: str
    tags: np.ndarray  # indexes into the plant's tags
    offsets: np.ndarray
    scale: np.ndarray
    offset: np.ndarray


@dataclass
class ModbusImage:
    """A Modbus device's memory as numpy arrays, and how tag values map into it."""

    device: ModbusDevice
    regs: dict[str, np.ndarray] = field(default_factory=dict)  # "hr", "ir": uint16
    bits: dict[str, np.ndarray] = field(default_factory=dict)  # "co", "di": bool
    groups: list[_Group] = field(default_factory=list)
    reg_bits: list[tuple[int, str, int, int]] = field(default_factory=list)  # tag, table, register, bit
    bit_tags: list[tuple[int, str, int]] = field(default_factory=list)  # tag, table, address
    # writable tags: (tag, table, offset, bit or None, type, word order, scale, offset)
    writable: list[tuple[int, str, int, int | None, str, str, float, float]] = field(default_factory=list)

    @classmethod
    def build(cls, cfg: PlantConfig, dev: ModbusDevice) -> ModbusImage:
        img = cls(dev)
        size = {"hr": 1, "ir": 1, "co": 16, "di": 16}
        plan: dict[tuple[str, str, str], list[tuple[int, int, float, float]]] = {}
        for i, t in enumerate(cfg.tags):
            if t.device != dev.name:
                continue
            a = parse_modbus_address(t.address)
            ty = tag_type(cfg, t) or "uint16"
            if t.writable and a.table in ("hr", "co"):
                order = t.word_order or dev.word_order
                img.writable.append((i, a.table, a.offset, a.bit, ty, order, t.scale, t.offset))
            if a.is_bit_table:
                img.bit_tags.append((i, a.table, a.offset))
                size[a.table] = max(size[a.table], a.offset + 1)
            elif a.bit is not None:
                img.reg_bits.append((i, a.table, a.offset, a.bit))
                size[a.table] = max(size[a.table], a.offset + 1)
            else:
                order = t.word_order or dev.word_order
                plan.setdefault((a.table, ty, order), []).append((i, a.offset, t.scale, t.offset))
                size[a.table] = max(size[a.table], a.offset + REGISTER_WORDS[ty])
        for table in ("hr", "ir"):
            img.regs[table] = np.zeros(size[table] + 8, np.uint16)
        for table in ("co", "di"):
            img.bits[table] = np.zeros(((size[table] + 15) // 16) * 16, bool)
        for (table, ty, order), rows in plan.items():
            arr = np.asarray(rows, dtype=np.float64)
            img.groups.append(
                _Group(
                    table,
                    ty,
                    order,
                    arr[:, 0].astype(np.intp),
                    arr[:, 1].astype(np.intp),
                    arr[:, 2],
                    arr[:, 3],
                )
            )
        return img

    def update(self, values: np.ndarray) -> None:
        """Encode engineering values into the register and bit images."""
        for g in self.groups:
            raw = (values[g.tags] - g.offset) / g.scale
            w = encode_many(raw, g.type_, g.word_order)
            n = w.shape[1]
            self.regs[g.table][g.offsets[:, None] + np.arange(n)[None, :]] = w
        for i, table, reg, bit in self.reg_bits:
            mask = np.uint16(1 << bit)
            r = self.regs[table]
            r[reg] = (r[reg] | mask) if values[i] >= 0.5 else (r[reg] & ~mask)
        for i, table, addr in self.bit_tags:
            self.bits[table][addr] = values[i] >= 0.5


class ModbusEndpoint:
    """One pymodbus TCP server serving a `ModbusImage`; can stop and restart on the same port."""

    def __init__(self, image: ModbusImage, port: int):
        self.image = image
        self.port = port
        self.server = None
        self.on_client_write: Callable[[int, float], None] | None = None  # (tag, engineering value)
        self._sent: dict[str, np.ndarray] = {}  # hr registers and coils as last served

    @property
    def running(self) -> bool:
        return self.server is not None

    async def start(self) -> None:
        from pymodbus.server import ModbusTcpServer
        from pymodbus.simulator import DataType, SimData, SimDevice

        img = self.image
        dev = SimDevice(
            id=img.device.unit,
            simdata=(
                [SimData(0, count=len(img.bits["co"]), values=False, datatype=DataType.BITS)],
                [SimData(0, count=len(img.bits["di"]), values=False, datatype=DataType.BITS)],
                [SimData(0, count=len(img.regs["hr"]), values=0, datatype=DataType.REGISTERS)],
                [SimData(0, count=len(img.regs["ir"]), values=0, datatype=DataType.REGISTERS)],
            ),
        )
        srv = ModbusTcpServer([dev], address=(HOST, self.port))
        await srv.serve_forever(background=True)
        self.port = srv.transport.sockets[0].getsockname()[1]
        self.server = srv
        await self.write()

    async def write(self) -> None:
        srv = self.server  # silence() may stop the server while this runs
        if srv is None:
            return
        unit, img = self.image.device.unit, self.image
        # no await between reading what clients wrote and serving the new image: the server runs
        # in this loop, so nothing can be written in between and lost
        await self._take_client_writes(srv, unit)
        self._sent = {"hr": img.regs["hr"].copy(), "co": img.bits["co"].copy()}
        await srv.async_setValues(unit, 16, 0, img.regs["hr"].tolist())
        await srv.async_setValues(unit, 4, 0, img.regs["ir"].tolist())
        await srv.async_setValues(unit, 15, 0, img.bits["co"].tolist())
        await srv.async_setValues(unit, 2, 0, img.bits["di"].tolist())

    async def _take_client_writes(self, srv, unit: int) -> None:
        """Writable tags a client changed since the last update: keep the client's value in
        the image and tell the physics."""
        img = self.image
        if not img.writable or not self._sent:
            return
        for i, table, off, bit, ty, order, scale, offset in img.writable:
            if table == "co":
                now = bool((await srv.async_getValues(unit, 1, off, 1))[0])
                if now != bool(self._sent["co"][off]):
                    img.bits["co"][off] = now
                    self._client_wrote(i, float(now))
                continue
            n = 1 if bit is not None else REGISTER_WORDS[ty]
            now_regs = np.asarray(await srv.async_getValues(unit, 3, off, n), dtype=np.uint16)
            sent = self._sent["hr"][off : off + n]
            if bit is not None:
                on = bool((int(now_regs[0]) >> bit) & 1)
                if on != bool((int(sent[0]) >> bit) & 1):
                    mask = np.uint16(1 << bit)
                    r = img.regs["hr"]
                    r[off] = (r[off] | mask) if on else (r[off] & ~mask)
                    self._client_wrote(i, float(on))
            elif not np.array_equal(now_regs, sent):
                img.regs["hr"][off : off + n] = now_regs
                raw = decode_one(now_regs.tolist(), ty, order)
                self._client_wrote(i, raw if ty == "bool" else raw * scale + offset)

    def _client_wrote(self, tag: int, value: float) -> None:
        if self.on_client_write is not None:
            self.on_client_write(tag, value)

    async def stop(self) -> None:
        if self.server is not None:
            srv, self.server = self.server, None
            await srv.shutdown()
            self._sent = {}


# ---------------------------------------------------------------- OPC UA

_NODE_RE = re.compile(r"^(?:(?:ns=(\d+)|nsu=([^;]+));)?(?:s=(.+)|i=(\d+))$")


class OpcUaEndpoint:
    """One asyncua server with a variable per tag; can stop and restart on the same port."""

    VENDOR_NAMESPACES = ("urn:forewarn:vendor-a", "urn:forewarn:vendor-b")

    def __init__(self, cfg: PlantConfig, dev: OpcUaDevice, port: int):
        self.dev = dev
        self.port = port
        self.path = urlparse(dev.endpoint).path or "/"
        self.tags: list[tuple[int, str | None, int | None, str, bool]] = []  # idx, uri, ns, id, is_bool
        for i, t in enumerate(cfg.tags):
            if t.device != dev.name:
                continue
            m = _NODE_RE.match(t.address.strip())
            if not m:
                raise ValueError(
                    f"tag {t.name}: the simulator serves s= and i= node ids only, not {t.address!r}"
                )
            ns, uri, s, num = m.groups()
            ident = s if s is not None else int(num)
            self.tags.append((i, uri, int(ns) if ns is not None else None, ident, tag_type(cfg, t) == "bool"))
        self.writable = {i for i, t in enumerate(cfg.tags) if t.device == dev.name and t.writable}
        self.server = None
        self.node_ids: list = []
        self.variants: list = []
        self.on_client_write: Callable[[int, float], None] | None = None  # (tag, engineering value)
        self._sent: dict[int, object] = {}  # writable tag -> the value last served

    @property
    def running(self) -> bool:
        return self.server is not None

    @property
    def endpoint(self) -> str:
        return f"opc.tcp://{HOST}:{self.port}{self.path}"

    async def start(self) -> None:
        from asyncua import Server, ua

        server = Server()
        await server.init()
        server.set_server_name("Forewarn demo steel plant")
        server.set_endpoint(f"opc.tcp://{HOST}:{self.port}{self.path}")
        for uri in self.VENDOR_NAMESPACES:
            await server.register_namespace(uri)
        ns_of: dict[str, int] = {}
        for _, uri, _, _, _ in self.tags:
            if uri is not None and uri not in ns_of:
                ns_of[uri] = await server.register_namespace(uri)
        home = next(iter(ns_of.values()), 2)
        folder = await server.nodes.objects.add_object(home, "DemoSteelWorks")
        self.node_ids, self.variants = [], []
        for i, uri, ns, ident, is_bool in self.tags:
            idx = ns_of[uri] if uri is not None else (ns if ns is not None else home)
            nid = ua.NodeId(ident, idx)
            vt = ua.VariantType.Boolean if is_bool else ua.VariantType.Double
            init = ua.Variant(False if is_bool else 0.0, vt)
            var = await folder.add_variable(nid, ua.QualifiedName(str(ident), idx), init)
            if i in self.writable:
                await var.set_writable()
            self.node_ids.append(nid)
            self.variants.append((vt, is_bool))
        await server.start()
        self.port = server.bserver._server.sockets[0].getsockname()[1]
        self.server = server

    async def write(self, values: np.ndarray) -> None:
        srv = self.server  # silence() may stop the server while this runs
        if srv is None:
            return
        from asyncua import ua

        now = datetime.now(UTC)
        for (i, *_), nid, (vt, is_bool) in zip(self.tags, self.node_ids, self.variants, strict=True):
            if i in self._sent:  # writable: a value a client wrote (read just before, no await) is kept
                held = srv.read_attribute_value(nid).Value.Value
                if held != self._sent[i] and held is not None:
                    values[i] = float(held)
                    if self.on_client_write is not None:
                        self.on_client_write(i, float(held))
            v = bool(values[i] >= 0.5) if is_bool else float(values[i])
            dv = ua.DataValue(ua.Variant(v, vt), SourceTimestamp=now, ServerTimestamp=now)
            await srv.write_attribute_value(nid, dv)
            if i in self.writable:
                self._sent[i] = v

    async def stop(self) -> None:
        if self.server is not None:
            srv, self.server = self.server, None
            await srv.stop()
            self._sent = {}


# ---------------------------------------------------------------- the plant runtime


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
    _quiet_libraries()
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
    _quiet_libraries()
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
