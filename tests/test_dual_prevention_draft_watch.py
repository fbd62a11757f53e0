"""Monitoring beside the engine, without a window: the draft watch on an engine's alarm clock
opens a draft hidden danger for a bypassed interlock, a detector out of service and a calibration
past its date, once, audited under "forewarn" though the engine has no trail of its own; two processes on one database (SQLite, PostgreSQL) open each draft once."""

from __future__ import annotations

import threading

import numpy as np

from app.dual_prevention import monitoring
from app.dual_prevention.draft_watch import DraftWatch, attach
from app.dual_prevention.register import Register
from app.runtime.engine import Engine
from core.samples import Quality, SampleBatch
from storage import dual_prevention as db
from storage.audit import Action, AuditLog
from storage.history import History
from storage.schema import create_schema, make_engine
from tests.conftest import wait_until
from tests.helpers import plant
from tests.test_dual_prevention_monitoring import HAZARDS, TAGS

EVIDENCE = {"interlock bypassed:IL", "hidden alarm:CO2", "blind spot:CO"}


def _config():
    return plant(TAGS, devices="{name: d, protocol: modbus-tcp, port: 1, enabled: false}", extra=HAZARDS)


def _engine_with_findings(config, url) -> Engine:
    """An engine (not started: requests run inline) whose interlock is bypassed, CO2 alarm out of
    service and CO detector past its calibration."""
    engine = Engine(config, History(url, config.tags))
    tags = np.arange(3, dtype=np.int32)
    t0 = engine.clock.now() - 30
    for k in range(12):
        engine.process(SampleBatch.build(tags, t0 + k, np.zeros(3), Quality.GOOD))
    engine.update_alarms(
        lambda alarms: alarms.actions.set_out_of_service(["CO2:H"], True, t0 + 12, "sup1", "head removed")
    )
    for k in range(12, 20):
        engine.process(SampleBatch.build(tags, t0 + k, np.zeros(3), Quality.GOOD))
    return engine


def test_the_engine_opens_the_drafts_once_and_the_risk_counts_them(db_url):
    config = _config()
    engine = _engine_with_findings(config, db_url)
    watch = attach(engine)
    assert isinstance(watch, DraftWatch)
    try:
        now = engine.clock.now()
        engine.tick_alarms(now)  # the alarm clock's tick: the risk to the watch's thread
        register = Register(engine.history.engine)
        wait_until(lambda: len(register.drafts()) == 3)
        assert {d.evidence for d in register.drafts()} == EVIDENCE
        assert all(d.status == "draft" and d.found_by == "forewarn" for d in register.drafts())
        # the engine has no audit trail of its own (headless): the watch audits on its database
        assert engine.audit is None
        trail = AuditLog(engine.history.engine)

        def opened():
            return [(e.user, e.detail["step"]) for e in trail.entries() if e.action == Action.HIDDEN_DANGER]

        # each draft is stored, then audited: the third's entry may follow its row by a moment
        wait_until(lambda: len(opened()) >= 3)
        assert opened() == [("forewarn", "draft")] * 3 and trail.verify()[0]
        engine.tick_alarms(now + 1)  # within the period: nothing taken
        engine.tick_alarms(now + watch.every_s + 1)  # the next pass: nothing new
        wait_until(lambda: watch._busy.done())
        assert len(register.all()) == 3
        # a draft does not count in the risk; confirmed, it does at once (handed to the engine)
        assert not any(t.what == "hidden danger" for t in engine.risk_states()[0].trace)
        watch.register.step("sup1", register.drafts()[0].id, "registered")
        assert sum(t.what == "hidden danger" for t in engine.risk_states()[0].trace) == 1
    finally:
        watch.detach()
        engine.history.stop()
        engine.history.engine.dispose()


def test_an_engine_without_history_has_no_watch():
    assert attach(Engine(_config(), None, warnings=False)) is None


def test_two_processes_on_one_database_open_each_draft_once(db_url):
    """Two registers (a server and a workstation) racing on the same evidence: one draft each."""
    sql = make_engine(db_url)
    create_schema(sql)
    findings = [monitoring.Finding("BF1", f"title {e}", e) for e in sorted(EVIDENCE)]
    start = threading.Barrier(2)
    opened: list[list] = [[], []]

    def run(i: int) -> None:
        register = Register(sql)
        start.wait()
        opened[i] = monitoring.open_drafts(register, findings)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    try:
        assert len(opened[0]) + len(opened[1]) == 3
        assert sorted(d.evidence for d in Register(sql).all()) == sorted(EVIDENCE)
        row = next(r for r in db.rows(sql, "hidden_dangers") if r["evidence"] == "interlock bypassed:IL")
        assert row["draft_key"] == "BF1|interlock bypassed:IL|0"
        # another process inserted between the count and the insert: the key is taken, None
        draft = dict(hazard="BF1", title="t", grade="general", status="draft", found=1.0, found_by="a")
        db.insert(sql, "hidden_dangers", {**draft, "evidence": "elsewhere", "draft_key": "BF1|late|0"})
        assert db.insert_draft(sql, {**draft, "evidence": "late", "draft_key": "BF1|late|0"}) is None
        assert db.insert_draft(sql, {**draft, "evidence": "late", "draft_key": "BF1|late|1"}) is not None
    finally:
        sql.dispose()
