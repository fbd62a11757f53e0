"""Robust statistics on rows of numpy arrays (tags x time buckets), shared by the detectors."""

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
