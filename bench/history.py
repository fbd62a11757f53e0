"""History benchmark: Forewarn's history against the raw libraries, in one process, as JSON.

write_ratio_vs_raw   our write path (SampleBatch -> deadband -> rows + rollups, committed)
                     versus raw sqlite3 executemany of the same rows into the same schema
query_ms_30d         one tag, 30 days at 1 s among 10 tags, envelope for 2,000 pixels
query_ratio_vs_naive that query's time versus fetching all of the tag's rows of the 30 days
bytes_per_sample     raw samples on disk (file size after checkpoint / samples)
deadband_reduction   share of rows the default deadband saves on the demo plant's signals
                     over one simulated hour (when the demo simulator's physics is present)
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import parse_config_text  # noqa: E402
from core.samples import Quality, SampleBatch  # noqa: E402
from storage.history import History  # noqa: E402


def plant(n_tags: int, deadband: float | None = 0.0):
    db = "null" if deadband is None else deadband
    tags = "\n".join(
        f'  - {{name: T{i:05d}, device: d, address: "hr:{i}", range: [0, 100], history: {{deadband: {db}}}}}'
        for i in range(n_tags)
    )
    return parse_config_text(f"schema: 1\ndevices: [{{name: d, protocol: modbus-tcp}}]\ntags:\n{tags}\n")


def bench_write(tmp: Path) -> dict:
    n_tags, n_batches = 2000, 100  # 2,000 tags scanned once a second for 100 s: 200,000 samples
    cfg = plant(n_tags)
    rng = np.random.default_rng(1)
    t0 = 1_700_000_000.0
    batches = [
        SampleBatch.build(np.arange(n_tags, dtype=np.int32), t0 + k, rng.normal(50, 5, n_tags), Quality.GOOD)
        for k in range(n_batches)
    ]
    # ours: the writer thread's path at its cadence: one transaction per scan, the open rollup
    # buckets flushed every History.rollup_flush_s (10 scans at 1 s)
    h = History(f"sqlite:///{tmp / 'ours.db'}", cfg.tags)
    every = int(h.rollup_flush_s)
    start = time.perf_counter()
    for k, b in enumerate(batches):
        h.ingest(b)
        h.commit(flush_rollups=(k % every == every - 1) or k == len(batches) - 1)
    ours = time.perf_counter() - start
    written = h.written
    h.stop()
    # raw: the same rows, pre-built, sqlite3 executemany into the same schema
    h = History(f"sqlite:///{tmp / 'raw.db'}", cfg.tags)
    ids = h.tag_ids
    h.stop()
    rows = [
        list(
            zip(
                ids.tolist(),
                [int(b.ts[0] * 1000)] * n_tags,
                b.value.tolist(),
                b.quality.tolist(),
                strict=True,
            )
        )
        for b in batches
    ]
    conn = sqlite3.connect(tmp / "raw.db")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    start = time.perf_counter()
    for r in rows:
        conn.executemany("INSERT INTO samples (tag_id, ts, value, quality) VALUES (?, ?, ?, ?)", r)
        conn.commit()
    raw = time.perf_counter() - start
    conn.close()
    n = n_tags * n_batches
    assert written == n
    return {
        "write_ratio_vs_raw": round(raw / ours, 3),
        "write_ours_samples_per_s": round(n / ours),
        "write_raw_samples_per_s": round(n / raw),
    }


def bench_query(tmp: Path) -> dict:
    n_tags, days = 10, 30
    n = days * 86400
    cfg = plant(n_tags)
    url = f"sqlite:///{tmp / 'q.db'}"
    h = History(url, cfg.tags)
    t0 = 1_700_000_000.0 - 1_700_000_000.0 % 86400
    rng = np.random.default_rng(2)
    chunk = 86400  # one day per transaction, all tags
    start = time.perf_counter()
    for d in range(days):
        ts = t0 + d * chunk + np.arange(chunk, dtype=np.float64)
        tag = np.repeat(np.arange(n_tags, dtype=np.int32), chunk)
        val = 50 + 10 * np.sin(np.tile(ts, n_tags) / 3600.0) + rng.normal(0, 1, chunk * n_tags)
        h.write_now(SampleBatch.build(tag, np.tile(ts, n_tags), val, Quality.GOOD))
    load_s = time.perf_counter() - start
    with h.engine.connect() as c:
        c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    size = os.path.getsize(tmp / "q.db")
    with h.engine.connect() as c:
        rollup_bytes = 0
        try:
            for tbl in ("rollup_1m", "rollup_1h", "samples"):
                pages = c.exec_driver_sql(f"SELECT SUM(pgsize) FROM dbstat WHERE name = '{tbl}'").scalar()
                if tbl != "samples":
                    rollup_bytes += pages or 0
                else:
                    sample_bytes = pages
        except Exception:
            sample_bytes = size
    t_end = t0 + n
    # ours: envelope for 2,000 px (median of 5)
    times = []
    for _ in range(5):
        s = time.perf_counter()
        env = h.read(3, t0, t_end, max_points=4000)
        times.append(time.perf_counter() - s)
    ours = float(np.median(times))
    # naive: every row of that tag in the range
    s = time.perf_counter()
    with h.engine.connect() as c:
        rows = c.exec_driver_sql(
            "SELECT ts, value, quality FROM samples WHERE tag_id = ? AND ts >= ? AND ts <= ? ORDER BY ts",
            (int(h.tag_ids[3]), int(t0 * 1000), int(t_end * 1000)),
        ).all()
    naive = time.perf_counter() - s
    h.stop()
    assert len(rows) == n and len(env) <= 4000
    return {
        "query_ms_30d": round(ours * 1000, 1),
        "query_naive_ms_30d": round(naive * 1000, 1),
        "query_ratio_vs_naive": round(ours / naive, 4),
        "query_points": len(env),
        "bytes_per_sample": round(sample_bytes / (n * n_tags), 1),
        "file_bytes_per_sample": round(size / (n * n_tags), 1),
        "load_samples_per_s": round(n * n_tags / load_s),
    }


def bench_deadband() -> dict:
    """Rows the default deadband stores out of every 1 s scan of the demo plant's signals over
    one simulated hour (the simulator's physics, stepped directly)."""
    from app.config import demo_config_path, load_config
    from demo.plant_physics import PlantPhysics
    from storage.deadband import DeadbandFilter

    cfg = load_config(demo_config_path())
    phys = PlantPhysics(cfg, seed=5)
    f = DeadbandFilter.for_tags(cfg.tags)
    tags = np.arange(len(cfg.tags), dtype=np.int32)
    kept = total = 0
    t0 = 1_700_000_000.0
    for k in range(3600):
        values = phys.step(1.0)
        kept += int(f.keep(SampleBatch.build(tags, t0 + k, values, Quality.GOOD)).sum())
        total += len(tags)
    return {
        "deadband_reduction": round(1 - kept / total, 3),
        "deadband_rows_kept": kept,
        "deadband_rows_scanned": total,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        out = {}
        out.update(bench_write(tmp))
        out.update(bench_query(tmp))
        out.update(bench_deadband())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
