"""`headless` killed with SIGKILL 20 times during heavy writes (the demo plant at 60x speed,
every device scanned every 200 ms): after each kill the database opens clean, every device has
samples up to about a second before the kill, and no alarm journal row is torn."""

from __future__ import annotations

import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from app.config import demo_config_path, dump_config
from demo.simulator import SimulatorProcess
from tests.conftest import wait_until

ROOT = Path(__file__).resolve().parents[2]
KILLS = 20
RUN_S = 1.0  # of heavy writes once every device delivers
SCAN_S = 0.2
MAX_LAG_S = 1.0 + SCAN_S  # the writer commits every 0.5 s; a scan in flight is not yet a sample
JOURNAL_COLUMNS = ("ts", "key", "source", "kind", "priority", "state", "active", "acked", "message")


@pytest.fixture(scope="module")
def plant(tmp_path_factory):
    sim = SimulatorProcess(
        demo_config_path(), speed=60.0, incidents=["gas_leak"], ephemeral_ports=True, seed=5
    )
    cfg = sim.start()
    try:
        # discrete alarms without on-delay: the test flips one before every start, so each run
        # journals a transition while it writes samples (a restart restores the standing ones)
        sim.set_value("BF1.BLEEDER.INTERLOCK", 0.0)
        text = dump_config(cfg).replace(
            "map: plant_map.svg", f"map: {demo_config_path().parent / 'plant_map.svg'}"
        )
        doc = yaml.safe_load(text)
        for dev in doc["devices"]:
            dev["scan_ms"] = int(SCAN_S * 1000)
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
        path = tmp_path_factory.mktemp("kill9") / "plant.yaml"
        path.write_text(text, encoding="utf-8")
        yield cfg, path, sim
    finally:
        sim.stop()


def start_headless(plant_path: Path, db: Path, data: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "headless",
            "--config",
            str(plant_path),
            "--db",
            f"sqlite:///{db}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env={**os.environ, "FOREWARN_DATA_DIR": str(data)},
    )


def wait_started(proc: subprocess.Popen, timeout: float = 60.0) -> None:
    """Block until headless prints its start line (the engine runs), or fail."""
    got = threading.Event()

    def read():
        for line in proc.stdout:
            if line.startswith("headless:"):
                got.set()
                return

    threading.Thread(target=read, daemon=True).start()
    if not got.wait(timeout):
        proc.kill()
        proc.wait(10)
        raise AssertionError(f"headless did not start within {timeout} s (exit {proc.poll()})")


def newest_per_device(db: Path, device_of: dict[str, str], since: float) -> dict[str, float]:
    """The newest stored sample time per device, of samples after `since`."""
    if not db.exists():
        return {}
    newest: dict[str, float] = {}
    with sqlite3.connect(db, timeout=10) as c:
        rows = c.execute(
            "SELECT t.name, MAX(s.ts) FROM samples s JOIN tags t ON t.id = s.tag_id WHERE s.ts > ? GROUP BY t.name",
            (int(since * 1000),),
        ).fetchall()
    for name, ts in rows:
        dev = device_of.get(name)
        if dev is not None:
            newest[dev] = max(newest.get(dev, 0.0), ts / 1000.0)
    return newest


def test_kill9_during_heavy_writes(plant, tmp_path, record_property):
    cfg, plant_path, sim = plant
    db, data = tmp_path / "h.db", tmp_path / "data"
    device_of = {t.name: t.device for t in cfg.tags}
    tags_of = {d.name: sum(1 for t in cfg.tags if t.device == d.name) for d in cfg.devices}
    lags: list[float] = []
    lost: list[int] = []
    journal_rows = 0
    for cycle in range(KILLS):
        sim.set_value("BF1.BLEEDER.OPEN", float(cycle % 2 == 0))  # raised, then cleared, ...
        t_spawn = time.time()
        proc = start_headless(plant_path, db, data)
        try:
            wait_started(proc)
            # every device delivering (an OPC UA session takes a moment), then heavy writes
            wait_until(lambda t=t_spawn: set(newest_per_device(db, device_of, t)) == set(tags_of), timeout=30)
            t_ready = time.time()  # heavy writes for RUN_S: every device stored samples that late
            wait_until(
                lambda s=t_spawn, r=t_ready: (
                    min(newest_per_device(db, device_of, s).values(), default=0) >= r + RUN_S
                ),
                timeout=RUN_S + 30,
            )
            t_kill = time.time()
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
            proc.stdout.close()
        assert proc.returncode == -signal.SIGKILL

        with sqlite3.connect(db, timeout=10) as c:
            assert c.execute("PRAGMA integrity_check").fetchall() == [("ok",)], f"cycle {cycle}"
            newest = newest_per_device(db, device_of, t_spawn)
            assert set(newest) == set(tags_of), f"cycle {cycle}: devices without samples"
            cycle_lags = {d: t_kill - t for d, t in newest.items()}
            lag = max(cycle_lags.values())
            lags.append(lag)
            lost.append(sum(int(cycle_lags[d] / SCAN_S) * tags_of[d] for d in tags_of))
            assert lag <= MAX_LAG_S, f"cycle {cycle}: newest samples {cycle_lags} s before the kill"
            cols = ", ".join(JOURNAL_COLUMNS)
            rows = c.execute(f"SELECT {cols} FROM alarm_events").fetchall()
            torn = [r for r in rows if any(v is None for v in r) or not r[1] or not r[5]]
            assert not torn, f"cycle {cycle}: incomplete journal rows {torn[:3]}"
            # the bleeder's transition of this start was journaled before the kill
            assert len(rows) > journal_rows, f"cycle {cycle}: no journal rows from this run"
            journal_rows = len(rows)
            has_audit = c.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_log'").fetchone()
        if has_audit:
            from sqlalchemy import create_engine

            from storage.audit import verify

            eng = create_engine(f"sqlite:///{db}")
            try:
                ok, bad_id, why = verify(eng, data)
            finally:
                eng.dispose()
            assert ok, f"cycle {cycle}: audit trail broken at {bad_id}: {why}"

    assert journal_rows > 0  # the comm alarms and the gas leak went into the journal
    figures = {
        "kills": KILLS,
        "lag_max_s": round(max(lags), 3),
        "lag_median_s": round(statistics.median(lags), 3),
        "samples_lost_max": max(lost),
        "samples_lost_median": statistics.median(lost),
        "journal_rows": journal_rows,
    }
    figures["lags_s"] = [round(x, 2) for x in lags]
    record_property("kill9", figures)
    print(f"\nkill -9: {figures}")
