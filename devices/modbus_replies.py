"""Register read replies decoded in one numpy call, for a Modbus client of ours.

pymodbus decodes a reply of 125 registers with 125 `struct.unpack` calls and then, for a DEBUG
line that is dropped unless debugging, formats every register into text: some 100 µs of the
acquisition thread's GIL a reply, 320 replies a second on a plant of 20,000 float tags. These
subclasses of its function 3 and 4 replies read the registers straight from the frame with
`numpy.frombuffer` and name themselves in a few words; they are registered on each client of
ours (`install`), not in pymodbus's tables, so other clients in the process are untouched. The
reply is checked as pymodbus checks it (its byte count must fit the frame); the driver then
checks the register count and the function code as for any reply.
"""

from __future__ import annotations

import numpy as np
from pymodbus.exceptions import ModbusIOException
from pymodbus.pdu.register_message import ReadHoldingRegistersResponse, ReadInputRegistersResponse


class _Registers:
    """`registers` as a uint16 array read from the frame in one call."""

    function_code: int

    def decode(self, data: bytes) -> None:
        if (data_len := int(data[0])) >= len(data):
            raise ModbusIOException(
                f"byte_count {data_len} > length of packet {len(data)}", function_code=self.function_code
            )
        self.registers = np.frombuffer(data, dtype=">u2", count=data_len // 2, offset=1).astype(np.uint16)

    def __str__(self) -> str:
        return f"{type(self).__name__}(dev_id={self.dev_id}, registers={len(self.registers)})"


class HoldingRegisters(_Registers, ReadHoldingRegistersResponse):
    """The reply to a holding register read (function 3)."""


class InputRegisters(_Registers, ReadInputRegistersResponse):
    """The reply to an input register read (function 4)."""


def install(client) -> None:
    """Decode `client`'s register read replies with these classes (its own decoder table)."""
    client.register(HoldingRegisters)
    client.register(InputRegisters)
