"""Modbus TCP driver: merged block reads, every data type, both word orders, reply checks.

One connection per device (a pymodbus client serialises its requests). A reply that is an
exception, or carries fewer registers than asked, turns that block's tags bad quality; a
timeout or a lost socket turns the whole device bad and reconnects with backoff.
"""

from __future__ import annotations

import logging
import time

import numpy as np
from pymodbus.client import AsyncModbusTcpClient

from app.config import parse_modbus_address
from app.model import Quality, SampleBatch
from devices.base import Driver, WriteError, register, tick
from devices.codec import decode, decode_bits, encode_write
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
    10: "gateway path unavailable",
    11: "gateway target device failed to respond",
}


class BlockError(Exception):
    """A reply that the device gave but that cannot be used (exception code, short reply)."""


@register("modbus-tcp")
class ModbusDriver(Driver):
    """Reads a Modbus TCP device's tags in merged blocks every `scan_ms`."""

    def __init__(self, device, tags, sink, status, **kw):
        super().__init__(device, tags, sink, status, **kw)
        self.blocks: list[ScanBlock] = plan(specs_for(tags, device), device.max_block, device.max_gap)
        self.client: AsyncModbusTcpClient | None = None
        self.requests = 0

    async def connect(self) -> None:
        d = self.device
        self.client = AsyncModbusTcpClient(
            d.host, port=d.port, timeout=d.timeout_ms / 1000, retries=0, reconnect_delay=0
        )
        if not await self.client.connect():
            raise ConnectionError(f"cannot connect to {d.host}:{d.port}")

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
                try:
                    values = await self.read_block(block)
                    batches.append(SampleBatch.build(block.tags, ts, values, Quality.GOOD))
                except BlockError as exc:
                    log.debug(
                        "%s: block %s:%d+%d: %s", self.device.name, block.table, block.start, block.count, exc
                    )
                    batches.append(
                        SampleBatch.build(block.tags, ts, np.full(len(block.tags), np.nan), Quality.BAD)
                    )
            if batches:
                self.sink(SampleBatch.concat(batches))

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
        if rr.isError():
            raise BlockError(f"exception reply {getattr(rr, 'exception_code', '?')}")
        out = np.empty(len(block.tags), dtype=np.float64)
        if block.table in ("co", "di"):
            bits = rr.bits
            if len(bits) < block.count:
                raise BlockError(f"short reply: {len(bits)} bits for {block.count}")
            arr = np.asarray(bits[: block.count], dtype=np.float64)
            for _type, _order, pos, offs, _b in block.groups:
                out[pos] = arr[offs]
            return out
        regs = rr.registers
        if len(regs) != block.count:
            raise BlockError(f"wrong reply length: {len(regs)} registers for {block.count}")
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
        type_ = tag.type or ("bool" if a.is_bit_table or a.bit is not None else "uint16")
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
            code = getattr(rr, "exception_code", None)
            name = EXCEPTION_CODES.get(code, "unknown exception")
            raise WriteError(
                f"{self.device.name} refused the write to {tag.address}: exception {code} ({name})"
            )
        return written
