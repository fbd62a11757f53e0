"""Whether every level alarm of a plant has a cell (what its records keep from configuration): a
flood's records then skip looking; a configured message or an on/off alarm has none, and both
kinds of plant hand out in bulk the records of one by one."""

from __future__ import annotations

import numpy as np
import pytest

import app.alarms.engine as engine_module
from app.alarms.engine import AlarmEngine
from core.samples import Quality, SampleBatch
from tests import helpers

LIMITS = "HH: 90, H: 80, L: 20, LL: 10, deadband: 0.5"


def plant(extra: str = "") -> list[str]:
    tags = [
        f'{{name: T{i}, device: d, address: "hr:{i}", unit: kPa, alarms: {{{LIMITS}}}}}' for i in range(8)
    ]
    return [*tags, extra] if extra else tags


MESSAGE = f'{{name: M, device: d, address: "hr:9", alarms: {{{LIMITS}, message: "call the shift leader"}}}}'
ON_OFF = '{name: S, device: d, address: "co:9", type: bool, alarms: {state: true}}'


@pytest.mark.parametrize(("extra", "all_cells"), [("", True), (MESSAGE, False), (ON_OFF, False)])
def test_a_plant_knows_whether_every_level_alarm_has_a_cell(monkeypatch, extra, all_cells):
    cfg = helpers.plant(plant(extra))
    assert AlarmEngine(cfg).recorder.all_cells is all_cells
    rng = np.random.default_rng(5)
    rows = 50 + np.cumsum(rng.normal(0, 15, (40, len(cfg.tags))), axis=0)
    rows[:, len(cfg.tags) - 1] = np.where(rows[:, -1] > 50, 1.0, 0.0) if extra == ON_OFF else rows[:, -1]
    tags = np.arange(len(cfg.tags), dtype=np.int32)
    outs = []
    for bulk in (2, 10**9):
        monkeypatch.setattr(engine_module, "BULK_FIRES", bulk)
        eng = AlarmEngine(cfg)
        outs.append(
            [eng.evaluate(SampleBatch.build(tags, 1000.0 + k, v, Quality.GOOD)) for k, v in enumerate(rows)]
        )
    assert outs[0] == outs[1] and sum(map(len, outs[0])) > 20
