"""The warning detectors' fast paths give what the straightforward code gave, number for number:
the robust statistics' whole-array common case (rows with as many values as each other), the
window read by ring slices, the forecast's fixed-lag pairs as slices and its short look taken
from the long look's read. The references below are that straightforward code, kept here as it
stood before the fast paths."""

from __future__ import annotations

import math
from types import MethodType

import numpy as np
import pytest

import app.rules.functions as rule_functions
import app.warning.forecast as forecast
from app.config import demo_config_path, load_config
from app.evaluation.pipeline import Pipeline
from app.warning.robust import (
    lag_slope,
    median_pair_slope,
    nanmean_rows,
    nanmedian_rows,
    residual_level_noise,
)
from app.warning.window import RecentWindow
from core.samples import Quality, SampleBatch
from demo.plant_physics import PlantPhysics
from demo.scenarios import BANK, WARMUP_S, draw_signature, samples

# ---------------------------------------------------------------- the references


def ref_nanmedian_rows(a):
    s = np.sort(a, axis=1)
    n = np.isfinite(a).sum(axis=1)
    r = np.arange(a.shape[0])
    lo, hi = np.maximum((n - 1) // 2, 0), np.maximum(n // 2, 0)
    out = (s[r, lo] + s[r, hi]) / 2.0 if a.shape[1] else np.full(a.shape[0], np.nan)
    out[n == 0] = np.nan
    return out


def ref_nanmean_rows(a):
    ok = np.isfinite(a)
    n = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ok, a, 0.0).sum(axis=1) / np.where(n > 0, n, np.nan)


def ref_median_pair_slope(t, y, i, j):
    with np.errstate(all="ignore"):
        s = (y[:, j] - y[:, i]) / (t[j] - t[i])
    return ref_nanmedian_rows(np.where(np.isfinite(s), s, np.nan))


def ref_residual_level_noise(t, y, slope, t0):
    with np.errstate(all="ignore"):
        resid = y - slope[:, None] * (t - t0)[None, :]
        level = ref_nanmedian_rows(resid)
        noise = 1.4826 * ref_nanmedian_rows(np.abs(resid - level[:, None]))
    return level, noise


def ref_robust_trend(t, y):
    k, m = y.shape
    ok = np.isfinite(y)
    coverage = ok.mean(axis=1)
    lag = max(1, m // 2)
    first = np.arange(m - lag)
    with np.errstate(all="ignore"):
        slope = ref_median_pair_slope(t, y, first, first + lag)
        level, noise = ref_residual_level_noise(t, y, slope, t[-1])
        tt = np.where(ok, t[None, :], np.nan)
        sxx = np.nansum((tt - ref_nanmean_rows(tt)[:, None]) ** 2, axis=1)
        n = ok.sum(axis=1)
        err = noise / np.sqrt(np.maximum(sxx, 1e-12)) * math.sqrt(2.0)
    bad = (coverage < forecast.MIN_COVERAGE) | (n < 6)
    for a in (slope, level, noise, err):
        a[bad] = np.nan
    return slope, err, level, noise, coverage


def ref_series(self, tags, span_s, now=None):
    tags = self._row(np.atleast_1d(np.asarray(tags, dtype=np.intp)))
    starts = self.grid(span_s, now)
    want = np.floor(starts / self.step).astype(np.int64)
    slots = want % self.m
    flat = tags[:, None] * self.m + slots[None, :]
    held = self.bucket.ravel().take(flat) == want[None, :]
    cnt = self.cnt.ravel().take(flat)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = self.sum.ravel().take(flat) / cnt
    mean[~held | (cnt == 0)] = np.nan
    return starts + self.step / 2, mean


def ref_forecast_series(self, w, js, factor, now):
    return self.window.series(self.tags[js], max(w * factor, self.min_win), now)


# ---------------------------------------------------------------- the functions


def same(a, b) -> None:
    np.testing.assert_array_equal(a, b)  # NaN equals NaN; every other value to the bit


def arrays(rng, k: int, m: int):
    """Rows with no gap, the last bucket still filling in every row, gaps scattered over some
    rows, an empty row, an infinity and a flat row: every path of the fast code."""
    base = 50 + np.cumsum(rng.normal(0, 1, (k, m)), axis=1)
    full = base.copy()
    filling = base.copy()
    filling[:, -1] = np.nan
    scattered = base.copy()
    scattered[rng.random((k, m)) < 0.2] = np.nan
    odd = filling.copy()
    odd[0] = np.nan
    odd[1, 3] = np.inf
    odd[2] = 7.0
    odd[3, : m // 2] = np.nan
    one = filling[:1]  # a single row
    return {"full": full, "filling": filling, "scattered": scattered, "odd": odd, "one": one}


@pytest.mark.parametrize("k,m", [(4, 12), (5, 36), (40, 120), (4, 361)])
def test_robust_statistics_equal_the_straightforward_code(k, m):
    rng = np.random.default_rng(k * 1000 + m)
    t = 1.7e9 + (np.arange(m) + 0.5) * 5.0
    for y in arrays(rng, k, m).values():
        same(nanmedian_rows(y), ref_nanmedian_rows(y))
        same(nanmean_rows(y), ref_nanmean_rows(y))
        same(nanmean_rows(y[:, -(m // 8 + 1) :]), ref_nanmean_rows(y[:, -(m // 8 + 1) :]))
        lag = max(1, m // 2)
        first = np.arange(m - lag)
        slope = ref_median_pair_slope(t, y, first, first + lag)
        same(lag_slope(t, y, lag), slope)
        i, j = np.triu_indices(m, 1)
        same(median_pair_slope(t, y, i, j), ref_median_pair_slope(t, y, i, j))
        for got, want in zip(
            residual_level_noise(t, y, slope, t[-1]),
            ref_residual_level_noise(t, y, slope, t[-1]),
            strict=True,
        ):
            same(got, want)
        for got, want in zip(forecast.robust_trend(t, y), ref_robust_trend(t, y), strict=True):
            same(got, want)


def test_window_reads_equal_the_straightforward_code():
    """Reads of every row in order (no copy), of some rows, of one, of a window holding only some
    tags; across the ring's wrap, with buckets missed and samples late."""
    rng = np.random.default_rng(5)
    for held in (None, [1, 4, 6]):
        w = RecentWindow(8, span_s=120.0, step_s=5.0, held=held)
        t = 1.7e9
        for _ in range(90):
            t += float(rng.choice([1.0, 2.0, 13.0]))
            tags = rng.choice(8, size=int(rng.integers(1, 9)), replace=False).astype(np.int32)
            ts = t - rng.random(len(tags)) * 8.0  # some late, into an earlier bucket
            q = np.where(rng.random(len(tags)) < 0.1, int(Quality.BAD), int(Quality.GOOD))
            w.add(SampleBatch.build(tags, ts, rng.normal(20, 3, len(tags)), q))
            for rows in (np.arange(8) if held is None else np.array([1, 4, 6]), np.array([6, 1]), [4]):
                for span in (5.0, 35.0, 60.0, 125.0):
                    for now in (t, t + 5.0):
                        got, want = w.series(rows, span, now), ref_series(w, rows, span, now)
                        same(got[0], want[0])
                        same(got[1], want[1])


# ---------------------------------------------------------------- the warnings of a demo stretch


def conditions(pipe: Pipeline, batches) -> list[tuple]:
    """Every warning condition the pipeline's detectors report, with its time, level, value,
    limit, predicted time and its error, and its text."""
    got: list[tuple] = []
    set_condition = pipe.alarms.set_condition

    def record(c):
        got.append(tuple(str(x) if isinstance(x, str) else x for x in c))
        return set_condition(c)

    pipe.alarms.set_condition = record
    for b in batches:
        pipe.evaluate(b)
    return got


@pytest.mark.slow
def test_a_demo_incident_raises_the_same_warnings_as_the_straightforward_code(monkeypatch):
    """The scenario bank's first incident (the demo plant's physics, one scan a second), from its
    warm-up to half an hour after the onset, through the pipeline as it is and through one running
    the references: the same conditions, at the same times, with the same levels, values,
    predicted times and texts."""
    cfg = load_config(demo_config_path())
    incident, seed, _ = BANK[0]
    physics = PlantPhysics(cfg, seed=seed)
    batches = list(samples(physics, WARMUP_S))
    physics.inject(incident, draw_signature(incident, seed))
    batches += list(samples(physics, 1800.0))
    fast = conditions(Pipeline(cfg), batches)
    with monkeypatch.context() as mp:
        mp.setattr(forecast, "robust_trend", ref_robust_trend)
        mp.setattr(forecast, "nanmean_rows", ref_nanmean_rows)
        mp.setattr(rule_functions, "median_pair_slope", ref_median_pair_slope)
        mp.setattr(rule_functions, "residual_level_noise", ref_residual_level_noise)
        ref = Pipeline(cfg)
        for sc in ref.warnings.scales:
            sc.window.series = MethodType(ref_series, sc.window)
            sc.forecast._series = MethodType(ref_forecast_series, sc.forecast)
        slow = conditions(ref, batches)
    forecasts = [c for c in slow if c[2] == "FORECAST" and c[3]]
    assert forecasts and any(c[11] is not None for c in forecasts)  # the stretch does raise forecasts
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        assert len(a) == len(b) and all(x == y or (x != x and y != y) for x, y in zip(a, b, strict=True)), (
            a,
            b,
        )


def test_the_window_averages_a_scan_and_a_batch_with_a_tag_twice_alike():
    """A scan (each tag once, in order) is added by plain indexing; a batch holding a tag twice in
    one bucket, or out of order, still averages every sample."""
    from app.warning.window import RecentWindow

    scan, mixed = RecentWindow(4, 60.0, 5.0), RecentWindow(4, 60.0, 5.0, held=[3, 0, 2])
    t0 = 1_700_000_000.0
    for k in range(3):  # three scans of four tags in one 5-second bucket
        scan.add(SampleBatch.build(np.arange(4, dtype=np.int32), t0 + k, np.arange(4.0) + k, Quality.GOOD))
    mixed.add(
        SampleBatch.build(
            np.array([2, 0, 2, 3, 0, 2, 0, 3, 3], np.int32),
            t0 + np.array([0, 0, 1, 0, 1, 2, 2, 1, 2.0]),
            np.array([2, 0, 3, 3, 1, 4, 2, 4, 5.0]),
            Quality.GOOD,
        )
    )
    assert scan.series([0, 1, 2, 3], 5.0, t0 + 2)[1][:, -1].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert mixed.series([0, 2, 3], 5.0, t0 + 2)[1][:, -1].tolist() == [1.0, 3.0, 4.0]


def test_a_deferred_window_reads_as_one_adding_every_scan_at_once():
    """A slow scale's window keeps the scans and adds them at its next read: every read (means,
    a value ago, the latest values, the version a cache keys on) equals the eager window's, with
    a scan late and out of order among them, and buckets wrapping round the ring."""
    from app.warning.window import RecentWindow

    rng = np.random.default_rng(11)
    eager, deferred = (RecentWindow(6, 300.0, 60.0, held=[5, 1, 2, 0], deferred=d) for d in (False, True))
    t0 = 1_700_000_000.0
    times = list(t0 + 5.0 * np.arange(400))
    times[37], times[38] = times[38], times[37]  # a scan arriving after the next, just before a read
    seen = -1
    for n, t in enumerate(times):
        tags = np.arange(6, dtype=np.int32)
        q = np.where(rng.random(6) < 0.1, Quality.BAD, Quality.GOOD).astype(np.uint8)
        batch = SampleBatch.build(tags, np.full(6, t), rng.normal(50, 5, 6), q)
        eager.add(batch)
        deferred.add(batch)
        if n % 13 == 0 or n == 38:  # a read now and then, as the slow scale's detectors do
            assert deferred.version > seen
            now = max(times[: n + 1])
            for tags_read, span in (([0, 1, 2, 5], 240.0), ([2], 60.0)):
                te, ye = eager.series(tags_read, span, now)
                td, yd = deferred.series(tags_read, span, now)
                assert np.array_equal(te, td) and np.array_equal(ye, yd, equal_nan=True)
            assert np.array_equal(
                eager.value_at([0, 5], 120.0, now), deferred.value_at([0, 5], 120.0, now), equal_nan=True
            )
            assert np.array_equal(eager.last_ts, deferred.last_ts, equal_nan=True)
            assert np.array_equal(eager.last_value, deferred.last_value, equal_nan=True)
            seen = deferred.version
    assert np.array_equal(eager.last_value, deferred.last_value, equal_nan=True)
    assert np.array_equal(eager.last_ts, deferred.last_ts, equal_nan=True)
    assert eager.now == deferred.now
