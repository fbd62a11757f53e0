"""Delivering the queue: live data first, the backlog in order at a bounded rate.

Two lanes over the one queue (storage/uplink_queue.py), each sent in queue order: everything
queued before the link last came up (at start, or after an outage) is the *backlog*, sent at
most `catchup_per_s` messages a second; what is queued after that is *live* and goes first, so
the platform sees today's values while yesterday's are caught up. One request is in flight at a
time: a slow platform slows the link, it never piles requests on it.

An answer is recorded in the queue in the transaction that takes the message out of the pending
state; a message whose answer was lost (crash, broken connection) is sent again under its id,
which the platform answers as a duplicate. A refused message is never retried: the `on_refused`
callback raises a SYSTEM alarm naming its point. An outage or a busy answer waits `retry_s`,
doubling up to `retry_cap_s`, and tries the oldest message again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from app.uplink.transport import Envelope, LinkError, Outcome, read_answer
from storage.uplink_queue import Queued, QueueState, UplinkQueue

log = logging.getLogger(__name__)
LIVE_BATCH = 50  # messages read at once
BACKLOG_ROUND = 10  # backlog messages sent between two looks at the live lane


class Sender:
    """Sends what is queued (see the module docstring); `step` does one round, any thread."""

    def __init__(
        self,
        queue: UplinkQueue,
        transport,
        envelope: Envelope,
        *,
        catchup_per_s: float,
        clock: Callable[[], float] = time.time,
        retry_s: float = 1.0,
        retry_cap_s: float = 60.0,
        on_refused: Callable[[Queued, str, str], None] | None = None,
        on_delivered: Callable[[Queued], None] | None = None,
    ):
        self.queue = queue
        self.transport = transport
        self.envelope = envelope
        self.rate = catchup_per_s
        self.clock = clock
        self.retry_s = retry_s
        self.retry_cap_s = retry_cap_s
        self.on_refused = on_refused
        self.on_delivered = on_delivered
        self.catchup_to = queue.last_id()  # what was queued before start is backlog
        self.up = True
        self.retry_at = 0.0  # monotonic: the next try after a failure
        self._wait = retry_s
        self._tokens = 1.0
        self._backlog: list[Queued] = []  # the next backlog messages, read ahead (still pending in the queue)
        self._filled = time.monotonic()
        self.sent = 0  # requests answered
        self.last_error = ""

    def set_rate(self, per_s: float) -> None:
        """A new catch-up rate, from a bucket of one message."""
        self.rate, self._tokens, self._filled = per_s, 1.0, time.monotonic()

    def step(self) -> float:
        """Send what may be sent now; the seconds until there may be more to do (0: go on)."""
        mono = time.monotonic()
        if not self.up:
            if mono < self.retry_at:
                return self.retry_at - mono
            oldest = self.queue.pending(limit=1)  # the probe: the oldest message, in order
            if not oldest:
                self.up = True
                return 0.0
            if not self._send(oldest[0]):
                return self.retry_at - time.monotonic()
            self.up = True
            self.catchup_to = self.queue.last_id()  # what came during the outage is backlog
            self._backlog = []
            return 0.0
        live = self.queue.pending(after=self.catchup_to, limit=LIVE_BATCH)
        for m in live:
            if not self._send(m):
                return self.retry_at - time.monotonic()
        if live:
            return 0.0
        self._fill(mono)
        if self._tokens < 1.0:
            return (1.0 - self._tokens) / self.rate
        if not self._backlog:
            self._backlog = self.queue.pending(upto=self.catchup_to, limit=LIVE_BATCH)
            if not self._backlog:
                return 0.5
        for _ in range(BACKLOG_ROUND):  # as many as the bucket allows, then look at live again
            if not self._backlog or self._tokens < 1.0:
                break
            self._tokens -= 1.0
            if not self._send(self._backlog[0]):
                return self.retry_at - time.monotonic()
            self._backlog.pop(0)
        return 0.0

    def _fill(self, mono: float) -> None:
        self._tokens = min(max(1.0, self.rate), self._tokens + (mono - self._filled) * self.rate)
        self._filled = mono

    def _send(self, m: Queued) -> bool:
        """Send one message and record the answer; False after an outage or a busy answer."""
        body = self.envelope.build(m.kind, m.msg_id, m.body, self.clock())
        path = self.envelope.profile.paths[m.kind]
        try:
            status, raw = self.transport.post(path, body)
        except LinkError as exc:
            return self._failed(str(exc))
        outcome, text, point = read_answer(self.envelope.profile, status, raw)
        self.sent += 1
        if outcome == Outcome.RETRY:
            return self._failed(text)
        now = self.clock()
        if outcome == Outcome.REFUSED:
            self.queue.mark(m.id, QueueState.REFUSED, now, text)
            log.error("the platform refused %s message %s: %s", m.kind, m.msg_id, text)
            if self.on_refused is not None:
                self.on_refused(m, text, point)
        else:
            state = QueueState.DELIVERED if outcome == Outcome.ACCEPTED else QueueState.DUPLICATE
            self.queue.mark(m.id, state, now, "" if outcome == Outcome.ACCEPTED else text)
            if self.on_delivered is not None:
                self.on_delivered(m)
        self._wait = self.retry_s
        return True

    def _failed(self, error: str) -> bool:
        self._backlog = []  # read again, in order, once the link is back
        if self.up:
            log.warning("the regulator link is down: %s", error)
        self.up = False
        self.last_error = error
        self.retry_at = time.monotonic() + self._wait
        self._wait = min(self.retry_cap_s, self._wait * 2)
        return False
