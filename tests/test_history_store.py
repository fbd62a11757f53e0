"""History semantics on SQLite and PostgreSQL: rollups exact against numpy, store-on-change,
clocks that jump back, retention in chunks, a locked database, queries on empty ranges."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from sqlalchemy import event, text

from app.config import Retention, parse_config_text
from core.samples import Quality, SampleBatch
from storage.history import History
from storage.query import resolution_for
from tests.conftest import wait_until

CFG = parse_config_text(
    """
schema: 1
devices: [{name: d, protocol: modbus-tcp}]
tags:
  - {name: A, device: d, address: "hr:0", range: [0, 100], history: {deadband: 0}}
  - {name: B, device: d, address: "hr:1", range: [0, 1000]}
  - {name: C, device: d, address: "hr:2", history: {deadband: 0.5, max_interval_s: 10}}
"""
)
T0 = 1_700_000_000.0 - (1_700_000_000.0 % 3600)


def rollup_rows(h, table, tag=0):
    with h.engine.connect() as c:
        return c.execute(
            text(
                f"SELECT bucket, vmin, vmax, vsum, n, nbad, first, last FROM {table} WHERE tag_id = :t ORDER BY bucket"
            ),
            {"t": int(h.tag_ids[tag])},
        ).all()


def test_rollups_match_numpy_across_writes_and_late_samples(db_url):
    h = History(db_url, CFG.tags)
    rng = np.random.default_rng(7)
    n = 3 * 3600  # three hours at 1 s
    ts = T0 + np.arange(n, dtype=float)
    v = rng.normal(50, 10, n)
    q = np.full(n, Quality.GOOD, np.uint8)
    q[100:160] = Quality.BAD  # one bad minute and a bit
    v[100:160] = np.nan
    order = rng.permutation(n)  # written out of order, in 7 transactions
    for part in np.array_split(order, 7):
        b = SampleBatch.build(np.zeros(len(part), np.int32), ts[part], v[part], q[part])
        h.write_now(b)
    rows = rollup_rows(h, "rollup_1m")
    assert len(rows) == n // 60
    good = q != Quality.BAD
    for bucket, vmin, vmax, vsum, cnt, nbad, first, last in rows:
        sel = (ts >= bucket / 1000) & (ts < bucket / 1000 + 60)
        g = sel & good
        assert cnt == g.sum() and nbad == (sel & ~good).sum()
        if cnt:
            assert vmin == pytest.approx(v[g].min()) and vmax == pytest.approx(v[g].max())
            assert vsum == pytest.approx(v[g].sum())
            assert first == pytest.approx(v[g][0]) and last == pytest.approx(v[g][-1])
        else:
            assert vmin is None and first is None
    hours = rollup_rows(h, "rollup_1h")
    assert [r[4] for r in hours] == [3600 - 60, 3600, 3600]
    assert hours[1][1] == pytest.approx(v[3600:7200].min())
    h.stop()


def test_store_on_change_and_max_interval(db_url):
    h = History(db_url, CFG.tags)
    # tag C: deadband 0.5, max interval 10 s
    vals = [1.0, 1.2, 1.4, 1.6, 1.6, 1.6, 1.6, 1.6, 1.6, 1.6, 1.6, 1.6, 1.6, 1.6, 1.6, 5.0]
    for k, x in enumerate(vals):
        h.write_now(SampleBatch.build([2], T0 + k, [x], Quality.GOOD))
    # quality change is always stored
    h.write_now(SampleBatch.build([2], T0 + 16, [np.nan], Quality.BAD))
    got = h.read(2, T0, T0 + 20)
    assert got.value[:3].tolist() == [1.0, 1.6, 1.6] and got.ts[:3].tolist() == [T0, T0 + 3, T0 + 13]
    assert got.value[3] == 5.0 and np.isnan(got.value[4]) and got.quality[4] == Quality.BAD
    # rollups saw every sample, not only the stored ones
    assert rollup_rows(h, "rollup_1m", 2)[0][4] == len(vals)
    h.stop()


def test_clock_jumping_back_and_duplicates_lose_nothing(db_url):
    h = History(db_url, CFG.tags, flush_s=0.05)
    h.start()
    h.submit(SampleBatch.build([0, 0, 0], [T0 + 10, T0 + 11, T0 + 12], [1.0, 2.0, 3.0], Quality.GOOD))
    h.submit(
        SampleBatch.build([0, 0], [T0 + 5, T0 + 11], [9.0, 7.0], Quality.GOOD)
    )  # back in time, duplicate
    wait_until(lambda: h.written >= 5)
    h.stop()
    h2 = History(db_url, CFG.tags)
    got = h2.read(0, T0, T0 + 20)
    assert got.ts.tolist() == [T0 + 5, T0 + 10, T0 + 11, T0 + 12]
    assert got.value.tolist() == [9.0, 1.0, 7.0, 3.0]  # the newer value of a duplicated timestamp wins
    h2.stop()


def test_empty_range_unknown_tag_and_resolution_choice(db_url):
    h = History(db_url, CFG.tags)
    assert len(h.read(1, T0, T0 + 86400 * 30)) == 0
    assert resolution_for(30 * 86_400_000, 2000) == "1m"
    assert resolution_for(365 * 86_400_000, 2000) == "1h"
    assert resolution_for(3_600_000, 2000) == "raw"
    # a renamed tag is a new tag; the old one's history stays under its old name
    renamed = parse_config_text(
        'schema: 1\ndevices: [{name: d, protocol: modbus-tcp}]\ntags:\n  - {name: A2, device: d, address: "hr:0"}\n'
    )
    h.write_now(SampleBatch.build([0], T0, [1.0], Quality.GOOD))
    h2 = History(db_url, renamed.tags)
    assert h2.tag_ids[0] not in h.tag_ids.tolist()
    assert [r[1] for r in h2.export_rows(["A"], None, None)] == ["A"]
    h.stop()
    h2.stop()


def test_retention_purges_in_chunks(db_url):
    h = History(db_url, CFG.tags, retention=Retention(raw_days=1, rollup_1m_days=2, rollup_1h_days=3))
    n = 4 * 24 * 60  # four days, one sample per minute
    ts = T0 + 60.0 * np.arange(n)
    h.write_now(SampleBatch.build(np.zeros(n, np.int32), ts, np.arange(n, dtype=float), Quality.GOOD))
    now = ts[-1]
    total = 0
    while (d := h.purge_step(now=now, max_rows=500)) > 0:
        total += d
    with h.engine.connect() as c:
        oldest = c.exec_driver_sql("SELECT MIN(ts) FROM samples").scalar() / 1000
        oldest_1m = c.exec_driver_sql("SELECT MIN(bucket) FROM rollup_1m").scalar() / 1000
        oldest_1h = c.exec_driver_sql("SELECT MIN(bucket) FROM rollup_1h").scalar() / 1000
    assert now - 86400 <= oldest <= now - 86400 + 60
    assert now - 2 * 86400 - 60 <= oldest_1m <= now - 2 * 86400 + 60
    assert now - 3 * 86400 - 3600 <= oldest_1h <= now - 3 * 86400 + 3600
    assert total > 0
    h.stop()


@pytest.mark.slow
def test_locked_database_buffers_and_recovers(tmp_path):
    path = tmp_path / "h.db"
    h = History(f"sqlite:///{path}", CFG.tags, flush_s=0.05)
    h.start()
    blocker = sqlite3.connect(path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    h.submit(SampleBatch.build([0, 1], T0, [1.0, 2.0], Quality.GOOD))
    wait_until(lambda: h.state == "error", timeout=20)
    assert "locked" in h.last_error
    h.submit(SampleBatch.build([0, 1], T0 + 1, [3.0, 4.0], Quality.GOOD))
    blocker.rollback()
    blocker.close()
    wait_until(lambda: h.state == "ok" and h.written == 4, timeout=20)
    assert h.read(0, T0, T0 + 5).value.tolist() == [1.0, 3.0]
    h.stop()


class _CommitThenFail:
    """Fault for one commit: the transaction reaches the database, then the driver reports an
    error (as SQLite does when the WAL checkpoint after a commit hits a full disk)."""

    def __init__(self, engine, times: int = 1, land: bool = True):
        self.left, self.land = times, land
        event.listen(engine, "commit", self)

    def __call__(self, conn):
        if self.left > 0:
            self.left -= 1
            if self.land:
                conn.connection.dbapi_connection.commit()
            raise OSError("database or disk is full")


def _alarm(ts: float, active: bool):
    from core.alarm_types import Alarm

    return Alarm("A.HH", "A", 0, "HH", 1, active, False, ts, ts, 95.0, 90.0, "A high high")


@pytest.mark.parametrize("land", [True, False], ids=["landed", "lost"])
def test_a_failed_commit_is_written_exactly_once(db_url, land):
    h = History(db_url, CFG.tags)
    _CommitThenFail(h.engine, land=land)
    h._events.append(_alarm(T0, True))
    h.ingest(SampleBatch.build([0] * 120, T0 + np.arange(120.0), np.arange(120.0), Quality.GOOD))
    assert not h.commit(flush_rollups=True) and h.state == "error"
    h._events.append(_alarm(T0 + 200, False))  # arrives while the first commit is unsure
    h.ingest(SampleBatch.build([0], [T0 + 200], [7.0], Quality.GOOD))
    assert h.commit(flush_rollups=True) and h.state == "ok"
    with h.engine.connect() as c:
        journal = c.execute(text("SELECT ts, active FROM alarm_events ORDER BY id")).all()
        n_samples = c.execute(text("SELECT COUNT(*) FROM samples")).scalar_one()
    assert [(ts, bool(a)) for ts, a in journal] == [(T0 * 1000, True), ((T0 + 200) * 1000, False)]
    assert n_samples == 121 and h.written == 121
    minutes = rollup_rows(h, "rollup_1m")
    assert [r.n for r in minutes] == [60, 60, 1]
    assert sum(r.vsum for r in minutes) == sum(range(120)) + 7.0  # no bucket summed twice
    h.stop()


def test_rollups_of_scans_written_in_turn_match_numpy(db_url):
    """Scans (each tag once, in order) aggregated without sorting, the open buckets written a few
    tags at a time: the same rollups as numpy's."""
    h = History(db_url, CFG.tags)
    rng = np.random.default_rng(11)
    n, tags = 300, np.arange(3, dtype=np.int32)
    ts = T0 + np.arange(n, dtype=float)
    v = rng.normal(50, 10, (n, 3))
    q = np.full((n, 3), Quality.GOOD, np.uint8)
    q[40:50, 1] = Quality.BAD
    v[60:65, 2] = np.nan
    for k in range(n):
        h.ingest(SampleBatch.build(tags, ts[k], v[k], q[k]))
        if k % 7 == 0:
            assert h.commit(rollup_tags=np.array([k % 3]))
    assert h.commit(flush_rollups=True)
    for tag in tags:
        rows = rollup_rows(h, "rollup_1m", tag)
        assert len(rows) == n // 60
        for bucket, vmin, vmax, vsum, cnt, nbad, first, last in rows:
            sel = (ts >= bucket / 1000) & (ts < bucket / 1000 + 60)
            good = sel & (q[:, tag] != Quality.BAD) & np.isfinite(v[:, tag])
            x = v[good, tag]
            assert cnt == good.sum() and nbad == sel.sum() - good.sum()
            assert vmin == pytest.approx(x.min()) and vmax == pytest.approx(x.max())
            assert vsum == pytest.approx(x.sum())
            assert first == pytest.approx(x[0]) and last == pytest.approx(x[-1])
    h.stop()


def test_the_writer_writes_open_rollup_buckets_in_turn(tmp_path):
    h = History(f"sqlite:///{tmp_path / 'h.db'}", CFG.tags, flush_s=0.05)
    h.rollup_flush_s = 0.5  # every open bucket written within half a second, a share each pass
    h.start()
    h.submit(SampleBatch.build(np.arange(3, dtype=np.int32), T0, [1.0, 2.0, 3.0], Quality.GOOD))
    wait_until(lambda: all(rollup_rows(h, "rollup_1h", tag) for tag in range(3)), timeout=10)
    assert [rollup_rows(h, "rollup_1m", tag)[0][3] for tag in range(3)] == [1.0, 2.0, 3.0]
    h.stop()
