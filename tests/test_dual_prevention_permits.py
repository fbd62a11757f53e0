"""Work permits: the gas test refused over the entry limit and accepted under it, the area's risk
raised through exposure with its trace line, a gas alarm in the area raised to priority I naming
the permit, suspension, end and expiry, every step stored and audited."""

from __future__ import annotations

import numpy as np
import pytest

from app.dual_prevention import permits as pm
from app.dual_prevention.permits import PermitRefused, PermitStatus
from app.dual_prevention.service import PermitDesk
from app.evaluation.pipeline import Pipeline
from core.risk_types import PERMIT
from core.samples import Quality, SampleBatch
from storage.audit import Action, AuditLog
from storage.schema import create_schema, make_engine
from tests.helpers import plant

T0 = 1_700_000_000.0
TAGS = """
- {name: CO1, unit: ppm, device: d, address: "hr:0", range: [0, 500], alarms: {H: 24, HH: 160, priority: {H: 2, HH: 1}}}
- {name: CO2, unit: ppm, device: d, address: "hr:1", range: [0, 500], alarms: {H: 24}}
- {name: P, unit: kPa, device: d, address: "hr:2", range: [0, 500]}
"""
HAZARDS = """
hazard_sources:
  - {name: Gas area, kind: gas_area, tags: [CO1, CO2, P], area: [[0, 0], [100, 0], [100, 100]],
     inherent: {method: LEC, L: 1, E: 2, C: 15}}
  - {name: Yard, kind: other, tags: [], inherent_level: 4, area: [[200, 0], [300, 0], [300, 100]]}
"""


def cfg():
    return plant(TAGS, devices="{name: d, protocol: modbus-tcp, port: 1, enabled: false}", extra=HAZARDS)


def feed(pipe: Pipeline, t0: float, seconds: int, co1: float, co2: float = 0.0) -> list:
    out = []
    tags = np.arange(3, dtype=np.int32)
    for k in range(seconds):
        out += pipe.evaluate(
            SampleBatch.build(tags, t0 + k, np.array([co1, co2, 100.0]), Quality.GOOD)
        ).alarms
    return out


class Clock:
    def __init__(self, t: float):
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def desk(tmp_path, db_url):
    db = make_engine(db_url)
    create_schema(db)
    pipe = Pipeline(cfg())
    clock = Clock(T0 + 10)
    audit = AuditLog(db, clock=clock, data_dir=tmp_path)
    d = PermitDesk(db, pipe.config, audit, send=lambda p: pm.put(pipe, p, clock()), clock=clock)
    d.pipe = pipe
    yield d
    db.dispose()


def latest(pipe: Pipeline) -> dict:
    return {t.name: (float(pipe.latest[i]), int(pipe.quality[i])) for i, t in enumerate(pipe.config.tags)}


def test_gas_test_over_the_entry_limit_is_refused_and_audited(desk):
    pipe = desk.pipe
    feed(pipe, T0, 10, co1=30.0)
    gas = pm.gas_test(pipe.config, "Gas area", latest(pipe))
    assert [g.tag for g in gas] == ["CO1", "CO2"] and gas[0].value == 30.0 and gas[0].high == 24
    with pytest.raises(PermitRefused) as refused:
        desk.issue("sup1", "gas_area", "Gas area", T0 + 10, T0 + 3600, 3, gas)
    assert "CO1 = 30 ppm, over the entry limit 24" in str(refused.value)
    assert desk.all() == []
    (entry,) = [e for e in desk.audit.entries() if e.action == Action.PERMIT]
    assert entry.detail["step"] == "refused" and entry.user == "sup1"
    assert not any(t.what == PERMIT for t in pipe.risk.state("Gas area").trace)


def test_bad_reading_refuses_and_gas_area_work_needs_a_gas_test(desk):
    pipe = desk.pipe
    gas = pm.gas_test(pipe.config, "Gas area", latest(pipe))  # nothing read yet: bad quality
    with pytest.raises(PermitRefused, match="CO1: no valid reading"):
        desk.issue("sup1", "confined_space", "Gas area", T0 + 10, T0 + 3600, 2, gas)
    with pytest.raises(PermitRefused, match="a gas test is needed"):
        desk.issue("sup1", "hot_work", "Gas area", T0 + 10, T0 + 3600, 2, [])


def test_accepted_permit_raises_exposure_traces_it_and_escalates_a_gas_alarm(desk):
    pipe = desk.pipe
    feed(pipe, T0, 10, co1=5.0)
    before = pipe.risk.state("Gas area")
    assert before.inherent.level == 4 and before.level == 4  # D = 1 x 2 x 15 = 30: IV blue
    gas = pm.gas_test(pipe.config, "Gas area", latest(pipe))
    permit = desk.issue("sup1", "gas_area", "Gas area", T0 + 10, T0 + 3600, 3, gas, "valve change")
    assert permit.id == 1 and permit.status == PermitStatus.ACTIVE
    # E = 10 while people are there: D = 1 x 10 x 15 = 150, III yellow
    state = pipe.risk.state("Gas area")
    assert state.level == 3
    (line,) = [t for t in state.trace if t.what == PERMIT]
    assert line.indicator == "PTW-1" and line.level == 3 and line.since == T0 + 10
    assert "3 people" in line.detail and "E = 10" in line.detail
    assert "work permit" in state.explain()
    # a CO alarm of the area while the permit is active: priority I, naming the permit
    out = feed(pipe, T0 + 20, 10, co1=40.0)
    (co,) = [a for a in out if a.key == "CO1:H" and a.active]
    assert co.priority == 1 and "PTW-1: 3 people in the area" in co.message
    assert pipe.risk.state("Gas area").level == 1  # the raised alarm counts at I in the risk too
    # suspended: no people, no exposure, no escalation of a new alarm
    desk.move("sup1", permit.id, "suspended", "gas alarm")
    assert not any(t.what == PERMIT for t in pipe.risk.state("Gas area").trace)
    out = feed(pipe, T0 + 30, 5, co1=0.0, co2=40.0)
    (co2,) = [a for a in out if a.key == "CO2:H" and a.active]
    assert co2.priority != 1
    desk.move("sup1", permit.id, "active", "cleared")
    desk.move("sup1", permit.id, "ended", "done")
    assert desk.open() == [] and pipe.permits.permits == {}
    steps = [e.detail["step"] for e in desk.audit.entries() if e.action == Action.PERMIT]
    assert steps == ["issued", "suspended", "active", "ended"]
    with pytest.raises(PermitRefused):
        desk.move("sup1", permit.id, "active")


def test_ten_people_in_a_gas_area_is_red_and_a_permit_expires(desk):
    pipe = desk.pipe
    feed(pipe, T0, 10, co1=0.0)
    gas = pm.gas_test(pipe.config, "Gas area", latest(pipe))
    desk.issue("sup1", "gas_area", "Gas area", T0 + 10, T0 + 60, 6, gas)
    desk.issue("sup1", "confined_space", "Gas area", T0 + 10, T0 + 600, 4, gas)
    assert pipe.risk.state("Gas area").level == 1
    feed(pipe, T0 + 61, 10, co1=0.0)  # the first permit's window closed
    state = pipe.risk.state("Gas area")
    assert state.level == 3 and [t.indicator for t in state.trace if t.what == PERMIT] == ["PTW-2"]
    desk.clock.t = T0 + 120
    (gone,) = desk.expire_due()
    assert gone.code == "PTW-1" and gone.status == PermitStatus.EXPIRED
    assert [p.code for p in desk.open()] == ["PTW-2"]


def test_area_without_lec_is_raised_one_level(desk):
    desk.issue("sup1", "height", "Yard", T0 + 10, T0 + 600, 2, [])
    assert desk.pipe.risk.state("Yard").level == 3
