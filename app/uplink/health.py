"""The link's own health, as the platform will judge it: last delivery, backlog size and age,
refused messages, and per point the online rate and the completeness over a period (a shift, a
month).

For each point, the snapshots expected in the period are its real-time boundaries (one each
`realtime_s`); a snapshot *completes* the point when it carried a valid value of it and was
delivered, and is *online* when it was also delivered within `online_latency_s` of its time.
An outage caught up later keeps the completeness and lowers the online rate, as the platform
sees it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from storage.uplink_queue import DONE, UplinkQueue


@dataclass(frozen=True)
class PointHealth:
    code: str
    tag: str
    expected: int
    delivered: int  # snapshots delivered with a valid value of the point
    on_time: int  # of those, delivered within the online latency

    @property
    def completeness(self) -> float | None:
        return None if not self.expected else min(1.0, self.delivered / self.expected)

    @property
    def online_rate(self) -> float | None:
        return None if not self.expected else min(1.0, self.on_time / self.expected)


@dataclass(frozen=True)
class LinkHealth:
    t0: float
    t1: float
    last_delivery: float | None
    backlog: int
    backlog_age_s: float | None  # how old the oldest waiting message's data is
    refused: list[tuple[float, str, str, str]]  # (answered at, kind, points, answer)
    points: list[PointHealth]

    def _mean(self, attr: str) -> float | None:
        got = [getattr(p, attr) for p in self.points if getattr(p, attr) is not None]
        return sum(got) / len(got) if got else None

    @property
    def online_rate(self) -> float | None:
        return self._mean("online_rate")

    @property
    def completeness(self) -> float | None:
        return self._mean("completeness")


def expected_snapshots(t0: float, t1: float, period: float) -> int:
    """Real-time boundaries (multiples of `period`) in [t0, t1)."""
    first = math.ceil(t0 / period) * period
    return 0 if t1 <= first else math.ceil((t1 - first) / period - 1e-9)


def link_health(
    store: UplinkQueue, points, period: float, latency: float, t0: float, t1: float, now: float
) -> LinkHealth:
    """The figures for [t0, t1) as they stand at `now` (a period not over counts up to now)."""
    end = min(t1, now + 0.001)  # a snapshot of this very moment counts
    delivered: dict[str, int] = {}
    on_time: dict[str, int] = {}
    for data_ts, sent, state, codes in store.realtime_rows(t0, end):
        if state not in DONE or sent is None:
            continue
        late = sent - data_ts > latency
        for c in codes:
            delivered[c] = delivered.get(c, 0) + 1
            if not late:
                on_time[c] = on_time.get(c, 0) + 1
    n = expected_snapshots(t0, end, period)
    rows = [PointHealth(p.code, p.tag, n, delivered.get(p.code, 0), on_time.get(p.code, 0)) for p in points]
    backlog, oldest = store.backlog()
    return LinkHealth(
        t0, t1, store.last_delivery(), backlog, None if oldest is None else max(0.0, now - oldest),
        store.refused(t0, t1), rows,
    )  # fmt: skip
