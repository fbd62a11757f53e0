"""The state arrays of the alarm engine: `Level` (one alarm kind over all tags) and `LimitBlock`
(the level alarms HH, H, L, LL and STATE of every tag as one (tags x kinds) block, with the quiet
band that lets a vectorised pass skip every tag that cannot change state).

Pure numpy, no Qt; `app.alarms.engine.AlarmEngine` owns them and runs the state machine over them.
"""

from __future__ import annotations

import numpy as np

from core.alarm_types import HIGH, LEVEL_KINDS, Kind
from core.compiled import KernelLoader


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
            self.shelved_until = np.zeros(n)  # > ts: shelved; inf: one-shot (until it clears)
            self.oos = np.zeros(n, dtype=bool)
            self.msup = np.zeros(n, dtype=bool)  # suppressed by a supervisor (until lifted)
        self.value = np.full(n, np.nan)
        self.pend_on = np.full(n, np.nan)  # level kinds time their delays in the block
        self.pend_off = np.full(n, np.nan)
        self.acked_at = np.zeros(n)
        self.shelve_reason: dict[int, tuple[str, str]] = {}
        self.suppress_reason: dict[int, tuple[str, str]] = {}


# the fields of `LimitBlock.state`, one (tags x kinds) plane each: what the state machine reads;
# SIGN..LO_NEG follow the alarm's state (`LimitBlock.when`); the lower edge of the quiet band is
# held negated, so one minimum over the kinds gives both edges of a tag's band
THRESHOLD, SIGN, EDGE, WAIT, BAND_HI, LO_NEG, PEND = range(7)


class LimitBlock:
    """The level alarms (HH, H, L, LL, STATE) of every tag as (tags x kinds) arrays, so one
    vectorised pass moves all of them, and the quiet band of every tag: while a value stays
    strictly inside it and no delay is timing, no level alarm of the tag can change state, and
    the tag is skipped.

    `state` holds, per alarm, everything the pass reads in one gather: the comparison (the alarm
    wants to change when sign * (value - threshold) >= edge: raised at the threshold while
    inactive, cleared beyond the deadband while active, where sign and edge are those of the
    clearing side), the delay it waits for (on-delay while inactive, off-delay while active), its
    edges of the quiet band (the lower one negated) and since when the change it wants holds
    (`pend`, NaN: it wants none). The fields that depend on the alarm being active are set again whenever it flips."""

    ARRAYS = (
        "limit",
        "deadband",
        "priority",
        "active",
        "acked",
        "latched",
        "since",
        "first_out",
        "shelved_until",
        "oos",
        "msup",
    )

    def __init__(self, n: int, compiled: KernelLoader | None = None):
        k = len(LEVEL_KINDS)
        # the compiled pass, once loaded (`advance` runs it then, `advance_numpy` until then)
        self.compiled = compiled
        # the flips of a compiled pass: (row, tag, kind, flat index), time, now active (made when
        # the kernels first run: a plant on the numpy pass never needs them)
        self._flips: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.limit = np.full((n, k), np.nan)
        self.deadband = np.zeros((n, k))
        self.priority = np.full((n, k), 3, dtype=np.int8)
        self.active = np.zeros((n, k), dtype=bool)
        # acknowledged, latched, first out: one plane each of one array, so the records of a
        # pass set and gather the three with one operation (`flags`: by flag, flat index)
        self.acked, self.latched, self.first_out = planes = np.zeros((3, n, k), dtype=bool)
        self.acked[:] = True
        self.flags = planes.reshape(3, -1)
        self.since = np.zeros((n, k))
        self.shelved_until = np.zeros((n, k))
        self.oos = np.zeros((n, k), dtype=bool)
        self.msup = np.zeros((n, k), dtype=bool)
        self.state = np.full((n, PEND + 1, k), np.nan)
        self.pend = self.state[:, PEND]  # since when the change the alarm wants (on or off) holds
        self.band_lo = np.full(n, -np.inf)  # attention when value <= band_lo or value >= band_hi
        self.band_hi = np.full(n, np.inf)
        # one flat view per array, for the records of a pass: gathered by tag * kinds + kind
        self.flat = {name: getattr(self, name).reshape(-1) for name in self.ARRAYS}

    def finish(self, on_delay: np.ndarray, off_delay: np.ndarray) -> None:
        """Derive the comparison arrays once the limits and the tags' delays are set: an alarm is
        raised when sign * (value - threshold) >= 0 and cleared when it is < -deadband, that is
        when -sign * (value - threshold) >= the float just above the deadband (NaN: no such
        alarm)."""
        sign, thr = np.ones_like(self.limit), self.limit.copy()
        for j, kind in enumerate(LEVEL_KINDS):
            lim = self.limit[:, j]
            if kind == Kind.STATE:  # alarm when ON (limit 1): v >= 0.5; when OFF (limit 0): v < 0.5
                on = lim >= 0.5
                sign[:, j] = np.where(on, 1.0, -1.0)
                thr[:, j] = np.where(np.isnan(lim), np.nan, np.where(on, 0.5, np.nextafter(0.5, -np.inf)))
            else:
                sign[:, j] = 1.0 if HIGH[kind] else -1.0
        has, high = np.isfinite(thr), sign > 0
        inf = np.inf
        # the quiet band's edges while an alarm is inactive (raised at the threshold) and while it
        # is active (cleared beyond threshold -/+ deadband)
        raise_hi = np.where(has & high, thr, inf)
        raise_lo = np.where(has & ~high, thr, -inf)
        clear_hi = np.where(has & ~high, np.nextafter(thr + self.deadband, inf), inf)
        clear_lo = np.where(has & high, np.nextafter(thr - self.deadband, -inf), -inf)
        k = thr.shape[1]
        on, off = (np.repeat(np.asarray(d, dtype=float)[:, None], k, axis=1) for d in (on_delay, off_delay))
        # SIGN..LO_NEG of each alarm (tag x kind) while inactive and while active; one row each
        # of `when_rows`, at flat index * 2 + active
        when = np.stack(
            [
                np.stack([sign, np.zeros_like(thr), on, raise_hi, -raise_lo], axis=-1),
                np.stack([-sign, np.nextafter(self.deadband, inf), off, clear_hi, -clear_lo], axis=-1),
            ],
            axis=2,
        )
        self.when = when
        self.when_rows = when.reshape(-1, PEND - SIGN)
        self.state[:, THRESHOLD] = thr
        self.rows = np.flatnonzero(has.any(axis=1))
        self.refresh(np.arange(len(thr)))

    def refresh(self, rows: np.ndarray) -> None:
        """Set the fields that follow the alarms' states, and the quiet band, of these tags (after
        their states were set from outside: a configuration change takes over the old ones)."""
        w = self.when[rows]
        self.state[rows, SIGN:PEND] = np.where(
            self.active[rows][..., None], w[:, :, 1], w[:, :, 0]
        ).transpose(0, 2, 1)
        self.update_band(rows)

    def advance(self, rows: np.ndarray, t: np.ndarray, x: np.ndarray):
        """One pass of the level alarms of these tags (each once) over their values `x` at times
        `t`: delays start, run on or are dropped, and alarms whose change held for their delay
        flip; the quiet band follows. Returns the alarms that flipped as (row in `rows`, kind,
        flat index, now active), row by row, or None.

        Compiled (`app.alarms.limit_kernel.advance`, one loop over the cells) once the kernels are
        loaded, else `advance_numpy`: the same result to the last bit."""
        flipped = self._compiled(rows, np.arange(len(rows)), t, x)
        if flipped is NotImplemented:
            return self.advance_numpy(rows, t, x)
        if flipped is None:
            return None
        (r, _, k, f), _, on = flipped
        return r, k, f, on

    def move(self, rows: np.ndarray, at: np.ndarray, ts: np.ndarray, v: np.ndarray):
        """`advance` of tags `rows` over the values `v[at]` at times `ts[at]`; returns the alarms
        that flipped as (tag, kind, flat index, time, now active), row by row, or None."""
        flipped = self._compiled(rows, at, ts, v)
        if flipped is NotImplemented:
            t = ts.take(at)
            flipped = self.advance_numpy(rows, t, v.take(at))
            if flipped is None:
                return None
            r, k, f, on = flipped
            return rows[r], k, f, t[r], on
        if flipped is None:
            return None
        (_, tags, k, f), t, on = flipped
        return tags, k, f, t, on

    def _compiled(self, rows, at, ts, v):
        """The compiled pass (`move`): the flips as ((row, tag, kind, flat index), time, now
        active), None if none; NotImplemented if the kernels are not loaded (or the arrays are not
        of the types they were compiled for)."""
        kernel = self.compiled.kernel if self.compiled is not None else None
        if kernel is None:
            return NotImplemented
        if self._flips is None:
            cells = self.limit.size
            self._flips = np.zeros((4, cells), dtype=np.intp), np.zeros(cells), np.zeros(cells, dtype=bool)
        out, out_t, out_on = self._flips
        try:
            n = kernel.advance(
                self.state,
                self.when_rows,
                self.flat["active"],
                self.band_lo,
                self.band_hi,
                rows.astype(np.intp, copy=False),
                at,
                ts,
                v,
                out,
                out_t,
                out_on,
            )
        except TypeError:  # not of the compiled types (checked before any cell moves)
            return NotImplemented
        if not n:
            return None
        return out[:, :n].copy(), out_t[:n].copy(), out_on[:n].copy()

    def advance_numpy(self, rows: np.ndarray, t: np.ndarray, x: np.ndarray):
        """`advance` in numpy: the reference of the compiled pass, and the pass until it is loaded.

        The tags' state is gathered once and turned kinds-first (field x kind x tag, contiguous),
        so each step below is one whole-array operation over every (tag, kind) cell at once; only
        the delays go back to the block, and the cells that flip take their new comparison, delay
        and band edges from `when_rows` (at flat index * 2 + new state), into the block and the
        gathered copy the band is computed from."""
        g = self.state.take(rows, axis=0).transpose(1, 2, 0).copy()
        d = x - g[THRESHOLD]  # (a new array: in place into `g` numpy would check the views overlap)
        d *= g[SIGN]
        change = d >= g[EDGE]  # NaN (no such alarm): False
        pend = np.where(change, np.fmin(g[PEND], t), np.nan)
        fire = np.subtract(t, pend, out=d) >= g[WAIT]  # NaN (no change wanted): False
        flipped = None
        if np.count_nonzero(fire):  # (the cheapest any() of a small array)
            pend[fire] = np.nan
            r, k = fire.T.nonzero()  # row by row, kinds in order
            tags = rows[r]
            f = tags * len(LEVEL_KINDS) + k
            active = self.flat["active"]
            on = ~active[f]
            active[f] = on
            new = self.when_rows.take(f * 2 + on, axis=0)
            g[SIGN:PEND, k, r] = new.T
            self.state[tags, SIGN:PEND, k] = new
            flipped = r, k, f, on
        self.pend[rows] = pend.T
        self.update_band(rows, g[BAND_HI : LO_NEG + 1], pend)
        return flipped

    def flip(self, rows, kinds, active) -> None:
        """These alarms (arrays of tags and kinds, or one tag and kind) became active (or not): set
        their state and the fields that follow it."""
        active = np.asarray(active)
        self.active[rows, kinds] = active
        self.state[rows, SIGN:PEND, kinds] = self.when[rows, kinds, active.astype(np.intp)]

    def update_band(self, rows: np.ndarray, edges: np.ndarray | None = None, pend=None) -> None:
        """Recompute the quiet band of these tags (`edges` and `pend`: their BAND_HI and LO_NEG
        planes and delays, kinds-first, if already gathered): a tag timing a delay is always
        looked at."""
        if edges is None:
            g = self.state[rows].transpose(1, 2, 0)
            edges, pend = g[BAND_HI : LO_NEG + 1], g[PEND]
        # pend - inf: -inf where a delay is timing, NaN where none is (fmin keeps the edge; an
        # edge is never NaN): one operation fewer than a where over isnan
        m = np.minimum.reduce(np.fmin(edges, pend - np.inf), axis=1)
        self.band_hi[rows] = m[0]
        self.band_lo[rows] = np.negative(m[1], out=m[1])

    @property
    def timing(self) -> np.ndarray:
        """Which tags are timing a delay (their band is empty: an edge is never -inf otherwise)."""
        return self.band_hi == -np.inf
