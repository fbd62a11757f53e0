"""The level alarms' pass compiled (numba): the quiet-band scan of a whole plant scan and
`LimitBlock.advance`, one loop each over the cells, with the numpy pass in
`app.alarms.limit_block` as the reference they match to the last bit.

Why compiled: in a flood the pass touches a few dozen tags, and the numpy pass costs some
twenty-five whole-array calls however few cells each touches, so the call count, not the data, is
its cost; a loop over the cells has none. Importing this module imports numba and compiles the
kernels (or loads them from numba's cache), which takes from a fraction of a second to a few
seconds: `app.alarms.kernel_loader` does it off the caller's thread, when the alarm engine of a
large plant asks for it (`app.alarms.kernel_loader.COMPILE_TAGS`), and then runs `check`.

The signatures are fixed (the dtypes the block and scans use), so no call compiles anew. The
kernels keep the GIL: they run for microseconds, and a thread that gave it up would wait for the
GUI thread's turn to end before going on.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from app.alarms.limit_block import BAND_HI, EDGE, LO_NEG, PEND, SIGN, THRESHOLD, WAIT, LimitBlock

_F8_1 = nb.float64[::1]
_ROWS = nb.intp[::1]


# the quiet-band scan looks at a whole scan in blocks of this many tags (a loop of fixed length
# compiles to vector instructions), and one by one only in a block with a tag outside its band
_BLOCK = 16


@nb.njit(nb.intp(_F8_1, _F8_1, _F8_1, _ROWS, nb.intp, nb.intp, nb.intp), cache=True)
def _outside(v, band_lo, band_hi, out, n_out, start, stop):
    """Append to `out` (holding `n_out`) the tags from `start` to `stop` not strictly inside their
    band; the new count."""
    for i in range(start, stop):
        x = v[i]
        if not (band_lo[i] < x < band_hi[i]):
            out[n_out] = i
            n_out += 1
    return n_out


@nb.njit(
    nb.intp(_F8_1, nb.uint8[::1], nb.uint8, _F8_1, _F8_1, _F8_1, _ROWS),
    cache=True,
    boundscheck=False,
)
def attention(v, quality, bad, band_lo, band_hi, latest, out):
    """The tags of a whole scan `v` not strictly inside their quiet band, written to `out`, and
    their count; -1 if some sample is not good (quality `bad`, or not a finite number). The value
    of every good sample goes to `latest` (all of them, or those the long way would write)."""
    n = v.shape[0]
    full = n - n % _BLOCK
    n_bad = 0
    n_out = 0
    for start in range(0, full, _BLOCK):
        quiet = 0
        for j in range(_BLOCK):  # a loop of fixed length
            i = start + j
            x = v[i]
            quiet += (band_lo[i] < x) & (x < band_hi[i])
            good = (quality[i] != bad) & (x - x == 0.0)  # x - x: NaN unless x is finite
            n_bad += not good
            latest[i] = x if good else latest[i]
        if quiet < _BLOCK:
            n_out = _outside(v, band_lo, band_hi, out, n_out, start, start + _BLOCK)
    for i in range(full, n):
        x = v[i]
        good = (quality[i] != bad) & (x - x == 0.0)
        n_bad += not good
        latest[i] = x if good else latest[i]
    n_out = _outside(v, band_lo, band_hi, out, n_out, full, n)
    return -1 if n_bad else n_out


@nb.njit(
    nb.intp(
        nb.float64[:, :, ::1],
        nb.float64[:, ::1],
        nb.boolean[::1],
        _F8_1,
        _F8_1,
        _ROWS,
        _ROWS,
        _F8_1,
        _F8_1,
        nb.intp[:, ::1],
        _F8_1,
        nb.boolean[::1],
    ),
    cache=True,
    boundscheck=False,
)
def advance(state, when_rows, active, band_lo, band_hi, rows, at, ts, v, out, out_t, out_on):
    """`LimitBlock.advance` over the cells of tags `rows` with the values `v[at]` at times
    `ts[at]` (`state`: the block's (tags x fields x kinds) state, `when_rows` its fields by flat
    index * 2 + active, `active` its flat active flags): delays start, run on or are dropped,
    alarms whose change held for their delay flip and take their new fields, the quiet band
    follows. The flips, row by row, go to `out` (row in `rows`, tag, kind, flat index), `out_t` (time)
    and `out_on` (now active); returns their count."""
    n_kinds = state.shape[2]
    n_flips = 0
    nan, inf = np.nan, np.inf
    for r in range(rows.shape[0]):
        i = rows[r]
        tt, xx = ts[at[r]], v[at[r]]
        hi, lo_neg = inf, inf
        timing = False
        for k in range(n_kinds):
            pend = nan
            if (xx - state[i, THRESHOLD, k]) * state[i, SIGN, k] >= state[i, EDGE, k]:  # NaN: False
                p = state[i, PEND, k]
                pend = tt if np.isnan(p) else (p if p <= tt else tt)  # np.fmin
            if tt - pend >= state[i, WAIT, k]:  # NaN (no change wanted): False
                pend = nan
                f = i * n_kinds + k
                on = not active[f]
                active[f] = on
                w = f * 2 + (1 if on else 0)
                for j in range(PEND - SIGN):
                    state[i, SIGN + j, k] = when_rows[w, j]
                out[0, n_flips], out[1, n_flips], out[2, n_flips], out[3, n_flips] = r, i, k, f
                out_t[n_flips], out_on[n_flips] = tt, on
                n_flips += 1
            state[i, PEND, k] = pend
            if np.isnan(pend):
                hi = min(hi, state[i, BAND_HI, k])
                lo_neg = min(lo_neg, state[i, LO_NEG, k])
            else:
                timing = True
        if timing:  # a tag timing a delay is always looked at
            band_hi[i], band_lo[i] = -inf, inf
        else:
            band_hi[i], band_lo[i] = hi, -lo_neg
    return n_flips


def check() -> int:
    """Run both kernels and the numpy pass over the same small plant and values (every level kind,
    deadbands, delays, values on and around the limits, a value that is not a number); raise
    RuntimeError if they differ in any flip, state, band or latest value; the number of flips. The
    loader runs it once loaded: numba keys its cache on this file alone, so kernels compiled
    against other field numbers of `app.alarms.limit_block` would otherwise go unnoticed."""
    rng = np.random.default_rng(7)
    n = 2 * _BLOCK + 7  # whole blocks of the scan and the tail
    blocks = []
    for _ in range(2):
        b = LimitBlock(n)
        b.limit[:, :4] = [90.0, 80.0, 20.0, 10.0]  # HH, H, L, LL
        b.limit[::3] = np.nan  # every third tag an on/off one: STATE, alarm when on or when off
        b.limit[::3, 4] = np.resize([1.0, 0.0], len(b.limit[::3]))
        b.deadband[:] = np.resize([0.0, 0.5, 1.5], n)[:, None]
        b.finish(np.resize([0.0, 1.0, 2.0], n), np.resize([0.0, 0.0, 2.0, 1.0], n))
        blocks.append(b)
    ref, got = blocks
    rows = np.arange(n)
    found, latest = np.zeros(n, dtype=np.intp), np.zeros(n)
    out, out_t, out_on = np.zeros((4, 5 * n), dtype=np.intp), np.zeros(5 * n), np.zeros(5 * n, dtype=bool)
    good = np.full(n, 192, dtype=np.uint8)
    lo, hi = got.band_lo, got.band_hi
    quiet = np.where(np.isfinite(lo), np.where(np.isfinite(hi), (lo + hi) / 2, lo + 1), hi - 1)
    for i in range(n):  # one tag on an edge of its band, the others inside theirs
        for edge in (lo[i], hi[i], np.nextafter(lo[i], np.inf), np.nextafter(hi[i], -np.inf)):
            if not np.isfinite(edge):
                continue
            v = quiet.copy()
            v[i] = edge
            n_att = attention(v, good, 0, got.band_lo, got.band_hi, latest, found)
            if found[:n_att].tolist() != ([] if lo[i] < edge < hi[i] else [i]):
                raise RuntimeError("the compiled quiet-band scan differs from numpy")
    n_flips = 0
    for step in range(60):
        v = rng.choice([0.0, 0.5, 1.0, 9.5, 10.0, 20.0, 21.0, 50.0, 79.0, 80.0, 80.5, 90.0, 95.0], n)
        v = np.where(rng.random(n) < 0.3, rng.uniform(-10.0, 110.0, n), v)
        v[n - 20] = np.nan if step == 30 else v[n - 20]
        n_att = attention(v, good, 0, got.band_lo, got.band_hi, latest, found)
        if step == 30:
            if n_att != -1:
                raise RuntimeError("the compiled quiet-band scan took a NaN for a number")
            continue
        outside = np.flatnonzero(~((v > ref.band_lo) & (v < ref.band_hi)))
        if n_att < 0 or not np.array_equal(found[:n_att], outside) or not np.array_equal(latest, v):
            raise RuntimeError("the compiled quiet-band scan differs from numpy")
        t = np.full(n, float(step))
        want = ref.advance_numpy(rows, t, v)
        m = advance(
            got.state,
            got.when_rows,
            got.flat["active"],
            got.band_lo,
            got.band_hi,
            rows,
            rows,
            t,
            v,
            out,
            out_t,
            out_on,
        )
        flips = (out[0, :m].tolist(), out[2, :m].tolist(), out[3, :m].tolist(), out_on[:m].tolist())
        if (tuple(x.tolist() for x in want) if want is not None else ([], [], [], [])) != flips:
            raise RuntimeError("the compiled level pass flips other alarms than numpy")
        for name in ("state", "active", "band_hi", "band_lo"):
            if not np.array_equal(getattr(ref, name), getattr(got, name), equal_nan=True):
                raise RuntimeError(f"the compiled level pass differs from numpy in {name}")
        n_flips += m
    return n_flips
