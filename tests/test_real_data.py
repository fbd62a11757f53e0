"""The real-data benchmark's inputs and figures: the shipped files are the ones the README names,
the labels parse, the plant files' limits lie outside their training envelope, a slice runs
through the pipeline end to end, and the scoring, the PCA monitor and the injections do what
their definitions say."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest

from app.evaluation.replay import replay
from bench.realdata import inject, loader, score
from bench.realdata.loader import DATA, Failure
from bench.realdata.pca import PcaMonitor
from core.samples import Quality


@pytest.fixture(scope="module")
def nab():
    return loader.load("nab_machine")


@pytest.fixture(scope="module")
def skab_other():
    return loader.load("skab_other")


def readme_table() -> dict[str, tuple[int, str]]:
    text = (DATA / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\S+\.(?:gz|json)) \| (\d+) \| ([0-9a-f]{64}) \|$", text, re.M)
    return {name: (int(n), digest) for name, n, digest in rows}


def test_the_shipped_files_are_the_ones_the_readme_names():
    table = readme_table()
    assert set(table) == {
        "nab_machine_temperature.csv.gz",
        "nab_machine_temperature_labels.json",
        "skab.csv.gz",
    }
    for name, (_, digest) in table.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name
    assert (DATA / "LICENSE-NAB.txt").read_text(encoding="utf-8").startswith("Copyright 2014-2024 Numenta")
    assert "GNU GENERAL PUBLIC LICENSE" in (DATA / "LICENSE-SKAB.txt").read_text(encoding="utf-8")
    assert sum(p.stat().st_size for p in DATA.iterdir()) < 8_000_000


def test_row_counts_and_labels_match_the_readme(nab):
    table = readme_table()
    assert len(nab.ts) + 12 == table["nab_machine_temperature.csv.gz"][0]  # an hour logged twice
    assert len(nab.failures) == table["nab_machine_temperature_labels.json"][0]
    skab = loader.read_skab()
    assert sum(len(ts) for ts, _, _ in skab.values()) == table["skab.csv.gz"][0]
    assert len(skab) == 35 and all(v.shape[1] == 8 for _, v, _ in skab.values())


def test_nab_labels_parse(nab):
    assert np.all(np.diff(nab.ts) > 0) and nab.period_s == 300.0
    starts = [f.start for f in nab.failures]
    assert starts == sorted(starts)
    for f in nab.failures:
        assert nab.ts[0] < f.start < f.label < f.end < nab.ts[-1]
    (a, b), first = nab.train[0], nab.failures[0]
    assert a == nab.ts[0] and b == first.start


@pytest.mark.parametrize("name,scored,unscored", [("skab_valve", 16, 4), ("skab_other", 10, 0)])
def test_skab_labels_parse(name, scored, unscored):
    ds = loader.load(name)
    assert (len(ds.failures), len(ds.unscored)) == (scored, unscored)
    assert np.all(np.diff(ds.ts) >= 0) and ds.values.shape == (len(ds.ts), 8)
    train = ds.mask(ds.train)
    assert train.sum() > 2000
    train_end = max(b for _, b in ds.train)
    for f in ds.failures:
        assert f.start >= train_end and f.end > f.start
        assert not (train & (ds.ts >= f.start) & (ds.ts < f.end)).any()


@pytest.mark.parametrize("name", loader.NAMES)
def test_limits_lie_outside_the_training_envelope(name):
    ds = loader.load(name)
    x = ds.values[ds.mask(ds.train)]
    for k, tag in enumerate(ds.tags):
        lo, hi = np.percentile(x[:, k], [0.1, 99.9])
        a = ds.config.tags[ds.config.tag_index()[tag]].alarms
        assert all(v > hi for v in (a.H, a.HH) if v is not None), tag
        assert all(v < lo for v in (a.L, a.LL) if v is not None), tag


def test_batches_are_time_ordered_and_nan_is_bad_quality(skab_other):
    ds = skab_other.slice(float(skab_other.ts[0]), float(skab_other.ts[0]) + 100)
    values = ds.values.copy()
    values[5, 2] = np.nan
    batches = list(ds.batches(rows=30, values=values))
    ts = np.concatenate([b.ts for b in batches])
    assert len(ts) == values.size and np.all(np.diff(ts) >= 0)
    bad = np.concatenate([b.quality for b in batches]) == Quality.BAD
    assert bad.sum() == 1


def test_the_replay_csv_replays(nab, tmp_path):
    ds = nab.slice(float(nab.ts[0]), float(nab.ts[0]) + 2 * 86400)
    path = tmp_path / "nab.csv"
    assert ds.write_csv(path) == len(ds.ts)
    result = replay(ds.config, path, hold=False)  # sampled, not stored on change
    assert result.samples == len(ds.ts) and not result.unknown_tags


def test_a_slice_runs_end_to_end(skab_other):
    """The last 40 minutes of the anomaly-free run and the first experiment (sharp rotor
    imbalance) through the pipeline, the PCA monitor beside it, and the figures."""
    first = skab_other.failures[0]
    ds = skab_other.slice(first.start - 3000, first.end + 300)
    assert [f.name for f in ds.failures] == ["other/5"]
    run = score.run(ds)
    assert run.samples == ds.values.size and run.samples_per_s > 0
    out = score.evaluate(ds, run, score.pca_alarms(ds))
    ours, pca = out["ours"], out["pca"]
    assert ours["failures"] == pca["failures"] == 1
    assert ours["reached_limit"] == 1  # the vibration goes over its high limit
    assert out["normal_hours"] > 0 and ours["false_per_1000_tag_hours"] is not None
    assert ours["false_per_1000_hours"] == pytest.approx(
        ours["false_per_1000_tag_hours"] * out["tags_watched"], abs=0.1
    )
    assert len(out["per_failure"]) == 1


def test_judge_follows_the_definitions():
    f = Failure("f", 1000.0, 2000.0, ("A",), "test")
    limits = [score.Raise(1500.0, "A", "H"), score.Raise(1200.0, "B", "H")]
    # a warning on another tag, one too early, the one that counts, one after the alarm
    warns = [(1400.0, "B"), (100.0, "A"), (1300.0, "A"), (1600.0, "A")]
    v = score.judge(f, limits, warns, lookback_s=600.0)
    assert (v.limit_at, v.warned_at, v.lead_s) == (1500.0, 1300.0, 200.0)
    # never at a limit: the labelled start is the reference, a late warning is a delay
    v = score.judge(f, [], [(1250.0, "A")], lookback_s=600.0)
    assert (v.limit_at, v.lead_s) == (None, -250.0)
    # the PCA monitor has no tags: its alarm counts for every failure
    assert score.judge(f, limits, [(1450.0, "")], 600.0).lead_s == 50.0
    s = score.summary([score.judge(f, limits, warns, 600.0)], 2, 1000.0)
    assert s["warned_before_limit"] == 1 and s["median_lead_h"] == round(200 / 3600, 3)
    assert s["false_per_1000_tag_hours"] == 2.0


def test_a_group_warning_counts_for_each_of_its_tags():
    ds = loader.load("skab_valve")
    group = ds.config.warnings.multivariate[0]
    got = score.covered(
        ds, [score.Raise(5.0, group.name, "ANOMALY"), score.Raise(6.0, "LOOP.FLOW", "ANOMALY")]
    )
    assert got[:-1] == [(5.0, t) for t in group.tags] and got[-1] == (6.0, "LOOP.FLOW")
    assert len(group.tags) == len(ds.tags)  # the pump loop watched as one


def test_raises_count_only_going_active():
    from core.alarm_types import Alarm

    def a(ts, active):
        return Alarm("X:H", "X", 0, "H", 3, active, False, ts, ts, 1.0, 2.0, "")

    got = score.raises([a(1.0, True), a(2.0, True), a(3.0, False), a(4.0, True)])
    assert [r.ts for r in got] == [1.0, 4.0]


def test_warnings_are_up_from_their_raise_to_their_clear():
    from core.alarm_types import Alarm

    def a(key, kind, ts, active):
        return Alarm(key, "X", 0, kind, 3, active, False, ts, ts, 1.0, 2.0, "")

    events = [
        a("X:FORECAST", "FORECAST", 1.0, True),
        a("X:H", "H", 2.0, True),  # a limit alarm is no warning
        a("X:FORECAST", "FORECAST", 3.0, True),  # a new estimate of the same warning
        a("X:FORECAST", "FORECAST", 5.0, False),
        a("X:ANOMALY", "ANOMALY", 8.0, True),  # still up at the end
    ]
    assert score.spans_up(events, score.WARNING_KINDS, 10.0) == [(1.0, 5.0), (8.0, 10.0)]


def test_far_and_mar_count_rows_as_skab_does(skab_other):
    """FAR: the share of labelled-normal rows flagged; MAR: of labelled-anomalous rows not
    flagged; after the learning time, no look-back or settling taken off."""
    ds = skab_other
    n = len(ds.ts)
    assert score.far_mar(ds, np.ones(n, bool))["far_pct"] == 100.0
    none = score.far_mar(ds, np.zeros(n, bool))
    assert none["far_pct"] == 0.0 and none["mar_pct"] == 100.0
    f = ds.failures[0]
    inside = score.flagged_rows(ds, [(f.start, f.end)])
    got = score.far_mar(ds, inside)
    assert got["far_pct"] == 0.0 and 0.0 < got["mar_pct"] < 100.0
    assert got["anomalous_rows"] == sum(
        int(((ds.ts >= g.start) & (ds.ts < g.end)).sum()) for g in ds.failures
    )
    just_before = score.flagged_rows(ds, [(f.start - 60, f.start)])  # inside the look-back: still normal rows
    assert score.far_mar(ds, just_before)["far_pct"] > 0.0


def test_pca_flags_rows_of_its_confirmed_runs():
    rng = np.random.default_rng(2)
    base = rng.normal(size=(2000, 1))
    m = PcaMonitor(confirm=3).fit(np.hstack([base, base]) + rng.normal(scale=0.05, size=(2000, 2)))
    x = np.zeros((15, 2))
    x[2:6, 1] = x[10:12, 1] = 3.0  # off the relation: rows 2-5 (four) and 10-11 (two, not confirmed)
    assert np.flatnonzero(m.flagged(x)).tolist() == [4, 5]


def test_pca_monitor_sees_a_broken_correlation():
    rng = np.random.default_rng(1)
    base = rng.normal(size=(4000, 1))
    x = np.hstack([base, 2 * base, -base]) + rng.normal(scale=0.05, size=(4000, 3))
    m = PcaMonitor().fit(x[:3000])
    assert m.k == 1 and m.t2_limit > 0 and m.q_limit > 0
    test = x[3000:].copy()
    test[500:600, 1] = -2 * test[500:600, 0]  # the second sensor now runs against the first
    ts = np.arange(len(test), dtype=float)
    alarms = m.alarms(ts, test)
    assert np.any((alarms >= 500) & (alarms < 510))
    assert np.sum(alarms < 500) <= 2  # rare on normal rows (0.1 % over, three in a row)


def test_pca_lag_embedding_rows_are_the_last_samples():
    m = PcaMonitor(lags=3)
    f = m.features(np.arange(5.0)[:, None])
    assert f.tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 2], [1, 2, 3], [2, 3, 4]]


def test_injections_are_seeded_apart_and_in_normal_time(nab):
    after = float(nab.ts[0]) + score.learn_s(nab)
    kinds = inject.INCIDENTS + inject.SENSOR_FAULTS
    plan = inject.plan(nab, kinds, 2, seed=3, after=after)
    assert plan == inject.plan(nab, kinds, 2, seed=3, after=after)
    assert plan != inject.plan(nab, kinds, 2, seed=4, after=after)
    assert len(plan) >= 10
    spans = sorted((j.start - nab.lookback_s, j.end + nab.settle_s) for j in plan)
    assert all(b <= c for (_, b), (c, _) in zip(spans, spans[1:], strict=False))
    for j in plan:
        assert j.start >= after and j.gap > 0 and nab.lookback_s <= j.start - nab.ts[0]
        assert score.in_normal(nab, np.array([j.start - nab.lookback_s, j.end + nab.settle_s])).all()


def test_injected_shapes(nab):
    t0 = float(nab.ts[3000])
    d = 6 * 3600.0

    def one(kind, params=()):
        j = inject.Injection(kind, "MACHINE.TEMP", t0, d, 1, 80.0, 20.0, params)
        return j, inject.apply(nab, [j])[:, 0] - nab.values[:, 0]

    at_d = int(np.searchsorted(nab.ts, t0 + d))
    for kind, params in (("ramp", ()), ("runaway", (d / 3,)), ("step_creep", (0.4,))):
        _, added = one(kind, params)
        assert added[at_d] == pytest.approx(20.0) and added[2999] == 0.0
    _, added = one("step_creep", (0.4,))
    assert added[3000] == pytest.approx(8.0)
    j, _ = one("stuck")
    v = inject.apply(nab, [j])[:, 0]
    rows = (nab.ts >= j.start) & (nab.ts < j.end)
    assert np.all(v[rows] == nab.values[3000, 0])
    j, _ = one("dropout", (0.5,))
    v = inject.apply(nab, [j])[:, 0]
    assert np.isnan(v).sum() == int(np.sum(rows & (nab.ts < t0 + 0.5 * d)))
    _, added = one("drift")
    assert added[rows].max() <= 0.6 * 20.0 + 1e-9


@pytest.mark.slow
def test_the_benchmark_prints_one_json_object(capsys):
    import json

    from bench import real_data

    real_data.main(["--only", "skab_other", "--per-kind", "1"])
    out = json.loads(capsys.readouterr().out)
    (row,) = out["table"]
    assert row["data_set"] == "skab_other" and row["failures"] == 10
    r = out["data_sets"]["skab_other"]
    assert r["real"]["ours"]["failures"] == r["real"]["pca"]["failures"] == 10
    for part in ("injected_incidents", "injected_sensor_faults"):
        assert r[part]["injected"] >= 1 and r[part]["per_kind"]
