"""The compiled level pass (`app.alarms.limit_kernel`) and its loading (`app.alarms.kernel_loader`):
the kernels pass their own check against the numpy pass; a loader that cannot load leaves the
numpy pass in place; a large plant has them loaded once it has run a while and a pass is quiet,
never at its start or in a flood, and a small plant never; arrays the kernels were not compiled
for go the numpy way with the same result."""

from __future__ import annotations

import numpy as np

from app.alarms import kernel_loader
from app.alarms.engine import AlarmEngine
from core.compiled import KernelLoader
from core.samples import Quality, SampleBatch
from tests import helpers


def plant(n: int, on_delay: float = 1.0):
    alarms = f"{{HH: 90, H: 80, L: 20, LL: 10, deadband: 1, on_delay_s: {on_delay}}}"
    return helpers.plant(
        [f'{{name: T{i}, device: d, address: "hr:{i}", alarms: {alarms}}}' for i in range(n)]
    )


class StubLoader:
    """A kernel loader that records when it is asked to load, and loads nothing."""

    def __init__(self):
        self.kernel = None
        self.error = None
        self.requests: list[float] = []
        self.now = 0.0

    def request(self) -> None:
        self.requests.append(self.now)


def test_the_loaded_kernels_pass_their_check_against_the_numpy_pass():
    kernel = helpers.level_pass("compiled").kernel
    assert kernel.check() > 100  # alarms raised and cleared, delays and all


def test_a_loader_that_cannot_load_leaves_the_numpy_pass(caplog):
    loader = KernelLoader("tests.no_such_kernel_module")
    assert loader.load(timeout=30) is None
    assert isinstance(loader.error, ModuleNotFoundError)
    assert "its numpy code is used" in caplog.text
    eng = AlarmEngine(plant(20), compiled=loader)
    tags = np.arange(20, dtype=np.int32)
    v = np.full(20, 50.0)
    v[3] = 95.0
    eng.evaluate(SampleBatch.build(tags, 0.0, v, Quality.GOOD))
    out = eng.evaluate(SampleBatch.build(tags, 1.0, v, Quality.GOOD))
    assert sorted((a.tag, a.kind) for a in out) == [(3, "H"), (3, "HH")]


def feed(eng: AlarmEngine, stub: StubLoader, n: int, t: float, beyond: int, value: float = 85.0) -> None:
    """One whole scan at `t` with `beyond` tags at `value` (past their H limit), the others quiet."""
    v = np.full(n, 50.0)
    v[:beyond] = value
    stub.now = t
    eng.evaluate(SampleBatch.build(np.arange(n, dtype=np.int32), t, v, Quality.GOOD))


def test_a_large_plant_has_the_kernels_loaded_when_quiet_after_a_while():
    n = kernel_loader.COMPILE_TAGS
    stub = StubLoader()
    eng = AlarmEngine(plant(n, on_delay=0.0), compiled=stub)
    start = 1000.0
    for k in range(int(kernel_loader.COMPILE_AFTER_S)):  # quiet, but only just started
        feed(eng, stub, n, start + k, 0)
    assert stub.requests == []
    flood = start + kernel_loader.COMPILE_AFTER_S
    for k in range(6):  # a flood, 100 alarms raised and cleared by turns: no loading now
        feed(eng, stub, n, flood + k, 100, 85.0 if k % 2 == 0 else 50.0)
    assert stub.requests == []
    feed(eng, stub, n, flood + 6, kernel_loader.COMPILE_QUIET_ROWS - 1)  # quiet enough
    assert stub.requests == [flood + 6]
    for k in range(7, 10):
        feed(eng, stub, n, flood + k, 0)
    assert stub.requests == [flood + 6]  # once


def test_a_small_plant_never_has_the_kernels_loaded():
    n = 50
    stub = StubLoader()
    eng = AlarmEngine(plant(n), compiled=stub)
    for k in range(int(kernel_loader.COMPILE_AFTER_S) + 20):
        feed(eng, stub, n, 1000.0 + k, 0)
    assert stub.requests == []


def test_arrays_of_other_layouts_and_types_give_the_same_alarms():
    """Whole scans whose values are a strided view and whose tags are int64, and partial batches
    of float32 values: the numpy way where the kernels were not compiled for them, the same
    alarms and states as the numpy pass."""
    n = 40
    rng = np.random.default_rng(3)
    walk = np.clip(np.cumsum(rng.normal(0, 8, (60, n)), axis=0) + 50, -20, 120)
    good = np.full(n, int(Quality.GOOD), dtype=np.uint8)
    part = np.arange(0, n, 3)
    engines = [AlarmEngine(plant(n), compiled=c) for c in (None, helpers.level_pass("compiled"))]
    got = []
    for eng in engines:
        out = []
        for k in range(len(walk)):
            wide = np.repeat(walk[k], 2)[::2]  # the same values, not contiguous
            out += eng.evaluate(SampleBatch(np.arange(n, dtype=np.int64), np.full(n, float(k)), wide, good))
            v32 = walk[k, part].astype(np.float32)
            out += eng.evaluate(
                SampleBatch(part.astype(np.int32), np.full(len(part), k + 0.5), v32, good[part])
            )
        got.append(out)
    assert len(got[0]) > 20
    assert got[0] == got[1]
    for name in ("state", "active", "band_hi", "band_lo"):
        np.testing.assert_array_equal(getattr(engines[0].block, name), getattr(engines[1].block, name))


def test_the_process_kernels_are_for_large_plants_unless_given_on_purpose():
    kernels = helpers.level_pass("compiled")  # loaded in this process
    small = AlarmEngine(plant(20))
    assert small.compiled is None and small.block.compiled is None  # numpy, as documented
    assert AlarmEngine(plant(20), compiled=kernels).compiled is kernels  # a test's own choice
    large = AlarmEngine(plant(kernel_loader.COMPILE_TAGS))
    assert large.compiled is kernels and large.block.compiled is kernels
