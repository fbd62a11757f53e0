"""The connection state machine of devices/base.py on its own: a scripted driver connects, gives a
number of usable replies, then fails; what the device is reported as, and how the backoff runs."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from core.samples import DeviceState
from devices.backoff import Backoff
from devices.base import RESTORE_AFTER, Driver


class Scripted(Driver):
    """Each connect takes the next number of usable replies from `script` ("refuse": the connect
    fails); the scan gives that many, then the link fails. An empty script ends the run."""

    def __init__(self, script: list):
        device = SimpleNamespace(name="d", enabled=True, protocol="scripted")
        self.statuses = []
        super().__init__(device, [], lambda b: None, self.statuses.append)
        self.backoff = Backoff(first=0.001, cap=0.05)
        self.script = list(script)
        self.delays: list[float] = []  # the backoff's next delay at each connect
        self.done = asyncio.Event()

    async def connect(self) -> None:
        self.delays.append(self.backoff._next)
        if not self.script:
            self.done.set()
            await asyncio.Event().wait()
        step = self.script.pop(0)
        if step == "refuse":
            raise ConnectionError("refused")
        self.replies = step

    async def scan_forever(self) -> None:
        for _ in range(self.replies):
            self.reply_good()
            await asyncio.sleep(0)
        raise ConnectionError("junk")

    async def close(self) -> None:
        pass


def run(script: list) -> Scripted:
    async def go():
        drv = Scripted(script)
        task = asyncio.create_task(drv.run())
        await asyncio.wait_for(drv.done.wait(), 10)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return drv

    return asyncio.run(go())


def states(drv: Scripted) -> list[DeviceState]:
    return [s.state for s in drv.statuses]


def test_connects_without_a_reply_are_one_failure_and_the_backoff_grows():
    drv = run([0, 0, 0, "refuse", 0])
    # never connected: one failure, re-published only when its reason changes
    assert [(s.state, s.error) for s in drv.statuses] == [
        (DeviceState.DISCONNECTED, "ConnectionError: junk"),
        (DeviceState.DISCONNECTED, "ConnectionError: refused"),
        (DeviceState.DISCONNECTED, "ConnectionError: junk"),
    ]
    assert drv.delays == sorted(drv.delays) and drv.delays[-1] > 4 * drv.delays[0]


def test_first_reply_connects_and_a_failure_needs_replies_in_a_row_to_end():
    drv = run([5, RESTORE_AFTER - 1, 1, RESTORE_AFTER, 0])
    assert states(drv) == [
        DeviceState.CONNECTED,  # the first usable reply of a device that never failed
        DeviceState.DISCONNECTED,  # then not connected again by 2, then 1 replies
        DeviceState.CONNECTED,  # RESTORE_AFTER in a row
        DeviceState.DISCONNECTED,
    ]
    # the backoff (its next delay at each connect) grew across the short recoveries and started
    # over only once restored: 1, 2, 4, 8, then 2 ms again after one failure
    d = drv.delays
    assert d[0] < d[1] < d[2] < d[3] and d[4] == d[1]
