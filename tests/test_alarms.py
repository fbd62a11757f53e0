"""Alarm engine: every transition of the limit/state alarms, with deadband and delays."""

from __future__ import annotations

import pytest

from app.alarms.engine import AlarmEngine
from app.config import parse_config_text
from core.samples import Quality, SampleBatch
from tests.helpers import plant_yaml

CFG = plant_yaml(
    """
    - {name: P, device: d, address: "hr:0", type: float32, unit: kPa,
       alarms: {HH: 250, H: 230, L: 20, LL: 10, deadband: 2, priority: {HH: 1}}}
    - {name: T, device: d, address: "hr:2", type: float32, alarms: {H: 100, on_delay_s: 3, off_delay_s: 2}}
    - {name: IL, device: d, address: "hr:4.0", type: bool, alarms: {state: false, message: Interlock bypassed}}
    - {name: FREE, device: d, address: "hr:5"}
    """,
)


@pytest.fixture
def eng():
    return AlarmEngine(parse_config_text(CFG))


def feed(eng, tag, values, t0=0.0, dt=1.0, quality=Quality.GOOD):
    out = []
    for k, v in enumerate(values):
        out += eng.evaluate(SampleBatch.build([tag], t0 + k * dt, [v], quality))
    return out


def states(alarms):
    return [(a.key, a.state) for a in alarms]


def test_high_limits_with_deadband(eng):
    out = feed(eng, 0, [100, 231, 240, 251, 249, 248.5, 247.9, 229, 227.9])
    assert states(out) == [
        ("P:H", "UNACK"),
        ("P:HH", "UNACK"),
        ("P:HH", "RTN_UNACK"),
        ("P:H", "RTN_UNACK"),
    ]
    assert out[1].priority == 1 and out[0].priority == 3
    assert out[1].message == "P HH 251 kPa > 250 kPa"


def test_low_limits(eng):
    out = feed(eng, 0, [50, 19, 9, 11, 12.5, 22.5])
    assert states(out) == [("P:L", "UNACK"), ("P:LL", "UNACK"), ("P:LL", "RTN_UNACK"), ("P:L", "RTN_UNACK")]


def test_ack_while_active_then_clear_is_normal(eng):
    feed(eng, 0, [240])
    acked = eng.actions.acknowledge(["P:H"], ts=5, user="op", comment="seen")
    assert states(acked) == [("P:H", "ACKED")] and acked[0].user == "op"
    out = feed(eng, 0, [200], t0=6)
    assert states(out) == [("P:H", "NORMAL")]
    assert eng.standing() == []


def test_ack_after_return_removes(eng):
    feed(eng, 0, [240, 200])
    assert states(eng.standing()) == [("P:H", "RTN_UNACK")]
    assert states(eng.actions.acknowledge(None, ts=3)) == [("P:H", "NORMAL")]
    assert eng.actions.acknowledge(None, ts=4) == []


def test_on_delay_and_off_delay(eng):
    out = feed(eng, 1, [101, 102, 103])  # t = 0, 1, 2: not yet 3 s
    assert out == []
    out = feed(eng, 1, [104], t0=3)
    assert states(out) == [("T:H", "UNACK")]
    # a dip below the limit restarts the on-delay
    eng2 = AlarmEngine(parse_config_text(CFG))
    assert feed(eng2, 1, [101, 99, 101, 102, 103], dt=1) == []
    # off-delay: clear only after 2 s below
    out = feed(eng, 1, [90, 90], t0=4)
    assert out == []
    out = feed(eng, 1, [90], t0=6)
    assert states(out) == [("T:H", "RTN_UNACK")]


def test_discrete_state_alarm(eng):
    out = feed(eng, 2, [1, 0, 0, 1])
    assert states(out) == [("IL:STATE", "UNACK"), ("IL:STATE", "RTN_UNACK")]
    assert out[0].message == "Interlock bypassed" and out[0].limit is None


def test_bad_quality_holds_state(eng):
    feed(eng, 0, [240])
    assert feed(eng, 0, [float("nan"), 0.0], t0=1, quality=Quality.BAD) == []
    assert states(eng.standing()) == [("P:H", "UNACK")]


def test_several_samples_of_one_tag_in_one_batch_keep_order(eng):
    b = SampleBatch.build([0, 0, 0, 3], [0, 1, 2, 2], [240, 200, 240, 5], Quality.GOOD)
    assert states(eng.evaluate(b)) == [("P:H", "UNACK"), ("P:H", "RTN_UNACK"), ("P:H", "UNACK")]


def test_comm_alarm(eng):
    a = eng.set_comm("d", True, 1.0, "timeout")
    assert a.state == "UNACK" and "timeout" in a.message
    assert eng.set_comm("d", True, 2.0) is None
    b = eng.set_comm("d", False, 3.0)
    assert b.state == "RTN_UNACK"
    assert states(eng.actions.acknowledge(["d:COMM"], 4.0)) == [("d:COMM", "NORMAL")]
    assert eng.standing() == []
