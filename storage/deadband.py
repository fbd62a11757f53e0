"""Store-on-change filter, as process historians do: a sample is kept when it moved more than
the tag's history deadband, when its quality changed, when the maximum interval has passed since
the last stored sample, or when time went backwards (a clock that jumped).

It is also alarm-exact: a sample is kept whenever it lies on another side of any of the tag's
alarm thresholds (a limit, or where the alarm clears: limit -/+ alarm deadband) than the last
stored one. Between two stored samples every live sample was on the same side of every
threshold, so replaying the history with the last value held at the scan period raises the
level alarms the live run raised. Tags with rate-of-change, deviation or frozen-value alarms (and
setpoints of deviation alarms) depend on every small change: they are stored on every change."""

from __future__ import annotations

import numpy as np

from core.samples import SampleBatch


class DeadbandFilter:
    """Per-tag state of the last stored sample; `keep(batch)` returns the mask to store."""

    def __init__(
        self, deadband: np.ndarray, max_interval_s: np.ndarray, thresholds: np.ndarray | None = None
    ):
        n = len(deadband)
        self.deadband = np.asarray(deadband, dtype=np.float64)
        self.max_interval = np.asarray(max_interval_s, dtype=np.float64)
        # (tags x k) alarm thresholds, +inf padded: the side of a value is how many it reaches
        self.thresholds = np.full((n, 0), np.inf) if thresholds is None else np.asarray(thresholds, float)
        self.last_side = np.full(n, -1, dtype=np.int16)
        self.last_v = np.full(n, np.nan)
        self.last_t = np.full(n, -np.inf)
        self.last_q = np.full(n, -1, dtype=np.int16)

    @classmethod
    def for_tags(cls, tags) -> DeadbandFilter:
        tags = list(tags)
        deadband = np.array([t.history_deadband for t in tags], dtype=np.float64)
        setpoints = {t.alarms.deviation.setpoint for t in tags if t.alarms and t.alarms.deviation}
        rows = []
        for i, t in enumerate(tags):
            a = t.alarms
            if (a and (a.roc or a.deviation or a.stale_s)) or t.name in setpoints:
                deadband[i] = 0.0
            rows.append(alarm_thresholds(a))
        k = max((len(r) for r in rows), default=0)
        thr = np.full((len(tags), k), np.inf)
        for i, r in enumerate(rows):
            thr[i, : len(r)] = r
        return cls(deadband, np.array([t.history.max_interval_s for t in tags], dtype=np.float64), thr)

    def _side(self, i: np.ndarray, v: np.ndarray) -> np.ndarray:
        if self.thresholds.shape[1] == 0:
            return np.zeros(len(i), dtype=np.int16)
        return (v[:, None] >= self.thresholds[i]).sum(axis=1).astype(np.int16)

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
        side = self._side(i, v)
        keep = (
            (side != self.last_side[i])
            | (q != self.last_q[i])
            | (finite != last_finite)
            | (finite & last_finite & moved)
            | (t - self.last_t[i] >= self.max_interval[i])
            | (t < self.last_t[i])
        )
        k = i[keep]
        self.last_v[k], self.last_t[k], self.last_q[k] = v[keep], t[keep], q[keep]
        self.last_side[k] = side[keep]
        return keep

    def _keep_sequential(self, b: SampleBatch) -> np.ndarray:
        keep = np.zeros(len(b), dtype=bool)
        order = np.argsort(b.tag, kind="stable")
        tags, vals, ts, qs = b.tag[order], b.value[order], b.ts[order], b.quality[order].astype(np.int16)
        sides = self._side(tags, vals).tolist()
        bounds = np.r_[0, np.flatnonzero(np.diff(tags)) + 1, len(tags)]
        for s, e in zip(bounds[:-1], bounds[1:], strict=True):
            i = int(tags[s])
            db, mx = self.deadband[i], self.max_interval[i]
            lv, lt, lq, ls = self.last_v[i], self.last_t[i], self.last_q[i], self.last_side[i]
            for k in range(s, e):
                v, t, q, side = vals[k], ts[k], qs[k], sides[k]
                fin, lfin = v == v, lv == lv
                if (
                    side != ls
                    or q != lq
                    or fin != lfin
                    or (fin and abs(v - lv) > db)
                    or t - lt >= mx
                    or t < lt
                ):
                    keep[order[k]] = True
                    lv, lt, lq, ls = v, t, q, side
            self.last_v[i], self.last_t[i], self.last_q[i], self.last_side[i] = lv, lt, lq, ls
        return keep


def alarm_thresholds(a) -> list[float]:
    """Where the level alarms of a tag change: `value >= x` is a different alarm state for each x
    (raised at a high limit, cleared below limit - deadband; raised at or below a low limit,
    cleared above limit + deadband; a state alarm at 0.5)."""
    if a is None:
        return []
    out = []
    for name in ("HH", "H"):
        lim = getattr(a, name)
        if lim is not None:
            out += [lim, lim - a.deadband]
    for name in ("L", "LL"):
        lim = getattr(a, name)
        if lim is not None:
            out += [float(np.nextafter(lim, np.inf)), float(np.nextafter(lim + a.deadband, np.inf))]
    if a.state is not None:
        out.append(0.5)
    return sorted(set(out))
