"""Store-on-change filter, as process historians do: a sample is kept when it moved more than
the tag's history deadband, when its quality changed, when the maximum interval has passed since
the last stored sample, or when time went backwards (a clock that jumped)."""

from __future__ import annotations

import numpy as np

from app.model import SampleBatch


class DeadbandFilter:
    """Per-tag state of the last stored sample; `keep(batch)` returns the mask to store."""

    def __init__(self, deadband: np.ndarray, max_interval_s: np.ndarray):
        n = len(deadband)
        self.deadband = np.asarray(deadband, dtype=np.float64)
        self.max_interval = np.asarray(max_interval_s, dtype=np.float64)
        self.last_v = np.full(n, np.nan)
        self.last_t = np.full(n, -np.inf)
        self.last_q = np.full(n, -1, dtype=np.int16)

    @classmethod
    def for_tags(cls, tags) -> DeadbandFilter:
        return cls(
            np.array([t.history_deadband for t in tags], dtype=np.float64),
            np.array([t.history.max_interval_s for t in tags], dtype=np.float64),
        )

    def keep(self, batch: SampleBatch) -> np.ndarray:
        if len(batch) == 0:
            return np.zeros(0, dtype=bool)
        if np.bincount(batch.tag).max() > 32:  # a backfill: many samples per tag, in order
            return self._keep_sequential(batch)
        mask = np.zeros(len(batch), dtype=bool)
        for part in batch.run_masks():
            mask[part] = self._keep_unique(batch if part.all() else batch.take(part))
        return mask

    def _keep_unique(self, b: SampleBatch) -> np.ndarray:
        i, v, t, q = b.tag, b.value, b.ts, b.quality.astype(np.int16)
        last_v = self.last_v[i]
        finite, last_finite = np.isfinite(v), np.isfinite(last_v)
        moved = np.abs(v - last_v) > self.deadband[i]
        keep = (
            (q != self.last_q[i])
            | (finite != last_finite)
            | (finite & last_finite & moved)
            | (t - self.last_t[i] >= self.max_interval[i])
            | (t < self.last_t[i])
        )
        k = i[keep]
        self.last_v[k], self.last_t[k], self.last_q[k] = v[keep], t[keep], q[keep]
        return keep

    def _keep_sequential(self, b: SampleBatch) -> np.ndarray:
        keep = np.zeros(len(b), dtype=bool)
        order = np.argsort(b.tag, kind="stable")
        tags, vals, ts, qs = b.tag[order], b.value[order], b.ts[order], b.quality[order].astype(np.int16)
        bounds = np.r_[0, np.flatnonzero(np.diff(tags)) + 1, len(tags)]
        for s, e in zip(bounds[:-1], bounds[1:], strict=True):
            i = int(tags[s])
            db, mx = self.deadband[i], self.max_interval[i]
            lv, lt, lq = self.last_v[i], self.last_t[i], self.last_q[i]
            for k in range(s, e):
                v, t, q = vals[k], ts[k], qs[k]
                fin, lfin = v == v, lv == lv
                if q != lq or fin != lfin or (fin and abs(v - lv) > db) or t - lt >= mx or t < lt:
                    keep[order[k]] = True
                    lv, lt, lq = v, t, q
            self.last_v[i], self.last_t[i], self.last_q[i] = lv, lt, lq
        return keep
