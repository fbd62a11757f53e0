"""The deadlines of dual prevention where the engine runs, without a window: a work permit past
its window expired and a hidden danger past its deadline recorded overdue, each audited once by
"forewarn" even with two processes racing on one database (SQLite, PostgreSQL); a database from
before the record (an overdue already audited) is not audited again; an engine without an audit
trail (headless) audits its drafts and deadlines all the same; the notifier is told each
hidden-danger event once and drops the later steps of one closed meanwhile."""

from __future__ import annotations

import threading
import time

import pytest

from app.dual_prevention import permits as pm
from app.dual_prevention.deadlines import Deadlines
from app.dual_prevention.draft_watch import attach
from app.dual_prevention.register import Register
from app.dual_prevention.service import PermitDesk
from app.runtime.engine import Engine
from core.schema.plant import PlantConfig
from storage import dual_prevention as db
from storage.audit import Action, AuditLog
from storage.history import History
from storage.schema import create_schema, make_engine
from tests.conftest import wait_until
from tests.notify_plant import config

DAY = 86400.0


class Told:
    """A notifier that keeps what it is told."""

    def __init__(self):
        self.events, self.open = [], []

    def dual_prevention(self, events) -> None:
        self.events += events

    def settle_dual_prevention(self, codes) -> None:
        self.open.append(codes)


def late_work(sql, now: float) -> None:
    """A permit whose window closed an hour ago, a general hidden danger a day past its deadline,
    a major one just registered (the forms' path, as at a console)."""
    permit = pm.Permit(0, pm.PermitKind.HOT_WORK, "BF1", now - 3 * 3600, now - 3600, 2, "sup1", changed=now)
    db.insert(sql, "permits", pm.to_row(permit))
    register = Register(sql, clock=lambda: now - 3 * DAY)
    d = register.register("sup1", "BF1", "tuyere platform railing loose", "general")
    register.step("sm1", d.id, "assigned", responsible="Wang", measures="weld", deadline=now - DAY)
    register.register("sm1", "BF1", "hearth cooling water flow meter bypassed", "major", criterion="4.6")


def passes(sql, cfg: PlantConfig, now: float, data_dir, told: Told) -> Deadlines:
    audit = AuditLog(sql, clock=lambda: now, data_dir=data_dir)
    register = Register(sql, audit, clock=lambda: now)
    return Deadlines(register, PermitDesk(sql, cfg, audit, clock=lambda: now), told)


def steps(sql, data_dir, action: Action) -> list[tuple[str, str, str]]:
    entries = AuditLog(sql, data_dir=data_dir).entries()
    return [(e.user, e.target, e.detail["step"]) for e in entries if e.action == action]


def test_two_processes_record_each_deadline_once(db_url, tmp_path):
    sql = make_engine(db_url)
    create_schema(sql)
    cfg, now = config(""), time.time()
    late_work(sql, now)
    told = [Told(), Told()]
    runs = [passes(sql, cfg, now, tmp_path, t) for t in told]
    start = threading.Barrier(2)
    found: list = [None, None]

    def run(i: int) -> None:
        start.wait()
        found[i] = runs[i].run()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    try:
        assert sum(len(f.expired) for f in found) == 1 and sum(len(f.overdue) for f in found) == 1
        assert sum(len(f.majors) for f in found) == 1
        assert steps(sql, tmp_path, Action.PERMIT) == [("forewarn", "PTW-1", "expired")]
        assert ("forewarn", "HD-1", "overdue") in steps(sql, tmp_path, Action.HIDDEN_DANGER)
        assert [s for s in steps(sql, tmp_path, Action.HIDDEN_DANGER) if s[2] == "overdue"] == [
            ("forewarn", "HD-1", "overdue")
        ]
        events = sorted((e.key, e.priority, e.hazard) for t in told for e in t.events)
        assert events == [("HD-1:overdue", 3, "BF1"), ("HD-2:major", 2, "BF1")]
        assert pm.from_row(db.row(sql, "permits", 1)).status == "expired"
        # the next pass: nothing new, and both hidden dangers are still open
        again = runs[0].run()
        assert (again.expired, again.overdue, again.majors) == ([], [], [])
        assert told[0].open[-1] == {"HD-1", "HD-2"}
    finally:
        sql.dispose()


def test_an_overdue_audited_before_the_record_is_not_audited_again(db_url, tmp_path):
    sql = make_engine(db_url)
    create_schema(sql)
    cfg, now = config(""), time.time()
    late_work(sql, now)
    audit = AuditLog(sql, clock=lambda: now, data_dir=tmp_path)
    audit.append("forewarn", Action.HIDDEN_DANGER, "HD-1", {"step": "overdue"})  # a window's timer did
    told = Told()
    try:
        due = passes(sql, cfg, now, tmp_path, told).run()
        assert due.overdue == [] and [e.key for e in told.events] == ["HD-2:major"]
        assert [s for s in steps(sql, tmp_path, Action.HIDDEN_DANGER) if s[2] == "overdue"] == [
            ("forewarn", "HD-1", "overdue")
        ]
        assert db.row(sql, "hidden_dangers", 1)["overdue_at"] == pytest.approx(now, abs=0.001)
    finally:
        sql.dispose()


def test_a_headless_engine_keeps_the_deadlines_and_audits_without_a_trail_of_its_own(db_url, data_dir):
    """No window, no audit trail given (as `headless` runs): the watch audits on the history's
        database, under "forewarn"; the overdue hidden danger counts in the risk at III, and a permit
    issued at a station reaches the engine at the next pass."""
    cfg = config("")
    hist = History(db_url, cfg.tags)
    engine = Engine(cfg, hist, warnings=False)
    assert engine.audit is None
    now = engine.clock.now()
    late_work(hist.engine, now)
    told = Told()
    watch = attach(engine, notifier=told)  # the engine not started: its requests run inline
    try:
        engine.tick_alarms(now)  # the alarm clock's tick: the pass on the watch's thread
        wait_until(lambda: len(told.events) == 2, what="the two hidden-danger events")
        wait_until(lambda: watch._busy.done())
        assert steps(hist.engine, data_dir, Action.PERMIT) == [("forewarn", "PTW-1", "expired")]
        assert ("forewarn", "HD-1", "overdue") in steps(hist.engine, data_dir, Action.HIDDEN_DANGER)
        assert AuditLog(hist.engine, data_dir=data_dir).verify()[0]
        trace = engine.pipeline.dangers.evidence(now)["BF1"]  # what the risk engine reads
        assert [(t.indicator, t.level) for t in trace] == [("HD-1", 3), ("HD-2", 2)]  # overdue: III
        # a station (no engine of its own) issues a permit: the next pass hands it to the engine
        permit = pm.Permit(0, pm.PermitKind.GAS_AREA, "BF1", now, now + 3600, 3, "sup2", changed=now)
        db.insert(hist.engine, "permits", pm.to_row(permit))
        engine.tick_alarms(now + watch.every_s + 1)
        wait_until(lambda: [p.code for p in engine.pipeline.permits.permits.values()] == ["PTW-2"])
    finally:
        watch.detach()
        hist.stop()
        hist.engine.dispose()


def test_migration_0010_counts_the_majors_of_before_as_told(tmp_path):
    """A database at 0009 (before the record): its major hidden dangers are not told again; the
    migration goes down and up again."""
    from pathlib import Path

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect, text

    from storage import schema

    sql = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(schema.__file__).resolve().parent / "migrations"))
    with sql.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0009")
        for grade in ("major", "general"):
            conn.execute(
                text(
                    "INSERT INTO hidden_dangers (hazard, title, grade, criterion, status, found, found_by,"
                    " responsible, measures, emergency_plan, accepted_by, note, evidence)"
                    " VALUES ('BF1', 't', :g, '4.6', 'registered', 1000, 'a', '', '', '', '', '', '')"
                ),
                {"g": grade},
            )
    create_schema(sql)
    rows = {r["grade"]: r for r in db.rows(sql, "hidden_dangers")}
    assert rows["major"]["announced"] == 1.0 and rows["general"]["announced"] is None
    assert Register(sql).unannounced_majors() == []
    with sql.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
    assert "overdue_at" not in {c["name"] for c in inspect(sql).get_columns("hidden_dangers")}
    create_schema(sql)
    sql.dispose()
