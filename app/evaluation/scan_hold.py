"""Stored-on-change history back to the scans the live engine evaluated (replay, and the live
engine re-reading its own history after a restart)."""

from __future__ import annotations

import numpy as np

from core.samples import SampleBatch
from core.schema.plant import PlantConfig

SAMPLED_GAP = 2.0  # a gap this many times max_interval_s long is sampled data, not on-change history


class ScanHold:
    """Rebuilds the scans of stored-on-change history: after each stored sample of a tag, its
    value is repeated at the tag's scan period (its device's `scan_ms`) until the next stored
    sample, as the live engine saw it, for at most the tag's `max_interval_s` (the history holds
    a sample at least that often while a device answers). Input comes in time order; held scans
    are produced up to the newest time of each batch, so every tag moves forward together.

    A tag whose next sample comes much later than its `max_interval_s` is not stored-on-change
    history there (sampled data: one value every 5 minutes from another system) and is not
    held over that gap: a replay of sparse data costs its samples, not its span at scan rate."""

    def __init__(self, config: PlantConfig):
        scan = {d.name: d.scan_ms / 1000.0 for d in config.devices}
        self.period = np.array([scan.get(t.device, 1.0) for t in config.tags])
        self.max_interval = np.array([t.history.max_interval_s for t in config.tags])
        n = len(config.tags)
        self.emitted_t = np.full(n, np.nan)  # newest scan produced (stored or held)
        self.stored_t = np.full(n, np.nan)  # newest stored sample
        self.last_v = np.full(n, np.nan)
        self.last_q = np.zeros(n, dtype=np.uint8)

    def fill(self, batch: SampleBatch) -> SampleBatch:
        if len(batch) == 0:
            return batch
        frontier = float(batch.ts.max())
        # the batch's samples plus one marker per known tag at the frontier (not produced itself)
        known = np.union1d(np.flatnonzero(np.isfinite(self.emitted_t)), batch.tag)
        tg = np.r_[batch.tag, known]
        ts = np.r_[batch.ts, np.full(len(known), frontier)]
        marker = np.r_[np.zeros(len(batch), bool), np.ones(len(known), bool)]
        v = np.r_[batch.value, np.full(len(known), np.nan)]
        q = np.r_[batch.quality, np.zeros(len(known), np.uint8)]
        order = np.lexsort((marker, ts, tg))
        tg, ts, marker, v, q = tg[order], ts[order], marker[order], v[order], q[order]
        same = np.r_[False, tg[1:] == tg[:-1]]
        # what precedes each row: the tag's previous row here, or what the last batch left
        prev_t, prev_v, prev_q = np.roll(ts, 1), np.roll(v, 1), np.roll(q, 1)
        first = ~same
        prev_t[first] = self.emitted_t[tg[first]]
        prev_v[first], prev_q[first] = self.last_v[tg[first]], self.last_q[tg[first]]
        stored = np.where(first, self.stored_t[tg], prev_t)
        period = self.period[tg]
        with np.errstate(invalid="ignore"):
            gap = ts - prev_t
            n = np.where(marker, np.floor(gap / period + 1e-9), np.floor(gap / period - 0.5))
            room = np.floor((stored + self.max_interval[tg] - prev_t) / period - 1e-9)
            sampled = ~marker & (ts - stored > SAMPLED_GAP * self.max_interval[tg])
        n = np.where(sampled, 0.0, n)
        n = np.nan_to_num(np.minimum(n, room), nan=0.0).clip(0).astype(np.int64)
        # carry over: the newest stored value and the newest scan produced, per tag
        real = ~marker
        last_real = real & np.r_[(tg[1:] != tg[:-1]) | marker[1:], True]
        self.last_v[tg[last_real]], self.last_q[tg[last_real]] = v[last_real], q[last_real]
        self.stored_t[tg[last_real]] = ts[last_real]
        total = int(n.sum())
        src = np.repeat(np.arange(len(tg)), n)
        step = np.arange(total) - np.repeat(np.cumsum(n) - n, n) + 1
        held_t = prev_t[src] + step * period[src]
        out_tag = np.r_[tg[real], tg[src]]
        out_t = np.r_[ts[real], held_t]
        emitted = np.full(len(self.emitted_t), -np.inf)
        np.maximum.at(emitted, out_tag, out_t)
        self.emitted_t = np.where(np.isfinite(emitted), np.fmax(self.emitted_t, emitted), self.emitted_t)
        out = SampleBatch(out_tag, out_t, np.r_[v[real], prev_v[src]], np.r_[q[real], prev_q[src]])
        return out.take(np.argsort(out.ts, kind="stable"))
