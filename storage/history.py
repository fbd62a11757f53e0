"""Sample history and alarm journal: a writer thread that never blocks acquisition.

Acquisition hands batches to `submit()` (a non-blocking queue). The writer thread drains the
queue at least every `flush_s` (0.5 s): each batch passes the store-on-change filter and feeds
the rollup accumulators, then one transaction writes the samples, the closed rollup buckets
(both many rows per statement, `storage.bulk_insert`) and the journal rows. Alarm transitions wake the writer at once, so a
crash loses no journal entry that was handed over before it. If the database is locked, the
disk full or the server gone, the writer keeps the rows (bounded) and retries; `state` and
`last_error` say what is wrong.

The queue carries one small frozen message per kind (`Samples`, `AlarmTransitions`,
`RiskChanges`, `Retag`); the writer dispatches on the message's type.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from core.alarm_types import Alarm
from core.risk_types import RiskState
from core.samples import SampleBatch
from core.worker import Worker
from storage.bulk_insert import BulkInsert
from storage.deadband import DeadbandFilter
from storage.journal_reads import JournalMark, StandingEntry, journal_marks, standing_alarms
from storage.query import envelope
from storage.retention import purge_step
from storage.risk_journal import write_risk_events
from storage.rollups import RESOLUTIONS, Accumulator, rows, upsert
from storage.schema import alarm_events, create_schema, make_engine, samples, tags, writer_receipts
from storage.station_role import DatabaseUnreadable, read_only_sqlite_url

log = logging.getLogger(__name__)


class History:
    """The history database: tag ids, the writer thread, and reads for trends and export."""

    rollup_flush_s = 10.0  # open rollup buckets are written at least this often
    purge_every_s = 60.0

    def __init__(
        self,
        url: str,
        tag_list: Sequence,
        *,
        flush_s: float = 0.5,
        max_pending: int = 2_000_000,
        retention=None,
        read_only: bool = False,
    ):
        """`read_only`: a station's reader of the server's database: no schema upgrade, no tag
        added, a SQLite file opened `mode=ro` (storage/station_role.py); never started."""
        self.url = url
        self.read_only = read_only
        self.engine = make_engine(
            read_only_sqlite_url(url) if read_only and url.startswith("sqlite") else url
        )
        if not read_only:
            create_schema(self.engine)
        self.dialect = self.engine.dialect.name
        self.is_sqlite = self.dialect == "sqlite"
        try:
            self.tag_ids = self._ensure_tags(tag_list)
        except SQLAlchemyError as exc:
            if not read_only:
                raise
            self.engine.dispose()
            raise DatabaseUnreadable(str(exc).splitlines()[0]) from exc
        self.names = [t.name for t in tag_list]
        self.filter = DeadbandFilter.for_tags(tag_list)
        self.acc = {name: Accumulator(len(tag_list), ms) for name, ms in RESOLUTIONS.items()}
        self.retention = retention
        self.flush_s = flush_s
        self.max_pending = max_pending
        self._insert = BulkInsert(
            f"INSERT {'OR REPLACE ' if self.is_sqlite else ''}INTO samples (tag_id, ts, value, quality)",
            4,
            ""
            if self.is_sqlite
            else "ON CONFLICT (tag_id, ts) DO UPDATE SET value = EXCLUDED.value, quality = EXCLUDED.quality",
            dialect=self.dialect,
        )
        self._upsert = {name: upsert(f"rollup_{name}", self.dialect) for name in RESOLUTIONS}
        self._queue: queue.SimpleQueue[WriterMessage] = queue.SimpleQueue()
        self._worker = Worker("history-writer")
        # written by the writer thread only
        self._rows: list[SampleBatch] = []
        self._rollups: dict[str, list[tuple]] = {name: [] for name in RESOLUTIONS}
        self._events: list[Alarm] = []
        self._risk: list[RiskState] = []
        self._unsure: _Unsure | None = None  # what a commit that reported an error held
        self.writer_id = uuid.uuid4().hex
        self._seq = 0
        self._rollup_epoch = time.monotonic()  # the open rollup buckets are written in turn from here
        self._rollup_pos = 0
        self._count_lock = threading.Lock()
        self.pending = 0
        self.dropped = 0
        self.written = 0
        self.state = "ok"
        self.last_error = ""
        self.last_commit = 0.0
        # called with the connection inside every write transaction; raises to refuse it (the
        # leader's fence, storage.leadership.Leadership.fence: only the active server journals)
        self.fence: Callable[[Connection], None] | None = None

    # ------------------------------------------------------------ set-up
    def _ensure_tags(self, tag_list: Sequence) -> np.ndarray:
        with self.engine.begin() as conn:
            known = {r.name: r.id for r in conn.execute(select(tags.c.id, tags.c.name))}
            missing = [
                {"name": t.name, "unit": t.unit, "description": t.description}
                for t in tag_list
                if t.name not in known
            ]
            if missing and self.read_only:  # tags the server has not written yet: nothing to read
                return np.array([known.get(t.name, -1) for t in tag_list], dtype=np.int64)
            if missing:
                conn.execute(tags.insert(), missing)
                known = {r.name: r.id for r in conn.execute(select(tags.c.id, tags.c.name))}
        return np.array([known[t.name] for t in tag_list], dtype=np.int64)

    def start(self) -> None:
        self._worker.start(self._run)

    def stop(self, timeout: float = 10.0) -> None:
        """Write everything still queued (open rollup buckets included), then end the writer."""
        self._worker.stop(timeout)
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
        self._queue.put(Samples(batch))

    def journal(self, alarms: Sequence[Alarm]) -> None:
        if alarms:
            self._queue.put(AlarmTransitions(tuple(alarms)))
            self._worker.wake()

    def retag(self, tag_list: Sequence) -> None:
        """A new tag list (a live configuration change): batches queued before this call use the
        old indexes, batches after it the new ones; the writer switches in between, after writing
        what it holds. Tags already known keep their id (and their history)."""
        self._queue.put(Retag(tuple(tag_list)))
        self._worker.wake()

    def _switch_tags(self, tag_list: Sequence) -> None:
        """Writer thread: write everything under the old layout, then take the new one."""
        self.commit(flush_rollups=True)
        old_names = self.names
        self.tag_ids = self._ensure_tags(tag_list)
        self.names = [t.name for t in tag_list]
        if self._rows:  # the write failed (database locked): keep them, in the new indexes
            at = {n: i for i, n in enumerate(self.names)}
            to_new = np.array([at.get(n, -1) for n in old_names], dtype=np.int64)
            kept = []
            for b in self._rows:
                idx = to_new[b.tag]
                ok = idx >= 0
                kept.append(SampleBatch(idx[ok].astype(np.int32), b.ts[ok], b.value[ok], b.quality[ok]))
            self._rows = kept
        self.filter = DeadbandFilter.for_tags(tag_list)
        self.acc = {name: Accumulator(len(tag_list), ms) for name, ms in RESOLUTIONS.items()}

    def journal_risk(self, states: Sequence) -> None:
        """Hazard-source risk changes, written with the next transaction."""
        if states:
            self._queue.put(RiskChanges(tuple(states)))
            self._worker.wake()

    # ------------------------------------------------------------ writer thread
    def _run(self) -> None:
        next_purge = time.monotonic() + 5.0
        while True:
            self._worker.wait(self.flush_s)
            stopping = self._worker.stopping
            self._drain()
            self.commit(flush_rollups=stopping, rollup_tags=None if stopping else self._rollups_due())
            if stopping:
                return
            if self.retention is not None and time.monotonic() >= next_purge and self.state == "ok":
                try:
                    purge_step(self.engine, self.tag_ids, self.retention)
                except Exception as exc:  # housekeeping: report, retry next time
                    log.warning("history purge failed: %s", exc)
                next_purge = time.monotonic() + self.purge_every_s

    def _drain(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            match item:
                case Samples(batch):
                    with self._count_lock:
                        self.pending -= len(batch)
                    self.ingest(batch)
                case AlarmTransitions(alarms):
                    self._events.extend(alarms)
                case RiskChanges(states):
                    self._risk.extend(states)
                case Retag(tag_list):
                    self._switch_tags(tag_list)
                case _:  # only this class puts on the queue: a new kind not handled here
                    log.error("history writer: unknown message %r dropped", type(item).__name__)

    def ingest(self, batch: SampleBatch) -> None:
        """Filter a batch for storage and feed every sample to the rollups (writer thread)."""
        if len(batch) == 0:
            return
        self._rows.append(batch.take(self.filter.keep(batch)))
        ts = np.round(batch.ts * 1000).astype(np.int64)
        for name, acc in self.acc.items():
            closed = acc.add(batch.tag, ts, batch.value, batch.quality)
            if closed is not None:
                self._rollups[name].extend(rows(self.tag_ids, closed))

    def _rollups_due(self) -> np.ndarray:
        """The tags whose open rollup buckets this writer pass writes: the tags in turn, each once
        every `rollup_flush_s`, so every pass carries an even share rather than every tag's
        buckets at once (20,000 tags: 40,000 upserts in one transaction every 10 s)."""
        n = len(self.tag_ids)
        pos = int((time.monotonic() - self._rollup_epoch) / self.rollup_flush_s * n)
        start, self._rollup_pos = self._rollup_pos, pos
        if pos - start >= n:
            return np.arange(n)
        return np.arange(start, pos) % n

    def commit(self, flush_rollups: bool = False, rollup_tags: np.ndarray | None = None) -> bool:
        """Write what is pending in one transaction; on failure keep it for the next try.
        `flush_rollups`: with every open rollup bucket's delta; `rollup_tags`: with those tags'.

        Each transaction also moves this writer's receipt to a new sequence number. A commit can
        report an error after its rows reached the database (SQLite's WAL checkpoint failing on a
        full disk, a PostgreSQL connection lost during COMMIT); what it held is kept as unsure
        and, before the retry, the receipt says whether it landed, so journal rows and rollup
        sums are written exactly once."""
        if flush_rollups or (rollup_tags is not None and len(rollup_tags)):
            for name, acc in self.acc.items():
                delta = acc.flush(None if flush_rollups else rollup_tags)
                if delta is not None:
                    self._rollups[name].extend(rows(self.tag_ids, delta))
        if self._unsure is not None and not self._settle_unsure():
            return False
        if not (self._rows or self._events or self._risk or any(self._rollups.values())):
            self.state, self.last_error = "ok", ""
            return True
        batch = SampleBatch.concat(self._rows)
        sample_columns = self._sample_columns(batch)
        self._seq += 1
        try:
            with self.engine.begin() as conn:
                if self.fence is not None:
                    self.fence(conn)
                if self._events:
                    conn.execute(alarm_events.insert(), [_event_row(a) for a in self._events])
                if self._risk:
                    write_risk_events(conn, self._risk)
                self._insert.execute_columns(conn, sample_columns)
                for name, agg in self._rollups.items():
                    self._upsert[name].execute(conn, agg)
                conn.execute(
                    _RECEIPT_SQL, {"w": self.writer_id, "s": self._seq, "t": int(time.time() * 1000)}
                )
        except Exception as exc:  # locked, disk full, server gone: keep rows, retry later
            self._unsure = _Unsure(self._seq, batch, self._events, self._risk, self._rollups)
            self._rows, self._events, self._risk = [], [], []
            self._rollups = {name: [] for name in RESOLUTIONS}
            self._failed(exc)
            return False
        self._rows, self._events, self._risk = [], [], []
        self._rollups = {name: [] for name in RESOLUTIONS}
        self.written += len(batch)
        self.state, self.last_error = "ok", ""
        self.last_commit = time.time()
        return True

    def _settle_unsure(self) -> bool:
        """Find out whether the last failed commit landed: drop it if so, else queue it again in
        front of what came since. False when the database cannot even be read."""
        unsure = self._unsure
        try:
            with self.engine.connect() as conn:
                seq = conn.execute(
                    select(writer_receipts.c.seq).where(writer_receipts.c.writer == self.writer_id)
                ).scalar_one_or_none()
        except Exception as exc:
            self._failed(exc)
            return False
        self._unsure = None
        if seq == unsure.seq:
            log.info("history: the commit that reported an error had reached the database; not repeated")
            self.written += len(unsure.rows)
            return True
        self._rows.insert(0, unsure.rows)
        self._events[:0] = unsure.events
        self._risk[:0] = unsure.risk
        for name, agg in unsure.rollups.items():
            self._rollups[name][:0] = agg
        return True

    def _failed(self, exc: Exception) -> None:
        self.state = "error"
        self.last_error = f"{type(exc).__name__}: {exc}".splitlines()[0]
        log.warning("history write failed: %s", self.last_error)
        self._trim_pending()

    def write_now(self, batch: SampleBatch, events: Sequence[Alarm] = ()) -> None:
        """Ingest and commit at once, rollups included (tools and tests; not thread-safe with start())."""
        self._events.extend(events)
        self.ingest(batch)
        if not self.commit(flush_rollups=True):
            raise RuntimeError(self.last_error)

    def _trim_pending(self) -> None:
        """Bounded buffering while the database is unavailable: the oldest samples go first."""
        unsure = self._unsure
        total = sum(len(b) for b in self._rows) + (len(unsure.rows) if unsure is not None else 0)
        cut = total - self.max_pending
        if cut > 0:
            self.dropped += cut
            if unsure is not None:  # the oldest are the unsure ones
                n = min(cut, len(unsure.rows))
                unsure.rows = unsure.rows.take(slice(n, None))
                cut -= n
            if cut > 0:
                self._rows = [SampleBatch.concat(self._rows).take(slice(cut, None))]
        keep = self.max_pending // 10
        for pending in (self._rollups, unsure.rollups if unsure is not None else {}):
            for name, agg in pending.items():
                if len(agg) > keep:
                    pending[name] = agg[-keep:]

    def _sample_columns(self, b: SampleBatch) -> list[list]:
        """The samples table's columns of a batch: tag id, time in ms, value (None for NaN),
        quality."""
        if len(b) == 0:
            return []
        ids = self.tag_ids[b.tag].tolist()
        ts = np.round(b.ts * 1000).astype(np.int64).tolist()
        finite = np.isfinite(b.value)
        if finite.all():
            vals = b.value.tolist()
        else:
            v = b.value.astype(object)
            v[~finite] = None
            vals = v.tolist()
        return [ids, ts, vals, b.quality.tolist()]

    # ------------------------------------------------------------ housekeeping (any thread)
    def purge_step(self, now: float | None = None, max_rows: int = 50_000) -> int:
        return purge_step(self.engine, self.tag_ids, self.retention, now=now, max_rows=max_rows)

    # ------------------------------------------------------------ reads (any thread)
    def read(self, tag: int, t0: float, t1: float, max_points: int = 4000) -> SampleBatch:
        """Samples of one tag in [t0, t1] (UNIX s): raw rows when they fit, else a min/max envelope
        of about `max_points` points from the raw table or a rollup."""
        with self.engine.connect() as conn:
            return envelope(
                conn, tag, int(self.tag_ids[tag]), int(t0 * 1000), int(t1 * 1000), max(1, max_points // 2)
            )

    def journal_marks(self, t0: float, t1: float, states: Collection[str], limit: int) -> list[JournalMark]:
        """The newest `limit` journal rows of [t0, t1] (UNIX s) in `states`, oldest first: the
        markers of a trend."""
        return journal_marks(self.engine, t0, t1, states, limit)

    def standing_alarms(self) -> list[StandingEntry]:
        """The alarms the journal leaves standing (its latest row per alarm not normal), with
        since when each has been active: what a restart or a takeover restores."""
        return standing_alarms(self.engine)

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


_RECEIPT_SQL = text(
    "INSERT INTO writer_receipts (writer, seq, ts) VALUES (:w, :s, :t) "
    "ON CONFLICT (writer) DO UPDATE SET seq = excluded.seq, ts = excluded.ts"
)


@dataclass
class _Unsure:
    """The contents of a commit that reported an error: on disk or not, the receipt will tell."""

    seq: int
    rows: SampleBatch
    events: list
    risk: list
    rollups: dict[str, list]


# ---------------------------------------------------------------- writer queue messages
@dataclass(frozen=True, slots=True)
class Samples:
    """A batch of samples to filter, roll up and write."""

    batch: SampleBatch


@dataclass(frozen=True, slots=True)
class AlarmTransitions:
    """Alarm transitions for the journal; they wake the writer at once."""

    alarms: tuple[Alarm, ...]


@dataclass(frozen=True, slots=True)
class RiskChanges:
    """Changes of hazard-source risk, written with the next transaction."""

    states: tuple[RiskState, ...]


@dataclass(frozen=True, slots=True)
class Retag:
    """A new tag list: the writer writes what it holds under the old one, then switches."""

    tags: tuple


WriterMessage = Samples | AlarmTransitions | RiskChanges | Retag


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
