"""Sample history and alarm journal: a writer thread that never blocks acquisition.

Acquisition hands batches to `submit()` (a bounded, non-blocking queue). The writer thread
drains the queue at least every `flush_s` (0.5 s) and writes one transaction through the
DBAPI's executemany. Alarm transitions wake the writer at once, so a crash loses no journal
entry that was handed over before it. If the database is locked or the disk is full, the
writer keeps the rows (bounded) and retries; `state` says what is wrong.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from collections import deque
from collections.abc import Sequence

import numpy as np
from sqlalchemy import select

from app.alarms import Alarm
from app.model import Quality, SampleBatch
from storage.schema import alarm_events, create_schema, make_engine, samples, tags

log = logging.getLogger(__name__)


class History:
    """The history database: tag ids, the writer thread, and reads for trends and export."""

    def __init__(self, url: str, tag_list: Sequence, *, flush_s: float = 0.5, max_pending: int = 2_000_000):
        self.url = url
        self.engine = make_engine(url)
        create_schema(self.engine)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.tag_ids = self._ensure_tags(tag_list)
        self.names = [t.name for t in tag_list]
        self.flush_s = flush_s
        self.max_pending = max_pending
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pending_rows: deque = deque()  # rows that could not be written yet
        self._pending_events: deque = deque()
        self._count_lock = threading.Lock()
        self.pending = 0
        self.dropped = 0
        self.written = 0
        self.state = "ok"
        self.last_error = ""
        self.last_commit = 0.0

    # ------------------------------------------------------------ set-up
    def _ensure_tags(self, tag_list: Sequence) -> np.ndarray:
        with self.engine.begin() as conn:
            known = {r.name: r.id for r in conn.execute(select(tags.c.id, tags.c.name))}
            missing = [
                {"name": t.name, "unit": t.unit, "description": t.description}
                for t in tag_list
                if t.name not in known
            ]
            if missing:
                conn.execute(tags.insert(), missing)
                known = {r.name: r.id for r in conn.execute(select(tags.c.id, tags.c.name))}
        return np.array([known[t.name] for t in tag_list], dtype=np.int64)

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="history-writer", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Write everything still queued, then end the writer thread."""
        if self._thread is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join(timeout)
            self._thread = None
        self.engine.dispose()

    # ------------------------------------------------------------ producer side (any thread)
    def submit(self, batch: SampleBatch) -> None:
        if len(batch) == 0:
            return
        with self._count_lock:
            if self.pending + len(batch) > self.max_pending:
                self.dropped += len(batch)
                return
            self.pending += len(batch)
        self._queue.put(batch)

    def journal(self, alarms: Sequence[Alarm]) -> None:
        if alarms:
            self._queue.put(list(alarms))
            self._wake.set()

    # ------------------------------------------------------------ writer thread
    def _run(self) -> None:
        while True:
            self._wake.wait(self.flush_s)
            self._wake.clear()
            stopping = self._stop.is_set()
            self._drain()
            if self._pending_rows or self._pending_events:
                self._write()
            if stopping:
                return

    def _drain(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, SampleBatch):
                with self._count_lock:
                    self.pending -= len(item)
                self._pending_rows.append(item)
            else:
                self._pending_events.extend(item)

    def _write(self) -> None:
        batch = SampleBatch.concat(list(self._pending_rows))
        events = list(self._pending_events)
        rows = self._sample_rows(batch)
        ev_rows = [_event_row(a) for a in events]
        try:
            with self.engine.begin() as conn:
                if ev_rows:
                    conn.execute(alarm_events.insert(), ev_rows)
                if rows:
                    if self.is_sqlite:
                        conn.exec_driver_sql(
                            "INSERT OR REPLACE INTO samples (tag_id, ts, value, quality) VALUES (?, ?, ?, ?)",
                            rows,
                        )
                    else:
                        conn.exec_driver_sql(
                            "INSERT INTO samples (tag_id, ts, value, quality) VALUES (%s, %s, %s, %s) "
                            "ON CONFLICT (tag_id, ts) DO UPDATE SET value = EXCLUDED.value, "
                            "quality = EXCLUDED.quality",
                            rows,
                        )
        except Exception as exc:  # locked, disk full, server gone: keep rows, retry later
            self.state = "error"
            self.last_error = f"{type(exc).__name__}: {exc}".splitlines()[0]
            log.warning("history write failed: %s", self.last_error)
            self._pending_rows = deque([batch]) if len(batch) else deque()
            self._trim_pending()
            return
        self._pending_rows.clear()
        self._pending_events.clear()
        self.written += len(rows)
        self.state = "ok"
        self.last_error = ""
        self.last_commit = time.time()

    def _trim_pending(self) -> None:
        total = sum(len(b) for b in self._pending_rows)
        while total > self.max_pending and self._pending_rows:
            b = self._pending_rows.popleft()
            total -= len(b)
            self.dropped += len(b)

    def _sample_rows(self, b: SampleBatch) -> list[tuple]:
        if len(b) == 0:
            return []
        ids = self.tag_ids[b.tag].tolist()
        ts = np.round(b.ts * 1000).astype(np.int64).tolist()
        vals = b.value.astype(object)
        vals[~np.isfinite(b.value)] = None
        return list(zip(ids, ts, vals.tolist(), b.quality.tolist(), strict=True))

    # ------------------------------------------------------------ reads (any thread)
    def read(self, tag: int, t0: float, t1: float, max_points: int = 4000) -> SampleBatch:
        """Samples of one tag in [t0, t1]; a min/max envelope when there are more than max_points."""
        tid = int(self.tag_ids[tag])
        q = (
            select(samples.c.ts, samples.c.value, samples.c.quality)
            .where(samples.c.tag_id == tid, samples.c.ts >= int(t0 * 1000), samples.c.ts <= int(t1 * 1000))
            .order_by(samples.c.ts)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        if not rows:
            return SampleBatch.empty()
        arr = np.array([(r[0], np.nan if r[1] is None else r[1], r[2]) for r in rows], dtype=np.float64)
        ts, val, qual = arr[:, 0] / 1000.0, arr[:, 1], arr[:, 2].astype(np.uint8)
        if len(ts) > max_points:
            ts, val, qual = _envelope(ts, val, qual, max(2, max_points // 2))
        return SampleBatch.build(np.full(len(ts), tag, dtype=np.int32), ts, val, qual)

    def export_rows(self, names: Sequence[str] | None, t0: float | None, t1: float | None):
        """Yield (ts_ms, tag name, value, quality) ordered by time, for CSV export."""
        with self.engine.connect() as conn:
            id_name = {r.id: r.name for r in conn.execute(select(tags.c.id, tags.c.name))}
            q = select(samples.c.ts, samples.c.tag_id, samples.c.value, samples.c.quality)
            if names:
                wanted = [i for i, n in id_name.items() if n in set(names)]
                q = q.where(samples.c.tag_id.in_(wanted))
            if t0 is not None:
                q = q.where(samples.c.ts >= int(t0 * 1000))
            if t1 is not None:
                q = q.where(samples.c.ts <= int(t1 * 1000))
            q = q.order_by(samples.c.ts, samples.c.tag_id)
            for ts, tid, value, qual in conn.execution_options(stream_results=True).execute(q):
                yield ts, id_name.get(tid, str(tid)), value, qual

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT COUNT(*) FROM samples").scalar_one()


def _event_row(a: Alarm) -> dict:
    return {
        "ts": int(round(a.ts * 1000)),
        "key": a.key,
        "source": a.source,
        "kind": a.kind,
        "priority": a.priority,
        "state": a.state,
        "active": a.active,
        "acked": a.acked,
        "value": a.value if math.isfinite(a.value) else None,
        "limit_value": a.limit,
        "message": a.message,
        "user_name": a.user,
        "comment": a.comment,
    }


def _envelope(ts, val, qual, buckets: int):
    """Min and max of each of `buckets` equal time slices, in time order; bad stretches kept as NaN."""
    edges = np.linspace(ts[0], ts[-1], buckets + 1)
    b = np.clip(np.searchsorted(edges, ts, side="right") - 1, 0, buckets - 1)
    starts = np.r_[0, np.flatnonzero(np.diff(b)) + 1]
    out_t, out_v, out_q = [], [], []
    for s, e in zip(starts, np.r_[starts[1:], len(ts)], strict=True):
        v = val[s:e]
        finite = np.isfinite(v)
        if not finite.any():
            out_t.append(ts[s])
            out_v.append(np.nan)
            out_q.append(Quality.BAD)
            continue
        lo = s + int(np.nanargmin(v))
        hi = s + int(np.nanargmax(v))
        for k in sorted({lo, hi}):
            out_t.append(ts[k])
            out_v.append(val[k])
            out_q.append(qual[k])
    return np.array(out_t), np.array(out_v), np.array(out_q, dtype=np.uint8)
