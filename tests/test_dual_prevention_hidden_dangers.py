"""Hidden dangers from registration to acceptance through the real database and audit trail;
a major one pulls its hazard source to orange and red once overdue, a general one shows without
raising until overdue, an inspection past due is a yellow line; the plant risk index as
documented; the metallurgy criteria list shipped with the product."""

from __future__ import annotations

import pytest

from app.dual_prevention import permits as pm
from app.dual_prevention.hidden_dangers import DangerStatus, OverdueInspection, criteria, criteria_source
from app.dual_prevention.plant_index import plant_index
from app.dual_prevention.register import Register
from app.evaluation.pipeline import Pipeline
from core.risk_types import HIDDEN_DANGER, INSPECTION_OVERDUE, PERMIT
from storage import dual_prevention as db
from storage.audit import Action, AuditLog
from storage.schema import create_schema, make_engine
from tests.test_dual_prevention_permits import T0, Clock, cfg, feed

DAY = 86400.0


@pytest.fixture
def register(tmp_path, db_url):
    engine = make_engine(db_url)
    create_schema(engine)
    pipe = Pipeline(cfg())
    feed(pipe, T0, 10, co1=0.0)
    clock = Clock(T0 + 10)

    def send(dangers, tasks):
        pipe.dangers.replace(dangers, tasks)
        pm.settle_risk(pipe, clock())

    r = Register(engine, AuditLog(engine, clock=clock, data_dir=tmp_path), send, clock)
    r.pipe = pipe
    yield r
    engine.dispose()


def lines(pipe, hazard, what):
    return [t for t in pipe.risk.state(hazard).trace if t.what == what]


def test_criteria_list_is_the_metallurgy_items_with_their_source():
    ids = [c.id for c in criteria()]
    assert "4.4" in ids and "4.6" in ids and len(ids) == len(set(ids))
    assert "MEM Order No. 10 (2023)" in criteria_source()
    assert "出水温度" in next(c.zh for c in criteria() if c.id == "4.4")


def test_major_hidden_danger_from_registration_to_acceptance(register):
    pipe = register.pipe
    with pytest.raises(ValueError, match="names the item"):
        register.register("safety1", "Gas area", "no CO detector at the valve pit", "major")
    d = register.register("safety1", "Gas area", "no CO detector at the valve pit", "major", "4.6")
    state = pipe.risk.state("Gas area")
    assert state.level == 2  # a major one: at least orange
    (line,) = lines(pipe, "Gas area", HIDDEN_DANGER)
    assert line.indicator == "HD-1" and line.level == 2 and line.since == T0 + 10
    assert "major hidden danger: no CO detector" in line.detail
    with pytest.raises(ValueError, match="needs responsible, measures"):
        register.step("safety1", d.id, "assigned")
    register.step(
        "safety1",
        d.id,
        "assigned",
        responsible="Wang",
        measures="fit a fixed CO detector, wire it to the control room",
        deadline=T0 + 3 * DAY,
        funds=12000.0,
        emergency_plan="portable detectors for anyone entering",
    )
    # past the deadline: red, and the overdue escalation is audited once
    register.clock.t = T0 + 4 * DAY
    register.publish()
    (line,) = lines(pipe, "Gas area", HIDDEN_DANGER)
    assert line.level == 1 and "overdue since" in line.detail
    assert [x.code for x in register.overdue_escalation()] == ["HD-1"]
    assert register.overdue_escalation() == []
    register.step("wang", d.id, "rectified", "detector fitted")
    with pytest.raises(ValueError):
        register.step("wang", d.id, "dismissed", "no")
    done = register.step("safety2", d.id, "accepted", "checked on site")
    assert (
        done.status == DangerStatus.ACCEPTED and done.accepted_by == "safety2" and done.closed == T0 + 4 * DAY
    )
    assert lines(pipe, "Gas area", HIDDEN_DANGER) == [] and pipe.risk.state("Gas area").level == 4
    steps = [e.detail["step"] for e in register.audit.entries() if e.action == Action.HIDDEN_DANGER]
    assert steps == ["registered", "assigned", "overdue", "rectified", "accepted"]


def test_general_danger_shows_without_raising_until_overdue_and_drafts_count_nothing(register):
    pipe = register.pipe
    d = register.register("safety1", "Gas area", "handrail loose", "general")
    assert pipe.risk.state("Gas area").level == 4
    assert [t.level for t in lines(pipe, "Gas area", HIDDEN_DANGER)] == [4]
    register.step("safety1", d.id, "assigned", responsible="Li", measures="weld", deadline=T0 + DAY)
    register.clock.t = T0 + 2 * DAY
    register.publish()
    assert pipe.risk.state("Gas area").level == 3
    draft = register.register("forewarn", "Yard", "CO2 out of service 3 days", "general", draft=True)
    assert pipe.risk.state("Yard").trace == ()
    with pytest.raises(ValueError, match="reason"):
        register.step("sup1", draft.id, "dismissed")
    register.step("sup1", draft.id, "dismissed", "detector replaced yesterday")
    assert register.drafts() == []


def test_overdue_inspection_is_a_yellow_line_since_its_due_time(register):
    pipe = register.pipe
    db.insert(
        register.engine,
        "inspections",
        {"risk_point": 1, "hazard": "Gas area", "measure": "check seals", "due": T0 + 20},
    )
    register.publish()
    assert lines(pipe, "Gas area", INSPECTION_OVERDUE) == []  # not yet due
    feed(pipe, T0 + 21, 10, co1=0.0)
    (line,) = lines(pipe, "Gas area", INSPECTION_OVERDUE)
    assert line.level == 3 and line.since == T0 + 20 and "check seals" in line.detail
    assert pipe.risk.state("Gas area").level == 3
    assert isinstance(pipe.dangers.inspections[1], OverdueInspection)


def test_permit_and_major_danger_together_in_the_trace_and_the_plant_index(register):
    pipe = register.pipe
    register.register("safety1", "Gas area", "bleeder not interlocked", "major", "4.5")
    pm.put(pipe, pm.Permit(7, pm.PermitKind.HOT_WORK, "Gas area", T0, T0 + DAY, 2, "sup1"), T0 + 10)
    state = pipe.risk.state("Gas area")
    assert state.level == 2
    assert {(t.what, t.indicator) for t in state.trace} == {(HIDDEN_DANGER, "HD-1"), (PERMIT, "PTW-7")}
    explained = state.explain(T0 + 20)
    assert "hidden danger" in explained and "work permit" in explained
    index = plant_index(pipe.risk.states())
    # Gas area orange (0.5 of 2 sources = 25), Yard blue (0); the orange floor decides: 50
    assert index.value == 50 and index.floor == 50
    assert index.contributions[0] == ("Gas area", 25.0)
    assert "at least 50" in index.explain()
