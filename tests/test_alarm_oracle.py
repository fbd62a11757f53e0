"""The vectorised level-alarm pass (quiet bands, one block for HH/H/L/LL/STATE) against a plain
per-sample reference of the same rules, on random walks that cross every limit, fed both as
whole-plant scans and as partial batches in shuffled tag order; in numpy and compiled."""

from __future__ import annotations

import numpy as np
import pytest

from app.alarms.engine import AlarmEngine
from core.samples import Quality, SampleBatch
from tests import helpers

N, STEPS = 40, 400
KINDS = {"HH": (90.0, True), "H": (80.0, True), "L": (20.0, False), "LL": (10.0, False)}


def plant(on_delay: float, off_delay: float, deadband: float):
    alarms = f"{{HH: 90, H: 80, L: 20, LL: 10, deadband: {deadband}, on_delay_s: {on_delay}, off_delay_s: {off_delay}}}"
    return helpers.plant(
        [f'{{name: T{i}, device: d, address: "hr:{i}", alarms: {alarms}}}' for i in range(N)]
    )


def reference(values: np.ndarray, on_delay: float, off_delay: float, deadband: float, quality=None):
    """(step, tag, kind, active) of every transition, one sample and one alarm at a time; with
    `quality`, a sample that is not a good number is skipped (the alarm's state and delay stand
    as they were)."""
    out = []
    for i in range(values.shape[1]):
        for kind, (limit, high) in KINDS.items():
            active, pend = False, None
            for k, v in enumerate(values[:, i]):
                if quality is not None and (quality[k, i] == Quality.BAD or not np.isfinite(v)):
                    continue
                raised = v >= limit if high else v <= limit
                cleared = v < limit - deadband if high else v > limit + deadband
                wants = cleared if active else raised
                if not wants:
                    pend = None
                    continue
                pend = k if pend is None else pend
                if k - pend >= (off_delay if active else on_delay):
                    active, pend = not active, None
                    out.append((k, i, kind, active))
    return sorted(out)


def walk(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.normal(0, 6, (STEPS, N)), axis=0) + 50
    return np.clip(x, -20, 120).round(1)  # rounding puts values exactly on limits now and then


@pytest.mark.parametrize("which", helpers.LEVEL_PASSES)
@pytest.mark.parametrize(
    "on_delay,off_delay,deadband,seed", [(0, 0, 0, 1), (2, 0, 1.5, 2), (0, 3, 2, 3), (3, 2, 0.5, 4)]
)
def test_vectorised_pass_matches_reference(on_delay, off_delay, deadband, seed, which):
    values = walk(seed)
    want = reference(values, on_delay, off_delay, deadband)
    assert len(want) > 50  # the walk really crosses limits

    compiled = helpers.level_pass(which)
    whole = AlarmEngine(plant(on_delay, off_delay, deadband), compiled=compiled)
    tags = np.arange(N, dtype=np.int32)
    got = []
    for k in range(STEPS):
        for a in whole.evaluate(SampleBatch.build(tags, float(k), values[k], Quality.GOOD)):
            got.append((int(a.ts), a.tag, a.kind, a.active))
    assert sorted(got) == want

    parts = AlarmEngine(plant(on_delay, off_delay, deadband), compiled=compiled)
    rng = np.random.default_rng(seed + 100)
    got = []
    for k in range(STEPS):
        order = rng.permutation(N)
        for chunk in np.array_split(order, 3):
            batch = SampleBatch.build(chunk.astype(np.int64), float(k), values[k, chunk], Quality.GOOD)
            got += [(int(a.ts), a.tag, a.kind, a.active) for a in parts.evaluate(batch)]
    assert sorted(got) == want


@pytest.mark.parametrize("which", helpers.LEVEL_PASSES)
def test_several_samples_of_a_tag_in_one_batch_are_taken_in_order(which):
    values = walk(7)
    want = reference(values, 1, 1, 1.0)
    eng = AlarmEngine(plant(1, 1, 1.0), compiled=helpers.level_pass(which))
    got = []
    for k0 in range(0, STEPS, 10):  # ten seconds of every tag per batch
        ks = np.arange(k0, k0 + 10)
        tags = np.tile(np.arange(N), len(ks))
        ts = np.repeat(ks.astype(float), N)
        batch = SampleBatch.build(tags, ts, values[ks].ravel(), Quality.GOOD)
        got += [(int(a.ts), a.tag, a.kind, a.active) for a in eng.evaluate(batch)]
    assert sorted(got) == want
