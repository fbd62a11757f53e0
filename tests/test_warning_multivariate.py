"""Multivariate early warning: a PCA monitor on a declared group of tags warns when their relation
breaks while every tag is still well inside its limits, names the tags behind it, holds before
raising and clearing, follows a slow wander of its normal, and is validated with the plant
file's field."""

from __future__ import annotations

import numpy as np
import pytest

from app.config import ConfigError, load_config, parse_config_text
from app.evaluation.pipeline import Pipeline
from app.warning.multivariate import PcaModel, chi2_quantile, normal_quantile, q_limit
from core.alarm_types import Kind
from core.samples import Quality, SampleBatch
from tests.helpers import plant_yaml

T0 = 1_700_006_400.0
PUMP = plant_yaml(
    """
    - {name: P.CURRENT, unit: A, device: d, address: "hr:0", range: [0, 100], alarms: {H: 90}}
    - {name: P.FLOW, unit: m3/h, device: d, address: "hr:1", range: [0, 200], alarms: {L: 20}}
    - {name: P.PRESS, unit: bar, device: d, address: "hr:2", range: [0, 20], alarms: {H: 18}}
    """,
    extra="""
    hazard_sources:
      - {name: PUMP1, kind: other, tags: [P.CURRENT, P.FLOW, P.PRESS]}
    warnings:
      multivariate:
        - {name: PUMP1.LOOP, hazard: PUMP1, learn_s: 600, hold: 3}
    """,
)


def pump(t: np.ndarray, rng, broken_after: float = np.inf, creep: float = 0.0) -> SampleBatch:
    """Current, flow and pressure following one load (a duty swinging over six minutes, creeping
    by `creep` an hour), read every second; after `broken_after` the flow falls while the current
    and pressure carry on (a closing valve)."""
    load = 50 + 5 * np.sin((t - T0) / 60.0) + creep * (t - T0) / 3600.0
    cur = load + rng.normal(0, 0.3, len(t))
    flow = 2 * load + rng.normal(0, 0.6, len(t))
    flow = flow - np.where(t >= broken_after, 12.0, 0.0)
    press = 0.2 * load + rng.normal(0, 0.06, len(t))
    tags = np.repeat(np.arange(3, dtype=np.int32)[None, :], len(t), axis=0).ravel()
    return SampleBatch.build(tags, np.repeat(t, 3), np.c_[cur, flow, press].ravel(), Quality.GOOD)


def run(cfg, batches) -> list:
    pipe = Pipeline(cfg)
    out = []
    for b in batches:
        out += pipe.evaluate(b).alarms
    return pipe, out


def test_quantiles_and_limits_match_their_tables():
    assert normal_quantile(0.999) == pytest.approx(3.0902, abs=1e-3)
    assert chi2_quantile(0.99, 2) == pytest.approx(9.21, rel=0.02)  # table: 9.210
    assert chi2_quantile(0.999, 5) == pytest.approx(20.52, rel=0.02)  # table: 20.515
    # one residual direction of variance 1: Q is chi-squared with one degree of freedom
    assert q_limit(np.array([1.0]), 0.99) == pytest.approx(6.63, rel=0.1)


def test_the_model_sees_a_broken_relation_and_names_the_tags_behind_it():
    rng = np.random.default_rng(1)
    load = rng.normal(0, 1, 2000)
    x = np.c_[load, 2 * load, -load] + rng.normal(0, 0.05, (2000, 3))
    m = PcaModel.fit(x, np.full(3, 1e-9))
    assert m.p.shape[1] == 1  # one relation explains them
    along, off = np.array([[2.0, 4.0, -2.0]]), np.array([[0.0, 0.0, 0.6]])
    t2, q = m.statistics(np.r_[along, off])
    assert q[0] < m.q_limit and q[1] > 5 * m.q_limit  # the third left the relation
    share, stat = m.contributions(off)
    assert stat == "Q" and int(np.argmax(share[0])) == 2 and share.sum() == pytest.approx(1.0)


def test_phase_one_leaves_a_fault_in_the_learning_time_out():
    rng = np.random.default_rng(2)
    load = rng.normal(0, 1, 1000)
    x = np.c_[load, load] + rng.normal(0, 0.05, (1000, 2))
    x[500:520, 1] += 3.0  # a fault while learning
    m = PcaModel.fit(x, np.full(2, 1e-9))
    assert m.rows < 1000
    clean = PcaModel.fit(np.delete(x, np.s_[500:520], axis=0), np.full(2, 1e-9))
    assert m.q_limit < 2 * clean.q_limit


def test_a_group_warns_before_any_limit_and_clears_when_the_relation_returns():
    cfg = parse_config_text(PUMP)
    rng = np.random.default_rng(3)
    t = T0 + np.arange(0.0, 2400.0)
    broken = T0 + 1800.0
    batches = [pump(t[a : a + 60], rng, broken) for a in range(0, len(t), 60)]
    pipe, alarms = run(cfg, batches)
    group = [a for a in alarms if a.source == "PUMP1.LOOP"]
    assert group and group[0].kind == Kind.ANOMALY and group[0].active
    assert broken <= group[0].ts <= broken + 30  # three 5 s buckets and the bucket it fell in
    assert not [a for a in alarms if a.kind in (Kind.H, Kind.L)]  # flow 88 against L 20: no limit
    assert "P.FLOW" in str(group[0].message)
    ex = pipe.explain("PUMP1.LOOP:ANOMALY", float(t[-1]))
    assert ex is not None and len(ex.v) and ex.limit > 0
    assert any("principal components" in str(line) for line in ex.lines)
    # back to normal: it clears after as many quiet buckets
    t2 = T0 + np.arange(2400.0, 2700.0)
    more = [pump(t2[a : a + 60], rng) for a in range(0, len(t2), 60)]
    cleared = [a for b in more for a in pipe.evaluate(b).alarms if a.source == "PUMP1.LOOP"]
    assert cleared and not cleared[-1].active


def test_a_wandering_normal_raises_nothing():
    """The load swings by a fifth and creeps up by a tenth an hour, beyond what was learned; the
    relation holds and the model follows the wander."""
    cfg = parse_config_text(PUMP)
    rng = np.random.default_rng(4)
    t = T0 + np.arange(0.0, 3 * 3600.0)
    _, alarms = run(cfg, [pump(t[a : a + 300], rng, creep=5.0) for a in range(0, len(t), 300)])
    assert not [a for a in alarms if a.source == "PUMP1.LOOP" and a.active]


def test_group_tags_come_from_the_hazard_source_or_the_list():
    cfg = parse_config_text(PUMP)
    assert cfg.group_tags(cfg.warnings.multivariate[0]) == ["P.CURRENT", "P.FLOW", "P.PRESS"]
    pipe = Pipeline(cfg)
    assert pipe.warnings.status(1) == "learning"


@pytest.mark.parametrize(
    ("group", "where", "words"),
    [
        ("{name: G, tags: [P.CURRENT, NOPE]}", "warnings.multivariate[0].tags[1]", "unknown tag"),
        ("{name: G, hazard: NONE}", "warnings.multivariate[0].hazard", "unknown hazard source"),
        ("{name: P.FLOW, tags: [P.CURRENT, P.FLOW]}", "warnings.multivariate[0].name", "a tag"),
        ("{name: G, tags: [P.CURRENT]}", "warnings.multivariate[0]", "at least two"),
        ("{name: G}", "warnings.multivariate[0]", "needs `tags` or"),
        ("{name: G, tags: [P.CURRENT, P.FLOW], confidence: 1.5}", "confidence", "less than 1"),
    ],
)
def test_a_bad_group_is_refused_with_its_field(group, where, words):
    text = PUMP.replace("{name: PUMP1.LOOP, hazard: PUMP1, learn_s: 600, hold: 3}", group)
    with pytest.raises(ConfigError) as err:
        parse_config_text(text)
    assert where in str(err.value) and words in str(err.value)


def test_a_bad_group_in_a_file_is_reported_with_its_line(tmp_path):
    path = tmp_path / "plant.yaml"
    path.write_text(PUMP.replace("hazard: PUMP1,", "tags: [P.CURRENT, P.NONE],"), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    line = next(n for n, text in enumerate(PUMP.splitlines(), 1) if "PUMP1.LOOP" in text)
    assert f"plant.yaml:{line}" in str(err.value) and "multivariate[0].tags[1]" in str(err.value)


def test_a_slow_group_runs_on_its_own_scale():
    text = PUMP.replace("learn_s: 600, hold: 3", "learn_s: 604800")
    pipe = Pipeline(parse_config_text(text))
    slow = [sc for sc in pipe.warnings.scales if sc.multivariate.groups]
    assert [sc.window.step for sc in slow] == [600.0]
    assert sorted(slow[0].window.rows[slow[0].window.rows >= 0].tolist()) == [0, 1, 2]


def test_the_limits_are_set_on_rows_the_model_was_not_fitted_on():
    """The calibration split: a model is fitted on the first two thirds of its learning rows and
    its limits raised to what the last third shows, so the next hour's ordinary scatter (wider
    than the rows it was fitted on) stays under them; a fault in the held-back rows does not set
    them."""
    rng = np.random.default_rng(5)
    load = rng.normal(0, 1, 900)
    x = np.c_[load, load] + rng.normal(0, 0.05, (900, 2))
    x[600:, 1] += rng.normal(0, 0.1, 300)  # the last third scatters more off the relation
    fitted_only = PcaModel.fit_rows(x[:600], np.full(2, 1e-9))
    m = PcaModel.fit(x, np.full(2, 1e-9))
    assert m.rows <= 600 and m.q_limit > 2 * fitted_only.q_limit
    later = np.c_[load[:300], load[:300]] + rng.normal(0, 0.05, (300, 2))
    later[:, 1] += rng.normal(0, 0.1, 300)
    _, q = m.statistics(later)
    assert (q > m.q_limit).mean() < 0.02
    faulty = x.copy()
    faulty[700:710, 1] += 3.0  # a fault while calibrating
    assert PcaModel.fit(faulty, np.full(2, 1e-9)).q_limit < 2 * m.q_limit
