"""Driver contract and registry: a driver is chosen by the device's protocol.

A driver owns one device's connection. It runs in the engine's asyncio loop, emits raw
(unscaled) values as SampleBatch columns through `sink`, reports its communication state
through `status`, and reconnects with capped backoff. Adding a protocol touches this folder.

The state a driver reports is the device's, not the socket's: a device that accepts the TCP
connection and then answers junk has not communicated. So a device counts as connected at its
first usable reply, is reported disconnected at the first failure, and after a failure counts
as connected again only once `RESTORE_AFTER` usable replies in a row have come (the
communication alarm follows that state, so a flapping device raises it once and keeps it up);
the reconnect backoff starts again from its first delay only then, never on a bare connect.
"""

from __future__ import annotations

import asyncio
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable

import numpy as np

from core.samples import DeviceState, DeviceStatus, Quality, SampleBatch
from devices.backoff import Backoff

log = logging.getLogger(__name__)

RESTORE_AFTER = 3  # usable replies in a row that end a communication failure

DRIVERS: dict[str, type[Driver]] = {}


def register(protocol: str):
    def deco(cls):
        DRIVERS[protocol] = cls
        return cls

    return deco


def driver_for(device) -> type[Driver]:
    try:
        return DRIVERS[device.protocol]
    except KeyError:
        raise ValueError(f"no driver for protocol {device.protocol!r}") from None


class WriteError(Exception):
    """A write the device did not take (not connected, refused, no answer); says why."""


class Driver(ABC):
    """Base of all protocol drivers: the connect / scan / back off loop."""

    def __init__(
        self,
        device,
        tags: list[tuple[int, object]],
        sink: Callable[[SampleBatch], None],
        status: Callable[[DeviceStatus], None],
        backoff_cap: float = 10.0,
    ):
        self.device = device
        self.tags = tags
        self.tag_idx = np.array([i for i, _ in tags], dtype=np.int32)
        self.sink = sink
        self._status = status
        self.backoff = Backoff(cap=backoff_cap)
        self.state = DeviceState.CONNECTING
        self.last_error = ""
        self.warning, self.warning_text = "", ""
        self.good_replies = 0  # usable replies since the last (re)connect
        self._connect_ms: float | None = None

    def report(self, state: DeviceState, error: str = "", rtt: float | None = None) -> None:
        if state == self.state and error == self.last_error and rtt is None:
            return
        self.state, self.last_error = state, error
        self._publish(rtt)

    def _publish(self, rtt: float | None = None) -> None:
        self._status(
            DeviceStatus(
                self.device.name,
                self.state,
                time.time(),
                self.last_error,
                rtt,
                self.warning,
                self.warning_text,
            )
        )

    def set_warning(self, mark: str, text: str = "") -> None:
        """Show that the device answers but not as it should (`mark` on its badge, `text` in
        its tooltip), or clear it with an empty mark; published and logged when it changes."""
        if (mark, text) == (self.warning, self.warning_text):
            return
        if mark:
            log.warning("device %s: %s", self.device.name, text or mark)
        else:
            log.info("device %s: replies are usable again", self.device.name)
        self.warning, self.warning_text = mark, text
        self._publish()

    def reply_good(self) -> None:
        """The device gave a usable reply. The first one connects it; after a failure it takes
        `RESTORE_AFTER` in a row, and only then does the backoff start again from its first delay."""
        self.good_replies += 1
        if self.state == DeviceState.CONNECTED:
            return
        if self.state == DeviceState.DISCONNECTED and self.good_replies < RESTORE_AFTER:
            return
        self.backoff.reset()
        if self.state == DeviceState.DISCONNECTED:
            log.warning("device %s: communication restored", self.device.name)
        self.report(DeviceState.CONNECTED, "", self._connect_ms)

    def emit_bad(self, indexes: np.ndarray | None = None) -> None:
        idx = self.tag_idx if indexes is None else indexes
        if len(idx):
            self.sink(SampleBatch.build(idx, time.time(), np.full(len(idx), np.nan), Quality.BAD))

    async def run(self) -> None:
        """Connect, scan until the connection fails, back off, repeat; ends when cancelled."""
        if not self.device.enabled:
            self.report(DeviceState.DISABLED)
            self.emit_bad()
            return
        while True:
            if self.state != DeviceState.DISCONNECTED:  # a failed device stays failed while it retries
                self.report(DeviceState.CONNECTING, self.last_error)
            try:
                t0 = time.perf_counter()
                self.good_replies = 0
                await self.connect()
                self._connect_ms = (time.perf_counter() - t0) * 1000
                await self.scan_forever()
                raise ConnectionError("scan loop ended")
            except asyncio.CancelledError:
                await self._safe_close()
                raise
            except Exception as exc:  # any failure of the link: tags bad, alarm, back off
                raise_if_cancelling()
                msg = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                if self.state != DeviceState.DISCONNECTED or msg != self.last_error:
                    log.warning("device %s: %s", self.device.name, msg)
                else:
                    log.debug("device %s: %s", self.device.name, msg)
                self.emit_bad()
                self.good_replies = 0
                had_warning = bool(self.warning)
                self.warning, self.warning_text = "", ""  # it was about replies of a link now gone
                if had_warning and self.state == DeviceState.DISCONNECTED and msg == self.last_error:
                    self._publish()
                self.report(DeviceState.DISCONNECTED, msg)
                await self._safe_close()
            await asyncio.sleep(self.backoff.next_delay())

    async def _safe_close(self) -> None:
        try:
            await asyncio.wait_for(self.close(), 2.0)
        except Exception as exc:
            log.debug("device %s: close failed: %s", self.device.name, exc)

    async def write(self, tag, raw: float) -> float:
        """Write one raw (unscaled) value of `tag` to the device, in the engine's loop; return the
        raw value the device now holds (integers rounded). Raise WriteError with a message an
        operator can act on. Drivers of protocols that can write override this."""
        raise WriteError(f"{self.device.protocol} devices cannot be written")

    def check_connected(self, connected: bool) -> None:
        if not connected:
            why = f": {self.last_error}" if self.last_error else ""
            raise WriteError(f"device {self.device.name} is not connected{why}")

    @abstractmethod
    async def connect(self) -> None: ...

    @abstractmethod
    async def scan_forever(self) -> None:
        """Emit samples every scan period; return or raise when the link is lost."""

    @abstractmethod
    async def close(self) -> None: ...


def raise_if_cancelling() -> None:
    """Client libraries sometimes turn a cancellation into their own error and carry on; a
    driver asked to stop must stop all the same."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def tick(period_s: float, next_t: float) -> float:
    """Sleep until `next_t` on the monotonic clock; return the following deadline, skipping
    missed periods rather than bursting to catch up."""
    raise_if_cancelling()
    now = time.monotonic()
    if next_t > now:
        await asyncio.sleep(next_t - now)
        return next_t + period_s
    missed = (now - next_t) // period_s + 1
    return next_t + missed * period_s
