"""The state arrays of the alarm engine: `Level` (one alarm kind over all tags) and `LimitBlock`
(the level alarms HH, H, L, LL and STATE of every tag as one (tags x kinds) block, with the quiet
band that lets a vectorised pass skip every tag that cannot change state).

Pure numpy, no Qt; `app.alarms.engine.AlarmEngine` owns them and runs the state machine over them.
"""

from __future__ import annotations

import numpy as np

from core.alarm_types import HIGH, LEVEL_KINDS, Kind


class Level:
    """State arrays of one alarm kind over all tags (columns of a shared block for limit kinds)."""

    def __init__(self, n: int, block: LimitBlock | None = None, k: int = 0):
        if block is not None:
            for name in LimitBlock.ARRAYS:
                setattr(self, name, getattr(block, name)[:, k])
        else:
            self.limit = np.full(n, np.nan)  # NaN: this tag has no alarm of this kind
            self.deadband = np.zeros(n)
            self.priority = np.full(n, 3, dtype=np.int8)
            self.active = np.zeros(n, dtype=bool)
            self.acked = np.ones(n, dtype=bool)
            self.latched = np.zeros(n, dtype=bool)
            self.since = np.zeros(n)
            self.first_out = np.zeros(n, dtype=bool)
        self.value = np.full(n, np.nan)
        self.pend_on = np.full(n, np.nan)  # level kinds time their delays in the block
        self.pend_off = np.full(n, np.nan)
        self.acked_at = np.zeros(n)
        self.shelved_until = np.zeros(n)  # > ts: shelved; inf: one-shot (until it clears)
        self.shelve_reason: dict[int, tuple[str, str]] = {}
        self.oos = np.zeros(n, dtype=bool)
        self.msup = np.zeros(n, dtype=bool)  # suppressed by a supervisor (until lifted)
        self.suppress_reason: dict[int, tuple[str, str]] = {}


class LimitBlock:
    """The level alarms (HH, H, L, LL, STATE) of every tag as (tags x kinds) arrays, so one
    vectorised pass moves all of them, and the quiet band of every tag: while a value stays
    strictly inside it and no delay is timing, no level alarm of the tag can change state, and
    the tag is skipped."""

    ARRAYS = ("limit", "deadband", "priority", "active", "acked", "latched", "since", "first_out")

    def __init__(self, n: int):
        k = len(LEVEL_KINDS)
        self.limit = np.full((n, k), np.nan)
        self.deadband = np.zeros((n, k))
        self.priority = np.full((n, k), 3, dtype=np.int8)
        self.active = np.zeros((n, k), dtype=bool)
        self.acked = np.ones((n, k), dtype=bool)
        self.latched = np.zeros((n, k), dtype=bool)
        self.since = np.zeros((n, k))
        self.first_out = np.zeros((n, k), dtype=bool)
        self.pend = np.full((n, k), np.nan)  # since when the change the alarm wants (on or off) holds
        self.band_lo = np.full(n, -np.inf)  # attention when value <= band_lo or value >= band_hi
        self.timing = np.zeros(n, dtype=bool)  # a delay of the tag is timing
        self.band_hi = np.full(n, np.inf)

    def finish(self) -> None:
        """Derive the comparison arrays once the limits are set: an alarm is raised when
        sign * (value - threshold) >= 0 and cleared when it is < -deadband (NaN: no such alarm)."""
        sign, thr = np.ones_like(self.limit), self.limit.copy()
        for j, kind in enumerate(LEVEL_KINDS):
            lim = self.limit[:, j]
            if kind == Kind.STATE:  # alarm when ON (limit 1): v >= 0.5; when OFF (limit 0): v < 0.5
                on = lim >= 0.5
                sign[:, j] = np.where(on, 1.0, -1.0)
                thr[:, j] = np.where(np.isnan(lim), np.nan, np.where(on, 0.5, np.nextafter(0.5, -np.inf)))
            else:
                sign[:, j] = 1.0 if HIGH[kind] else -1.0
        self.sign, self.threshold = sign, thr
        has, high = np.isfinite(thr), sign > 0
        inf = np.inf
        # the quiet band's edges while an alarm is inactive (raised at the threshold) and while it
        # is active (cleared beyond threshold -/+ deadband)
        raise_hi = np.where(has & high, thr, inf)
        raise_lo = np.where(has & ~high, thr, -inf)
        clear_hi = np.where(has & ~high, np.nextafter(thr + self.deadband, inf), inf)
        clear_lo = np.where(has & high, np.nextafter(thr - self.deadband, -inf), -inf)
        # one gather fetches everything the state machine reads: (tags, field, kinds)
        self.static = np.stack([sign, thr, -self.deadband, raise_hi, raise_lo, clear_hi, clear_lo], axis=1)
        self.rows = np.flatnonzero(has.any(axis=1))
        self.update_band(self.static, self.rows, self.active[self.rows], self.pend[self.rows])

    def update_band(self, st: np.ndarray, rows: np.ndarray, active: np.ndarray, pend: np.ndarray) -> None:
        """Recompute the quiet band of these tags from their (already gathered) states."""
        if len(st) != len(rows):
            st = st[rows]
        hi = np.where(active, st[:, 5], st[:, 3]).min(axis=1)
        lo = np.where(active, st[:, 6], st[:, 4]).max(axis=1)
        timing = np.isfinite(pend).any(axis=1)
        self.timing[rows] = timing
        self.band_hi[rows] = np.where(timing, -np.inf, hi)
        self.band_lo[rows] = np.where(timing, np.inf, lo)
