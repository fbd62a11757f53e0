"""The forecast computes the robust trend only of the tags that can have a forecast (under one, or
out of their normal band in either look): the warnings are the same, to the message, as when it
computes every tag's, on the live scale and on a slow one (whose levelling and look-agreement
tests read the other look's verdicts)."""

from __future__ import annotations

import numpy as np
import pytest

from app.config import parse_config_text
from app.evaluation.pipeline import Pipeline
from app.warning.forecast import ForecastDetector
from core.samples import Quality, SampleBatch
from tests.helpers import plant_yaml

T0 = 1_700_000_000.0
N = 40


def config(slow: bool):
    tags = [
        f'{{name: X{i:02d}, device: d, address: "hr:{2 * i}", range: [0, 200], '
        "alarms: {LL: 10, L: 20, H: 100, HH: 120}}"
        for i in range(N)
    ]
    extra = (
        "warnings: {forecast: {window_s: 21600, step_s: 300, horizon_s: 43200,"
        " levels_s: [3600, 10800, 21600, 43200]}}\n"
        if slow
        else ""
    )
    return parse_config_text(plant_yaml(tags, extra=extra))


def signals(steps: int, dt: float, seed: int) -> np.ndarray:
    """Values (steps x N) around 60: steady tags, ramps up and down towards the limits at several
    speeds that start at random times, some of which stop and come back (stops that settle),
    and steps; every tag with sensor noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(steps) * dt
    out = 60 + rng.normal(0, 0.6, (steps, N))
    span = t[-1]
    for i in range(N):
        kind = i % 5
        if kind == 0:
            continue  # steady
        start = rng.uniform(0.3, 0.6) * span
        rate = rng.choice([-1.0, 1.0]) * rng.uniform(20, 80) / span  # 20-80 over the whole run
        run = np.clip(t - start, 0, None)
        if kind == 3:  # a move that settles: it stops after a while and comes back
            stop = rng.uniform(0.1, 0.2) * span
            run = np.where(t - start > 2 * stop, 0.0, np.minimum(run, stop))
        if kind == 4:  # a step
            out[:, i] += np.where(t > start, rng.choice([-15.0, 15.0]), 0.0)
            continue
        out[:, i] += rate * run
    return out


def run(cfg, values: np.ndarray, dt: float, monkeypatch=None, every_tag: bool = False):
    if every_tag:
        monkeypatch.setattr(
            ForecastDetector, "_can_forecast", lambda self, looks: np.ones(len(self.tags), bool)
        )
    computed = []
    original = ForecastDetector._scale

    def counting(self, now, factor, look, rows):
        computed.append((int(np.count_nonzero(rows)), len(rows)))
        return original(self, now, factor, look, rows)

    if monkeypatch is not None:
        monkeypatch.setattr(ForecastDetector, "_scale", counting)
    pipe = Pipeline(cfg)
    tags = np.arange(N, dtype=np.int32)
    got = []
    for k, v in enumerate(values):
        for a in pipe.evaluate(SampleBatch.build(tags, T0 + k * dt, v, Quality.GOOD)).alarms:
            if a.kind == "FORECAST":
                got.append((a.key, a.active, a.ts, a.priority, str(a.message), a.eta, a.eta_err_s))
    if monkeypatch is not None:
        monkeypatch.undo()
    return got, computed


@pytest.mark.slow
@pytest.mark.parametrize(("slow", "dt", "steps"), [(False, 1.0, 4000), (True, 300.0, 2500)])
def test_the_forecasts_are_those_of_computing_every_tag(monkeypatch, slow, dt, steps):
    cfg = config(slow)
    values = signals(steps, dt, seed=5)
    screened, computed = run(cfg, values, dt, monkeypatch)
    everything, _ = run(cfg, values, dt, monkeypatch, every_tag=True)
    raised = {key for key, active, *_ in screened if active}
    cleared = {key for key, active, *_ in screened if not active}
    # the run means something: forecasts raised on many tags and cleared on some
    assert len(raised) >= 5 and cleared
    assert screened == everything
    # and the screen left most tags out most of the time
    done = sum(c for c, _ in computed)
    total = sum(n for _, n in computed)
    assert done < 0.5 * total
