"""Rollups: per tag and per minute / hour, the min, max, sum, count, first and last of the samples.

Aggregates of each written batch are computed with numpy and merged into the rollup tables by
an upsert, so a bucket that spans several writes (or receives late samples) stays exact.
Bad-quality and non-finite samples do not enter the statistics but are counted (`nbad`), so a
bucket with no good sample is known to be a gap rather than missing.
"""

from __future__ import annotations

import numpy as np

from app.model import Quality

RESOLUTIONS: dict[str, int] = {"1m": 60_000, "1h": 3_600_000}  # table suffix -> bucket in ms
COLUMNS = ("tag_id", "bucket", "vmin", "vmax", "vsum", "n", "nbad", "first", "first_ts", "last", "last_ts")


def aggregate(
    tag_id: np.ndarray, ts_ms: np.ndarray, value: np.ndarray, quality: np.ndarray, bucket_ms: int
) -> list:
    """Rows (COLUMNS order) aggregating the samples per (tag, bucket)."""
    if len(tag_id) == 0:
        return []
    bucket = (ts_ms // bucket_ms) * bucket_ms
    order = np.lexsort((ts_ms, bucket, tag_id))
    tag_id, bucket, ts_ms, value, quality = (
        tag_id[order],
        bucket[order],
        ts_ms[order],
        value[order],
        quality[order],
    )
    good = np.isfinite(value) & (quality != Quality.BAD)
    new = np.r_[True, (tag_id[1:] != tag_id[:-1]) | (bucket[1:] != bucket[:-1])]
    starts = np.flatnonzero(new)
    n = np.add.reduceat(good.astype(np.int64), starts)
    nbad = np.diff(np.r_[starts, len(value)]) - n
    vmin = np.minimum.reduceat(np.where(good, value, np.inf), starts)
    vmax = np.maximum.reduceat(np.where(good, value, -np.inf), starts)
    vsum = np.add.reduceat(np.where(good, value, 0.0), starts)
    pos = np.arange(len(value))
    first = np.minimum.reduceat(np.where(good, pos, len(value)), starts)
    last = np.maximum.reduceat(np.where(good, pos, -1), starts)
    has = n > 0
    safe_first, safe_last = np.where(has, first, 0), np.where(has, last, 0)

    def col(arr, dtype=None):
        out = np.asarray(arr).astype(object)
        out[~has] = None
        return out.tolist()

    cols = (
        tag_id[starts].tolist(),
        bucket[starts].tolist(),
        col(vmin),
        col(vmax),
        vsum.tolist(),
        n.tolist(),
        nbad.tolist(),
        col(value[safe_first]),
        col(ts_ms[safe_first]),
        col(value[safe_last]),
        col(ts_ms[safe_last]),
    )
    return list(zip(*cols, strict=True))


def upsert_sql(table: str, dialect: str) -> str:
    """INSERT ... ON CONFLICT that merges a batch's aggregate into the stored bucket (NULL-safe)."""
    lo, hi = ("min", "max") if dialect == "sqlite" else ("LEAST", "GREATEST")
    ph = ", ".join(["?" if dialect == "sqlite" else "%s"] * len(COLUMNS))
    t = table

    def merge(fn, col):
        return f"{fn}(COALESCE({t}.{col}, excluded.{col}), COALESCE(excluded.{col}, {t}.{col}))"

    return (
        f"INSERT INTO {t} ({', '.join(COLUMNS)}) VALUES ({ph}) "
        f"ON CONFLICT (tag_id, bucket) DO UPDATE SET "
        f"vmin = {merge(lo, 'vmin')}, vmax = {merge(hi, 'vmax')}, "
        f"vsum = {t}.vsum + excluded.vsum, n = {t}.n + excluded.n, nbad = {t}.nbad + excluded.nbad, "
        f"first = CASE WHEN {t}.first_ts IS NULL OR excluded.first_ts < {t}.first_ts "
        f"THEN COALESCE(excluded.first, {t}.first) ELSE {t}.first END, "
        f"first_ts = {merge(lo, 'first_ts')}, "
        f"last = CASE WHEN {t}.last_ts IS NULL OR excluded.last_ts >= {t}.last_ts "
        f"THEN COALESCE(excluded.last, {t}.last) ELSE {t}.last END, "
        f"last_ts = {merge(hi, 'last_ts')}"
    )
