"""Operating states of hazard sources (running, reduced, down, under maintenance): what each
suppresses by design, the risk they leave, baselines learned again when a state ends, the end
that comes by itself, the journal that keeps them over a restart, and the operator's request."""

from __future__ import annotations

import time

import numpy as np
import pytest

from app.evaluation.pipeline import Pipeline
from app.risk import operating_states
from core.alarm_types import State
from core.operating import Declaration, OpState
from core.samples import Quality, SampleBatch
from storage.risk_journal import read_risk_events
from tests.helpers import plant

T0 = 1_700_000_000.0
TAGS = """
- {name: T, unit: °C, device: d, address: "hr:0", range: [0, 200], alarms: {H: 100, HH: 120}}
- {name: CO, unit: ppm, device: d, address: "hr:2", range: [0, 500], alarms: {H: 24}}
- {name: IL, device: d, address: "hr:4.0", type: bool}
- {name: O, unit: "%", device: d, address: "hr:6", range: [0, 100], alarms: {H: 50}}
"""
HAZARDS = """
hazard_sources:
  - {name: Converter, kind: converter, tags: [T, CO, IL], interlocks: [IL], inherent_level: 4,
     area: [[0, 0], [100, 0], [100, 100]]}
  - {name: Holder, kind: gas_holder, tags: [O], inherent_level: 4, area: [[200, 0], [300, 0], [300, 100]]}
"""
T, CO, IL, _O = range(4)


def cfg(extra: str = ""):
    return plant(
        TAGS, devices="{name: d, protocol: modbus-tcp, port: 1, enabled: false}", extra=HAZARDS + extra
    )


def feed(pipe: Pipeline, t0: float, seconds: int, fn) -> list:
    out = []
    tags = np.arange(4, dtype=np.int32)
    for k in range(seconds):
        out += pipe.evaluate(SampleBatch.build(tags, t0 + k, fn(t0 + k - T0), Quality.GOOD)).alarms
    return out


def values(t=50.0, co=0.0, il=1.0, o=10.0):
    return lambda s: np.array([t, co, il, o])


def listed(pipe, now):
    return {a.key for a in pipe.alarms.standing(now) if not a.hidden}


def test_maintenance_suppresses_by_design_counts_no_live_evidence_and_gives_back_unacknowledged():
    pipe = Pipeline(cfg())
    feed(pipe, T0, 20, values(t=110.0))  # T above H: an alarm, the converter raised
    assert "T:H" in listed(pipe, T0 + 20) and pipe.risk.state("Converter").level < 4
    out = operating_states.change(pipe, "Converter", "maintenance", "supervisor1", "relining", None, T0 + 20)
    gone = [a for a in out.alarms if a.key == "T:H"]
    assert gone and gone[-1].state == State.SUPPRESSED and gone[-1].user == "supervisor1"
    assert "relining" in gone[-1].comment
    assert "T:H" not in listed(pipe, T0 + 20)
    hidden = {a.key: a for a in pipe.alarms.standing(T0 + 20) if a.hidden}
    assert (
        hidden["T:H"].suppressed and "relining" in hidden["T:H"].comment
    )  # the Shelved & out of service view
    risk = next(s for s in out.risk if s.hazard == "Converter")
    assert risk.level == 4 and risk.muted and risk.operating.state == OpState.MAINTENANCE
    assert "under maintenance since" in risk.explain() and "live evidence not counted" in risk.explain()
    # a CO detector (ppm: people work there) keeps watching: listed and counted
    feed(pipe, T0 + 20, 20, values(t=130.0, co=40.0))
    assert "CO:H" in listed(pipe, T0 + 40) and "T:HH" not in listed(pipe, T0 + 40)
    state = pipe.risk.state("Converter")
    assert state.level < 4 and {t.indicator for t in state.evidence} == {"CO"}
    # the operating state: a line of the trace of its own, last, with its time; it raises nothing
    line = state.trace[-1]
    assert (line.indicator, line.what, line.since) == ("Converter", "operating state", T0 + 20)
    assert line.level == state.level and "live evidence not counted" in str(line.detail)
    assert "operating state" in state.explain() and "relining" in state.explain().splitlines()[-1]
    # a bypassed interlock still paints it red
    feed(pipe, T0 + 40, 10, values(t=130.0, il=0.0))
    assert pipe.risk.state("Converter").level == 1
    # back to running: the alarm still active comes back unacknowledged
    out = operating_states.change(pipe, "Converter", "running", "supervisor1", "relining done", None, T0 + 50)
    back = {a.key: a for a in out.alarms}
    assert back["T:HH"].state == State.UNACK and not back["T:HH"].acked
    assert "T:HH" in listed(pipe, T0 + 50)
    assert next(s for s in out.risk if s.hazard == "Converter").operating is None


def test_down_suppresses_early_warnings_only_and_its_end_relearns_the_baselines():
    rng = np.random.default_rng(3)
    pipe = Pipeline(cfg())

    def steady(s):
        return np.array([50 + rng.normal(0, 0.5), 0.0, 1.0, 10 + rng.normal(0, 0.3)])

    def ramp(s):
        v = steady(s)
        v[0] = 50 + 0.1 * (s - 1200) + rng.normal(0, 0.5)
        return v

    feed(pipe, T0, 1200, steady)
    operating_states.change(pipe, "Converter", OpState.DOWN, "sup", "休风", None, T0 + 1200)
    out = feed(pipe, T0 + 1200, 400, ramp)  # T climbs past H = 100 at 500 s: still below
    raised = [a for a in out if a.key == "T:FORECAST" and a.active]
    assert raised and all(a.suppressed for a in raised)  # evaluated, never listed
    assert "T:FORECAST" not in listed(pipe, T0 + 1600)
    assert all(t.what != "hidden alarm" for t in pipe.risk.state("Converter").trace)
    out = feed(pipe, T0 + 1600, 150, ramp)  # limit alarms stay
    assert "T:H" in listed(pipe, T0 + 1750)
    assert pipe.warnings.status(T) == "watching"
    out = operating_states.change(pipe, "Converter", "running", "sup", "blown in", None, T0 + 1750)
    assert pipe.warnings.status(T) == "learning"  # the furnace's restart is not an anomaly
    assert "T:FORECAST" not in pipe.alarms.external
    assert any(a.key == "T:FORECAST" and not a.active for a in out.alarms)


def test_reduced_suppresses_nothing_and_is_shown():
    pipe = Pipeline(cfg())
    feed(pipe, T0, 10, values(t=110.0))
    out = operating_states.change(pipe, "Converter", "reduced", "sup", "reduced blast", None, T0 + 10)
    assert "T:H" in listed(pipe, T0 + 10)
    state = next(s for s in out.risk if s.hazard == "Converter")
    assert state.operating.state == OpState.REDUCED and not state.muted and state.level < 4
    assert "reduced since" in state.explain()


def test_a_declaration_ends_by_itself_and_needs_a_reason():
    pipe = Pipeline(cfg())
    with pytest.raises(ValueError):
        operating_states.change(pipe, "Converter", "maintenance", "sup", " ", None, T0)
    with pytest.raises(ValueError):
        operating_states.change(pipe, "Nowhere", "maintenance", "sup", "x", None, T0)
    feed(pipe, T0, 10, values(t=110.0))
    operating_states.change(pipe, "Converter", "maintenance", "sup", "lance change", T0 + 60, T0 + 10)
    feed(pipe, T0 + 10, 40, values(t=110.0))
    assert "T:H" not in listed(pipe, T0 + 50)
    out = feed(pipe, T0 + 50, 30, values(t=110.0))
    assert pipe.opstates.declaration("Converter") is None
    assert any(a.key == "T:H" and a.state == State.UNACK for a in out)
    assert pipe.risk.state("Converter").operating is None


def test_per_kind_effects_from_the_plant_file():
    extra = """
risk:
  operating_states:
    by_kind:
      converter: {maintenance: {suppress: [warnings]}}
"""
    pipe = Pipeline(cfg(extra))
    feed(pipe, T0, 10, values(t=110.0))
    operating_states.change(pipe, "Converter", "maintenance", "sup", "x", None, T0 + 10)
    assert "T:H" in listed(pipe, T0 + 10)  # this kind keeps its alarms under maintenance
    assert pipe.risk.state("Converter").level < 4  # and counts live evidence


def test_state_survives_a_restart_through_the_risk_journal(tmp_path):
    from app.runtime.engine import Engine
    from storage.history import History

    db = f"sqlite:///{tmp_path / 'h.db'}"
    config = cfg()
    engine = Engine(config, History(db, config.tags))
    engine.start()
    try:
        engine.process(
            SampleBatch.build(np.arange(4, dtype=np.int32), time.time(), values(t=110.0)(0), Quality.GOOD)
        )
        until = time.time() + 3600
        f = engine.operator.declare_state("Converter", "maintenance", "supervisor1", "relining", until)
        outcome = f.result(10)
        assert any(s.hazard == "Converter" and s.muted for s in outcome.risk)
    finally:
        engine.stop()
    again = Engine(config, History(db, config.tags))
    again._warm_up()
    d = again.pipeline.opstates.declaration("Converter")
    assert d == Declaration("Converter", OpState.MAINTENANCE, "supervisor1", d.since, "relining", until)
    assert again.alarms.by_state.alarms_off[T] and not again.alarms.by_state.alarms_off[CO]
    rows = read_risk_events(again.history.engine, 0, time.time() + 60, "Converter")
    assert rows[-1].operating == d  # the journal row of the change carries the declaration
    again.history.stop()


def test_a_new_configuration_keeps_the_declarations():
    old = Pipeline(cfg())
    feed(old, T0, 10, values(t=110.0))
    operating_states.change(old, "Converter", "maintenance", "sup", "relining", None, T0 + 10)
    new = Pipeline(cfg())
    new.adopt(old, T0 + 11)
    assert new.opstates.declaration("Converter").reason == "relining"
    assert new.alarms.by_state.alarms_off[T] and "T:H" not in listed(new, T0 + 11)


def test_the_alarm_clock_ends_a_declaration_without_samples():
    from app.runtime.engine import Engine

    engine = Engine(cfg())  # on wall time: the declaration is stamped now
    now = time.time()
    engine.process(SampleBatch.build(np.arange(4, dtype=np.int32), now, values(t=110.0)(0), Quality.GOOD))
    f = engine.operator.declare_state("Converter", "down", "sup", "tuyere change", now + 600)
    assert f.result(5).risk  # inline: no loop runs
    engine.tick_alarms(now + 300)
    assert engine.pipeline.opstates.declaration("Converter") is not None
    engine.tick_alarms(now + 601)
    assert engine.pipeline.opstates.declaration("Converter") is None
    assert next(s for s in engine.risk_states() if s.hazard == "Converter").operating is None
