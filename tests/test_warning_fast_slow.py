"""A fast and a slow anomaly on one tag: a gas detector's baseline of minutes catches a step or a
flat line, its baseline of an hour on 1-minute buckets a zero creeping a few ppm an hour that
the fast one follows; the tag's one ANOMALY warning stands while either holds it."""

from __future__ import annotations

import numpy as np
import pytest

from app.config import ConfigError, demo_config_path, load_config, parse_config_text
from app.evaluation.pipeline import Pipeline
from core.alarm_types import Kind
from core.samples import Quality, SampleBatch
from core.schema.tags import AnomalySettings
from demo.plant_physics import PlantPhysics
from demo.scenarios import T0, WARMUP_S, samples
from tests.helpers import plant_yaml

SLOW = "{learn_s: 1800, step_s: 60}"
CO = plant_yaml(
    f"""
    - {{name: CO, unit: ppm, device: d, address: "hr:0", range: [0, 1000], alarms: {{H: 24, HH: 160}},
       warning: {{anomaly: {{learn_s: 1800, slow: {SLOW}}}}}}}
    """
)


def co(t: np.ndarray, rng, drift_from: float = np.inf, ppm_h: float = 6.0) -> SampleBatch:
    """A CO detector in clean air read every second (about 2 ppm, noise 0.4 ppm), its zero
    drifting `ppm_h` an hour from `drift_from`."""
    v = 2.0 + rng.normal(0, 0.4, len(t)) + np.maximum(t - drift_from, 0.0) * ppm_h / 3600.0
    return SampleBatch.build(np.zeros(len(t), np.int32), t, v, Quality.GOOD)


def anomalies(cfg, seconds: float, drift_from: float) -> tuple[Pipeline, list]:
    pipe, rng, out = Pipeline(cfg), np.random.default_rng(5), []
    for a in np.arange(0.0, seconds, 300.0):
        t = T0 + np.arange(a, a + 300.0)
        out += [x for x in pipe.evaluate(co(t, rng, T0 + drift_from)).alarms if x.kind == Kind.ANOMALY]
    return pipe, out


def test_the_slow_anomaly_runs_beside_the_fast_one_on_its_own_scale():
    pipe = Pipeline(parse_config_text(CO))
    by_step = {sc.window.step: sc.anomaly.tags.tolist() for sc in pipe.warnings.scales}
    assert by_step == {5.0: [0], 60.0: [0]}
    assert pipe.warnings.scales[1].anomaly.learn_s.tolist() == [1800.0]


@pytest.mark.slow
def test_a_creeping_zero_is_seen_by_the_slow_baseline_the_fast_one_follows():
    drift = 2400.0  # after a 40-minute warm-up
    _, fast_only = anomalies(parse_config_text(CO.replace(f", slow: {SLOW}", "")), drift + 5400.0, drift)
    assert not [a for a in fast_only if a.active]  # the 10-minute baseline follows 6 ppm/h
    pipe, both = anomalies(parse_config_text(CO), drift + 5400.0, drift)
    up = [a for a in both if a.active]
    assert up and up[0].ts - (T0 + drift) <= 5400.0, [a.ts - T0 - drift for a in up]
    assert "drifted" in str(up[0].message)
    slow = pipe.warnings.scales[1].name
    assert pipe.warnings.holders == {"CO:ANOMALY": {slow}}  # the slow scale holds it


def test_one_warning_stands_while_either_scale_holds_it():
    pipe = Pipeline(parse_config_text(CO))
    eng = pipe.warnings
    key = "CO:ANOMALY"

    def cond(active: bool):
        from core.alarm_types import Condition

        return Condition(key, "CO", Kind.ANOMALY, active, 3, T0, "", 0)

    assert [c.active for c in eng._merge([cond(True)], "")] == [True]
    assert [c.active for c in eng._merge([cond(True)], "slow")] == [True]  # a no-op to the alarm
    assert eng._merge([cond(False)], "") == []  # the slow one still holds it
    assert [c.active for c in eng._merge([cond(False)], "slow")] == [False]
    assert eng.holders == {}


@pytest.mark.parametrize(
    ("slow", "words"),
    [
        ("{learn_s: 600}", "must be wider"),
        ("{learn_s: 7200, step_s: 60, slow: {learn_s: 864000}}", "no slow anomaly of its own"),
    ],
)
def test_a_slow_anomaly_that_is_not_slower_is_refused(slow, words):
    with pytest.raises(ConfigError) as err:
        parse_config_text(CO.replace(SLOW, slow))
    assert "tags[0].warning.anomaly" in str(err.value) and words in str(err.value)


@pytest.mark.slow
def test_the_demo_detector_drift_is_seen_with_a_slow_anomaly():
    """The demo plant with the slow anomaly its CO detectors need (its `warnings.anomaly` given
    `slow: {learn_s: 1800, step_s: 60}`): the drifting detector warns within ninety minutes."""
    cfg = load_config(demo_config_path())
    anomaly = cfg.warnings.anomaly.model_copy(update={"slow": AnomalySettings(learn_s=1800, step_s=60)})
    cfg = cfg.model_copy(update={"warnings": cfg.warnings.model_copy(update={"anomaly": anomaly})})
    p, pipe = PlantPhysics(cfg, seed=1), Pipeline(cfg)
    for batch in samples(p, WARMUP_S):
        pipe.evaluate(batch)
    p.inject("detector_drift")
    onset, name = p.t, p.faulty_detector()
    seen = []
    for batch in samples(p, 5400.0):
        seen += [a.ts - T0 - onset for a in pipe.evaluate(batch).alarms if a.active and a.source == name]
    assert seen and seen[0] <= 5400.0
