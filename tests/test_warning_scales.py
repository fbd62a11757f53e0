"""Early warning at several time scales: forecasts over days on 10-minute buckets, baselines
learned over weeks, defaults per hazard kind, replay cost that follows the samples, warning
levels that follow the priority of the limit approached."""

from __future__ import annotations

import numpy as np
import pytest

from app.config import ConfigError, parse_config_text
from app.evaluation.pipeline import Pipeline
from app.evaluation.replay import replay
from app.evaluation.scan_hold import ScanHold
from app.warning.forecast import warning_level
from core.samples import Quality, SampleBatch
from core.schema.tags import AnomalySettings, ForecastSettings
from core.times import iso_ms
from tests.helpers import plant_yaml

T0 = 1_700_006_400.0  # a whole number of hours
DAY = 86400.0
EVERY = 300.0  # a sample every 5 minutes, as a historian exports a slow process

SLOW = plant_yaml(
    """
    - {name: HEARTH, unit: °C, device: d, address: "hr:0", range: [0, 200], alarms: {H: 100, HH: 120},
       warning: {forecast: {window_s: 86400, horizon_s: 259200, levels_s: [3600, 21600, 86400, 259200]}}}
    - {name: STAVE, unit: °C, device: d, address: "hr:1", range: [0, 200],
       warning: {anomaly: {learn_s: 604800}}}
    - {name: CO, unit: ppm, device: d, address: "hr:2", range: [0, 1000], alarms: {H: 24, HH: 160}}
    """,
    extra="""
    hazard_sources:
      - {name: BF1, kind: blast_furnace, tags: [HEARTH, STAVE], inherent_level: 2}
    """,
)


def days_of(fn, start_day: float, days: float, rng) -> SampleBatch:
    """Samples of HEARTH and STAVE every 5 minutes over `days` from `start_day`; fn(day) -> (hearth, stave)."""
    t = T0 + np.arange(start_day * DAY, (start_day + days) * DAY, EVERY)
    d = (t - T0) / DAY
    hearth, stave = fn(d)
    hearth = hearth + np.sin(2 * np.pi * d) + rng.normal(0, 0.3, len(t))  # a daily swing
    stave = stave + rng.normal(0, 0.2, len(t))
    tags = np.r_[np.zeros(len(t), np.int32), np.ones(len(t), np.int32)]
    return SampleBatch.build(tags, np.r_[t, t], np.r_[hearth, stave], Quality.GOOD).take(
        np.argsort(np.r_[t, t], kind="stable")
    )


def test_settings_choose_their_scale_and_refuse_a_window_of_too_many_buckets():
    assert ForecastSettings().step == 5.0 and ForecastSettings(window_s=3600).step == 5.0
    assert ForecastSettings(window_s=6 * 3600).step == 60.0
    assert ForecastSettings(window_s=DAY).step == 600.0 and ForecastSettings(window_s=7 * DAY).step == 3600.0
    assert AnomalySettings().step == 5.0 and AnomalySettings(learn_s=7 * DAY).step == 600.0
    assert ForecastSettings(window_s=DAY, step_s=300).step == 300.0
    for bad, words in (
        ("{forecast: {window_s: 86400, step_s: 7}}", "whole multiple of 5 s"),
        ("{forecast: {window_s: 2592000, step_s: 60}}", "over 2000 buckets"),
        ("{anomaly: {learn_s: 8640000}}", "learn_s"),
    ):
        text = plant_yaml(f'- {{name: X, device: d, address: "hr:0", alarms: {{H: 1}}, warning: {bad}}}')
        with pytest.raises(ConfigError) as err:
            parse_config_text(text)
        assert "tags[0].warning" in str(err.value) and words in str(err.value)


def test_slow_scales_keep_their_own_window_and_the_live_window_stays_short():
    pipe = Pipeline(parse_config_text(SLOW))
    steps = [sc.window.step for sc in pipe.warnings.scales]
    assert steps == [5.0, 600.0]  # the live scale and the 10-minute one (forecast and anomaly share it)
    slow = pipe.warnings.scales[1]
    assert slow.forecast.tags.tolist() == [0] and slow.anomaly.tags.tolist() == [1]
    assert pipe.warnings.forecast.tags.tolist() == [2]  # CO stays on the live scale
    assert pipe.window.span <= 1000.0  # a day's window does not make every tag keep a day of 5 s buckets
    assert slow.window.span >= DAY and slow.window.sum.shape[0] == 2  # only the two slow tags


@pytest.mark.slow
def test_a_creep_of_degrees_a_day_is_warned_days_before_the_limit():
    rng = np.random.default_rng(7)
    pipe = Pipeline(parse_config_text(SLOW))
    normal = days_of(lambda d: (np.full(len(d), 80.0), np.full(len(d), 50.0)), 0, 4, rng)
    out = pipe.evaluate(normal).alarms
    assert not [a for a in out if a.is_warning], [a.message for a in out if a.is_warning]
    assert pipe.warnings.status(0) == "watching"
    # from day 4 the hearth creeps 3 °C a day: H = 100 °C is crossed on day 4 + 20/3
    creep = lambda d: (80.0 + 3.0 * (d - 4), np.full(len(d), 50.0))  # noqa: E731
    # (fed six hours at a time; the daily swing may clear and raise it again: explained while up)
    warned, ex = [], None
    for k in range(16):
        out = pipe.evaluate(days_of(creep, 4 + k / 4, 1 / 4, rng)).alarms
        warned += [a for a in out if a.kind == "FORECAST" and a.active]
        up = pipe.alarms.external.get("HEARTH:FORECAST")
        if ex is None and k >= 8 and up is not None and up.active:
            ex = pipe.explain("HEARTH:FORECAST", T0 + (4 + (k + 1) / 4) * DAY)
    assert warned
    assert ex is not None and "10 min" in str(ex.lines[0])  # the buckets of its scale
    reason = str(ex.lines[-1])  # an H of priority III: level III at most, IV while a day or more away
    assert "It approaches H 100 °C, an alarm of priority III: level I" in reason and "level I," not in reason
    assert "°C" in warned[0].message and "/min" in warned[0].message
    out = pipe.evaluate(days_of(creep, 8, 3, rng)).alarms
    crossing = T0 + (4 + 20 / 3) * DAY
    alarmed = [a for a in out if a.kind == "H" and a.active]
    assert alarmed and alarmed[0].ts == pytest.approx(crossing, abs=DAY / 2)
    lead_h = (alarmed[0].ts - warned[0].ts) / 3600
    assert lead_h >= 48, f"warned only {lead_h:.1f} h before the alarm"


@pytest.mark.slow
def test_a_slow_drift_is_measured_against_weeks_of_its_own_normal():
    rng = np.random.default_rng(8)
    pipe = Pipeline(parse_config_text(SLOW))
    flat = days_of(lambda d: (np.full(len(d), 80.0), np.full(len(d), 50.0)), 0, 8, rng)
    assert not [a for a in pipe.evaluate(flat).alarms if a.is_warning]
    assert pipe.warnings.status(1) == "watching"
    drift = days_of(lambda d: (np.full(len(d), 80.0), 50.0 + 0.6 * (d - 8)), 8, 6, rng)  # 0.6 °C a day
    out = [a for a in pipe.evaluate(drift).alarms if a.kind == "ANOMALY" and a.active]
    assert out and out[0].source == "STAVE"
    assert out[0].ts < T0 + 12 * DAY  # within 4 days of 0.6 °C a day (2.4 °C, 12 σ of its scatter)
    assert "drifted" in str(out[0].message)


def test_sparse_samples_run_the_detectors_once_per_sample_not_per_bucket_of_time():
    pipe = Pipeline(parse_config_text(SLOW))
    runs = []
    detect = pipe._detect
    pipe._detect = lambda now, out: (runs.append(now), detect(now, out))
    batch = days_of(lambda d: (np.full(len(d), 80.0), np.full(len(d), 50.0)), 0, 1, np.random.default_rng(1))
    pipe.evaluate(batch)
    samples_times = len(np.unique(batch.ts))
    assert samples_times - 1 <= len(runs) <= samples_times  # not the 17,280 five-second buckets of a day
    assert runs == sorted(runs)


def test_defaults_per_hazard_kind_give_its_members_their_time_scale():
    text = plant_yaml(
        """
        - {name: T, device: d, address: "hr:0", alarms: {H: 100}}
        - {name: U, device: d, address: "hr:1", alarms: {H: 100}, warning: {forecast: {window_s: 900}}}
        - {name: V, device: d, address: "hr:2", alarms: {H: 100}}
        """,
        extra="""
        warnings:
          by_kind:
            blast_furnace: {forecast: {window_s: 172800, horizon_s: 604800}, anomaly: {learn_s: 1209600}}
        hazard_sources:
          - {name: BF1, kind: blast_furnace, tags: [T, U], inherent_level: 2}
        """,
    )
    cfg = parse_config_text(text)
    t, u, v = cfg.tags
    assert cfg.forecast_of(t).window_s == 172800 and cfg.forecast_of(t).step == 600.0
    assert cfg.anomaly_of(t).learn_s == 1209600 and cfg.anomaly_of(t).step == 3600.0
    assert cfg.forecast_of(u).window_s == 900  # the tag's own setting wins
    assert cfg.forecast_of(v).window_s == 600 and not cfg.anomaly_of(v).enabled  # the plant's default
    pipe = Pipeline(cfg)
    assert [sc.window.step for sc in pipe.warnings.scales] == [5.0, 600.0, 3600.0]


def test_warning_level_follows_how_soon_and_which_limit():
    levels = np.array([[180.0, 420.0, 900.0, 1800.0]] * 4)
    eta = np.array([120.0, 120.0, 120.0, 1000.0])
    prio = np.array([3, 2, 1, 1])  # an H of priority III, an HH of II, a CO HH of I; the last far off
    assert warning_level(eta, levels, prio).tolist() == [3, 2, 1, 4]


def test_the_demo_names_the_basis_of_its_co_limits_and_their_evacuation_priority():
    from app.config import demo_config_path, load_config

    cfg = load_config(demo_config_path())
    co = [t for t in cfg.tags if t.unit == "ppm" and t.alarms is not None and t.alarms.HH == 160]
    assert len(co) >= 20
    for t in co:
        assert t.alarms.priority_of("HH") == 1, t.name
        assert "GB/T 50493" in t.alarms.basis and "practice" in t.alarms.basis


def test_scan_hold_leaves_sampled_data_unheld():
    cfg = parse_config_text(SLOW)
    hold = ScanHold(cfg)
    t = T0 + np.arange(4) * EVERY
    out = hold.fill(SampleBatch.build(np.zeros(4, np.int32), t, np.arange(4.0), Quality.GOOD))
    assert out.ts.tolist() == t.tolist()  # 5-minute samples stay as they are
    # stored-on-change history (gaps within max_interval_s) is still held at the scan rate
    held = ScanHold(cfg).fill(
        SampleBatch.build(np.zeros(2, np.int32), np.array([T0, T0 + 30.0]), [1.0, 2.0], Quality.GOOD)
    )
    assert len(held) == 31


def test_replay_reports_its_progress(tmp_path):
    cfg = parse_config_text(SLOW)
    path = tmp_path / "in.csv"
    rows = [f"{iso_ms(int((T0 + k * EVERY) * 1000))},HEARTH,{80 + k % 7}" for k in range(12_000)]
    path.write_text("time,tag,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    seen = []
    result = replay(cfg, path, progress=lambda share, n, ts: seen.append((share, n, ts)))
    assert result.samples == 12_000 and len(seen) == 3
    assert [s[0] for s in seen] == sorted(s[0] for s in seen) and seen[-1][0] == 1.0
    assert seen[-1][1] == 12_000 and seen[-1][2] == T0 + 11_999 * EVERY


def test_engine_teaches_its_slow_scales_from_the_rollups_at_start(tmp_path):
    """Weeks of history: the day-scale forecast and the week-scale anomaly baseline are learned at
    start-up from the per-minute rollups, not from the last half hour of raw samples."""
    import time

    from app.runtime.engine import Engine
    from storage.history import History

    cfg = parse_config_text(SLOW)
    hist = History(f"sqlite:///{tmp_path / 'h.db'}", cfg.tags)
    now = time.time()
    rng = np.random.default_rng(4)
    start = now - 9 * DAY
    batch = days_of(lambda d: (np.full(len(d), 80.0), np.full(len(d), 50.0)), 0, 9, rng)
    batch = SampleBatch(batch.tag, batch.ts - T0 + start, batch.value, batch.quality)
    hist.write_now(batch)
    engine = Engine(cfg, hist)
    engine._warm_up()
    slow = engine.pipeline.warnings.scales[1]
    assert slow.forecast.seen[0] >= 2 * DAY * 0.9  # two forecast windows of 10-minute buckets
    assert slow.anomaly.seen_s[0].max() >= 7 * DAY * 0.9  # its week of learning
    assert (
        engine.pipeline.warnings.status(0) == "watching" and engine.pipeline.warnings.status(1) == "watching"
    )
    assert engine.alarms.standing(now) == []
    hist.stop()


def test_a_baseline_per_process_phase_keyed_by_any_plant_state():
    """A converter's charging / blowing / tapping / idle (PHASE 0-3) each have their normal: a
    value normal while blowing is an anomaly while tapping."""
    cfg = parse_config_text(
        plant_yaml(
            """
            - {name: PHASE, device: d, address: "hr:0", range: [0, 3]}
            - {name: X, unit: °C, device: d, address: "hr:1", range: [0, 200],
               warning: {anomaly: {learn_s: 600, mode: PHASE, modes: 4}}}
            """
        )
    )
    normal = {0: 10.0, 1: 50.0, 2: 90.0, 3: 30.0}
    rng = np.random.default_rng(2)
    pipe = Pipeline(cfg)
    t = T0
    out = []

    def run(phase: int, seconds: int, value: float | None = None) -> list:
        nonlocal t
        got = []
        for _ in range(seconds):
            x = (normal[phase] if value is None else value) + rng.normal(0, 0.5)
            got += pipe.evaluate(SampleBatch.build([0, 1], t, [float(phase), x], Quality.GOOD)).alarms
            t += 1.0
        return got

    for _ in range(2):  # two rounds of every phase: each baseline learns its 10 minutes
        for phase in (0, 1, 2, 3):
            out += run(phase, 660)
    assert not [a for a in out if a.kind == "ANOMALY" and a.active]
    a = pipe.warnings.anomaly
    assert (a.seen_s[0] >= 600).all() and a.mu[0] == pytest.approx([10, 50, 90, 30], abs=1.0)
    raised = [x for x in run(2, 120, value=50.0) if x.kind == "ANOMALY" and x.active]
    assert raised and "stepped -40" in str(raised[0].message)  # blowing's normal, while tapping
