"""Early warning: the robust trend, forecasts of the time to a limit, anomaly detection, and the
pipeline that runs them in whole buckets (so a replay sees what the live run saw)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from app.config import parse_config_text
from app.evaluation.pipeline import Pipeline
from app.warning.forecast import robust_trend
from app.warning.window import RecentWindow
from core.samples import Quality, SampleBatch
from tests.helpers import plant_yaml

T0 = 1_700_000_000.0

PLANT = plant_yaml(
    """
    - {name: T, unit: °C, device: d, address: "hr:0", range: [0, 200], alarms: {H: 100, HH: 120}}
    - {name: F, device: d, address: "hr:2", range: [0, 200], alarms: {L: 20},
       warning: {forecast: {when: RUN}}}
    - {name: RUN, device: d, address: "hr:4.0", type: bool}
    - {name: A, unit: ppm, device: d, address: "hr:6", range: [0, 100],
       warning: {anomaly: {learn_s: 600, flatline_s: 120}}}
    """,
    extra="""
    hazard_sources:
      - {name: Furnace, tags: [T, F], inherent_level: 3}
    """,
)


def plant():
    return parse_config_text(PLANT)


def feed(pipe: Pipeline, t0: float, seconds: int, fn, quality=Quality.GOOD):
    """One sample of every tag per second; fn(t) -> values. Returns every alarm/warning transition."""
    out = []
    tags = np.arange(4, dtype=np.int32)
    for k in range(seconds):
        t = t0 + k
        out += pipe.evaluate(SampleBatch.build(tags, t, fn(t - T0), quality)).alarms
    return out


def steady(rng):
    return lambda s: np.array([50 + rng.normal(0, 0.5), 60 + rng.normal(0, 0.5), 1.0, 5 + rng.normal(0, 0.3)])


def test_robust_trend_ignores_outliers_and_gaps():
    t = np.arange(60) * 5.0
    y = np.vstack([2.0 + 0.1 * t, np.full(60, 7.0), np.full(60, np.nan)])
    y[0, 10] = 500.0  # a spike
    y[0, 20:25] = np.nan  # a gap
    slope, err, level, noise, coverage = robust_trend(t, y)
    assert slope[0] == pytest.approx(0.1, rel=1e-6) and level[0] == pytest.approx(2.0 + 0.1 * t[-1])
    assert slope[1] == 0.0 and noise[1] == 0.0
    assert np.isnan(slope[2]) and coverage[2] == 0.0  # no data: no trend


def test_forecast_warns_before_the_limit_with_time_and_clears_when_the_trend_turns():
    rng = np.random.default_rng(1)
    pipe = Pipeline(plant())
    base = steady(rng)
    out = feed(pipe, T0, 1200, base)  # learn the normal band
    assert not [a for a in out if a.kind == "FORECAST"]

    def ramp(s):  # T climbs 0.1 °C/s from 50 towards H = 100 (reached 500 s after the start)
        v = base(s)
        v[0] = 50 + 0.1 * (s - 1200) + rng.normal(0, 0.5)
        return v

    out = feed(pipe, T0 + 1200, 300, ramp)
    raised = [a for a in out if a.kind == "FORECAST" and a.active]
    assert raised, "no forecast while T climbs towards its limit"
    first, w = raised[0], pipe.alarms.external["T:FORECAST"]  # the first warning, the newest estimate
    crossing = T0 + 1200 + 500
    assert first.ts < crossing - 300  # well before the alarm
    assert first.eta > first.ts and first.priority in (3, 4)  # far off: a low level to start with
    assert w.is_warning and w.source == "T" and w.hazard == "Furnace" and w.limit == 100.0
    # the estimate firms up as the trend goes on, and ends close to the truth
    assert abs(w.eta - crossing) < 60 and w.eta_err_s is not None and w.eta_err_s < 120
    # an H of priority III minutes away is a level III warning, however soon
    assert min(a.priority for a in raised) == 3 and w.priority == 3
    assert "T predicted to reach 100 °C in" in w.message and "±" in w.message
    assert pipe.warnings.cone(0, w.ts) is not None

    def back(s):  # the trend turns: back down to normal
        v = base(s)
        v[0] = 80 - 0.2 * (s - 1500) + rng.normal(0, 0.5)
        return v

    out = feed(pipe, T0 + 1500, 150, back)
    assert any(a.kind == "FORECAST" and not a.active for a in out)
    assert pipe.warnings.cone(0, T0 + 1650) is None


def test_no_forecast_while_learning_and_bad_samples_never_feed_it():
    rng = np.random.default_rng(2)
    pipe = Pipeline(plant())
    assert pipe.warnings.status(0) == "learning"

    def ramp(s):
        v = steady(rng)(s)
        v[0] = 50 + 0.1 * s
        return v

    out = feed(pipe, T0, 300, ramp)  # rising fast, but nothing learned yet
    assert not [a for a in out if a.kind == "FORECAST"]
    pipe = Pipeline(plant())
    feed(pipe, T0, 900, steady(rng))
    crazy = feed(pipe, T0 + 900, 200, lambda s: np.array([1e6 * s, 1e6, 1.0, 1e6]), quality=Quality.BAD)
    assert not [a for a in crazy if a.is_warning]
    assert pipe.warnings.status(0) == "watching"


def test_forecast_only_while_its_plant_state_holds():
    rng = np.random.default_rng(3)
    pipe = Pipeline(plant())
    base = steady(rng)
    feed(pipe, T0, 1200, base)

    def falling(run):
        def fn(s):
            v = base(s)
            v[1] = 60 - 0.1 * (s - 1200) + rng.normal(0, 0.3)
            v[2] = run
            return v

        return fn

    out = feed(pipe, T0 + 1200, 200, falling(0.0))  # F falls towards L, but RUN is off
    assert not [a for a in out if a.source == "F" and a.is_warning]
    out = feed(pipe, T0 + 1400, 60, falling(1.0))
    assert [a for a in out if a.source == "F" and a.kind == "FORECAST" and a.active]


def test_anomaly_learns_then_sees_a_step_and_a_flat_line():
    rng = np.random.default_rng(4)
    pipe = Pipeline(plant())
    base = steady(rng)
    out = feed(pipe, T0, 300, base)
    assert pipe.warnings.status(3) == "learning" and not [a for a in out if a.kind == "ANOMALY"]
    feed(pipe, T0 + 300, 600, base)

    def step(s):
        v = base(s)
        v[3] = 25 + rng.normal(0, 0.3)  # A jumps from 5 to 25 ppm, below any limit
        return v

    out = feed(pipe, T0 + 900, 60, step)
    anomalies = [a for a in out if a.kind == "ANOMALY" and a.active]
    assert anomalies and "A stepped" in anomalies[0].message
    out = feed(pipe, T0 + 960, 120, base)
    assert any(a.kind == "ANOMALY" and not a.active for a in out)

    def frozen(s):
        v = base(s)
        v[3] = 5.0
        return v

    out = feed(pipe, T0 + 1080, 300, frozen)
    flat = [a for a in out if a.kind == "ANOMALY" and a.active]
    assert flat and "flat-lined" in flat[0].message
    ex = pipe.explain("A:ANOMALY", T0 + 1380)
    assert ex is not None and ex.kind == "ANOMALY" and len(ex.t) == len(ex.v) > 0


@pytest.mark.slow
def test_batches_of_any_size_give_the_same_warnings():
    """Live scans (one second) and replay chunks (thousands of rows) cross the same buckets."""
    rng = np.random.default_rng(5)
    n = 2000
    vals = np.empty((n, 4))
    for k in range(n):
        vals[k] = steady(rng)(k)
        if k > 1200:
            vals[k, 0] = 50 + 0.12 * (k - 1200)
    tags = np.arange(4, dtype=np.int32)

    def run(chunk):
        pipe = Pipeline(plant())
        out = []
        for k0 in range(0, n, chunk):
            ks = np.arange(k0, min(n, k0 + chunk))
            batch = SampleBatch.build(
                np.tile(tags, len(ks)), np.repeat(T0 + ks, 4), vals[ks].ravel(), Quality.GOOD
            )
            out += pipe.evaluate(batch).alarms
        return [(a.ts, a.key, a.state, a.priority) for a in out]

    live, replayed = run(1), run(1250)
    assert any(k.endswith(":FORECAST") for _, k, _, _ in live)
    assert sorted(live) == sorted(replayed)


def test_detectors_learn_from_recorded_history_without_raising_anything():
    rng = np.random.default_rng(6)
    recorded = Pipeline(plant())
    feed(recorded, T0, 1, steady(rng))  # (only to build batches the same way)
    tags = np.arange(4, dtype=np.int32)
    history = [SampleBatch.build(tags, T0 + k, steady(rng)(k), Quality.GOOD) for k in range(1500)]
    history[1400] = SampleBatch.build(tags, T0 + 1400, np.array([50.0, 60.0, 1.0, 60.0]), Quality.GOOD)
    pipe = Pipeline(plant())
    assert pipe.warm_up(iter(history)) == 1500 * 4
    assert pipe.warnings.status(0) == "watching" and pipe.warnings.status(3) == "watching"
    assert pipe.alarms.standing(T0 + 1500) == []  # nothing raised from the past
    assert not pipe.warnings.anomaly.state.any()

    def ramp(s):  # live: T climbs at once; the forecast needs no learning period
        v = steady(rng)(s)
        v[0] = 50 + 0.1 * (s - 1500)
        return v

    out = feed(pipe, T0 + 1500, 150, ramp)
    assert [a for a in out if a.kind == "FORECAST" and a.active]


@pytest.mark.slow
def test_engine_learns_from_its_history_at_start(tmp_path):
    from app.runtime.engine import Engine
    from storage.history import History

    cfg = plant()
    hist = History(f"sqlite:///{tmp_path / 'h.db'}", cfg.tags)
    rng = np.random.default_rng(7)
    now = time.time()
    tags = np.arange(4, dtype=np.int32)
    for k in range(1200):
        hist.write_now(SampleBatch.build(tags, now - 1200 + k, steady(rng)(k), Quality.GOOD))
    engine = Engine(cfg, hist)
    engine._warm_up()
    f = engine.pipeline.warnings.forecast
    assert (f.seen >= 600).all() and engine.pipeline.warnings.status(0) == "watching"
    assert engine.alarms.standing(now) == []
    hist.stop()


def test_closed_bucket_is_taken_once():
    w = RecentWindow(1, span_s=60.0, step_s=5.0)
    assert w.closed_bucket(12.0, -1) == (1, 4.5)  # bucket 1 is [5, 10): its middle 7.5 is 4.5 s ago
    assert w.closed_bucket(14.9, 1) is None  # no bucket closed since
    assert w.closed_bucket(15.0, 1) == (2, 2.5)
