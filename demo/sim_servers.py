"""The demo plant's protocol servers: a Modbus TCP server with the register image of one device,
and an OPC UA server with one variable per tag, both on 127.0.0.1 (used by demo/simulator.py).

Modbus registers are encoded with the tag's type and word order from raw = (engineering -
offset) / scale; OPC UA variables are Double (Boolean for bool tags) with a source timestamp.
Writable tags accept client writes: the endpoints report what a client wrote, so the plant can
hold the tag at it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlparse

import numpy as np

from app.config import (
    REGISTER_WORDS,
    ModbusDevice,
    OpcUaDevice,
    PlantConfig,
    parse_modbus_address,
    tag_type,
)
from demo.modbus_store import ImageStore
from devices.codec import encode_many

HOST = "127.0.0.1"

log = logging.getLogger(__name__)


class PortBusy(Exception):
    """A server of the simulated plant cannot listen: its port is taken; says by what."""

    def __init__(self, device: str, port: int):
        self.device, self.port = device, port
        super().__init__(
            f"device {device}: port {port} on {HOST} is already in use by {port_holder(port)}; "
            "stop that program or give the device another port"
        )


def port_holder(port: int) -> str:
    """Which process listens on TCP `port` ("python3 (pid 4242)"), or "another program" when
    that cannot be found out (no psutil, or a process of another user)."""
    try:
        import psutil

        for c in psutil.net_connections(kind="tcp"):
            if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port and c.pid:
                try:
                    return f"{psutil.Process(c.pid).name()} (pid {c.pid})"
                except psutil.Error:
                    return f"pid {c.pid}"
    except Exception as exc:  # psutil missing or not allowed to look: say what we know
        log.debug("cannot find the process on port %d: %s", port, exc)
    return "another program"


def _port_taken(port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as asyncio's servers do
        try:
            s.bind((HOST, port))
        except OSError:
            return True
    return False


def quiet_libraries() -> None:
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
            # a missing reading (NaN: detector_dropout) goes out as the PLC's wire-break code, the
            # lowest value of the type (-32768 for int16; -inf for floats), never as a quiet 0
            raw[np.isnan(raw)] = -np.inf
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
    """One pymodbus TCP server serving a `ModbusImage` as it stands (the plant's tick encodes new
    values into it, a client's write lands in it); can stop and restart on the same port."""

    def __init__(self, image: ModbusImage, port: int):
        self.image = image
        self.port = port
        self.server = None
        self.on_client_write: Callable[[int, float], None] | None = None  # (tag, engineering value)

    @property
    def running(self) -> bool:
        return self.server is not None

    async def start(self) -> None:
        from pymodbus.server import ModbusTcpServer
        from pymodbus.simulator import DataType, SimData, SimDevice

        img = self.image
        unit = img.device.unit
        # pymodbus builds its own datastore from a device description; the server then reads and
        # writes the image through ours (demo/modbus_store.py), so the description is a token one
        token = SimDevice(
            id=unit,
            simdata=(
                [SimData(0, values=False, datatype=DataType.BITS)],
                [SimData(0, values=False, datatype=DataType.BITS)],
                [SimData(0, values=0, datatype=DataType.REGISTERS)],
                [SimData(0, values=0, datatype=DataType.REGISTERS)],
            ),
        )
        if self.port and _port_taken(self.port):  # before pymodbus logs its own warning
            raise PortBusy(img.device.name, self.port)
        srv = ModbusTcpServer([token], address=(HOST, self.port))
        srv.context = ImageStore(img, unit, self._client_wrote)
        try:
            await srv.serve_forever(background=True)
        except (RuntimeError, OSError):  # pymodbus: "Could not start listen, please check address."
            if self.port and _port_taken(self.port):
                raise PortBusy(img.device.name, self.port) from None
            raise
        self.port = srv.transport.sockets[0].getsockname()[1]
        self.server = srv

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
        if self.port and _port_taken(self.port):  # before asyncua logs a traceback
            raise PortBusy(self.dev.name, self.port)
        try:
            await server.start()
        except OSError:
            if self.port and _port_taken(self.port):
                raise PortBusy(self.dev.name, self.port) from None
            raise
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
