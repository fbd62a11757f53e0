"""Retention: expired rows are deleted in small chunks (one tag and a few hours per statement),
so the purge never holds the database long enough to stall the writer."""

from __future__ import annotations

import time

import numpy as np

CHUNK_MS = 6 * 3_600_000


def purge_step(
    engine, tag_ids: np.ndarray, retention, *, now: float | None = None, max_rows: int = 50_000
) -> int:
    """Delete up to about `max_rows` expired rows over all resolutions; returns the rows deleted."""
    if retention is None:
        return 0
    now_ms = int((time.time() if now is None else now) * 1000)
    deleted = 0
    for table, col, days in (
        ("samples", "ts", retention.raw_days),
        ("rollup_1m", "bucket", retention.rollup_1m_days),
        ("rollup_1h", "bucket", retention.rollup_1h_days),
    ):
        cutoff = now_ms - int(days * 86_400_000)
        for tag_id in tag_ids.tolist():
            while deleted < max_rows:
                with engine.begin() as conn:
                    oldest = conn.exec_driver_sql(
                        f"SELECT MIN({col}) FROM {table} WHERE tag_id = {int(tag_id)}"
                    ).scalar()
                    if oldest is None or oldest >= cutoff:
                        break
                    limit = min(cutoff, oldest + CHUNK_MS)
                    res = conn.exec_driver_sql(
                        f"DELETE FROM {table} WHERE tag_id = {int(tag_id)} AND {col} < {int(limit)}"
                    )
                    deleted += res.rowcount or 0
    return deleted
