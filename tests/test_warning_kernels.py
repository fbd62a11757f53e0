"""The detectors' compiled loops (app.warning.kernels) give what the numpy code gives, number for
number, and are loaded when they should be: before a replay, and in a live plant whose rules fit
many trends once it has run a while. Also the rules' pass reads (one read per longest span, the
span statistics in whole-array calls) against the window read row by row."""

from __future__ import annotations

import numpy as np
import pytest

import app.rules.pass_reads as pass_reads
import app.warning.compiled as compiled
from app.alarms.kernel_loader import KERNELS as ALARM_KERNELS
from app.config import demo_config_path, load_config
from app.evaluation.pipeline import Pipeline
from app.evaluation.replay import replay
from app.rules.pass_reads import PassRead, SpanStats
from app.warning.compiled import WARNING_KERNELS
from app.warning.robust import median_pair_slope_numpy
from app.warning.window import RecentWindow
from core.samples import Quality, SampleBatch
from demo.plant_physics import PlantPhysics
from demo.scenarios import BANK, draw_signature, samples
from tests.test_warning_speed import arrays, conditions, same


@pytest.fixture(scope="module")
def kernels():
    kernel = WARNING_KERNELS.load(timeout=120)
    assert kernel is not None, WARNING_KERNELS.error
    return kernel


def test_the_loaded_loops_pass_their_check_against_numpy(kernels):
    assert kernels.check() > 700  # every fit shape from 2 to 60 points, and 120 window adds


@pytest.mark.parametrize("k,m", [(4, 5), (4, 12), (5, 36), (40, 40), (4, 60)])
def test_the_compiled_theil_sen_equals_numpy_on_every_path(kernels, k, m):
    rng = np.random.default_rng(k * 100 + m)
    t = 1.7e9 + (np.arange(m) + 0.5) * 5.0
    i, j = np.triu_indices(m, 1)
    for y in arrays(rng, k, m).values():
        same(kernels.median_pair_slope(t, y, i, j), median_pair_slope_numpy(t, y, i, j))


def test_the_compiled_window_add_equals_numpy_with_late_and_bad_samples(kernels):
    """Scans of some tags, some late into an earlier bucket, some bad or not a number, across
    the ring's wrap, in a window of every tag and in one holding some: the same buckets, counts,
    newest values and reads."""
    rng = np.random.default_rng(5)
    for held in (None, [1, 4, 6]):
        want, got = (RecentWindow(8, span_s=120.0, step_s=5.0, held=held) for _ in range(2))
        t = 1.7e9
        for _ in range(120):
            t += float(rng.choice([1.0, 2.0, 13.0]))
            tags = rng.choice(8, size=int(rng.integers(1, 9)), replace=False).astype(np.int32)
            ts = t - rng.random(len(tags)) * 8.0
            value = rng.normal(20, 3, len(tags))
            value[rng.random(len(tags)) < 0.1] = np.nan
            q = np.where(rng.random(len(tags)) < 0.1, int(Quality.BAD), int(Quality.GOOD))
            batch = SampleBatch.build(tags, ts, value, q)
            want._add_numpy(batch)
            got._add_compiled(batch, kernels)
            for name in ("sum", "cnt", "bucket", "_last_value", "_last_ts", "now", "_version"):
                same(getattr(got, name), getattr(want, name))
            rows = [1, 4, 6]
            same(got.series(rows, 60.0, t)[1], want.series(rows, 60.0, t)[1])


def test_a_demo_incident_raises_the_same_warnings_compiled(kernels, monkeypatch):
    """Ten minutes of the scenario bank's first incident through the pipeline with the compiled
    loops and without: the same conditions, times, levels, values and texts."""
    cfg = load_config(demo_config_path())
    incident, seed, _ = BANK[0]
    physics = PlantPhysics(cfg, seed=seed)
    batches = list(samples(physics, 900.0))
    physics.inject(incident, draw_signature(incident, seed))
    batches += list(samples(physics, 600.0))
    compiled = conditions(Pipeline(cfg), batches)
    with monkeypatch.context() as mp:
        mp.setattr(WARNING_KERNELS, "kernel", None)
        plain = conditions(Pipeline(cfg), batches)
    assert compiled and any(c[2] == "FORECAST" for c in compiled)
    assert len(compiled) == len(plain)
    for a, b in zip(compiled, plain, strict=True):
        assert all(x == y or (x != x and y != y) for x, y in zip(a, b, strict=True)), (a, b)


def test_a_replay_loads_the_compiled_passes_first_and_uses_them(tmp_path, monkeypatch):
    """Whatever the plant's size: the demo's 219 tags never load them live."""
    loaders = {}
    for name, module in (("KERNELS", "app.alarms.limit_kernel"), ("WARNING_KERNELS", "app.warning.kernels")):
        loaders[name] = type(WARNING_KERNELS)(module)
        monkeypatch.setattr(f"app.evaluation.replay.{name}", loaders[name])
    used = []
    real = Pipeline.__init__
    monkeypatch.setattr(Pipeline, "__init__", lambda self, *a, **k: used.append(k) or real(self, *a, **k))
    cfg = load_config(demo_config_path())
    path = tmp_path / "one.csv"
    path.write_text(f"time,tag,value,quality\n2026-01-01T00:00:00Z,{cfg.tags[0].name},1.0,good\n")
    result = replay(cfg, path)
    assert result.samples == 1 and all(x.kernel is not None for x in loaders.values())
    assert used == [{"warnings": True, "compiled": True}]
    pipe = Pipeline(cfg, compiled=True)
    assert pipe.alarms.compiled is ALARM_KERNELS  # the alarm pass compiled for 219 tags


class _Asked:
    def __init__(self):
        self.requests = 0

    def request(self):
        self.requests += 1


def _large_plant(tmp_path):
    from bench import gui_fps

    monkey = pytest.MonkeyPatch()
    monkey.setattr(gui_fps, "DEVICES", 1)
    try:
        gui_fps.plant_yaml(tmp_path / "plant.yaml")  # 2,500 tags
    finally:
        monkey.undo()
    return load_config(tmp_path / "plant.yaml")


@pytest.mark.parametrize("plant, loads", [("demo", False), ("demo rules x 40", True), ("2,500 tags", True)])
def test_a_live_plant_has_them_loaded_when_it_is_large(monkeypatch, tmp_path, plant, loads):
    """The demo plant (219 tags, rules fitting some sixty trends a pass): never compiled live.
    Forty copies of its rules fit over two thousand, and a plant of 2,500 tags adds 2,500 samples
    a scan: compiled once the plant has run COMPILE_AFTER_S, not at start-up."""
    asked = _Asked()
    monkeypatch.setattr(compiled, "WARNING_KERNELS", asked)
    cfg = _large_plant(tmp_path) if plant == "2,500 tags" else load_config(demo_config_path())
    if plant == "demo rules x 40":
        rules = [r.model_copy(update={"name": f"{r.name} {k}"}) for k in range(40) for r in cfg.rules]
        cfg = cfg.model_copy(update={"rules": rules})
    pipe = Pipeline(cfg)
    n = len(cfg.tags)
    tags, t0 = np.arange(n, dtype=np.int32), 1.7e9
    for dt in range(0, int(compiled.COMPILE_AFTER_S) + 31):
        pipe.evaluate(SampleBatch.build(tags, t0 + dt, np.full(n, 50.0), int(Quality.GOOD)))
        if dt < compiled.COMPILE_AFTER_S:
            assert asked.requests == 0
    assert asked.requests == (1 if loads else 0)


def _window(n: int, seconds: int, gaps: bool) -> RecentWindow:
    rng = np.random.default_rng(9)
    w = RecentWindow(n, 3600.0, 5.0)
    for k in range(seconds):
        v = rng.normal(50, 2, n)
        if gaps:
            v[rng.random(n) < 0.05] = np.nan
        w.add(SampleBatch.build(np.arange(n, dtype=np.int32), 1.7e9 + k, v, int(Quality.GOOD)))
    return w


@pytest.mark.parametrize("merge_cells, reads", [(0, 3), (3000, 2)])
def test_a_pass_reads_each_tag_over_its_longest_span_and_gives_the_windows_series(
    monkeypatch, merge_cells, reads
):
    """Tags asked over an hour, ten minutes and two minutes, some over several: one read per
    longest span, or the two-minute tags read over ten minutes with the others (192 more
    buckets, cheaper than a read of their own); every span's rows, in any order, equal the
    window's own read of them."""
    monkeypatch.setattr(pass_reads, "MERGE_CELLS", merge_cells)
    w = _window(12, 3700, gaps=True)
    now = 1.7e9 + 3700.0
    asks = [(3600.0, {0, 1}), (600.0, {1, 2, 3, 4, 5}), (120.0, {5, 6, 7, 0})]
    read = PassRead(w, now, asks)
    assert len(read.reads) == reads and read.reads[0][1].shape == (2, w.buckets(3600.0))
    assert read.reads[1][1].shape == (4 if reads == 3 else 6, w.buckets(600.0))
    for span, tags in asks:
        for order in (sorted(tags), sorted(tags, reverse=True)):
            got, want = read.series(order, span), w.series(order, span, now)
            same(got[0], want[0])
            same(got[1], want[1])


@pytest.mark.parametrize("gaps", [False, True])
def test_the_span_statistics_equal_the_row_by_row_ones(gaps):
    """With the newest bucket still filling (every row's values end at the same bucket), the
    mean, max and min come from whole-array calls; with a gap in some row, row by row. Either
    way the numbers are those of each row's values alone."""
    w = _window(6, 900, gaps=False)
    now = 1.7e9 + 900.0
    _, y = w.series(range(6), 300.0, now)
    assert np.isnan(y[:, -1]).all() and np.isfinite(y[:, :-1]).all()  # the newest bucket filling
    if gaps:
        y[2, 10] = np.nan  # a bucket without a good sample
    stats = SpanStats(list(range(6)), y)
    assert (stats.by is None) == gaps
    if stats.by is None:
        return
    for k in range(6):
        row = y[k][np.isfinite(y[k])]
        assert stats.n == len(row)
        for name, fn in (("mean", np.mean), ("max", np.max), ("min", np.min)):
            assert stats.by[name][k] == fn(row)
