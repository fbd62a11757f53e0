"""Hazard-source views fed from a fake bridge: the plant risk ranking, the hazard-source panel and
the "Why?" dialogs for forecasts, rules, hazard sources and warnings that have nothing to explain."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QObject, Signal

from app.config import demo_config_path, load_config
from app.risk.engine import inherent_risk
from app.rules.engine import RuleExplanation, Term
from app.warning.explain import Explanation
from core.alarm_types import Alarm
from core.risk_types import Inherent, RiskState, TraceItem
from core.samples import Quality
from tests.helpers import Clock
from views.hazard_panel import HazardPanel
from views.risk_overview import RiskOverview
from views.warning_explain import RiskExplainDialog, WarningExplainDialog

NOW = 1_700_000_000.0


class FakeBridge(QObject):
    """The bridge's signals and read methods, fed by the test."""

    samples = Signal(object)
    latest = Signal(object)
    alarms = Signal(object)
    risk = Signal(object)

    def __init__(self, n_tags: int, explanations=None):
        super().__init__()
        self.risk_states: dict[str, RiskState] = {}
        self.standing: dict[str, Alarm] = {}
        self.explanations = explanations or {}
        self.value = np.full(n_tags, np.nan)
        self.quality = np.full(n_tags, int(Quality.GOOD), dtype=np.uint8)

    def push_risk(self, states) -> None:
        self.risk_states.update({s.hazard: s for s in states})
        self.risk.emit(list(states))

    def push_latest(self) -> None:
        self.latest.emit((self.value.copy(), self.quality.copy()))

    def ranked_risk(self):
        return sorted(self.risk_states.values(), key=lambda r: (r.level, -r.raised, r.hazard))

    def explain(self, key):
        return self.explanations.get(key)

    def forecast_cone(self, _tag):
        return None

    def latest_arrays(self):
        return self.value.copy(), self.quality.copy(), np.zeros(len(self.value))


@pytest.fixture(scope="module")
def config():
    return load_config(demo_config_path())


def state(config, name: str, level: int | None = None, trace=(), since: float = NOW - 300) -> RiskState:
    hs = next(h for h in config.hazard_sources if h.name == name)
    inh = inherent_risk(hs, config.risk)
    return RiskState(
        name, hs.kind, inh, inh.level if level is None else level, None, since, tuple(trace), NOW
    )


def at_inherent(config) -> list[RiskState]:
    return [state(config, h.name) for h in config.hazard_sources]


# ---------------------------------------------------------------- plant risk


def test_overview_ranks_reranks_and_emits_hazard_selected(qtbot, config):
    bridge = FakeBridge(len(config.tags))
    bridge.push_risk(at_inherent(config))
    overview = RiskOverview(bridge, now=Clock(NOW))
    qtbot.addWidget(overview)
    model = overview.model
    assert model.rowCount() == len(config.hazard_sources)
    levels = [s.level for s in model.rows]
    assert levels == sorted(levels)

    # a gas leak raises the pipeline network to red: it goes to the top, the rest keep their order
    leak = TraceItem("GAS.CO.01", "alarm", 1, "CO 210 ppm > HH 150 ppm", NOW - 60)
    layouts = []
    model.layoutChanged.connect(lambda *a: layouts.append(a))
    overview.view.selectRow(model.row_of["Converter BOF1"])
    with qtbot.waitSignal(bridge.risk):
        bridge.push_risk([state(config, "Gas pipeline network", 1, [leak])])
    assert model.names()[0] == "Gas pipeline network"
    assert layouts, "a re-rank is one layoutChanged"
    assert overview.selected() == "Converter BOF1", "the selection follows its hazard source"
    top = model.index(0, 4).data()
    assert "GAS.CO.01" in top and "alarm" in top
    assert model.index(0, 0).data() == "I"

    # an update that keeps the order is a bounded dataChanged over the changed row
    changes = []
    model.dataChanged.connect(lambda a, b, *_: changes.append((a.row(), b.row())))
    layouts.clear()
    more = TraceItem("GAS.CO.02", "warning", 2, "CO rising", NOW - 30)
    bridge.push_risk([state(config, "Gas pipeline network", 1, [leak, more])])
    assert not layouts and changes == [(0, 0)]

    # equal levels: the one raised further above its inherent level comes first
    bof2 = state(config, "Converter BOF2", 1, [TraceItem("BOF2.LANCE.FLOW_DIFF", "warning", 1, "leak", NOW)])
    bridge.push_risk([bof2])
    first_two = model.names()[:2]
    raised = {s.hazard: s.raised for s in model.rows[:2]}
    assert raised[first_two[0]] >= raised[first_two[1]]

    # clearing sends it back down
    bridge.push_risk([state(config, "Gas pipeline network")])
    assert model.names()[0] != "Gas pipeline network" or model.rows[0].level == 1

    with qtbot.waitSignal(overview.hazard_selected) as sig:
        overview.view.selectRow(model.row_of["Oxygen station"])
    assert sig.args == ["Oxygen station"]
    with qtbot.waitSignal(overview.hazard_activated) as sig:
        overview.view.doubleClicked.emit(model.index(model.row_of["Gas holder 1"], 1))
    assert sig.args == ["Gas holder 1"]
    # choosing it elsewhere (the map) selects the row without echoing it back
    with qtbot.assertNotEmitted(overview.hazard_selected):
        assert overview.select("Continuous caster 1")
    assert overview.selected() == "Continuous caster 1"


# ---------------------------------------------------------------- hazard-source panel


def test_panel_shows_level_inherent_trace_and_sparklines(qtbot, config):
    clock = Clock(NOW)
    bridge = FakeBridge(len(config.tags))
    idx = config.tag_index()
    bridge.value[:] = 1.0
    panel = HazardPanel(config, bridge, now=clock)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.empty_label.isVisible()

    assert panel.show_hazard("Converter BOF1")
    assert not panel.show_hazard("No such place")
    assert panel.title.text() == "Converter BOF1"
    # no live state yet: shown at its inherent level, outlined (not an abnormal colour)
    assert panel.badge.level == 2 and not panel.badge.solid
    assert panel.inherent_label.text() == "LEC D = 270 (L 3 × E 6 × C 15) → II large"

    leak = TraceItem("BOF1.LANCE.FLOW_DIFF", "warning", 2, "lance flow difference rising", NOW - 120)
    interlock = TraceItem("BOF1.INTERLOCK.TILT", "interlock bypassed", 1, "BOF1.INTERLOCK.TILT = 0", NOW - 30)
    s = state(config, "Converter BOF1", 1, [interlock, leak], since=NOW - 30)
    bridge.push_risk([s])
    assert panel.badge.level == 1 and panel.badge.solid
    assert "1 step above inherent" in panel.since_label.text()
    tm = panel.trace_model
    assert tm.rowCount() == 2
    assert [tm.index(r, 1).data() for r in range(2)] == ["BOF1.INTERLOCK.TILT", "BOF1.LANCE.FLOW_DIFF"]
    assert tm.index(0, 0).data() == "I" and tm.index(1, 0).data() == "II"
    assert "2 min" in tm.index(1, 3).data()
    assert "interlock bypassed" in panel.explanation()
    assert panel.why_button.isEnabled()
    with qtbot.waitSignal(panel.explainRequested) as sig:
        panel.why_button.click()
    assert sig.args[0] is s

    # indicators in the trace come first, at most a dozen
    names = [m.name.text() for m in panel.members]
    assert names[:2] == ["BOF1.INTERLOCK.TILT", "BOF1.LANCE.FLOW_DIFF"]
    assert len(names) <= 12

    # live values and sparklines
    diff = idx["BOF1.LANCE.FLOW_DIFF"]
    row = next(m for m in panel.members if m.tag == diff)
    for k in range(5):
        bridge.value[diff] = 2.0 + k
        clock.t = NOW + 3 * k
        bridge.push_latest()
    assert row.value.text().startswith("6.00")
    assert row.quality.text() == "good"
    t, v = panel.store.series(diff)
    # one column per 2 s step: the first value, then the samples 3 s apart (the one at NOW is within a step)
    assert list(v) == [1.0, 3.0, 4.0, 5.0, 6.0]
    assert np.all(np.diff(t) >= panel.store.step_s)
    qtbot.waitUntil(lambda: not row.spark.dirty)
    assert row.spark.points() and row.spark.points()[0].size() == len(v)
    bridge.quality[diff] = int(Quality.BAD)
    clock.t += 3
    bridge.push_latest()
    assert row.quality.text() == "bad" and row.value.text() == "—"
    assert np.isnan(panel.store.series(diff)[1][-1])

    # the level falls back: the badge goes back to an outline, the trace empties
    bridge.push_risk([state(config, "Converter BOF1")])
    assert not panel.badge.solid and panel.trace_model.rowCount() == 0
    assert "no live evidence" in panel.trace_caption.text()


# ---------------------------------------------------------------- "Why?"


def _warning(kind: str, eta: float | None = None, err: float | None = None, priority: int = 2) -> Alarm:
    return Alarm(
        key=f"GAS.CO.01:{kind}",
        source="GAS.CO.01",
        tag=0,
        kind=kind,
        priority=priority,
        active=True,
        acked=False,
        ts=NOW,
        since=NOW - 60,
        value=40.0,
        limit=50.0,
        message="CO rising, 50 ppm expected in 6 min",
        eta=eta,
        eta_err_s=err,
    )


def test_forecast_dialog_plots_data_fit_cone_limit_and_eta(qtbot):
    t = NOW - 600 + 10.0 * np.arange(60)
    v = 20 + 0.03 * (t - t[0])
    v[10] = np.nan
    ft = np.r_[t[0], NOW, NOW + 60 * np.arange(1, 8)]
    fv = 38 + 0.03 * (ft - NOW)
    lo = np.r_[np.nan, np.nan, fv[2:] - 2]
    hi = np.r_[np.nan, np.nan, fv[2:] + 2]
    eta = NOW + 400
    ex = Explanation(
        "GAS.CO.01:FORECAST", "FORECAST", 0, "Forecast for GAS.CO.01", ["Trend over the last 10 min."],
        t, v, ft, fv, lo, hi, limit=50.0, eta=eta,
    )  # fmt: skip
    dlg = WarningExplainDialog(ex, _warning("FORECAST", eta, 90.0), now=Clock(NOW))
    qtbot.addWidget(dlg)
    assert set(dlg.items) >= {"data", "fit", "band", "limit", "eta", "eta_band"}
    assert isinstance(dlg.plot.getPlotItem().getAxis("bottom"), pg.DateAxisItem)
    assert dlg.items["limit"].value() == 50.0 and dlg.items["limit"].angle == 0
    assert dlg.items["eta"].value() == eta and dlg.items["eta"].angle == 90
    lo_eta, hi_eta = dlg.items["eta_band"].getRegion()
    assert (lo_eta, hi_eta) == (eta - 90, eta + 90)
    assert all(isinstance(f, pg.FillBetweenItem) for f in dlg.items["band"])
    x, y = dlg.items["data"].getData()
    assert len(x) == len(t)
    assert "expected at" in dlg.lines.text() and "Trend over" in dlg.lines.text()
    assert "Forecast for GAS.CO.01" in dlg.text()


def test_anomaly_dialog_draws_baseline_band(qtbot):
    t = NOW - 600 + 10.0 * np.arange(60)
    v = np.r_[np.full(50, 20.0), np.full(10, 26.0)]
    ex = Explanation(
        "GAS.CO.01:ANOMALY", "ANOMALY", 0, "Anomaly on GAS.CO.01", ["Step of +6 ppm."],
        t, v, t, np.full(60, 20.0), np.full(60, 17.0), np.full(60, 23.0),
    )  # fmt: skip
    dlg = WarningExplainDialog(ex, _warning("ANOMALY"), now=Clock(NOW))
    qtbot.addWidget(dlg)
    assert {"data", "fit", "band"} <= set(dlg.items) and "eta" not in dlg.items and "limit" not in dlg.items


def test_rule_dialog_lists_terms(qtbot):
    terms = [
        Term("slope(BOF1.LANCE.FLOW_DIFF, 300)", 0.9, "m³/h/min", "change 4.5 > 0.6"),
        Term("BOF1.BLOWING", True),
        Term("count_rising(GAS.CO.*, 120)", 3),
        Term("mean(BOF1.GAS.CO, 60)", float("nan"), "%"),
    ]
    ex = RuleExplanation(
        name="lance_leak",
        text="slope(BOF1.LANCE.FLOW_DIFF, 300) > 0.6 and BOF1.BLOWING",
        for_s=60.0,
        level=1,
        hazard="Converter BOF1",
        message="Lance water leak suspected",
        active=True,
        condition=True,
        since=NOW - 120,
        evaluated_at=NOW,
        terms=terms,
    )
    dlg = WarningExplainDialog(ex, _warning("RULE"), now=Clock(NOW))
    qtbot.addWidget(dlg)
    m = dlg.terms_model
    assert m.rowCount() == 4
    assert m.index(0, 1).data() == "0.90 m³/h/min"
    assert m.index(1, 1).data() == "yes"  # a truth value is a word, never "true"
    assert m.index(2, 1).data() == "3"
    assert m.index(3, 1).data() == "no data"
    assert "Raised since" in dlg.lines.text() and "When: slope" in dlg.lines.text()
    assert dlg.plot is None


def test_dialog_without_explanation_says_so(qtbot):
    cleared = WarningExplainDialog(None, _warning("FORECAST"))
    qtbot.addWidget(cleared)
    assert "no explanation" in cleared.title.text() and "cleared" in cleared.lines.text()
    alarm = _warning("HH")._replace(key="GAS.CO.01:HH")
    plain = WarningExplainDialog(None, alarm)
    qtbot.addWidget(plain)
    assert "not an early warning" in plain.title.text()
    assert cleared.plot is None and cleared.terms_view is None


def test_risk_explain_dialog_shows_the_trace(qtbot, config):
    s = state(config, "Gas holder 1", 2, [TraceItem("GH1.LEVEL", "alarm", 2, "level high", NOW - 90)])
    dlg = RiskExplainDialog(s, now=Clock(NOW))
    qtbot.addWidget(dlg)
    text = dlg.body.toPlainText()
    assert text == s.explain(NOW) and "GH1.LEVEL" in text and "1 min" in text


def test_inherent_fallback_is_engineer_grade():
    inh = Inherent(3, "engineer", explanation="set by the engineer")
    assert inh.label == "III yellow"


def test_spark_store_steps_and_survives_a_clock_set_back():
    from widgets.sparkline import SparkStore

    clock = Clock(NOW)
    store = SparkStore(3, span_s=10, step_s=2, clock=clock)
    for k in range(12):
        clock.t = NOW + k
        store.append(np.array([k, 2 * k, np.nan]), np.array([2, 0, 2]))
    t, v = store.series(0)
    assert np.all(np.diff(t) >= 2) and t[-1] - t[0] <= 10 and v[-1] == 10
    assert np.isnan(store.series(1)[1]).all()  # bad quality: gaps
    clock.t = NOW - 3600  # the clock was set back an hour: start again, do not stall
    assert store.append(np.array([7.0, 7.0, 7.0]))
    assert list(store.series(0)[1]) == [7.0]


def test_panel_says_which_method_gave_the_inherent_level(qtbot, config):
    bridge = FakeBridge(len(config.tags))
    panel = HazardPanel(config, bridge, now=Clock(NOW))
    qtbot.addWidget(panel)
    panel.show()
    # a registered major hazard: red by direct determination, its GB 18218 grade named as such
    assert panel.show_hazard("Gas holder 1")
    assert panel.badge.level == 1 and panel.inherent_badge.level == 1
    assert panel.inherent_method.isVisible()
    assert panel.inherent_method.text() == (
        "By direct determination · major hazard, GB 18218 grade 3 (registration) · floor applied"
    )
    assert panel.inherent_label.text().startswith(
        "major hazard (S = 3.35 ≥ 1): I red by direct determination (DB37/T 2882-2016); GB 18218 grade 3"
    )
    # below S = 1: the LEC evaluation gives the level
    assert panel.show_hazard("Blast furnace 1")
    assert panel.inherent_badge.level == 2
    assert panel.inherent_method.text() == "By LEC evaluation · not a major hazard (S < 1)"
    assert "S = 0.5 < 1, not a major hazard" in panel.inherent_label.text()
    assert panel.show_hazard("Continuous caster 1")
    assert panel.inherent_method.text() == "By LS matrix"
    # a floor over a milder evaluation says what the evaluation alone gives
    hs = next(h for h in config.hazard_sources if h.name == "Gas holder 1")
    lifted = inherent_risk(hs.model_copy(update={"inherent_level": 3}), config.risk)
    assert panel.method_text(lifted).endswith("floor applied: the evaluation alone gives III yellow")
