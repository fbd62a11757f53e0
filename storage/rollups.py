"""Rollups: per tag and per minute / hour, the min, max, sum, count, first and last of the samples.

The writer keeps each tag's open bucket in memory (numpy arrays) and merges every sample into it;
a bucket's aggregate is upserted when the tag moves on to the next bucket, and the open buckets'
deltas at least every few seconds, so rollups cost a small fraction of the sample writes. The
upsert merges, so a bucket written in several parts (or receiving late samples) stays exact.
Bad-quality and non-finite samples do not enter the statistics but are counted (`nbad`): a
bucket with no good sample is known to be a gap rather than missing.
"""

from __future__ import annotations

import numpy as np

from core.samples import Quality
from storage.bulk_insert import BulkInsert

RESOLUTIONS: dict[str, int] = {"1m": 60_000, "1h": 3_600_000}  # table suffix -> bucket in ms
COLUMNS = ("tag_id", "bucket", "vmin", "vmax", "vsum", "n", "nbad", "first", "first_ts", "last", "last_ts")
_STATS = ("vmin", "vmax", "vsum", "n", "nbad", "first", "first_ts", "last", "last_ts")


def group(tag: np.ndarray, ts_ms: np.ndarray, value: np.ndarray, quality: np.ndarray, bucket_ms: int) -> dict:
    """Aggregate samples per (tag, bucket) into columns; NaN where a group has no good sample."""
    bucket = (ts_ms // bucket_ms) * bucket_ms
    if len(tag) > 1 and bool(np.all(tag[1:] > tag[:-1])):  # a scan: each tag once, in order
        return _singles(tag, bucket, ts_ms, value, quality)
    order = np.lexsort((ts_ms, bucket, tag))
    tag, bucket, ts_ms, value, quality = tag[order], bucket[order], ts_ms[order], value[order], quality[order]
    good = np.isfinite(value) & (quality != Quality.BAD)
    starts = np.flatnonzero(np.r_[True, (tag[1:] != tag[:-1]) | (bucket[1:] != bucket[:-1])])
    n = np.add.reduceat(good.astype(np.int64), starts)
    has = n > 0
    pos = np.arange(len(value))
    first = np.minimum.reduceat(np.where(good, pos, len(value)), starts)
    last = np.maximum.reduceat(np.where(good, pos, -1), starts)
    first, last = np.where(has, first, 0), np.where(has, last, 0)
    nan = np.nan
    return {
        "tag": tag[starts],
        "bucket": bucket[starts],
        "vmin": np.where(has, np.minimum.reduceat(np.where(good, value, np.inf), starts), nan),
        "vmax": np.where(has, np.maximum.reduceat(np.where(good, value, -np.inf), starts), nan),
        "vsum": np.add.reduceat(np.where(good, value, 0.0), starts),
        "n": n,
        "nbad": np.diff(np.r_[starts, len(value)]) - n,
        "first": np.where(has, value[first], nan),
        "first_ts": np.where(has, ts_ms[first].astype(np.float64), nan),
        "last": np.where(has, value[last], nan),
        "last_ts": np.where(has, ts_ms[last].astype(np.float64), nan),
    }


def _singles(tag, bucket, ts_ms, value, quality) -> dict:
    """`group` of samples that are each alone in their (tag, bucket), already in that order: the
    aggregates are the samples themselves, without the sort and the reductions."""
    good = np.isfinite(value) & (quality != Quality.BAD)
    v = np.where(good, value, np.nan)
    t = np.where(good, ts_ms.astype(np.float64), np.nan)
    n = good.astype(np.int64)
    return {
        "tag": tag,
        "bucket": bucket,
        "vmin": v,
        "vmax": v,
        "vsum": np.where(good, value, 0.0),
        "n": n,
        "nbad": 1 - n,
        "first": v,
        "first_ts": t,
        "last": v,
        "last_ts": t,
    }


def rows(tag_ids: np.ndarray, cols: dict, mask: np.ndarray | None = None) -> list[tuple]:
    """Columns to upsert rows (COLUMNS order), NaN -> NULL, tag index -> database id."""
    if mask is not None:
        cols = {k: v[mask] for k, v in cols.items()}
    if len(cols["tag"]) == 0:
        return []

    def nullable(a, as_int=False):
        out = a.astype(object)
        missing = ~np.isfinite(a)
        if as_int:
            out[~missing] = a[~missing].astype(np.int64).tolist()
        out[missing] = None
        return out.tolist()

    return list(
        zip(
            tag_ids[cols["tag"]].tolist(),
            cols["bucket"].astype(np.int64).tolist(),
            nullable(cols["vmin"]),
            nullable(cols["vmax"]),
            cols["vsum"].tolist(),
            cols["n"].astype(np.int64).tolist(),
            cols["nbad"].astype(np.int64).tolist(),
            nullable(cols["first"]),
            nullable(cols["first_ts"], True),
            nullable(cols["last"]),
            nullable(cols["last_ts"], True),
            strict=True,
        )
    )


class Accumulator:
    """The open bucket of every tag at one resolution, holding what has not been upserted yet."""

    def __init__(self, n_tags: int, bucket_ms: int):
        self.bucket_ms = bucket_ms
        self.bucket = np.full(n_tags, -1, dtype=np.int64)
        self.dirty = np.zeros(n_tags, dtype=bool)
        self._reset(np.arange(n_tags))

    def _reset(self, idx) -> None:
        n = len(self.bucket)
        for name in _STATS:
            arr = getattr(self, name, None)
            if arr is None:
                arr = np.zeros(n)
                setattr(self, name, arr)
            arr[idx] = 0.0 if name in ("vsum", "n", "nbad") else np.nan
        self.dirty[idx] = False

    def add(self, tag: np.ndarray, ts_ms: np.ndarray, value: np.ndarray, quality: np.ndarray) -> dict | None:
        """Merge samples; return the columns of closed buckets and late samples to upsert now."""
        if len(tag) == 0:
            return None
        g = group(tag, ts_ms, value, quality, self.bucket_ms)  # sorted by (tag, bucket), unique
        t, b = g["tag"], g["bucket"]
        cur = self.bucket[t]
        out = []
        late = b < cur
        if late.any():  # buckets already passed: upsert as they are
            out.append({k: v[late] for k, v in g.items()})
        same = b == cur
        if same.any():
            self._merge(t[same], {k: v[same] for k, v in g.items()})
        newer = b > cur
        if newer.any():
            nt = t[newer]
            # the newest bucket of each tag becomes its open bucket; newer ones before it are closed
            last = np.r_[nt[1:] != nt[:-1], True]
            idx_newer = np.flatnonzero(newer)
            closed_between = idx_newer[~last]
            if len(closed_between):
                out.append({k: v[closed_between] for k, v in g.items()})
            opening = idx_newer[last]
            ot = t[opening]
            finished = ot[self.dirty[ot]]
            if len(finished):
                out.append(self._take(finished))
            self._reset(ot)
            self.bucket[ot] = b[opening]
            self._merge(ot, {k: v[opening] for k, v in g.items()})
        if not out:
            return None
        return {k: np.concatenate([o[k] for o in out]) for k in out[0]}

    def _merge(self, t, p) -> None:
        self.vmin[t] = np.fmin(self.vmin[t], p["vmin"])
        self.vmax[t] = np.fmax(self.vmax[t], p["vmax"])
        self.vsum[t] += p["vsum"]
        self.n[t] += p["n"]
        self.nbad[t] += p["nbad"]
        take_first = np.isfinite(p["first_ts"]) & ~(p["first_ts"] >= self.first_ts[t])
        self.first[t] = np.where(take_first, p["first"], self.first[t])
        self.first_ts[t] = np.where(take_first, p["first_ts"], self.first_ts[t])
        take_last = np.isfinite(p["last_ts"]) & ~(p["last_ts"] < self.last_ts[t])
        self.last[t] = np.where(take_last, p["last"], self.last[t])
        self.last_ts[t] = np.where(take_last, p["last_ts"], self.last_ts[t])
        self.dirty[t] = True

    def _take(self, t) -> dict:
        out = {"tag": t.copy(), "bucket": self.bucket[t].copy()}
        out.update({name: getattr(self, name)[t].copy() for name in _STATS})
        return out

    def flush(self, tags: np.ndarray | None = None) -> dict | None:
        """Columns of the open buckets' deltas since their last upsert (of every tag, or of
        `tags`); those deltas restart at zero."""
        t = np.flatnonzero(self.dirty) if tags is None else tags[self.dirty[tags]]
        if len(t) == 0:
            return None
        out = self._take(t)
        keep = self.bucket[t].copy()
        self._reset(t)
        self.bucket[t] = keep
        return out


def aggregate(
    tag_id: np.ndarray, ts_ms: np.ndarray, value: np.ndarray, quality: np.ndarray, bucket_ms: int
) -> list:
    """Upsert rows aggregating a set of samples, `tag_id` being database ids (tests and tools)."""
    if len(tag_id) == 0:
        return []
    g = group(tag_id, ts_ms, value, quality, bucket_ms)
    ids = np.arange(int(g["tag"].max()) + 1)
    return rows(ids, g)


def upsert(table: str, dialect: str) -> BulkInsert:
    """INSERT ... ON CONFLICT that merges a batch's aggregate into the stored bucket (NULL-safe)."""
    lo, hi = ("min", "max") if dialect == "sqlite" else ("LEAST", "GREATEST")
    t = table

    def merge(fn, col):
        return f"{fn}(COALESCE({t}.{col}, excluded.{col}), COALESCE(excluded.{col}, {t}.{col}))"

    return BulkInsert(
        f"INSERT INTO {t} ({', '.join(COLUMNS)})",
        len(COLUMNS),
        f"ON CONFLICT (tag_id, bucket) DO UPDATE SET "
        f"vmin = {merge(lo, 'vmin')}, vmax = {merge(hi, 'vmax')}, "
        f"vsum = {t}.vsum + excluded.vsum, n = {t}.n + excluded.n, nbad = {t}.nbad + excluded.nbad, "
        f"first = CASE WHEN {t}.first_ts IS NULL OR excluded.first_ts < {t}.first_ts "
        f"THEN COALESCE(excluded.first, {t}.first) ELSE {t}.first END, "
        f"first_ts = {merge(lo, 'first_ts')}, "
        f"last = CASE WHEN {t}.last_ts IS NULL OR excluded.last_ts >= {t}.last_ts "
        f"THEN COALESCE(excluded.last, {t}.last) ELSE {t}.last END, "
        f"last_ts = {merge(hi, 'last_ts')}",
        dialect=dialect,
    )
