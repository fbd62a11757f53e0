"""Robust statistics on rows of numpy arrays (tags x time buckets): the one Theil-Sen trend
estimator the forecast (pairs a fixed lag apart) and the rule functions (every pair) share.

They run on every tag at every bucket (20,000 tags every 5 s on a large plant), so each takes
the common case, every row with as many values as the others (each tag has a value in every
bucket but the one still filling), in a few whole-array operations, and works out the per-row
NaN bookkeeping only otherwise; both give the same numbers.
"""

from __future__ import annotations

import numpy as np

from app.warning.compiled import WARNING_KERNELS


def nanmedian_rows(a: np.ndarray) -> np.ndarray:
    """Median of each row ignoring NaN (NaN for an empty row); one sort, no masked arrays."""
    return _median_sorted(np.sort(a, axis=1))  # NaN sort last


def _median_sorted(s: np.ndarray, n: int | None = None) -> np.ndarray:
    """nanmedian_rows of rows already sorted (`n`: their `_finite_count` when known)."""
    k, m = s.shape
    if not m:
        return np.full(k, np.nan)
    n = _finite_count(s) if n is None else n
    if n is not None:  # the same middle in every row: two columns
        return (s[:, (n - 1) // 2] + s[:, n // 2]) / 2.0
    n = np.isfinite(s).sum(axis=1)
    r = np.arange(k)
    lo, hi = np.maximum((n - 1) // 2, 0), np.maximum(n // 2, 0)
    out = (s[r, lo] + s[r, hi]) / 2.0
    out[n == 0] = np.nan
    return out


def _finite_count(s: np.ndarray) -> int | None:
    """The number of finite values of every row of `s` (rows sorted, NaN last) when it is the
    same in every row and no row holds an infinity, found from three columns; else None. The
    usual case: every tag has a value in every bucket but the one still filling."""
    k, m = s.shape
    if not k or not m:
        return None
    n = m - int(np.isnan(s[0]).sum())
    if n == 0 or not (np.isfinite(s[:, 0]).all() and np.isfinite(s[:, n - 1]).all()):
        return None
    return n if n == m or np.isnan(s[:, n]).all() else None


def nanmean_rows(a: np.ndarray) -> np.ndarray:
    """Mean of each row ignoring NaN (NaN for an empty row), without numpy's warning: the
    detectors run beside the GUI thread, and a warnings filter is global to the process."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        total = a.sum(axis=1)
        if np.isfinite(total).all():  # no NaN in any row
            return total / a.shape[1]
        ok = np.isfinite(a)
        n = ok.sum(axis=1)
        return np.where(ok, a, 0.0).sum(axis=1) / np.where(n > 0, n, np.nan)


def median_pair_slope(t: np.ndarray, y: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Theil-Sen slope of each row: the median of the slopes between the points i and j (pairs
    with a gap or an infinite slope do not count). Compiled once `WARNING_KERNELS` is loaded."""
    kernel = WARNING_KERNELS.kernel
    if kernel is not None:
        return kernel.median_pair_slope(t, y, i, j)
    return median_pair_slope_numpy(t, y, i, j)


def median_pair_slope_numpy(t: np.ndarray, y: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """`median_pair_slope` in numpy: the reference the compiled one matches."""
    with np.errstate(all="ignore"):  # np.take of columns: a third faster than y[:, j] on these shapes
        return _median_of_slopes((np.take(y, j, axis=1) - np.take(y, i, axis=1)) / (t[j] - t[i]))


def lag_slope(t: np.ndarray, y: np.ndarray, lag: int) -> np.ndarray:
    """median_pair_slope over the pairs `lag` buckets apart (each bucket and the one `lag`
    later), from slices instead of index arrays."""
    with np.errstate(all="ignore"):
        return _median_of_slopes((y[:, lag:] - y[:, :-lag]) / (t[lag:] - t[:-lag]))


def _median_of_slopes(s: np.ndarray) -> np.ndarray:
    s = np.sort(s, axis=1)
    n = _finite_count(s)
    if s.shape[1] and n is None:
        inf = np.flatnonzero(np.isinf(s).any(axis=1))
        if len(inf):  # an infinite slope is a gap, as a NaN one
            g = s[inf]
            s[inf] = np.sort(np.where(np.isfinite(g), g, np.nan), axis=1)
    return _median_sorted(s, n)


def residual_level_noise(
    t: np.ndarray, y: np.ndarray, slope: np.ndarray, t0: float
) -> tuple[np.ndarray, np.ndarray]:
    """(level at t0, 1.4826 x MAD of the residuals) of each row once its slope is taken out."""
    with np.errstate(all="ignore"):
        resid = y - slope[:, None] * (t - t0)[None, :]
        level = nanmedian_rows(resid)
        resid -= level[:, None]
        np.abs(resid, out=resid)
        noise = 1.4826 * nanmedian_rows(resid)
    return level, noise
