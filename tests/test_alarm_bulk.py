"""A pass that fires many level alarms builds their records in bulk; fewer go one by one. Both
ways must hand out the same records and leave the same states: the same random walks through
two engines, one always in bulk and one never, with latches, first-out bursts on hazard sources,
on/off (STATE) alarms and operator actions (one-shot shelves, out of service, suppression,
acknowledgement) on the way."""

from __future__ import annotations

import numpy as np
import pytest

import app.alarms.engine as engine_module
from app.alarms.engine import AlarmEngine
from core.samples import Quality, SampleBatch
from tests import helpers

N, STEPS = 24, 300


def plant():
    tags = []
    for i in range(N):
        if i % 6 == 5:
            tags.append(f'{{name: T{i}, device: d, address: "co:{i}", type: bool, alarms: {{state: true}}}}')
            continue
        latch = ", latch: true" if i % 4 == 1 else ""
        alarms = f"{{HH: 90, H: 80, L: 20, LL: 10, deadband: 1.5, on_delay_s: {i % 3}{latch}}}"
        tags.append(f'{{name: T{i}, device: d, address: "hr:{i}", unit: kPa, alarms: {alarms}}}')
    hazards = "\n".join(
        f"  - {{name: H{h}, kind: gas_holder, tags: [{', '.join(f'T{i}' for i in range(h, N, 3))}]}}"
        for h in range(2)
    )
    return helpers.plant(tags, extra=f"hazard_sources:\n{hazards}\n")


def walk(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = 50 + np.cumsum(rng.normal(0, 9, (STEPS, N)), axis=0)
    x = 50 + 48 * np.tanh((x - 50) / 48)  # swings across every limit
    on_off = [i for i in range(N) if i % 6 == 5]
    x[:, on_off] = (x[:, on_off] > 50).astype(float)
    return x


def act(eng: AlarmEngine, k: int, ts: float) -> list:
    """The same operator actions, by step, on either engine."""
    names = eng.names
    if k % 37 == 11:
        return eng.actions.shelve(
            [f"{names[(k // 3) % N]}:H", f"{names[(k // 5) % N]}:L"], ts, None, "op", "work order"
        )
    if k % 53 == 20:
        return eng.actions.set_out_of_service([f"{names[k % N]}:HH"], k % 2 == 0, ts, "op", "maintenance")
    if k % 41 == 30:
        return eng.actions.suppress([f"{names[(k + 1) % N]}:LL"], k % 3 != 0, ts, "sup", "known fault")
    if k % 29 == 0:
        return eng.actions.acknowledge(None, ts, "op")
    return []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bulk_records_are_the_records_one_by_one(monkeypatch, seed):
    cfg, values = plant(), walk(seed)
    tags = np.arange(N, dtype=np.int32)
    outs = []
    for bulk in (1, 10**9):
        monkeypatch.setattr(engine_module, "BULK_FIRES", bulk)
        eng = AlarmEngine(cfg)
        out = []
        for k in range(STEPS):
            ts = 1000.0 + k
            out.append(eng.evaluate(SampleBatch.build(tags, ts, values[k], Quality.GOOD)))
            out.append(act(eng, k, ts + 0.5))
        outs.append((out, eng))
    (bulk_out, bulk_eng), (one_out, one_eng) = outs
    assert sum(len(o) for o in one_out) > 200  # the walks raise and clear plenty
    assert bulk_out == one_out
    for name in (*bulk_eng.block.ARRAYS, "state", "band_hi", "band_lo"):
        np.testing.assert_array_equal(
            getattr(bulk_eng.block, name), getattr(one_eng.block, name), err_msg=name
        )
    assert bulk_eng.last_activation == one_eng.last_activation
    assert [lv.shelve_reason for lv in bulk_eng.levels.values()] == [
        lv.shelve_reason for lv in one_eng.levels.values()
    ]
