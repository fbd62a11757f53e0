"""Monitoring opens work: a bypassed interlock, a detector out of service and a calibration past
its date become draft hidden dangers linked to their evidence, once; a dismissed draft stays
dismissed for a shift; an alarm in the top ten of three shifts running is a chronic bad actor."""

from __future__ import annotations

import numpy as np
import pytest

from app.dual_prevention import monitoring
from app.dual_prevention.register import Register
from app.evaluation.pipeline import Pipeline
from core.samples import Quality, SampleBatch
from storage.audit import AuditLog
from storage.journal_reads import load_events
from storage.schema import alarm_events, create_schema, make_engine
from tests.helpers import plant
from tests.test_dual_prevention_permits import T0, Clock

TAGS = """
- {name: CO, unit: ppm, device: d, address: "hr:0", range: [0, 500], alarms: {H: 24}, calibration_due: 2020-01-01}
- {name: IL, device: d, address: "hr:1.0", type: bool}
- {name: CO2, unit: ppm, device: d, address: "hr:2", range: [0, 500], alarms: {H: 24}}
"""
HAZARDS = """
hazard_sources:
  - {name: BF1, kind: blast_furnace, tags: [CO, IL, CO2], interlocks: [IL], inherent_level: 3,
     area: [[0, 0], [100, 0], [100, 100]]}
"""


@pytest.fixture
def db(db_url):
    engine = make_engine(db_url)
    create_schema(engine)
    yield engine
    engine.dispose()


def test_bypass_out_of_service_and_calibration_open_drafts_once(db, tmp_path):
    config = plant(TAGS, devices="{name: d, protocol: modbus-tcp, port: 1, enabled: false}", extra=HAZARDS)
    pipe = Pipeline(config)
    tags = np.arange(3, dtype=np.int32)
    for k in range(12):
        pipe.evaluate(SampleBatch.build(tags, T0 + k, np.array([0.0, 0.0, 0.0]), Quality.GOOD))
    pipe.alarms.actions.set_out_of_service(["CO2:H"], True, T0 + 12, "sup1", "sensor head removed")
    for k in range(12, 20):
        pipe.evaluate(SampleBatch.build(tags, T0 + k, np.array([0.0, 0.0, 0.0]), Quality.GOOD))
    findings = monitoring.findings_from_risk(pipe.risk.states())
    assert {f.evidence for f in findings} == {"interlock bypassed:IL", "hidden alarm:CO2", "blind spot:CO"}
    clock = Clock(T0 + 20)
    register = Register(db, AuditLog(db, clock=clock, data_dir=tmp_path), clock=clock)
    drafts = monitoring.open_drafts(register, findings)
    assert len(drafts) == 3 and all(d.status == "draft" for d in drafts)
    assert any("interlock IL bypassed" in d.title for d in drafts)
    assert monitoring.open_drafts(register, findings) == []  # once
    bypass = next(d for d in drafts if d.evidence == "interlock bypassed:IL")
    register.step("sup1", bypass.id, "dismissed", "bleeder valve test, planned")
    assert monitoring.open_drafts(register, findings) == []  # quiet for a shift
    clock.t += monitoring.QUIET_S + 1
    (again,) = monitoring.open_drafts(register, findings)
    assert again.evidence == "interlock bypassed:IL"


def test_chronic_bad_actor_is_in_the_top_ten_of_three_shifts(db):
    config = plant(TAGS, devices="{name: d, protocol: modbus-tcp, port: 1, enabled: false}", extra=HAZARDS)
    now = T0 + 3 * monitoring.SHIFT_S
    rows = []
    for shift in range(3):
        t = T0 + shift * monitoring.SHIFT_S + 600
        for k in range(5):  # CO:H five times a shift; CO2:H only in the last shift
            ts = round((t + k * 60) * 1000)
            rows += [_row(ts, "CO:H", "CO"), _row(ts + 30_000, "CO:H", "CO", active=False)]
            if shift == 2:
                rows += [_row(ts + 1, "CO2:H", "CO2"), _row(ts + 30_001, "CO2:H", "CO2", active=False)]
    with db.begin() as conn:
        conn.execute(alarm_events.insert(), rows)
    found = monitoring.chronic_bad_actors(lambda t0, t1: load_events(db, t0, t1), config, now)
    assert [(f.hazard, f.evidence) for f in found] == [("BF1", "bad actor:CO:H")]


def _row(ts: int, key: str, source: str, active: bool = True) -> dict:
    return dict(
        ts=ts,
        key=key,
        source=source,
        kind="H",
        priority=2,
        state="UNACK" if active else "RTNUN",
        active=active,
        acked=False,
        value=30.0,
        limit_value=24.0,
        message=f"{source} high",
        user_name="",
        comment="",
    )
