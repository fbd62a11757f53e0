"""Robust statistics on rows of numpy arrays (tags x time buckets): the one Theil-Sen trend
estimator the forecast (pairs a fixed lag apart) and the rule functions (every pair) share."""

from __future__ import annotations

import numpy as np


def nanmedian_rows(a: np.ndarray) -> np.ndarray:
    """Median of each row ignoring NaN (NaN for an empty row); one sort, no masked arrays."""
    s = np.sort(a, axis=1)  # NaN sort last
    n = np.isfinite(a).sum(axis=1)
    r = np.arange(a.shape[0])
    lo, hi = np.maximum((n - 1) // 2, 0), np.maximum(n // 2, 0)
    out = (s[r, lo] + s[r, hi]) / 2.0 if a.shape[1] else np.full(a.shape[0], np.nan)
    out[n == 0] = np.nan
    return out


def nanmean_rows(a: np.ndarray) -> np.ndarray:
    """Mean of each row ignoring NaN (NaN for an empty row), without numpy's warning: the
    detectors run beside the GUI thread, and a warnings filter is global to the process."""
    ok = np.isfinite(a)
    n = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ok, a, 0.0).sum(axis=1) / np.where(n > 0, n, np.nan)


def median_pair_slope(t: np.ndarray, y: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Theil-Sen slope of each row: the median of the slopes between the points i and j (pairs
    with a gap or an infinite slope do not count)."""
    with np.errstate(all="ignore"):
        s = (y[:, j] - y[:, i]) / (t[j] - t[i])
    return nanmedian_rows(np.where(np.isfinite(s), s, np.nan))


def residual_level_noise(
    t: np.ndarray, y: np.ndarray, slope: np.ndarray, t0: float
) -> tuple[np.ndarray, np.ndarray]:
    """(level at t0, 1.4826 x MAD of the residuals) of each row once its slope is taken out."""
    with np.errstate(all="ignore"):
        resid = y - slope[:, None] * (t - t0)[None, :]
        level = nanmedian_rows(resid)
        noise = 1.4826 * nanmedian_rows(np.abs(resid - level[:, None]))
    return level, noise
