"""The memory a simulated Modbus device serves: its `ModbusImage`'s arrays, read and written in
place by pymodbus's server.

pymodbus's own datastore checks every register of a request, and every register of a write, in a
Python loop: the plant's tick wrote each device's whole image through it once a second and every
read was checked register by register, some 80,000 loop turns a second for a plant of 20,000 float
tags, half the simulator's time, on the same machine as the HMI in the embedded demo. This store
answers a read with one slice of the image's array, and the tick needs no write at all: it encodes
the values into the arrays this store serves (`ModbusImage.update`).

A client's write goes into the image at once; a writable tag it changed is reported (tag,
engineering value) so the plant holds the tag there. A read or write past the end of a table is
refused with exception 2 (illegal data address), a request to another unit as pymodbus refuses it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from pymodbus.constants import ExcCodes
from pymodbus.exceptions import NoSuchIdException

from app.config import REGISTER_WORDS
from devices.codec import decode_one

if TYPE_CHECKING:
    from demo.sim_servers import ModbusImage

# function code -> the table it reads or writes
TABLE_OF = {1: "co", 5: "co", 15: "co", 2: "di", 3: "hr", 6: "hr", 16: "hr", 22: "hr", 23: "hr", 4: "ir"}


class ImageStore:
    """The datastore of one pymodbus server: `image`'s registers and bits for unit `unit`."""

    def __init__(self, image: ModbusImage, unit: int, on_write: Callable[[int, float], None]):
        self.image, self.unit, self.on_write = image, unit, on_write

    def device_ids(self) -> list[int]:
        return [self.unit]

    def _table(self, device_id: int, func_code: int) -> np.ndarray:
        if device_id != self.unit:
            raise NoSuchIdException(f"unit {device_id}")
        table = TABLE_OF.get(func_code)
        if table is None:
            raise ValueError(f"function code {func_code} has no table")
        return self.image.regs[table] if table in ("hr", "ir") else self.image.bits[table]

    async def async_getValues(self, device_id: int, func_code: int, address: int, count: int = 1):  # noqa: N802
        arr = self._table(device_id, func_code)
        if address < 0 or count < 0 or address + count > len(arr):
            return ExcCodes.ILLEGAL_ADDRESS
        return arr[address : address + count].tolist()

    async def async_setValues(self, device_id: int, func_code: int, address: int, values) -> ExcCodes | None:  # noqa: N802
        arr = self._table(device_id, func_code)
        values = values if isinstance(values, Sequence) else [values]
        if address < 0 or address + len(values) > len(arr):
            return ExcCodes.ILLEGAL_ADDRESS
        table = TABLE_OF[func_code]
        before = arr.copy() if self.image.writable else None
        arr[address : address + len(values)] = values
        if before is not None:
            self._report(table, arr, before, address, address + len(values))
        return None

    def _report(self, table: str, now: np.ndarray, before: np.ndarray, lo: int, hi: int) -> None:
        """Tell the plant the writable tags in [lo, hi) of `table` that the write changed."""
        for i, t, off, bit, ty, order, scale, offset in self.image.writable:
            n = 1 if (t == "co" or bit is not None) else REGISTER_WORDS[ty]
            if t != table or off + n <= lo or off >= hi:
                continue
            if t == "co":
                if bool(now[off]) != bool(before[off]):
                    self.on_write(i, float(bool(now[off])))
            elif bit is not None:
                on = bool((int(now[off]) >> bit) & 1)
                if on != bool((int(before[off]) >> bit) & 1):
                    self.on_write(i, float(on))
            elif not np.array_equal(now[off : off + n], before[off : off + n]):
                raw = decode_one(now[off : off + n].tolist(), ty, order)
                self.on_write(i, raw if ty == "bool" else raw * scale + offset)
