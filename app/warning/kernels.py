"""The detectors' two hottest loops compiled (numba), each with its numpy code as the reference
it matches to the last bit (`check`); `app.warning.compiled` says when they are loaded.

- `median_pair_slope`, the Theil-Sen slope of `app.warning.robust`: per row, the pairwise slopes
  into one buffer and their middle found by selection. numpy takes each pair's two columns,
  subtracts, divides and sorts every row of slopes whole, some ten array passes and a sort of
  n log n; the loop writes each slope once and selects the middle in linear time. The slopes are
  the same divisions, and the middle two of the finite ones the same numbers whichever way they
  are found. It lets go of the interpreter: a fit of thousands of rows takes milliseconds, which
  the GUI thread can use.
- `window_add`, a batch of samples averaged into `app.warning.window.RecentWindow`'s buckets:
  one loop over the samples instead of some twenty array calls, whose fixed cost is most of a
  scan's add at a few hundred tags. The same sums in the same order. It keeps the interpreter:
  it runs for microseconds.

The incident rules fit every trend they ask for at every bucket and every scan is added to the
window, so in a replay of a plant's dense history these are a fifth of all the evaluation.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

_F8_1 = nb.float64[::1]
_F8_2 = nb.float64[:, ::1]
_ROWS = nb.intp[::1]
_F8_A = nb.float64[:]  # a batch's columns may be views with a stride


@nb.njit(nb.float64(_F8_1, nb.intp, nb.intp), cache=True, nogil=True, boundscheck=False)
def _select(a, n, k):
    """The k-th smallest of a[:n], left at a[k] with a[:k] at most it (Hoare's selection,
    median-of-three pivots); a[:n] is reordered."""
    lo, hi = 0, n - 1
    while hi > lo:
        mid = (lo + hi) >> 1
        if a[mid] < a[lo]:
            a[mid], a[lo] = a[lo], a[mid]
        if a[hi] < a[lo]:
            a[hi], a[lo] = a[lo], a[hi]
        if a[hi] < a[mid]:
            a[hi], a[mid] = a[mid], a[hi]
        pivot = a[mid]
        i, j = lo, hi
        while i <= j:
            while a[i] < pivot:
                i += 1
            while a[j] > pivot:
                j -= 1
            if i <= j:
                a[i], a[j] = a[j], a[i]
                i += 1
                j -= 1
        if k <= j:
            hi = j
        elif k >= i:
            lo = i
        else:
            break  # a[j+1:i] all equal the pivot, a[k] among them
    return a[k]


@nb.njit(nb.void(_F8_1, _F8_2, _ROWS, _ROWS, _F8_1), cache=True, nogil=True, boundscheck=False)
def pair_slope_medians(t, y, i, j, out):
    """out[r]: the median of the finite slopes (y[r, j] - y[r, i]) / (t[j] - t[i]) over the
    pairs (i, j); NaN for a row without one. As `robust._median_sorted`: the mean of the two
    middle values of an even count."""
    n_pairs = i.shape[0]
    buf = np.empty(n_pairs)
    for r in range(y.shape[0]):
        m = 0
        for p in range(n_pairs):
            a, b = i[p], j[p]
            s = (y[r, b] - y[r, a]) / (t[b] - t[a])
            if math.isfinite(s):
                buf[m] = s
                m += 1
        if m == 0:
            out[r] = np.nan
            continue
        upper = _select(buf, m, m // 2)
        lower = upper
        if m % 2 == 0:  # the largest below it: a[:m // 2] holds the smaller half
            lower = buf[0]
            for q in range(1, m // 2):
                if buf[q] > lower:
                    lower = buf[q]
        out[r] = (lower + upper) / 2.0


def median_pair_slope(t: np.ndarray, y: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """`app.warning.robust.median_pair_slope`, compiled."""
    out = np.empty(y.shape[0])
    pair_slope_medians(
        np.ascontiguousarray(t, dtype=np.float64),
        np.ascontiguousarray(y, dtype=np.float64),
        np.ascontiguousarray(i, dtype=np.intp),
        np.ascontiguousarray(j, dtype=np.intp),
        out,
    )
    return out


@nb.njit(
    nb.intp(
        nb.int32[:], _F8_A, _F8_A, nb.uint8[:], nb.uint8, _ROWS, nb.float64,
        _F8_2, nb.int32[:, ::1], nb.int64[:, ::1], _F8_1, _F8_1,
    ),
    cache=True,
    boundscheck=False,
)  # fmt: skip
def window_add(tag, ts, value, quality, bad, rows, step, total, cnt, bucket, last_value, last_ts):
    """Add the good samples (quality not `bad`, a finite value; a tag held: `rows[tag]` >= 0,
    every tag when `rows` is empty) to their buckets, a slot holding an older bucket started
    anew, and keep each tag's newest value; the number of samples added. Samples in time order
    per tag, as `RecentWindow._add` takes them."""
    m = total.shape[1]
    held = rows.shape[0] > 0
    added = 0
    for n in range(tag.shape[0]):
        v = value[n]
        if quality[n] == bad or not math.isfinite(v):
            continue
        r = tag[n]
        if held:
            r = rows[r]
            if r < 0:
                continue
        t = ts[n]
        b = np.int64(math.floor(t / step))
        s = b % m
        if bucket[r, s] != b:
            total[r, s] = 0.0
            cnt[r, s] = 0
            bucket[r, s] = b
        total[r, s] += v
        cnt[r, s] += 1
        if not t < last_ts[r]:  # NaN (no value yet): newer
            last_value[r] = v
            last_ts[r] = t
        added += 1
    return added


def check() -> int:
    """Compare with the numpy code: the Theil-Sen medians on rows of every shape the rules fit
    (2 to 60 points; ties, flat rows, gaps, infinities, a row with no pair at all), and the window
    add on scans and replayed batches (bad and missing values, tags not held, a bucket wrapping
    round the ring); raise RuntimeError on any difference; the number of comparisons. The loader
    runs it once loaded."""
    return _check_medians() + _check_window_add()


def _check_window_add() -> int:
    import sys

    from app.warning.window import RecentWindow
    from core.samples import SampleBatch

    me = sys.modules[__name__]
    rng = np.random.default_rng(5)
    compared = 0
    for held in (None, np.arange(0, 40, 3)):
        want, got = (RecentWindow(40, 60.0, 5.0, held=held) for _ in range(2))
        clock = 3000.0
        for k in range(60):  # scans a second apart, then replayed batches of 20 s of scans
            scans = 1 if k < 40 else 20
            tag = np.tile(np.arange(40, dtype=np.int32), scans)
            ts = clock + np.repeat(np.arange(scans, dtype=float), 40) + rng.random(40 * scans) * 0.5
            clock += scans
            if scans > 1:
                order = np.argsort(ts, kind="stable")
                tag, ts = tag[order], ts[order]
            value = rng.normal(size=len(ts)).round(2)
            value[rng.random(len(ts)) < 0.05] = np.nan
            quality = np.where(rng.random(len(ts)) < 0.05, 0, 192).astype(np.uint8)
            batch = SampleBatch.build(tag, ts, value, quality)
            want._add_numpy(batch)
            got._add_compiled(batch, me)
            for name in ("sum", "cnt", "bucket", "_last_value", "_last_ts", "now", "_version"):
                a, b = getattr(want, name), getattr(got, name)
                if not np.array_equal(a, b, equal_nan=True):
                    raise RuntimeError(f"compiled window add differs from numpy in {name} at batch {k}")
            compared += 1
    return compared


def _check_medians() -> int:
    from app.warning import robust

    rng = np.random.default_rng(11)
    rows = 0
    for k in range(2, 61):
        t = np.arange(k) * 5.0 + 2.5
        i, j = np.triu_indices(k, 1)
        y = rng.normal(size=(12, k)).round(int(rng.integers(0, 3)))  # ties at low resolution
        y[0] = 7.0  # flat
        y[1, rng.random(k) < 0.3] = np.nan  # gaps
        y[2, k // 2] = np.inf  # an infinite value: its slopes are gaps
        y[3] = np.nan  # nothing to fit
        y[4, 1:] = np.nan  # one point: no pair
        y[5] = np.arange(k) * 0.25  # a straight line
        want, got = robust.median_pair_slope_numpy(t, y, i, j), median_pair_slope(t, y, i, j)
        if not np.array_equal(want, got, equal_nan=True):
            raise RuntimeError(f"compiled Theil-Sen differs from numpy at {k} points: {got} != {want}")
        rows += len(y)
    return rows
