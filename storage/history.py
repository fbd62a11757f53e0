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
from app.model import SampleBatch
from storage.deadband import DeadbandFilter
from storage.query import envelope
from storage.rollups import RESOLUTIONS, aggregate, upsert_sql
from storage.schema import alarm_events, create_schema, make_engine, samples, tags

log = logging.getLogger(__name__)


class History:
    """The history database: tag ids, the writer thread, and reads for trends and export."""

    def __init__(
        self,
        url: str,
        tag_list: Sequence,
        *,
        flush_s: float = 0.5,
        max_pending: int = 2_000_000,
        retention=None,
    ):
        self.url = url
        self.engine = make_engine(url)
        create_schema(self.engine)
        self.dialect = self.engine.dialect.name
        self.is_sqlite = self.dialect == "sqlite"
        self.tag_ids = self._ensure_tags(tag_list)
        self.filter = DeadbandFilter.for_tags(tag_list)
        self.retention = retention
        self._insert_sql = (
            "INSERT OR REPLACE INTO samples (tag_id, ts, value, quality) VALUES (?, ?, ?, ?)"
            if self.is_sqlite
            else "INSERT INTO samples (tag_id, ts, value, quality) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (tag_id, ts) DO UPDATE SET value = EXCLUDED.value, quality = EXCLUDED.quality"
        )
        self._rollup_sql = {name: upsert_sql(f"rollup_{name}", self.dialect) for name in RESOLUTIONS}
        self.names = [t.name for t in tag_list]
        self.flush_s = flush_s
        self.max_pending = max_pending
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pending_rows: deque = deque()  # filtered samples not written yet
        self._pending_all: deque = deque()  # every sample, for the rollups
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
        next_purge = time.monotonic() + 5.0
        while True:
            self._wake.wait(self.flush_s)
            self._wake.clear()
            stopping = self._stop.is_set()
            self._drain()
            if self._pending_rows or self._pending_all or self._pending_events:
                self._write()
            if stopping:
                return
            if self.retention is not None and time.monotonic() >= next_purge and self.state == "ok":
                try:
                    self.purge_step()
                except Exception as exc:  # purge is housekeeping: report, retry next time
                    log.warning("history purge failed: %s", exc)
                next_purge = time.monotonic() + self.purge_every_s

    # ------------------------------------------------------------ retention
    purge_every_s = 60.0
    purge_chunk_ms = 6 * 3_600_000  # at most six hours of one tag per statement

    def purge_step(self, now: float | None = None, max_rows: int = 50_000) -> int:
        """Delete expired rows in small chunks (one tag, at most `purge_chunk_ms`, per statement)
        so the writer never holds the database for long. Returns the rows deleted."""
        now_ms = int((time.time() if now is None else now) * 1000)
        r = self.retention
        deleted = 0
        for table, col, days in (
            ("samples", "ts", r.raw_days),
            ("rollup_1m", "bucket", r.rollup_1m_days),
            ("rollup_1h", "bucket", r.rollup_1h_days),
        ):
            cutoff = now_ms - int(days * 86_400_000)
            for tag_id in self.tag_ids.tolist():
                while deleted < max_rows:
                    with self.engine.begin() as conn:
                        oldest = conn.exec_driver_sql(
                            f"SELECT MIN({col}) FROM {table} WHERE tag_id = {int(tag_id)}"
                        ).scalar()
                        if oldest is None or oldest >= cutoff:
                            break
                        limit = min(cutoff, oldest + self.purge_chunk_ms)
                        res = conn.exec_driver_sql(
                            f"DELETE FROM {table} WHERE tag_id = {int(tag_id)} AND {col} < {int(limit)}"
                        )
                        deleted += res.rowcount or 0
        return deleted

    def _drain(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, SampleBatch):
                with self._count_lock:
                    self.pending -= len(item)
                self._pending_all.append(item)
                self._pending_rows.append(item.take(self.filter.keep(item)))
            else:
                self._pending_events.extend(item)

    def _write(self) -> None:
        everything = SampleBatch.concat(list(self._pending_all))
        batch = SampleBatch.concat(list(self._pending_rows))
        events = list(self._pending_events)
        try:
            self.write_now(batch, everything, events)
        except Exception as exc:  # locked, disk full, server gone: keep rows, retry later
            self.state = "error"
            self.last_error = f"{type(exc).__name__}: {exc}".splitlines()[0]
            log.warning("history write failed: %s", self.last_error)
            self._pending_rows = deque([batch]) if len(batch) else deque()
            self._pending_all = deque([everything]) if len(everything) else deque()
            self._trim_pending()
            return
        self._pending_rows.clear()
        self._pending_all.clear()
        self._pending_events.clear()
        self.state = "ok"
        self.last_error = ""
        self.last_commit = time.time()

    def write_now(self, batch: SampleBatch, everything: SampleBatch | None = None, events=()) -> None:
        """One transaction: the (filtered) samples, the rollups of every sample, the journal rows."""
        rows = self._sample_rows(batch)
        src = batch if everything is None else everything
        rollups = {}
        if len(src):
            ids = self.tag_ids[src.tag]
            ts = np.round(src.ts * 1000).astype(np.int64)
            rollups = {
                name: aggregate(ids, ts, src.value, src.quality, ms) for name, ms in RESOLUTIONS.items()
            }
        with self.engine.begin() as conn:
            if events:
                conn.execute(alarm_events.insert(), [_event_row(a) for a in events])
            if rows:
                conn.exec_driver_sql(self._insert_sql, rows)
            for name, agg in rollups.items():
                if agg:
                    conn.exec_driver_sql(self._rollup_sql[name], agg)
        self.written += len(rows)

    def _trim_pending(self) -> None:
        """Bounded buffering while the database is unavailable: the oldest samples go first."""
        for buf, counts in ((self._pending_rows, True), (self._pending_all, False)):
            total = sum(len(b) for b in buf)
            if total <= self.max_pending:
                continue
            merged = SampleBatch.concat(list(buf))
            cut = total - self.max_pending
            if counts:
                self.dropped += cut
            buf.clear()
            buf.append(merged.take(slice(cut, None)))

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
        """Samples of one tag in [t0, t1] (UNIX s): raw rows when they fit, else a min/max envelope
        of about `max_points` points from the raw table or a rollup."""
        with self.engine.connect() as conn:
            return envelope(
                conn, tag, int(self.tag_ids[tag]), int(t0 * 1000), int(t1 * 1000), max(1, max_points // 2)
            )

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
