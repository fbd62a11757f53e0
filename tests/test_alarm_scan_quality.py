"""Whole-plant scans with values that are not numbers (NaN, +-inf) and samples of bad or uncertain
quality: the level alarms (HH/H/L/LL, deadband, on- and off-delay) against a plain per-sample
reference that skips every sample that is not a good number, and the records of a whole scan
against the same samples fed as partial batches in shuffled order (the general path), record for
record. A scan finds the tags outside their quiet band first and proves from those few that it is
all numbers; these scans put the odd value anywhere, inside a band and beyond it. In numpy and
compiled."""

from __future__ import annotations

import numpy as np
import pytest

from app.alarms.engine import AlarmEngine
from core.samples import Quality, SampleBatch
from tests import helpers
from tests.test_alarm_oracle import reference  # the state machine written out, one sample at a time

N, STEPS = 30, 300


def plant(on_delay: float, off_delay: float, deadband: float):
    alarms = (
        f"{{HH: 90, H: 80, L: 20, LL: 10, deadband: {deadband}, on_delay_s: {on_delay}, "
        f"off_delay_s: {off_delay}}}"
    )
    return helpers.plant(
        [f'{{name: T{i}, device: d, address: "hr:{i}", alarms: {alarms}}}' for i in range(N)]
    )


def scans(seed: int, odd: float):
    """A random walk across every limit (on the limits now and then), with a share `odd` of the
    samples not a number or not good, and a few scans with many of them."""
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.normal(0, 6, (STEPS, N)), axis=0) + 50
    values = np.clip(x, -20, 120).round(1)
    quality = np.full((STEPS, N), int(Quality.GOOD), dtype=np.uint8)
    hit = rng.random((STEPS, N)) < odd
    hit[rng.integers(0, STEPS, 5)] |= rng.random((5, N)) < 0.5
    kind = rng.integers(0, 5, (STEPS, N))
    values[hit & (kind == 0)] = np.nan
    values[hit & (kind == 1)] = np.inf
    values[hit & (kind == 2)] = -np.inf
    quality[hit & (kind == 3)] = int(Quality.BAD)
    quality[hit & (kind == 4)] = int(Quality.UNCERTAIN)  # uncertain is a number all the same
    return values, quality


def key(a):
    return (a.ts, a.key, a.active)


@pytest.mark.parametrize("which", helpers.LEVEL_PASSES)
@pytest.mark.parametrize(
    "on_delay,off_delay,deadband,seed,odd",
    [(0, 0, 0, 1, 0.02), (2, 0, 1.5, 2, 0.05), (0, 3, 2, 3, 0.01), (3, 2, 0.5, 4, 0.1), (1, 1, 1, 5, 0.0)],
)
def test_whole_scans_with_odd_values_match_the_reference_and_the_general_path(
    on_delay, off_delay, deadband, seed, odd, which
):
    values, quality = scans(seed, odd)
    uncertain = quality == Quality.UNCERTAIN
    want = reference(values, on_delay, off_delay, deadband, quality)
    assert len(want) > 50  # the walk really crosses limits

    compiled = helpers.level_pass(which)
    whole = AlarmEngine(plant(on_delay, off_delay, deadband), compiled=compiled)
    parts = AlarmEngine(plant(on_delay, off_delay, deadband), compiled=compiled)
    tags = np.arange(N, dtype=np.int32)
    rng = np.random.default_rng(seed + 100)
    latest = np.full(N, np.nan)
    got, from_whole, from_parts = [], [], []
    for k in range(STEPS):
        out = whole.evaluate(SampleBatch.build(tags, float(k), values[k], quality[k]))
        from_whole += out
        got += [(int(a.ts), a.tag, a.kind, a.active) for a in out]
        order = rng.permutation(N)
        for chunk in np.array_split(order, 3):
            batch = SampleBatch.build(chunk.astype(np.int64), float(k), values[k, chunk], quality[k, chunk])
            from_parts += parts.evaluate(batch)
        good = (quality[k] != Quality.BAD) & np.isfinite(values[k])
        latest[good] = values[k, good]
        np.testing.assert_array_equal(whole.latest, latest)
    assert uncertain.any() or odd == 0
    assert sorted(got) == want
    assert sorted(from_whole, key=key) == sorted(from_parts, key=key)  # every field of every record
    for name in ("state", "active", "band_hi", "band_lo"):
        np.testing.assert_array_equal(getattr(whole.block, name), getattr(parts.block, name), err_msg=name)


@pytest.mark.parametrize("which", helpers.LEVEL_PASSES)
def test_a_scan_whose_odd_value_sits_inside_its_band_is_not_taken_as_all_numbers(which):
    """A NaN of a tag far from every limit (inside its quiet band, were it a number) and a bad
    sample of a tag beyond its limit: neither moves an alarm, the others do."""
    eng = AlarmEngine(plant(0, 0, 0), compiled=helpers.level_pass(which))
    tags = np.arange(N, dtype=np.int32)
    v = np.full(N, 50.0)
    eng.evaluate(SampleBatch.build(tags, 0.0, v, Quality.GOOD))
    v[0], v[1], v[2] = np.nan, 95.0, 85.0
    q = np.full(N, int(Quality.GOOD), dtype=np.uint8)
    q[1] = int(Quality.BAD)
    out = eng.evaluate(SampleBatch.build(tags, 1.0, v, q))
    assert [(a.tag, a.kind, a.active) for a in out] == [(2, "H", True)]
    assert eng.latest[0] == 50.0 and eng.latest[1] == 50.0 and eng.latest[2] == 85.0
