"""The history database unavailable (a full disk, a lock held by another process): the history
reports state "error", the engine raises a SYSTEM alarm, buffering stays within its bound (drops
counted), and once space or the lock returns everything buffered is written: stored + dropped =
acquired, and the alarm clears."""

from __future__ import annotations

import contextlib
import errno
import sqlite3
import subprocess
import threading
import time

import numpy as np
import pytest

from app.config import parse_config_text
from app.runtime.engine import HISTORY_ALARM_KEY, Engine
from core.samples import Quality, SampleBatch
from storage.history import History
from tests.conftest import wait_until
from tests.faults.conftest import Recorder, modbus_plant

N_TAGS = 20
MAX_PENDING = 20_000


@contextlib.contextmanager
def small_filesystem(where, size: str = "8m"):
    where.mkdir()
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
    )
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill (needs root): {r.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(path) -> None:
    """Write `path` until the filesystem has no space left."""
    block = b"\0" * 65536
    with open(path, "wb") as f:
        try:
            while True:
                f.write(block)
                f.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


class Feeder:
    """Feeds the engine a batch of unique values for every tag every 2 ms (a fast plant)."""

    def __init__(self, eng: Engine):
        self.eng, self.fed, self.stop = eng, 0, threading.Event()
        self.t = 1_700_000_000.0
        self.max_buffered = 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        h = self.eng.history
        while not self.stop.is_set():
            self.t += 0.01
            values = np.arange(N_TAGS, dtype=np.float64) + self.fed
            self.eng.process(SampleBatch.build(np.arange(N_TAGS), self.t, values, Quality.GOOD))
            self.fed += N_TAGS
            buffered = h.pending + sum(len(b) for b in list(h._rows))
            self.max_buffered = max(self.max_buffered, buffered)
            time.sleep(0.002)  # the feeding thread is paced like a fast scan (not a wait in the test)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(5)


def system_alarm(rec: Recorder, active: bool) -> bool:
    return any(a.key == HISTORY_ALARM_KEY and a.kind == "SYSTEM" and a.active == active for a in rec.alarms)


def stored(db) -> int:
    with sqlite3.connect(db, timeout=30) as c:
        return c.execute("SELECT COUNT(*) FROM samples").fetchone()[0]


@pytest.mark.parametrize("fault", ["disk_full", "locked"])
def test_history_fault_system_alarm_bounded_buffer_no_loss(tmp_path, fault, record_property, monkeypatch):
    monkeypatch.setattr("app.runtime.history_watch.HISTORY_DROP_HOLD_S", 2.0)
    cm = small_filesystem(tmp_path / "fs") if fault == "disk_full" else contextlib.nullcontext(tmp_path)
    with cm as where:
        db = where / "h.db"
        cfg = parse_config_text(modbus_plant({"plc": 1}, N_TAGS, enabled=False))
        hist = History(f"sqlite:///{db}", cfg.tags, flush_s=0.1, max_pending=MAX_PENDING)
        eng = Engine(cfg, hist, warnings=False)
        eng.warm_up_s = 0
        rec = Recorder(cfg)
        eng.add_listener(rec)
        eng.start()
        lock = None
        try:
            with Feeder(eng) as feed:
                wait_until(lambda: hist.written > 0)
                if fault == "disk_full":
                    fill(where / "filler")
                else:
                    lock = sqlite3.connect(db, timeout=1, isolation_level=None)
                    lock.execute("BEGIN EXCLUSIVE")
                wait_until(lambda: hist.state == "error", timeout=15)
                error = hist.last_error
                wait_until(lambda: system_alarm(rec, True), timeout=5)
                wait_until(lambda: hist.dropped > 0, timeout=30)  # the buffer filled up
                time.sleep(1.0)  # the fault is held a second longer: a duration, not a wait
                if fault == "disk_full":
                    (where / "filler").unlink()
                else:
                    lock.execute("ROLLBACK")
                    lock.close()
                    lock = None
                wait_until(lambda: hist.state == "ok", timeout=20)
            wait_until(lambda: hist.pending == 0 and not hist._rows, timeout=20)
            wait_until(lambda: system_alarm(rec, False), timeout=10)
        finally:
            if lock is not None:
                lock.close()
            eng.stop()
        n_stored, dropped = stored(db), hist.dropped
        with sqlite3.connect(db) as c:
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            journal = c.execute(
                "SELECT active, message FROM alarm_events WHERE key = ? ORDER BY id", (HISTORY_ALARM_KEY,)
            ).fetchall()
            events = c.execute("SELECT ts, key, state, active, acked FROM alarm_events").fetchall()
    figures = {"fed": feed.fed, "stored": n_stored, "dropped": dropped, "max_buffered": feed.max_buffered}
    record_property("storage_fault", figures)
    print(f"\n{fault}: {error}; {figures}")
    assert "full" in error if fault == "disk_full" else "locked" in error
    # everything buffered was written and every loss counted; a commit that failed after its rows
    # reached the disk (SQLITE_FULL at checkpoint) is retried, so a drop may count rows also stored
    assert feed.fed - dropped <= n_stored <= feed.fed
    assert dropped > 0
    assert feed.max_buffered <= 2 * MAX_PENDING + N_TAGS  # queue + writer's rows, each bounded
    assert [a for a, _ in journal][:1] == [1] and 0 in [a for a, _ in journal]  # journaled once back
    assert len(set(events)) == len(events)  # a retried commit never journals a transition twice
