"""A flood (many level alarms flipping in one scan) goes through the bulk path: the same records,
texts and states as one by one; the clearing edge of the vectorised pass is exactly the deadband;
alarms taken off the list stay off it in a flood."""

from __future__ import annotations

import numpy as np
import pytest

import app.alarms.engine as engine_module
from app.alarms.engine import AlarmEngine
from core.samples import Quality, SampleBatch
from tests import helpers

N = 40


def plant():
    tags = []
    for i in range(N):
        if i % 10 == 9:  # an on/off alarm: no text after the value, the slow text path in bulk
            tags.append(f'{{name: S{i}, device: d, address: "co:{i}", type: bool, alarms: {{state: true}}}}')
            continue
        unit = ", unit: kPa" if i % 3 else ""
        desc = f", description: Holder {i} pressure" if i % 4 == 1 else ""
        msg = ', message: "call the shift leader"' if i == 7 else ""
        alarms = f"{{HH: 90, H: 80, L: 20.5, LL: 10, deadband: 0.1{msg}}}"
        tags.append(f'{{name: T{i}, device: d, address: "hr:{i}"{unit}{desc}, alarms: {alarms}}}')
    hazards = "hazard_sources:\n  - {name: H0, kind: gas_holder, tags: [T1, T2, T3]}\n"
    return helpers.plant(tags, extra=hazards)


def scans(eng: AlarmEngine, rows: list[np.ndarray], t0: float = 1000.0) -> list:
    tags = np.arange(len(eng.names), dtype=np.int32)
    return [eng.evaluate(SampleBatch.build(tags, t0 + k, v, Quality.GOOD)) for k, v in enumerate(rows)]


def flood_values() -> list[np.ndarray]:
    on_off = np.arange(N) % 10 == 9
    quiet = np.where(on_off, 0.0, 50.0)
    high = np.where(on_off, 1.0, 95.0)  # every limit alarm above HH and H, every on/off alarm on
    low = np.where(on_off, 0.0, 5.0)  # below LL and L, every on/off alarm off
    return [quiet, high, high, low, quiet, np.where(on_off, 1.0, 85.0), quiet]


def test_a_flood_hands_out_the_records_of_one_by_one(monkeypatch):
    outs = []
    for bulk in (2, 10**9):
        monkeypatch.setattr(engine_module, "BULK_FIRES", bulk)
        eng = AlarmEngine(plant())
        outs.append((scans(eng, flood_values()), eng))
    (bulk_out, bulk_eng), (one_out, one_eng) = outs
    assert bulk_out == one_out
    assert sum(len(o) for o in bulk_out) > 150
    for name in (*bulk_eng.block.ARRAYS, "state", "band_hi", "band_lo"):
        np.testing.assert_array_equal(
            getattr(bulk_eng.block, name), getattr(one_eng.block, name), err_msg=name
        )
    # the texts made at configuration are the texts of one alarm
    texts = bulk_eng.texts
    for a in (a for o in bulk_out for a in o):
        assert a.message == texts.text(a.kind, a.tag, a.value, bulk_eng.levels[a.kind].limit[a.tag])
    by_key = {}  # the first record of each alarm
    for a in (a for o in bulk_out for a in o):
        by_key.setdefault(a.key, a)
    assert by_key["T7:H"].message == "call the shift leader"
    assert by_key["T1:HH"].message == "Holder 1 pressure HH 95 kPa > 90 kPa"
    assert by_key["T4:L"].message == "T4 L 5 kPa < 20.5 kPa" and by_key["T6:LL"].message == "T6 LL 5 < 10"
    assert by_key["S9:STATE"].limit is None and by_key["T3:L"].limit == 20.5
    assert [a.key for a in bulk_out[1][:3]] == ["T0:HH", "T0:H", "T1:HH"]  # row by row, kinds in order


@pytest.mark.parametrize("bulk", [2, 10**9])
def test_the_clearing_edge_is_exactly_the_deadband(monkeypatch, bulk):
    """An alarm clears when sign * (value - threshold) < -deadband, to the last bit, in bulk or not,
    once its value is beyond the quiet band (the same rule as before the pass was vectorised)."""
    monkeypatch.setattr(engine_module, "BULK_FIRES", bulk)
    eng = AlarmEngine(plant())
    limit_tags = [i for i in range(N) if i % 10 != 9]
    h_edge, l_edge = 80.0 - 0.1, 20.5 + 0.1  # as the engine computes them: (x - 80) < -0.1 clears
    for edge, raised, sign, thr, kind in ((h_edge, 85.0, 1, 80.0, "H"), (l_edge, 15.0, -1, 20.5, "L")):
        probes = [np.nextafter(edge, -np.inf * sign), edge, np.nextafter(edge, np.inf * sign)]
        probes += [np.nextafter(p, np.inf * sign) for p in probes] + [thr - sign * 0.1]
        for p in probes:
            v = np.full(N, 50.0)
            v[limit_tags] = raised
            scans(eng, [v], 5000.0)
            v[limit_tags] = p
            out = scans(eng, [v], 5001.0)[0]
            cleared = {a.tag for a in out if a.kind == kind and not a.active}
            # looked at only beyond the quiet band's edge (the float next to threshold -/+ deadband)
            looked_at = (
                p <= np.nextafter(thr - 0.1, -np.inf) if sign > 0 else p >= np.nextafter(thr + 0.1, np.inf)
            )
            expect = looked_at and sign * (p - thr) < -0.1
            assert cleared == (set(limit_tags) if expect else set()), (kind, p)
            scans(eng, [np.full(N, 50.0)], 5002.0)


def test_alarms_off_the_list_stay_off_it_in_a_flood():
    eng = AlarmEngine(plant())
    assert not eng.off_list
    scans(eng, [np.full(N, 50.0)], 100.0)
    eng.actions.shelve(["T2:H"], 100.5, None, "op", "work order 4")  # one-shot
    eng.actions.set_out_of_service(["T4:H"], True, 100.5, "op", "maintenance")
    assert eng.off_list
    high = np.where(np.arange(N) % 10 == 9, 0.0, 85.0)
    raised = scans(eng, [high], 101.0)[0]
    keys = {a.key for a in raised}
    assert "T0:H" in keys and "T2:H" not in keys and "T4:H" not in keys
    assert eng.levels["H"].active[2] and eng.levels["H"].shelved_until[2] == np.inf
    cleared = scans(eng, [np.full(N, 50.0)], 102.0)[0]
    assert "T2:H" in {a.key for a in cleared}  # the one-shot shelve ended as it cleared
    assert eng.levels["H"].shelved_until[2] == 0.0 and 2 not in eng.levels["H"].shelve_reason
    assert "T4:H" not in {a.key for a in cleared}


def test_bad_is_the_lowest_quality():
    """The engine proves a batch all good with one minimum over its qualities."""
    assert min(Quality) == Quality.BAD
    eng = AlarmEngine(plant())
    v = np.full(N, 95.0)
    q = np.full(N, int(Quality.UNCERTAIN), dtype=np.uint8)
    q[0] = Quality.BAD
    tags = np.arange(N, dtype=np.int32)
    out = eng.evaluate(SampleBatch(tags, np.full(N, 10.0), v, q))
    assert "T0:H" not in {a.key for a in out} and "T1:H" in {a.key for a in out}
    assert np.isnan(eng.latest[0]) and eng.latest[1] == 95.0
