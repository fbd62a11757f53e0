"""Reads of the per-minute and per-hour rollups for the detectors of slow time scales: weeks of a
tag's bucket means in one query, where the raw samples would be millions of rows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import select

from storage.rollups import RESOLUTIONS
from storage.schema import rollup_1h, rollup_1m, tags

TABLES = {"1m": rollup_1m, "1h": rollup_1h}


def rollup_means(
    engine, resolution: str, names: Sequence[str], t0: float, t1: float
) -> Iterator[tuple[int, str, float]]:
    """(bucket middle in UNIX ms, tag name, mean of the bucket's good samples) of the tags
    `names` in buckets starting in [t0, t1) (UNIX s), in time order; buckets without a good
    sample are left out."""
    table = TABLES[resolution]
    half = RESOLUTIONS[resolution] // 2
    wanted = set(names)
    with engine.connect() as conn:
        id_name = {r.id: r.name for r in conn.execute(select(tags.c.id, tags.c.name)) if r.name in wanted}
        if not id_name:
            return
        q = (
            select(table.c.bucket, table.c.tag_id, table.c.vsum, table.c.n)
            .where(table.c.tag_id.in_(list(id_name)))
            .where(table.c.bucket >= int(t0 * 1000), table.c.bucket < int(t1 * 1000), table.c.n > 0)
            .order_by(table.c.bucket, table.c.tag_id)
        )
        for bucket, tid, vsum, n in conn.execution_options(stream_results=True).execute(q):
            yield bucket + half, id_name[tid], vsum / n


def resolution_for(step_s: float) -> str:
    """The coarsest rollup whose buckets are no wider than `step_s` seconds (else the finest)."""
    fits = [(ms, name) for name, ms in RESOLUTIONS.items() if ms <= step_s * 1000]
    return max(fits)[1] if fits else min((ms, name) for name, ms in RESOLUTIONS.items())[1]
