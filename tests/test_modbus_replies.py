"""Register read replies decoded in one numpy call (devices/modbus_replies.py): the registers
pymodbus's own decode gives, for every frame length; a byte count the frame does not hold is
refused as pymodbus refuses it; other clients keep pymodbus's classes."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusIOException
from pymodbus.pdu.register_message import ReadHoldingRegistersResponse, ReadInputRegistersResponse

from devices.modbus_replies import HoldingRegisters, InputRegisters, install


@pytest.mark.parametrize(
    "ours, theirs",
    [(HoldingRegisters, ReadHoldingRegistersResponse), (InputRegisters, ReadInputRegistersResponse)],
)
def test_the_registers_equal_pymodbus_own_decode(ours, theirs):
    rng = np.random.default_rng(4)
    for count in (0, 1, 2, 7, 124, 125):
        body = rng.integers(0, 256, 2 * count, dtype=np.uint8).tobytes()
        for extra in (b"", b"\x01"):  # an odd byte after the registers, as a sloppy server sends
            frame = bytes([len(body + extra)]) + body + extra + b"\x00"
            a, b = ours(), theirs()
            a.decode(frame)
            b.decode(frame)
            assert a.registers.dtype == np.uint16
            assert a.registers.tolist() == b.registers
            assert a.function_code == b.function_code and not a.isError()
            assert f"registers={len(b.registers)}" in str(a)


def test_a_byte_count_of_zero_is_no_register():
    for cls in (HoldingRegisters, ReadHoldingRegistersResponse):
        r = cls()
        r.decode(b"\x00")
        assert len(r.registers) == 0


def test_a_byte_count_beyond_the_frame_is_refused_as_pymodbus_refuses_it():
    frame = bytes([10]) + b"\x00" * 6
    for cls in (HoldingRegisters, ReadHoldingRegistersResponse):
        with pytest.raises(ModbusIOException):
            cls().decode(frame)


def test_only_the_client_they_are_installed_on_uses_them():
    async def clients():
        ours, theirs = AsyncModbusTcpClient("127.0.0.1", port=1), AsyncModbusTcpClient("127.0.0.1", port=1)
        install(ours)
        got = [c.ctx.framer.decoder.pdu_table[fc][1] for c in (ours, theirs) for fc in (3, 4)]
        ours.close()
        theirs.close()
        return got

    assert asyncio.run(clients()) == [
        HoldingRegisters,
        InputRegisters,
        ReadHoldingRegistersResponse,
        ReadInputRegistersResponse,
    ]
