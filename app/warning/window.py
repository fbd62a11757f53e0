"""The recent past of every tag, in fixed time buckets: what forecasts, anomaly detectors and
incident rules look back at.

Good samples are averaged into buckets of `step_s` seconds (bucket k covers [k*step, (k+1)*step)),
kept in a ring of `span_s / step_s` slots per tag. Reads return a regular time grid with NaN
where a tag had no good sample (bad quality never feeds a forecast). Pure numpy, no Qt; written
from the acquisition thread, read by the engines on the same thread (or under the engine's lock).

A slow scale's window (`deferred`) is read once a bucket of minutes or hours, but written at
every scan: it keeps the scans' batches as they come and adds them in one go at its next read,
which costs what one scan's add does instead of one per scan.
"""

from __future__ import annotations

import math

import numpy as np

from app.warning.compiled import WARNING_KERNELS
from core.samples import Quality, SampleBatch

_BAD = int(Quality.BAD)
_COLUMNS = (
    np.dtype(np.int32),
    np.dtype(np.float64),
    np.dtype(np.float64),
    np.dtype(np.uint8),
)  # SampleBatch's
_ALL = np.empty(0, dtype=np.intp)  # window_add's rows: every tag held


LIVE_STEP_S = 5.0  # the finest default scale: it always runs on the live window, whatever its buckets


def at_scale(step: float, window_step: float, live: bool) -> bool:
    """A detector of bucket width `step` runs on a window of `window_step`; the `live` window
    also runs every scale up to its own (and the finest default scale)."""
    return step == window_step or (live and step <= max(window_step, LIVE_STEP_S))


class RecentWindow:
    """Bucketed ring buffers of the last `span_s` seconds of every tag (or of the tags `held`:
    a slow scale keeps days only of the tags that look that far back)."""

    def __init__(
        self, n_tags: int, span_s: float = 900.0, step_s: float = 5.0, held=None, deferred: bool = False
    ):
        self.n = n_tags
        self.step = float(step_s)
        self.m = max(2, int(math.ceil(span_s / step_s)) + 1)
        self.span = self.m * self.step
        # tag index -> its row here (-1: not held); None when every tag is held in its own row
        self.rows = None
        k = n_tags
        if held is not None:
            held = np.asarray(held, dtype=np.intp)
            self.rows = np.full(n_tags, -1, dtype=np.intp)
            self.rows[held] = np.arange(len(held))
            k = len(held)
        self.sum = np.zeros((k, self.m))
        self.cnt = np.zeros((k, self.m), dtype=np.int32)
        self.bucket = np.full((k, self.m), -1, dtype=np.int64)  # bucket number each slot holds
        self._last_value = np.full(k, np.nan)  # latest good value
        self._last_ts = np.full(k, np.nan)  # time of the latest good value
        self.now = -math.inf  # newest sample time seen
        self._version = 0  # counts the changes to the buckets
        self.deferred = deferred
        self._pending: list[SampleBatch] = []  # batches not yet added (a deferred window)
        self._pending_newest = -math.inf  # their newest sample time
        self._in_order = True  # each of them began at or after the newest of those before it

    @property
    def version(self) -> int:
        """Counts the changes to the buckets: what was read from them still holds while it stays."""
        self._catch_up()
        return self._version

    def _catch_up(self) -> None:
        """Add the batches a deferred window kept: in one go when each came after the one before
        (a tag's newest value is then the last one, and every sum adds up in the order the
        samples came, as when added one by one); else one by one."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        if self._in_order:
            pending = [SampleBatch.concat(pending)]
        self._in_order, self._pending_newest = True, -math.inf
        for batch in pending:
            self._add(batch)

    def closed_bucket(self, now: float, after: int) -> tuple[int, float] | None:
        """The newest bucket closed at `now` and how long ago its middle was, when it is later than
        bucket `after` (the one a detector last took); None when no new bucket closed since."""
        bucket = math.floor(now / self.step) - 1
        if bucket <= after:
            return None
        return bucket, now - (bucket * self.step + self.step / 2)

    @property
    def last_value(self) -> np.ndarray:
        """The latest good value of every tag (NaN for a tag not held)."""
        return self._per_tag(self._last_value)

    @property
    def last_ts(self) -> np.ndarray:
        """The time of the latest good value of every tag (NaN for a tag not held)."""
        return self._per_tag(self._last_ts)

    def _per_tag(self, a: np.ndarray) -> np.ndarray:
        self._catch_up()
        if self.rows is None:
            return a
        return np.where(self.rows >= 0, a[self.rows], np.nan)

    def _row(self, tags: np.ndarray) -> np.ndarray:
        return tags if self.rows is None else self.rows[tags]

    def adopt(self, old: RecentWindow, old_index: np.ndarray) -> None:
        """Take over the buckets of every tag that stays (`old_index[t]` >= 0), when the span and
        the bucket width did not change."""
        old._catch_up()
        self._catch_up()
        if (self.m, self.step) != (old.m, old.step):
            return
        j = np.flatnonzero(old_index >= 0)
        i = old_index[j]
        if self.rows is not None or old.rows is not None:
            mine = self._row(j) if self.rows is not None else j
            theirs = old._row(i) if old.rows is not None else i
            both = (mine >= 0) & (theirs >= 0)
            j, i = mine[both], theirs[both]
        for name in ("sum", "cnt", "bucket", "_last_value", "_last_ts"):
            getattr(self, name)[j] = getattr(old, name)[i]
        self.now = old.now
        self._version += 1

    def add(self, batch: SampleBatch) -> None:
        """Average the batch's good samples into their buckets (a deferred window: at its next read)."""
        if len(batch) == 0:
            return
        if self.deferred:
            first, last = float(batch.ts.min()), float(batch.ts.max())
            self._in_order = self._in_order and first >= self._pending_newest
            self._pending_newest = max(self._pending_newest, last)
            self._pending.append(batch)
            self.now = max(self.now, last)
            return
        self._catch_up()
        self._add(batch)

    def _add(self, batch: SampleBatch) -> None:
        kernel = WARNING_KERNELS.kernel
        if (
            kernel is not None
            and (batch.tag.dtype, batch.ts.dtype, batch.value.dtype, batch.quality.dtype) == _COLUMNS
        ):
            self._add_compiled(batch, kernel)
        else:
            self._add_numpy(batch)

    def _add_compiled(self, batch: SampleBatch, kernel) -> None:
        """`_add_numpy` in one compiled loop (app.warning.kernels.window_add)."""
        rows = _ALL if self.rows is None else self.rows
        self.now = max(self.now, float(batch.ts.max()))
        args = (self.step, self.sum, self.cnt, self.bucket, self._last_value, self._last_ts)
        if kernel.window_add(batch.tag, batch.ts, batch.value, batch.quality, _BAD, rows, *args):
            self._version += 1

    def _add_numpy(self, batch: SampleBatch) -> None:
        good = (batch.quality != _BAD) & np.isfinite(batch.value)
        self.now = max(self.now, float(batch.ts.max()))
        if self.rows is not None:
            good &= self.rows[batch.tag] >= 0
        if not good.all():
            if not good.any():
                return
            batch = batch.take(good)
        i, ts, v = self._row(batch.tag), batch.ts, batch.value
        b = np.floor(ts / self.step).astype(np.int64)
        s = b % self.m
        fresh = self.bucket[i, s] != b
        if fresh.any():
            fi, fs = i[fresh], s[fresh]
            self.sum[fi, fs] = 0.0
            self.cnt[fi, fs] = 0
            self.bucket[fi, fs] = b[fresh]
        if len(i) < 2 or (i[1:] > i[:-1]).all():  # a scan: each tag once, in order, so no slot twice
            self.sum[i, s] += v
            self.cnt[i, s] += 1
        else:
            np.add.at(self.sum, (i, s), v)
            np.add.at(self.cnt, (i, s), 1)
        newer = ~(ts < self._last_ts[i])  # NaN last_ts: newer
        if not newer.all():
            i, ts, v = i[newer], ts[newer], v[newer]
        self._last_value[i] = v
        self._last_ts[i] = ts
        self._version += 1  # last: a read while this ran is not taken for one after it

    def grid(self, span_s: float, now: float | None = None) -> np.ndarray:
        """Bucket start times of the last `span_s` seconds up to the bucket holding `now`."""
        now = self.now if now is None else now
        last = math.floor(now / self.step)
        return self._buckets(span_s, last) * self.step

    def buckets(self, span_s: float) -> int:
        """How many buckets a read of the last `span_s` seconds spans."""
        return min(self.m, max(1, int(round(span_s / self.step))))

    def _buckets(self, span_s: float, last: int) -> np.ndarray:
        return np.arange(last - self.buckets(span_s) + 1, last + 1, dtype=np.int64)

    def series(self, tags, span_s: float, now: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(bucket mid times [k], bucket means [len(tags), k]) over the last `span_s` seconds;
        NaN where a tag had no good sample in a bucket."""
        self._catch_up()
        rows = self._row(np.asarray(tags, dtype=np.intp).reshape(-1))
        now = self.now if now is None else now
        want = self._buckets(span_s, math.floor(now / self.step))
        first, k = int(want[0] % self.m), len(want)
        end = first + k
        if end <= self.m:  # the slots in one run: a slice of each row
            held, cnt, total = (a[rows, first:end] for a in (self.bucket, self.cnt, self.sum))
        else:  # two runs, round the ring's end: two slices, joined
            wrap = end - self.m
            held, cnt, total = (
                np.concatenate([a[rows, first:], a[rows, :wrap]], axis=1)
                for a in (self.bucket, self.cnt, self.sum)
            )
        mean = np.full(total.shape, np.nan)
        # an empty slot, or one still holding an older bucket, stays NaN
        np.divide(total, cnt, out=mean, where=(held == want[None, :]) & (cnt > 0))
        return want * self.step + self.step / 2, mean

    def value_at(self, tags, ago_s: float, now: float | None = None) -> np.ndarray:
        """Mean of the bucket `ago_s` seconds before `now` (NaN if empty or out of the window)."""
        self._catch_up()
        now = self.now if now is None else now
        tags = self._row(np.atleast_1d(np.asarray(tags, dtype=np.intp)))
        if ago_s >= self.span:
            return np.full(len(tags), np.nan)
        want = math.floor((now - ago_s) / self.step)
        slot = want % self.m
        held = (self.bucket[tags, slot] == want) & (self.cnt[tags, slot] > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = self.sum[tags, slot] / self.cnt[tags, slot]
        out[~held] = np.nan
        return out
