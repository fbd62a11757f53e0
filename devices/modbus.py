"""Modbus TCP driver: merged block reads, every data type, both word orders, reply checks.

One connection per device (a pymodbus client serialises its requests). A reply that is an
exception, carries another number of registers than asked, or answers another function code,
turns that block's tags bad quality, is logged at WARNING when it starts or changes (not at every
scan) and marks the device's badge ("EXC 02"); the device still counts as communicating. A
timeout, a reply that cannot be decoded or a lost socket turns the whole device bad and
reconnects with backoff.

pymodbus raises a frame it cannot decode out of the socket's data callback, where asyncio logs
it with a traceback and closes the connection. `guard_loop` routes those to this module's log,
one WARNING line naming the device, and leaves every other loop error to the usual handler.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref

import numpy as np
from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException

from core.samples import Quality, SampleBatch
from core.schema.devices import parse_modbus_address
from devices.base import Driver, WriteError, register, tick
from devices.codec import decode, decode_bits, encode_write
from devices.modbus_replies import install as decode_registers_fast
from devices.scan_plan import ScanBlock, plan, specs_for

logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
log = logging.getLogger(__name__)


EXCEPTION_CODES = {
    1: "illegal function",
    2: "illegal data address",
    3: "illegal data value",
    4: "server device failure",
    5: "acknowledge",
    6: "server device busy",
    8: "memory parity error",
    10: "gateway path unavailable",
    11: "gateway target device failed to respond",
}


def exception_of(reply) -> tuple[int | None, str]:
    """The exception code of an error reply and its name ("illegal data address")."""
    code = getattr(reply, "exception_code", None)
    return code, EXCEPTION_CODES.get(code, "unknown exception")


FUNCTION_CODES = {"co": 1, "di": 2, "hr": 3, "ir": 4}  # the read function of each table


class BlockError(Exception):
    """A reply that the device gave but that cannot be used (exception code, short reply, other
    function code); `mark` is what the device's badge shows."""

    def __init__(self, mark: str, text: str):
        super().__init__(text)
        self.mark = mark


# pymodbus's connection object (client.ctx) -> its driver, for the loop's exception handler
_DRIVER_OF: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def guard_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Route pymodbus's frame errors raised in `loop`'s socket callbacks to our log (WARNING, no
    traceback) and let the driver name them when its read fails; anything else goes to the
    handler that was there. Installed once per loop."""
    previous = loop.get_exception_handler()
    if getattr(previous, "modbus_guard", False):
        return

    def handle(loop, context) -> None:
        exc = context.get("exception")
        drv = _DRIVER_OF.get(context.get("protocol")) if context.get("protocol") is not None else None
        if drv is not None:
            drv.on_frame_error(str(exc) or type(exc).__name__)
            return
        if isinstance(exc, ModbusException):
            log.warning("undecodable Modbus reply, connection dropped: %s", exc)
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    handle.modbus_guard = True
    loop.set_exception_handler(handle)


@register("modbus-tcp")
class ModbusDriver(Driver):
    """Reads a Modbus TCP device's tags in merged blocks every `scan_ms`."""

    def __init__(self, device, tags, sink, status, **kw):
        super().__init__(device, tags, sink, status, **kw)
        self.blocks: list[ScanBlock] = plan(specs_for(tags, device), device.max_block, device.max_gap)
        self.client: AsyncModbusTcpClient | None = None
        self.requests = 0
        self.frame_error = ""  # the last undecodable reply on this connection
        self._frame_logged = ""
        self.block_faults: dict[tuple[str, int, int], BlockError] = {}  # (table, start, count) -> fault

    async def connect(self) -> None:
        d = self.device
        guard_loop(asyncio.get_running_loop())
        self.frame_error = ""
        self.block_faults = {}
        self.client = AsyncModbusTcpClient(
            d.host, port=d.port, timeout=d.timeout_ms / 1000, retries=0, reconnect_delay=0
        )
        decode_registers_fast(self.client)  # register replies in one numpy call (devices/modbus_replies.py)
        _DRIVER_OF[self.client.ctx] = self
        if not await self.client.connect():
            raise ConnectionError(f"cannot connect to {d.host}:{d.port}")

    def on_frame_error(self, text: str) -> None:
        """pymodbus could not decode a reply and dropped the connection: the read that waits for
        it fails, naming this. Logged at WARNING when it differs from the last one."""
        level = logging.DEBUG if text == self._frame_logged else logging.WARNING
        log.log(level, "device %s: undecodable reply, connection dropped: %s", self.device.name, text)
        self.frame_error = self._frame_logged = text

    async def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    async def scan_forever(self) -> None:
        period = self.device.scan_ms / 1000
        next_t = time.monotonic()
        while True:
            next_t = await tick(period, next_t)
            if self.client is None or not self.client.connected:
                raise ConnectionError("connection closed by the device")
            batches = []
            ts = time.time()
            for block in self.blocks:
                key = (block.table, block.start, block.count)
                try:
                    values = await self.read_block(block)
                    batches.append(SampleBatch.build(block.tags, ts, values, Quality.GOOD))
                    self.block_faults.pop(key, None)
                except BlockError as exc:
                    batches.append(
                        SampleBatch.build(block.tags, ts, np.full(len(block.tags), np.nan), Quality.BAD)
                    )
                    self.block_faults[key] = exc
                except ModbusException:
                    if self.frame_error:  # the loop's handler saw why: say that, not "no response"
                        raise ConnectionError(f"undecodable reply: {self.frame_error}") from None
                    raise
            if batches:
                self.sink(SampleBatch.concat(batches))
            self._show_faults()
            self.reply_good()

    def _show_faults(self) -> None:
        """The device's badge mark and tooltip for the blocks whose replies are unusable now."""
        faults = list(self.block_faults.items())
        if not faults:
            self.set_warning("")
            return
        lines = [f"{table}:{start}+{count}: {e}" for (table, start, count), e in faults[:3]]
        if len(faults) > 3:
            lines.append(f"and {len(faults) - 3} more blocks")
        self.set_warning(faults[0][1].mark, "; ".join(lines))

    async def read_block(self, block: ScanBlock) -> np.ndarray:
        """Read one block and decode it to raw values in `block.tags` order."""
        c = self.client
        unit = self.device.unit
        self.requests += 1
        if block.table == "hr":
            rr = await c.read_holding_registers(block.start, count=block.count, device_id=unit)
        elif block.table == "ir":
            rr = await c.read_input_registers(block.start, count=block.count, device_id=unit)
        elif block.table == "co":
            rr = await c.read_coils(block.start, count=block.count, device_id=unit)
        else:
            rr = await c.read_discrete_inputs(block.start, count=block.count, device_id=unit)
        fc = FUNCTION_CODES[block.table]
        if rr.isError():
            code, name = exception_of(rr)
            raise BlockError(
                f"EXC {code:02d}" if isinstance(code, int) else "EXC",
                f"exception reply {code} ({name}) to function {fc}",
            )
        if rr.function_code != fc:
            raise BlockError(
                f"FC {rr.function_code:02d}",
                f"reply with function code {rr.function_code} to a request with function code {fc}",
            )
        out = np.empty(len(block.tags), dtype=np.float64)
        if block.table in ("co", "di"):
            bits = rr.bits
            if len(bits) < block.count:
                raise BlockError("SHORT", f"short reply: {len(bits)} bits for {block.count}")
            arr = np.asarray(bits[: block.count], dtype=np.float64)
            for _type, _order, pos, offs, _b in block.groups:
                out[pos] = arr[offs]
            return out
        regs = rr.registers
        if len(regs) != block.count:
            raise BlockError(
                "SHORT" if len(regs) < block.count else "LONG",
                f"wrong reply length: {len(regs)} registers for {block.count}",
            )
        arr = np.asarray(regs, dtype=np.uint16)
        for type_, order, pos, offs, bits in block.groups:
            out[pos] = decode_bits(arr, offs, bits) if bits is not None else decode(arr, offs, type_, order)
        return out

    async def write(self, tag, raw: float) -> float:
        """Holding registers with the tag's type and word order (function 6 for one register,
        16 for several), a bit of a holding register with mask write register (function 22:
        the device changes that bit alone, so no read-modify-write can undo a change the PLC
        made in between), a coil with function 5."""
        self.check_connected(self.client is not None and self.client.connected)
        a = parse_modbus_address(tag.address)
        if a.table not in ("hr", "co"):
            raise WriteError(f"{tag.address} is read-only in Modbus")
        c, unit = self.client, self.device.unit
        type_ = tag.type or a.default_type
        try:
            words, written = encode_write(raw, type_, tag.word_order or self.device.word_order)
        except ValueError as exc:
            raise WriteError(str(exc)) from None
        self.requests += 1
        if a.table == "co":
            rr = await c.write_coil(a.offset, bool(written), device_id=unit)
        elif a.bit is not None:
            mask = 1 << a.bit
            rr = await c.mask_write_register(
                address=a.offset, and_mask=0xFFFF & ~mask, or_mask=mask if written else 0, device_id=unit
            )
        elif len(words) == 1:
            rr = await c.write_register(a.offset, words[0], device_id=unit)
        else:
            rr = await c.write_registers(a.offset, words, device_id=unit)
        if rr.isError():
            code, name = exception_of(rr)
            raise WriteError(
                f"{self.device.name} refused the write to {tag.address}: exception {code} ({name})"
            )
        return written
