"""ISA-18.2 states and the alarm types beyond limits, tested like a protocol: every operator
and design state, and a model-based run of random event sequences against a reference."""

from __future__ import annotations

import random

import pytest

from app.alarms.engine import AlarmEngine
from app.config import ConfigError, parse_config_text
from core.samples import Quality, SampleBatch
from tests.helpers import plant, plant_yaml

CFG = plant_yaml(
    """
    - {name: P, device: d, address: "hr:0", type: float32, alarms: {H: 100, deadband: 1}}
    - {name: LATCHED, device: d, address: "hr:2", type: float32, alarms: {H: 100, latch: true}}
    - {name: REALARM, device: d, address: "hr:4", type: float32, alarms: {H: 100, realarm_s: 60}}
    - {name: FLOW, device: d, address: "hr:6", type: float32, alarms: {roc: {limit: 30, per: min}}}
    - {name: SP, device: d, address: "hr:8", type: float32}
    - {name: PV, device: d, address: "hr:10", type: float32, alarms: {deviation: {setpoint: SP, limit: 5}}}
    - {name: CO, device: d, address: "hr:12", type: float32, alarms: {stale_s: 30, bad_quality: true, H: 24}}
    - {name: BLOWING, device: d, address: "hr:14.0", type: bool}
    - {name: LANCE, device: d, address: "hr:16", type: float32, alarms: {L: 50, suppress_when: "BLOWING < 0.5"}}
    """,
    extra="""
    hazard_sources:
      - {name: Converter 1, kind: converter, tags: [P, LATCHED, LANCE]}
    """,
)


@pytest.fixture
def eng():
    return AlarmEngine(parse_config_text(CFG))


def feed(eng, name, value, ts, quality=Quality.GOOD):
    i = eng.config.tag_index()[name]
    return eng.evaluate(SampleBatch.build([i], ts, [value], quality))


def states(alarms):
    return [(a.key, a.state) for a in alarms]


def test_timed_shelve_hides_then_returns_unacknowledged(eng):
    with pytest.raises(ValueError):
        eng.actions.shelve(["P:H"], 0, 600, "op", " ")
    assert states(eng.actions.shelve(["P:H"], 0, 600, "op", "known fault, work order 17")) == [
        ("P:H", "SHELVED")
    ]
    assert feed(eng, "P", 150, 10) == []  # activation while shelved: not annunciated
    assert eng.actions.acknowledge(None, 20) == []
    out = feed(eng, "P", 150, 601)  # the shelve expires while the alarm stands
    assert states(out) == [("P:H", "UNACK")] and out[0].comment == "shelve expired"


def test_one_shot_shelve_ends_when_the_alarm_clears(eng):
    feed(eng, "P", 150, 0)
    eng.actions.shelve(["P:H"], 1, None, "op", "instrument being checked")
    assert feed(eng, "P", 150, 2) == []
    out = feed(eng, "P", 50, 3)
    assert states(out) == [("P:H", "RTN_UNACK")]  # back on the list, shelve over
    assert states(feed(eng, "P", 150, 4)) == [("P:H", "UNACK")]


def test_out_of_service_and_back(eng):
    assert states(eng.actions.set_out_of_service(["P:H"], True, 0, "eng", "transmitter replaced")) == [
        ("P:H", "OOS")
    ]
    assert feed(eng, "P", 150, 1) == []
    out = eng.actions.set_out_of_service(["P:H"], False, 2, "eng")
    assert states(out) == [("P:H", "UNACK")]


def test_suppressed_by_hand_until_lifted(eng):
    with pytest.raises(ValueError):
        eng.actions.suppress(["P:H"], True, 0, "sup", "")
    out = eng.actions.suppress(["P:H"], True, 0, "sup", "converter 1 relined")
    assert states(out) == [("P:H", "SUPPRESSED")] and (out[0].user, out[0].comment) == (
        "sup",
        "converter 1 relined",
    )
    assert feed(eng, "P", 150, 1) == []  # evaluated, not annunciated
    standing = [a for a in eng.standing(2) if a.key == "P:H"][0]
    assert (
        standing.state == "SUPPRESSED"
        and standing.active
        and (standing.user, standing.comment)
        == (
            "sup",
            "converter 1 relined",
        )
    )
    eng.actions.acknowledge(["P:H"], 2.5, "op")
    assert [a for a in eng.standing(2.6) if a.key == "P:H"][0].state == "SUPPRESSED"  # ack does not lift it
    out = eng.actions.suppress(["P:H"], False, 3, "sup")
    assert states(out) == [("P:H", "UNACK")] and out[0].comment == "suppression lifted"
    assert eng.actions.suppress(["P:H"], False, 4, "sup") == []  # already lifted: nothing to journal


def test_suppressed_by_design_while_the_converter_is_not_blowing(eng):
    feed(eng, "BLOWING", 0, 0)
    assert all(a.state == "SUPPRESSED" for a in feed(eng, "LANCE", 10, 1))
    assert [a for a in eng.standing(2) if a.key == "LANCE:L"][0].state == "SUPPRESSED"
    out = feed(eng, "BLOWING", 1, 3)  # blowing starts: the standing low flow is annunciated
    assert ("LANCE:L", "UNACK") in states(out)


def test_latched_alarm_holds_until_acknowledged(eng):
    assert states(feed(eng, "LATCHED", 150, 0)) == [("LATCHED:H", "UNACK")]
    assert states(feed(eng, "LATCHED", 50, 1)) == [("LATCHED:H", "LATCHED")]
    assert states(eng.actions.acknowledge(["LATCHED:H"], 2)) == [("LATCHED:H", "NORMAL")]


def test_standing_acknowledged_alarm_realarms(eng):
    feed(eng, "REALARM", 150, 0)
    eng.actions.acknowledge(["REALARM:H"], 10)
    assert feed(eng, "REALARM", 150, 69) == []
    out = feed(eng, "REALARM", 150, 70)
    assert states(out) == [("REALARM:H", "UNACK")] and "re-alarm" in out[0].comment


def test_rate_of_change_per_minute(eng):
    assert feed(eng, "FLOW", 100, 0) == []
    assert feed(eng, "FLOW", 100.4, 1) == []  # 24 /min
    out = feed(eng, "FLOW", 101.0, 2)  # 36 /min
    assert states(out) == [("FLOW:ROC", "UNACK")] and "/min" in out[0].message
    assert states(feed(eng, "FLOW", 101.0, 3)) == [("FLOW:ROC", "RTN_UNACK")]


def test_deviation_from_a_setpoint_tag(eng):
    feed(eng, "SP", 80, 0)
    assert feed(eng, "PV", 83, 1) == []
    assert states(feed(eng, "PV", 86, 2)) == [("PV:DEV", "UNACK")]
    feed(eng, "SP", 84, 3)
    assert states(feed(eng, "PV", 86, 4)) == [("PV:DEV", "RTN_UNACK")]


def test_frozen_value_and_bad_quality(eng):
    for t in range(30):
        assert feed(eng, "CO", 5.0, t) == []
    assert states(feed(eng, "CO", 5.0, 30)) == [("CO:STALE", "UNACK")]
    assert states(feed(eng, "CO", 5.1, 31)) == [("CO:STALE", "RTN_UNACK")]
    # bad for BAD_CONFIRM_S (1 s) before it alarms: a device that drops out turns its tags bad
    # just before its communication alarm stands for them all
    assert feed(eng, "CO", float("nan"), 32, Quality.BAD) == []
    assert states(feed(eng, "CO", float("nan"), 33, Quality.BAD)) == [("CO:BAD", "UNACK")]
    assert states(feed(eng, "CO", 5.2, 34)) == [("CO:BAD", "RTN_UNACK")]


def test_first_out_marks_the_first_alarm_of_a_burst(eng):
    a = feed(eng, "LATCHED", 150, 0)[0]
    b = feed(eng, "P", 150, 5)[0]
    c = feed(eng, "REALARM", 150, 6)[0]  # not in the hazard source
    assert a.first_out and not b.first_out and not c.first_out


@pytest.mark.parametrize(
    "expr, words",
    [
        ("NOPE < 1", "unknown tag 'NOPE'"),
        ("BLOWING <", "cannot read"),
        ("[1, 2] == [1, 2]", "not allowed"),
        ("__import__ < 1", "unknown tag '__import__'"),
    ],
)
def test_bad_suppression_expressions_are_config_errors(expr, words):
    text = CFG.replace('suppress_when: "BLOWING < 0.5"', f'suppress_when: "{expr}"')
    with pytest.raises(ConfigError) as ei:
        parse_config_text(text, "plant.yaml")
    assert any("tags[8].alarms.suppress_when" in str(i) and words in str(i) for i in ei.value.issues), (
        ei.value
    )


class Reference:
    """One alarm (limit 100, no deadband or delays) in plain Python: the specification."""

    def __init__(self):
        self.active, self.acked, self.shelved, self.oos = False, True, None, False

    def state(self, now):
        if self.shelved is not None and self.shelved <= now:
            self.shelved = None
            if self.active:
                self.acked = False
        if self.oos:
            return "OOS"
        if self.shelved is not None:
            return "SHELVED"
        if self.active:
            return "ACKED" if self.acked else "UNACK"
        return "NORMAL" if self.acked else "RTN_UNACK"

    def value(self, v):
        if v >= 100 and not self.active:
            self.active, self.acked = True, False
        elif v < 100 and self.active:
            self.active = False

    def ack(self, now):
        if not self.acked and not self.oos and self.shelved is None:
            self.acked = True


@pytest.mark.slow
def test_random_event_sequences_follow_the_reference():
    cfg = plant('{name: X, device: d, address: "hr:0", alarms: {H: 100}}')
    rnd = random.Random(18)
    for _ in range(300):
        eng, ref, t = AlarmEngine(cfg), Reference(), 0.0
        for _ in range(25):
            t += rnd.choice([1.0, 5.0, 30.0])
            ref.state(t)
            ev = rnd.choice(["hi", "lo", "ack", "shelve", "unshelve", "oos", "ios"])
            if ev in ("hi", "lo"):
                v = 150.0 if ev == "hi" else 50.0
                eng.evaluate(SampleBatch.build([0], t, [v], Quality.GOOD))
                ref.value(v)
            elif ev == "ack":
                eng.actions.acknowledge(["X:H"], t)
                ref.ack(t)
            elif ev == "shelve" and not ref.oos:
                eng.actions.shelve(["X:H"], t, 20.0, "op", "test")
                ref.shelved = t + 20.0
            elif ev == "unshelve" and ref.shelved is not None:
                eng.actions.unshelve(["X:H"], t)
                ref.shelved = None
                ref.acked = ref.acked and not ref.active
            elif ev in ("oos", "ios") and (ev == "oos") != ref.oos:
                eng.actions.set_out_of_service(["X:H"], ev == "oos", t, "eng")
                if ev == "ios" and ref.active:
                    ref.acked = False
                ref.oos = ev == "oos"
            eng.tick(t)
            got = [a.state for a in eng.standing(t) if a.key == "X:H"]
            assert (got[0] if got else "NORMAL") == ref.state(t), (ev, t)
