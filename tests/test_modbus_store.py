"""The simulated Modbus device's store (demo/modbus_store.py): reads are slices of the image, a
client's write lands in it and reports the writable tags it changed, and what is out of range or
for another unit is refused as pymodbus refuses it. End to end over sockets: tests/test_writes.py."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from pymodbus.constants import ExcCodes
from pymodbus.exceptions import NoSuchIdException

from demo.modbus_store import ImageStore
from demo.sim_servers import ModbusImage
from devices.codec import encode_write
from tests.helpers import plant

CFG = plant(
    [
        '{name: d.F, device: d, address: "hr:0", type: float32, scale: 2, offset: 10, writable: true}',
        '{name: d.B3, device: d, address: "hr:4.3", type: bool, writable: true}',
        '{name: d.B5, device: d, address: "hr:4.5", type: bool}',
        '{name: d.RO, device: d, address: "hr:6", type: uint16}',
        '{name: d.C, device: d, address: "co:2", type: bool, writable: true}',
        '{name: d.I, device: d, address: "ir:1", type: uint16}',
    ]
)


@pytest.fixture
def store():
    img = ModbusImage.build(CFG, CFG.devices[0])
    img.update(np.array([30.0, 1.0, 1.0, 7.0, 0.0, 9.0]))
    wrote: list[tuple[int, float]] = []
    s = ImageStore(img, CFG.devices[0].unit, lambda tag, value: wrote.append((tag, value)))
    s.wrote = wrote
    return s


def run(coro):
    return asyncio.run(coro)


def test_reads_are_the_image(store):
    unit = store.unit
    assert run(store.async_getValues(unit, 3, 6, 1)) == [7]
    assert run(store.async_getValues(unit, 4, 1, 1)) == [9]
    assert run(store.async_getValues(unit, 3, 4, 1)) == [(1 << 3) | (1 << 5)]
    assert run(store.async_getValues(unit, 1, 0, 3)) == [False, False, False]
    regs = run(store.async_getValues(unit, 3, 0, 2))
    assert regs == list(encode_write(10.0, "float32", "big")[0])  # (30 - 10) / 2


def test_out_of_range_and_other_units_are_refused(store):
    n = len(store.image.regs["hr"])
    assert run(store.async_getValues(store.unit, 3, n - 1, 2)) is ExcCodes.ILLEGAL_ADDRESS
    assert run(store.async_setValues(store.unit, 16, n, [1])) is ExcCodes.ILLEGAL_ADDRESS
    assert (
        run(store.async_getValues(store.unit, 1, len(store.image.bits["co"]), 1)) is ExcCodes.ILLEGAL_ADDRESS
    )
    with pytest.raises(NoSuchIdException):
        run(store.async_getValues(store.unit + 1, 3, 0, 1))


def test_a_write_reports_the_writable_tags_it_changed(store):
    unit = store.unit
    words, _ = encode_write(21.0, "float32", "big")
    assert run(store.async_setValues(unit, 16, 0, list(words))) is None
    assert store.wrote == [(0, 21.0 * 2 + 10)]
    assert run(store.async_getValues(unit, 3, 0, 2)) == list(words)  # it stays in the image
    store.wrote.clear()
    run(store.async_setValues(unit, 6, 4, [1 << 5]))  # bit 3 off, bit 5 (read-only tag) unchanged
    assert store.wrote == [(1, 0.0)]
    store.wrote.clear()
    run(store.async_setValues(unit, 6, 6, [8]))  # a register no writable tag has
    run(store.async_setValues(unit, 16, 0, list(words)))  # the same value again
    assert store.wrote == []
    run(store.async_setValues(unit, 5, 2, True))
    assert store.wrote == [(4, 1.0)]
