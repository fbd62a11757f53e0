"""What the detectors learn before the devices are read: the last half hour of history, or an
accelerated demo's run-in, so a restart does not leave the early warning blind (see
app.evaluation.pipeline.Pipeline.warm_up); and for the detectors of slow time scales, as much
of the past as they need (days, weeks) from the history's per-minute or per-hour rollups. Runs
on the acquisition thread at start-up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import numpy as np

from core.samples import Quality, SampleBatch

log = logging.getLogger(__name__)
WARM_UP_S = 35 * 60.0  # history the detectors learn from at start-up
ROWS_PER_BATCH = 20_000


def learn_from_past(engine) -> None:
    """Teach `engine.pipeline` from `engine.prehistory` (learned from once, then dropped) or else
    from the last `engine.warm_up_s` seconds of `engine.history`; a failure only means learning
    from scratch."""
    pipeline = engine.pipeline
    if pipeline.window is None or not engine.warm_up_s:
        return
    if engine.prehistory is not None:
        past, engine.prehistory = engine.prehistory, None
        start = time.perf_counter()
        try:
            n = pipeline.warm_up(iter(past))
        except Exception:  # learning from scratch, as without it
            log.exception("learning from the plant's run-in failed")
            return
        log.info("detectors learned from %d samples of the run-in in %.2f s", n, time.perf_counter() - start)
        return
    if engine.history is None:
        return
    _learn_slow_scales(engine)
    start = time.perf_counter()
    try:
        n = pipeline.warm_up(_history_batches(engine))
    except Exception:  # a history that cannot be read only means learning from scratch
        log.exception("learning from history failed")
        return
    if n:
        log.info("detectors learned from %d samples of history in %.2f s", n, time.perf_counter() - start)


def _learn_slow_scales(engine) -> None:
    """Each slow scale learns from the rollups of the time it needs, up to where the raw warm-up
    starts; a failure only means that scale learns from scratch (and says so in the log)."""
    from storage.rollup_reads import resolution_for, rollup_means

    pipeline = engine.pipeline
    t1 = engine.clock.now() - engine.warm_up_s
    names = [t.name for t in engine.config.tags]
    at = engine.config.tag_index()
    for step, tags, need_s in pipeline.warnings.history_needed():
        resolution = resolution_for(step)
        start = time.perf_counter()
        rows = rollup_means(engine.history.engine, resolution, [names[i] for i in tags], t1 - need_s, t1)
        try:
            n = pipeline.warnings.learn_past(step, _rollup_batches(rows, at), pipeline.latest.copy())
        except Exception:
            log.exception("the %g s scale could not learn from the history's rollups", step)
            continue
        log.info(
            "the %g s scale learned from %d %s rollup buckets in %.2f s",
            step,
            n,
            resolution,
            time.perf_counter() - start,
        )


def _rollup_batches(rows, at: dict[str, int]):
    good = int(Quality.GOOD)
    return _batches((at[name], ts_ms / 1000.0, mean, good) for ts_ms, name, mean in rows)


def _history_batches(engine):
    """The history of the last `warm_up_s` seconds as batches, scans held as live (ScanHold)."""
    from app.evaluation.scan_hold import ScanHold

    t1 = engine.clock.now()
    at = engine.config.tag_index()
    hold = ScanHold(engine.config)
    rows = (
        (at[name], ts_ms / 1000.0, np.nan if value is None else value, q)
        for ts_ms, name, value, q in engine.history.export_rows(None, t1 - engine.warm_up_s, t1)
        if name in at
    )
    for batch in _batches(rows):
        yield hold.fill(batch)


def _batches(rows) -> Iterator[SampleBatch]:
    """(tag index, time s, value, quality) rows as batches of at most ROWS_PER_BATCH."""
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= ROWS_PER_BATCH:
            yield _batch(chunk)
            chunk = []
    if chunk:
        yield _batch(chunk)


def _batch(rows: list[tuple]) -> SampleBatch:
    tag, ts, value, quality = zip(*rows, strict=True)
    return SampleBatch.build(tag, ts, value, quality)


def restore_from_journal(engine) -> int:
    """Before the first pass (app/alarms/restore.py): the alarms the journal leaves standing,
    then the operating states declared before the last stop (their records of alarms the journal
    already holds as they stand are not journaled again). A journal that cannot be read leaves
    every alarm normal, said in the log. Returns how many alarms were restored."""
    standing = []
    if engine.history is not None:
        try:
            standing = engine.history.standing_alarms()
        except Exception:  # every alarm normal, as without a journal
            log.exception("the standing alarms could not be read back from the journal")
    restored: list[int] = []

    def restore(alarms) -> list:
        restored.append(alarms.restored.restore(standing, engine.clock.now()))
        return []  # nothing to journal: the journal holds them

    engine.update_alarms(restore)
    engine.operator.restore_states(engine.alarms.restored.journaled)
    engine.update_alarms(lambda alarms: alarms.restored.settle())
    if restored[0]:
        log.info("%d standing alarms restored from the journal", restored[0])
    return restored[0]
