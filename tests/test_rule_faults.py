"""One failing rule, expression or detector never blinds the batch: it is marked faulted (a SYSTEM
alarm naming it, logged once), every other rule and detector is evaluated, the batch is stored,
and a clean evaluation ends the fault.

The rule language raises on no data today (what overflowed is refused when the plant is loaded),
so the failing parts here are put in by hand: a compiled rule or expression that raises on some
data. Everything around them is the real pipeline, engine, history and Modbus server.
"""

from __future__ import annotations

import logging
import sqlite3

import numpy as np
import pytest

import app.evaluation.replay
from app.config import parse_config_text
from app.evaluation.faults import rule_key
from app.evaluation.pipeline import Pipeline
from app.runtime.engine import Engine
from core.samples import Quality, SampleBatch
from storage.history import History
from tests.conftest import wait_until
from tests.helpers import plant_yaml
from tests.servers import ModbusServer

T0 = 1_700_000_000.0
PLANT = plant_yaml(
    """
    - {name: T, device: plc, address: "hr:0", type: uint16, range: [0, 1000], alarms: {H: 60}}
    - {name: U, device: plc, address: "hr:1", type: uint16, range: [0, 1000]}
    - {name: RUN, device: plc, address: "hr:2", type: uint16, alarms: {L: 5, suppress_when: "U > 500"}}
    - {name: F, device: plc, address: "hr:3", type: uint16, range: [0, 1000], alarms: {H: 900},
       warning: {forecast: {when: "U > 0"}, anomaly: {mode: "U > 0"}}}
    """,
    devices="""
    - {name: plc, protocol: modbus-tcp, host: 127.0.0.1, port: PORT, unit: 1, scan_ms: 200, timeout_ms: 500}
    """,
    name="Fault test",
    extra="""
    hazard_sources:
      - {name: Furnace, kind: blast_furnace, tags: [T, U]}
    rules:
      - {name: hot, when: "T > 50", level: 2}
      - {name: broken, when: "U > 1", level: 2}
    """,
)
T, U, RUN, F = range(4)


def plant(port: int = 15999):
    return parse_config_text(PLANT.replace("PORT", str(port)))


class RaisingRule:
    """The compiled rule `inner`, raising ZeroDivisionError while tag `i` is above `limit`."""

    def __init__(self, inner, i: int, limit: float):
        self.inner, self.i, self.limit = inner, i, limit
        self.text, self.tags, self._calls = inner.text, inner.tags, inner._calls
        self.max_span_s = inner.max_span_s

    def run(self, window, values, now, cache=None):
        if values[self.i] > self.limit:  # a bad value is NaN here: never above
            raise ZeroDivisionError("float division by zero")
        return self.inner.run(window, values, now, cache)

    def reset(self):
        self.inner.reset()


def raising_expression(i: int, limit: float):
    def fn(values):
        if values[i] > limit:
            raise OverflowError("int too large to convert to float")
        return False

    return fn


def scan(t: float, t_v: float, u_v: float, run: float = 10.0, f: float = 100.0) -> SampleBatch:
    return SampleBatch.build([T, U, RUN, F], t, [t_v, u_v, run, f], Quality.GOOD)


def run(p: Pipeline, t0: float, seconds: int, **values):
    out = []
    for k in range(seconds):
        out += p.evaluate(scan(t0 + k, **values)).alarms
    return out


def keyed(alarms, key):
    return [a for a in alarms if a.key == key]


# ---------------------------------------------------------------- rules


def test_a_rule_that_raises_is_faulted_and_the_other_rules_still_raise(caplog):
    p = Pipeline(plant(), step_s=1.0)
    p.rules.compiled["broken"] = RaisingRule(p.rules.compiled["broken"], U, 5)
    with caplog.at_level(logging.ERROR, logger="app.evaluation.faults"):
        out = run(p, T0, 10, t_v=80, u_v=10)
    fault = keyed(out, rule_key("broken"))
    assert [(a.kind, a.active, a.priority) for a in fault] == [("SYSTEM", True, 2)]
    assert fault[0].message == "Rule broken faulted: ZeroDivisionError: float division by zero; not evaluated"
    assert fault[0].source == "broken"
    assert [a.active for a in keyed(out, "hot:RULE")] == [True]  # the other rule is evaluated
    assert [a.active for a in keyed(out, "T:H")] == [True]  # and the alarms
    f = p.faults.snapshot()[rule_key("broken")]
    assert f.error == "ZeroDivisionError: float division by zero" and f.since <= T0 + 2 and f.failures >= 8
    # logged once, not once per evaluation
    assert len([r for r in caplog.records if "rule:broken:FAULT" in r.getMessage()]) == 1
    assert "faulted: ZeroDivisionError" in p.rules.explain("broken").error

    # evaluates cleanly again: the SYSTEM alarm returns to normal, the rule is evaluated again
    out = run(p, T0 + 10, 3, t_v=80, u_v=3)
    assert [a.active for a in keyed(out, rule_key("broken"))] == [False]
    assert keyed(out, rule_key("broken"))[0].message == "Rule broken evaluates again"
    assert p.faults.snapshot() == {}
    assert p.rules.state["broken"].condition is True


def test_a_prefetch_failure_only_faults_the_rule_that_fails(monkeypatch):
    import app.rules.engine

    def boom(ctx, rules):
        raise ValueError("no trend")

    monkeypatch.setattr(app.rules.engine, "prefetch_trends", boom)
    p = Pipeline(plant(), step_s=1.0)
    out = run(p, T0, 5, t_v=80, u_v=3)
    assert [a.active for a in keyed(out, "hot:RULE")] == [True]
    assert p.faults.snapshot() == {}


# ---------------------------------------------------------------- expressions and detectors


def test_a_suppress_when_that_raises_shows_the_alarm_and_says_so():
    p = Pipeline(plant(), step_s=1.0)
    fn, used = p.alarms.suppress_when[RUN]
    p.alarms.suppress_when[RUN] = (raising_expression(U, 5), used)
    out = run(p, T0, 3, t_v=10, u_v=10, run=1.0)
    low = keyed(out, "RUN:L")
    assert [(a.active, a.suppressed) for a in low] == [(True, False)]  # not suppressed: shown
    fault = keyed(out, "RUN:suppress_when:FAULT")
    assert [(a.kind, a.active) for a in fault] == [("SYSTEM", True)]
    assert fault[0].message == (
        "RUN: suppress_when faulted: OverflowError: int too large to convert to float; alarms not suppressed"
    )
    out = run(p, T0 + 3, 2, t_v=10, u_v=1, run=1.0)
    assert [a.active for a in keyed(out, "RUN:suppress_when:FAULT")] == [False]


def test_forecast_when_and_anomaly_mode_that_raise_are_faulted():
    p = Pipeline(plant(), step_s=1.0)
    f, a = p.warnings.forecast, p.warnings.anomaly
    assert f.when and any(m is not None for m in a.modes)
    f.when = [(j, raising_expression(U, 5)) for j, _fn in f.when]
    a.modes = [raising_expression(U, 5) if m is not None else None for m in a.modes]
    out = run(p, T0, 4, t_v=10, u_v=10)
    assert [x.active for x in keyed(out, "F:forecast.when:FAULT")] == [True]
    assert [x.active for x in keyed(out, "F:anomaly.mode:FAULT")] == [True]
    assert keyed(out, "F:anomaly.mode:FAULT")[0].message.endswith("; normal mode assumed")
    out = run(p, T0 + 4, 3, t_v=10, u_v=0)
    assert [x.active for x in keyed(out, "F:forecast.when:FAULT")] == [False]
    assert [x.active for x in keyed(out, "F:anomaly.mode:FAULT")] == [False]


def test_a_detector_that_raises_is_faulted_and_the_rest_still_runs(monkeypatch):
    p = Pipeline(plant(), step_s=1.0)

    def boom(*_a):
        raise ValueError("broken detector")

    monkeypatch.setattr(p.warnings.forecast, "evaluate", boom)
    monkeypatch.setattr(p.risk, "update", boom)
    out = run(p, T0, 5, t_v=80, u_v=3)
    assert [x.active for x in keyed(out, "detector:forecast:FAULT")] == [True]
    assert keyed(out, "detector:forecast:FAULT")[0].message == (
        "Detector forecast faulted: ValueError: broken detector; not evaluated"
    )
    assert [x.active for x in keyed(out, "detector:risk:FAULT")] == [True]
    assert [x.active for x in keyed(out, "hot:RULE")] == [True]
    assert set(p.faults.snapshot()) == {"detector:forecast:FAULT", "detector:risk:FAULT"}
    monkeypatch.undo()
    out = run(p, T0 + 5, 2, t_v=80, u_v=3)
    assert {x.key for x in out if x.kind == "SYSTEM" and not x.active} == {
        "detector:forecast:FAULT",
        "detector:risk:FAULT",
    }


def test_an_alarm_evaluation_that_raises_still_stores_the_batch(tmp_path, monkeypatch):
    cfg = plant()
    db = tmp_path / "h.db"
    hist = History(f"sqlite:///{db}", cfg.tags, flush_s=0.05)
    eng = Engine(cfg, hist, warnings=False)
    hist.start()
    try:

        def boom(batch):
            raise OverflowError("cannot convert")

        monkeypatch.setattr(eng.alarms, "evaluate", boom)
        batch, out = eng.process(SampleBatch.build([T, U, RUN, F], T0, [80, 3, 10, 100], Quality.GOOD))
        assert [(a.key, a.active) for a in out] == [("detector:alarms:FAULT", True)]
        monkeypatch.undo()
        batch, out = eng.process(SampleBatch.build([T, U, RUN, F], T0 + 1, [80, 3, 10, 100], Quality.GOOD))
        assert ("detector:alarms:FAULT", False) in [(a.key, a.active) for a in out]
        assert ("T:H", True) in [(a.key, a.active) for a in out]
    finally:
        hist.stop()
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT COUNT(*) FROM samples WHERE ts = ?", (int(T0 * 1000),)).fetchone()[0] == 4
        rows = c.execute("SELECT key, active FROM alarm_events ORDER BY id").fetchall()
    assert rows[0] == ("detector:alarms:FAULT", 1)


def test_a_faulted_rule_unchanged_by_a_new_configuration_stays_faulted_a_removed_one_ends():
    cfg = plant()
    p = Pipeline(cfg, step_s=1.0)
    p.rules.compiled["broken"] = RaisingRule(p.rules.compiled["broken"], U, 5)
    run(p, T0, 3, t_v=80, u_v=10)
    same = Pipeline(cfg, step_s=1.0)
    assert same.adopt(p, T0 + 3) == []
    assert rule_key("broken") in same.faults.snapshot()
    out = run(same, T0 + 3, 2, t_v=80, u_v=10)  # the real rule evaluates cleanly: the fault ends
    assert [a.active for a in keyed(out, rule_key("broken"))] == [False]

    without = cfg.model_copy(update={"rules": [r for r in cfg.rules if r.name != "broken"]})
    q = Pipeline(without, step_s=1.0)
    ended = q.adopt(p, T0 + 3)
    assert [(a.key, a.active) for a in ended] == [(rule_key("broken"), False)]
    assert q.faults.snapshot() == {}


def test_replay_shares_the_isolation(tmp_path, monkeypatch):
    class Faulty(Pipeline):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            self.rules.compiled["broken"] = RaisingRule(self.rules.compiled["broken"], U, 5)

    monkeypatch.setattr(app.evaluation.replay, "Pipeline", Faulty)
    csv = tmp_path / "in.csv"
    rows = ["time,tag,value"]
    for k in range(40):
        for name, v in (("T", 80), ("U", 10 if k < 20 else 0), ("RUN", 10), ("F", 100)):
            rows.append(f"{T0 + k},{name},{v}")
    csv.write_text("\n".join(rows) + "\n")
    result = app.evaluation.replay.replay(plant(), csv, hold=False)
    assert [a.active for a in keyed(result.events, rule_key("broken"))] == [True, False]
    assert keyed(result.events, "hot:RULE")[0].active


# ---------------------------------------------------------------- end to end


@pytest.fixture
def modbus():
    with ModbusServer() as srv:
        yield srv


@pytest.mark.slow
def test_engine_over_modbus_with_one_failing_rule_stores_everything_and_journals_the_fault(modbus, tmp_path):
    """A live engine reading a real Modbus server: the broken rule raises while U > 5; every tag
    is stored, the other rule and the limit alarm raise, the SYSTEM alarm is journaled and ends
    when the rule evaluates cleanly again."""
    cfg = plant(modbus.port)
    modbus.set("hr", 0, [80, 10, 10, 100])
    db = tmp_path / "h.db"
    hist = History(f"sqlite:///{db}", cfg.tags, flush_s=0.05)
    eng = Engine(cfg, hist)
    eng.warm_up_s = 0
    eng.pipeline = Pipeline(cfg, step_s=0.5)  # buckets of half a second: the rules run often
    eng.alarms = eng.pipeline.alarms
    eng.pipeline.rules.compiled["broken"] = RaisingRule(eng.pipeline.rules.compiled["broken"], U, 5)

    def journal():
        with sqlite3.connect(db, timeout=10) as c:
            return c.execute("SELECT key, kind, active, message FROM alarm_events ORDER BY id").fetchall()

    eng.start()
    try:
        wait_until(lambda: any(r[0] == rule_key("broken") and r[2] for r in journal()), timeout=15)
        wait_until(lambda: any(r[0] == "hot:RULE" and r[2] for r in journal()), timeout=15)
        wait_until(lambda: any(r[0] == "T:H" and r[2] for r in journal()), timeout=15)
        faults = eng.faults()
        assert list(faults) == [rule_key("broken")]
        assert faults[rule_key("broken")].error.startswith("ZeroDivisionError")
        with sqlite3.connect(db, timeout=10) as c:
            stored = dict(
                c.execute(
                    "SELECT t.name, COUNT(*) FROM samples s JOIN tags t ON t.id = s.tag_id GROUP BY t.name"
                ).fetchall()
            )
        assert set(stored) == {"T", "U", "RUN", "F"}
        modbus.set("hr", 1, [0])
        wait_until(lambda: any(r[0] == rule_key("broken") and not r[2] for r in journal()), timeout=15)
        assert eng.faults() == {}
    finally:
        eng.stop()
    row = next(r for r in journal() if r[0] == rule_key("broken"))
    assert row[1] == "SYSTEM" and row[3].startswith("Rule broken faulted: ZeroDivisionError")
    assert eng.samples_in > 0
    assert np.isfinite(eng.latest().value).all()


# ---------------------------------------------------------------- settings


def test_the_rules_page_shows_a_rule_the_running_plant_faulted_in_red(qtbot, tmp_path):
    from app.config import demo_config_path, load_config
    from app.config.io import save_config
    from app.evaluation.faults import FaultRegistry
    from views.settings import SettingsDialog

    path = tmp_path / "plant.yaml"
    save_config(load_config(demo_config_path()), path)
    dlg = SettingsDialog(load_config(path))
    qtbot.addWidget(dlg)
    page = dlg.rules_page
    name = page.rules[0]["name"]
    faults = FaultRegistry()
    faults.rule_failed(name, ZeroDivisionError("float division by zero"), T0)
    page.set_fault_source(faults.snapshot)
    page.list.setCurrentRow(0)
    assert page.check_rule() == ""  # it compiles: not an error of the draft
    assert page.check.text().startswith("faulted: ZeroDivisionError: float division by zero (since ")
    assert page.check.property("state") == "fail"
    assert page.list.item(0).text() == f"{name} (faulted)"
    # the engine evaluates it again: back to OK on the next refresh
    faults.rule_ok(name, T0 + 1)
    dlg.show()
    dlg.show_page("Rules")
    assert page.fault_timer.isActive()
    qtbot.waitUntil(lambda: page.check.property("state") == "ok", timeout=5000)
    assert page.list.item(0).text() == name
    dlg.close()
    dlg.runner.wait()


def test_the_rules_page_names_the_faulted_detectors_and_expressions_of_the_running_plant(qtbot, monkeypatch):
    from views.settings import SettingsDialog

    cfg = plant()
    p = Pipeline(cfg, step_s=1.0)

    def boom(*_a):
        raise ValueError("broken detector")

    monkeypatch.setattr(p.warnings.forecast, "evaluate", boom)
    fn, used = p.alarms.suppress_when[RUN]
    p.alarms.suppress_when[RUN] = (raising_expression(U, 5), used)
    out = run(p, T0, 5, t_v=10, u_v=10, run=1.0)
    assert {a.key for a in out if a.kind == "SYSTEM" and a.active} == {
        "detector:forecast:FAULT",
        "RUN:suppress_when:FAULT",
    }

    dlg = SettingsDialog(cfg)
    qtbot.addWidget(dlg)
    page = dlg.rules_page
    page.set_fault_source(p.faults.snapshot)
    dlg.show()
    dlg.show_page("Rules")
    line = page.other_faults
    assert line.isVisible()
    assert line.property("state") == "fail"
    lines = line.text().splitlines()
    assert len(lines) == 2
    assert any(
        s.startswith("Detector forecast faulted: ValueError: broken detector (since ") for s in lines
    ), lines
    assert any(
        s.startswith("Tag RUN, suppress_when faulted: OverflowError: int too large to convert to float")
        for s in lines
    ), lines
    # the rules themselves evaluate: none is marked faulted
    assert [page.list.item(i).text() for i in range(page.list.count())] == ["hot", "broken"]

    # the plant evaluates them cleanly again: the line goes on the page's next refresh
    monkeypatch.undo()
    run(p, T0 + 5, 3, t_v=10, u_v=1, run=1.0)
    assert p.faults.snapshot() == {}
    assert page.fault_timer.isActive()
    qtbot.waitUntil(lambda: not line.isVisible(), timeout=5000)
    assert line.text() == ""
    dlg.close()
    dlg.runner.wait()
