"""Trend queries: for a tag, a time span and a pixel width, a min/max envelope from raw samples or
the right rollup, computed in the database; never millions of points to Python."""

from __future__ import annotations

import numpy as np
from sqlalchemy import text

from core.samples import Quality, SampleBatch
from storage.rollups import RESOLUTIONS


def resolution_for(span_ms: int, pixels: int) -> str:
    """'raw', '1m' or '1h': the coarsest source whose bucket still fits in one pixel."""
    per_px = span_ms / max(1, pixels)
    if per_px >= RESOLUTIONS["1h"]:
        return "1h"
    if per_px >= RESOLUTIONS["1m"]:
        return "1m"
    return "raw"


_RAW_ROWS = text(
    "SELECT ts, value, quality FROM samples WHERE tag_id = :tag AND ts >= :t0 AND ts <= :t1 ORDER BY ts"
)
_RAW_COUNT = text("SELECT COUNT(*) FROM samples WHERE tag_id = :tag AND ts >= :t0 AND ts <= :t1")
_RAW_ENVELOPE = text(
    "SELECT (ts - :t0) / :w AS b, MIN(CASE WHEN quality > 0 THEN value END), "
    "MAX(CASE WHEN quality > 0 THEN value END), MIN(ts), "
    "SUM(CASE WHEN quality > 0 AND value IS NOT NULL THEN 1 ELSE 0 END) "
    "FROM samples WHERE tag_id = :tag AND ts >= :t0 AND ts <= :t1 GROUP BY b ORDER BY b"
)


def _rollup_envelope(table: str):
    return text(
        f"SELECT (bucket - :t0) / :w AS b, MIN(vmin), MAX(vmax), MIN(bucket), SUM(n) "
        f"FROM {table} WHERE tag_id = :tag AND bucket >= :t0 AND bucket <= :t1 GROUP BY b ORDER BY b"
    )


_ROLLUP_ENVELOPE = {name: _rollup_envelope(f"rollup_{name}") for name in RESOLUTIONS}


def envelope(conn, tag_index: int, tag_id: int, t0_ms: int, t1_ms: int, pixels: int) -> SampleBatch:
    """Samples of one tag for a trend `pixels` wide: raw rows when few, else min and max per
    pixel-wide bucket (two points per bucket, a NaN where a bucket has no good sample)."""
    pixels = max(1, int(pixels))
    span = max(1, t1_ms - t0_ms)
    res = resolution_for(span, pixels)
    params = {"tag": tag_id, "t0": int(t0_ms), "t1": int(t1_ms)}
    if res == "raw":
        if conn.execute(_RAW_COUNT, params).scalar_one() <= 2 * pixels:
            rows = conn.execute(_RAW_ROWS, params).all()
            return _raw_batch(tag_index, rows)
        stmt = _RAW_ENVELOPE
    else:
        # rollup buckets start on their own grid: widen t0 to the bucket holding it
        params["t0"] = (t0_ms // RESOLUTIONS[res]) * RESOLUTIONS[res]
        stmt = _ROLLUP_ENVELOPE[res]
    w = max(1, (span + pixels) // pixels)  # ceil((span + 1) / pixels): at most `pixels` buckets
    rows = conn.execute(stmt, {**params, "w": int(w)}).all()
    return _envelope_batch(tag_index, rows, w)


def _raw_batch(tag_index: int, rows) -> SampleBatch:
    if not rows:
        return SampleBatch.empty()
    ts = np.fromiter((r[0] for r in rows), dtype=np.float64, count=len(rows)) / 1000.0
    val = np.fromiter((np.nan if r[1] is None else r[1] for r in rows), dtype=np.float64, count=len(rows))
    q = np.fromiter((r[2] for r in rows), dtype=np.uint8, count=len(rows))
    val[q == Quality.BAD] = np.nan
    return SampleBatch.build(np.full(len(rows), tag_index, np.int32), ts, val, q)


def _envelope_batch(tag_index: int, rows, w: int) -> SampleBatch:
    if not rows:
        return SampleBatch.empty()
    arr = np.array([(r[1], r[2], r[3], r[4] or 0) for r in rows], dtype=np.float64)  # None -> nan
    vmin, vmax, t, n = arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3]
    k = len(rows)
    ts = np.empty(2 * k)
    ts[0::2] = t
    ts[1::2] = t + w / 2
    val = np.empty(2 * k)
    val[0::2] = vmin
    val[1::2] = vmax
    gap = np.repeat(n == 0, 2)
    val[gap] = np.nan
    q = np.where(gap, Quality.BAD, Quality.GOOD).astype(np.uint8)
    return SampleBatch.build(np.full(2 * k, tag_index, np.int32), ts / 1000.0, val, q)
