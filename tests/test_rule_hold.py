"""Rule warnings that hold while their incident develops, and a Why? that keeps its evidence.

On the simulator's physics through the live pipeline: the gas-leak rule does not return while CO
is far above its limit, the lance rule raises exactly once during a lance leak, and a held
warning returns once the incident is over. On small feeds: the clear time and the minimum hold
(plant default and per rule), a term without enough data never makes a raise, the terms at
raising are kept, and the condition reads in words. In the Why? dialog: the values at raising
next to the present ones, yes/no, what holds a raised warning, English and Chinese."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.config import Rule, demo_config_path, load_config, parse_config_text
from app.evaluation.pipeline import Pipeline
from app.rules.engine import RuleEngine, compile_rule
from app.warning.window import RecentWindow
from core.messages import LANGUAGE_PROBE, Message, PlantText
from core.samples import Quality, SampleBatch
from demo.plant_physics import PlantPhysics
from demo.scenarios import T0, WARMUP_S, samples
from tests.helpers import plant_yaml

ROOT = Path(__file__).resolve().parent.parent
GOOD, BAD = int(Quality.GOOD), int(Quality.BAD)
GAS_RULE, LANCE_RULE = "Gas leak spreading", "BOF1 lance water leak"


@pytest.fixture(scope="module")
def demo():
    return load_config(demo_config_path())


# ---------------------------------------------------------------- the physics, live pipeline


class Run:
    """The demo plant's physics through the live evaluation pipeline at one scan per second."""

    def __init__(self, cfg, seed: int):
        self.cfg, self.physics, self.pipe = cfg, PlantPhysics(cfg, seed=seed), Pipeline(cfg)
        self.index = cfg.tag_index()
        self.transitions: list[tuple[float, str, bool]] = []  # (s since onset, rule, raised)
        self.onset = None
        self.advance(WARMUP_S)

    def advance(self, seconds: float, each=None) -> None:
        for batch in samples(self.physics, seconds):
            for a in self.pipe.evaluate(batch).alarms:
                if a.kind == "RULE":
                    self.transitions.append((a.ts - (self.onset or T0), a.source, a.active))
            if each is not None:
                each(self)

    def inject(self, incident: str) -> None:
        assert self.transitions == [], f"a rule changed before the incident: {self.transitions}"
        self.physics.inject(incident)
        self.onset = T0 + self.physics.t

    def of(self, rule: str) -> list[tuple[float, bool]]:
        return [(t, up) for t, name, up in self.transitions if name == rule]

    def value(self, tag: str) -> float:
        return float(self.physics.values[self.index[tag]])

    def co_max(self) -> float:
        return max(self.value(n) for n in self.index if n.startswith(("GAS.CO.", "GH1.CO.")))


@pytest.mark.slow
def test_gas_leak_rule_does_not_return_while_co_is_far_above_its_limit(demo):
    run = Run(demo, seed=1)
    run.inject("gas_leak")
    seen = {"held_false": 0, "co_held": 0.0}

    def watch(r: Run) -> None:
        st = r.pipe.rules.state[GAS_RULE]
        if st.active and st.condition is False:  # the condition alone would have let it return
            seen["held_false"] += 1
            seen["co_held"] = max(seen["co_held"], r.co_max())
            if r.co_max() > 400 and "holding" not in seen:
                seen["holding"] = [str(h) for h in r.pipe.rules.explain(GAS_RULE).holding]

    run.advance(3600.0, watch)
    assert [up for _, up in run.of(GAS_RULE)] == [True], run.of(GAS_RULE)  # raised once, never returned
    assert run.of(GAS_RULE)[0][0] < 300  # early, as before
    assert seen["held_false"] > 60 and seen["co_held"] > 400  # held by the incident, CO at 400+ ppm
    ex = run.pipe.rules.explain(GAS_RULE)
    assert ex.active and ex.raised_terms and ex.raised_terms[0].value is True
    assert any("beyond its HH limit 160 ppm" in h for h in seen["holding"]), seen["holding"]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lance_rule_raises_once_and_does_not_cycle_during_the_lance_leak(demo, seed):
    run = Run(demo, seed=seed)
    run.inject("lance_leak")
    run.advance(3600.0)  # the leak grows for an hour: H, HH of the flow difference and outlet temperature
    assert [up for _, up in run.of(LANCE_RULE)] == [True], run.of(LANCE_RULE)
    assert run.value("BOF1.LANCE.FLOW_DIFF") > 8  # far beyond HH: the incident is real
    assert run.pipe.rules.active() == [LANCE_RULE]


@pytest.mark.slow
def test_a_held_warning_returns_once_the_incident_is_over(demo):
    run = Run(demo, seed=2)
    run.inject("gas_leak")
    run.advance(1200.0)
    assert [up for _, up in run.of(GAS_RULE)] == [True]
    run.physics.clear_incidents()
    over = run.physics.t - WARMUP_S
    at_return: dict[str, float] = {}

    def watch(r: Run) -> None:
        if not at_return and not r.pipe.rules.state[GAS_RULE].active:
            at_return["co"], at_return["t"] = r.co_max(), r.physics.t - WARMUP_S

    run.advance(900.0, watch)
    assert [up for _, up in run.of(GAS_RULE)] == [True, False]
    assert at_return["co"] < 22  # back inside the limit and its deadband
    assert 120 <= at_return["t"] - over <= 600  # the clear time, then as soon as it stops developing
    ex = run.pipe.rules.explain(GAS_RULE)
    assert not ex.active and ex.raised_at is not None and ex.raised_terms  # the evidence stays for Why?


# ---------------------------------------------------------------- small feeds

PLANT = plant_yaml(
    """
    - {name: A.X, unit: ppm, device: plc, address: "hr:0", range: [0, 100], alarms: {H: 50, deadband: 2}}
    - {name: A.Y, unit: °C, device: plc, address: "hr:2", range: [0, 100]}
    """,
    devices="""
    - {name: plc, protocol: modbus-tcp, host: 127.0.0.1, port: 15999, scan_ms: 1000}
    """,
    name="Hold test",
    extra="""
    rule_defaults: {clear_s: 60, hold_s: 200}
    rules:
      - {name: High, when: "A.Y > 5", message: "Y high", message_zh: "Y 偏高"}
      - {name: Quick, when: "A.Y > 5", clear_s: 10, hold_s: 0}
      - {name: Leak, when: "rising(A.X, 120, 10)", message: "X rising fast"}
      - {name: Warm, when: "rising(A.Y, 120, 10)"}
      - {name: Steady, when: "not rising(A.Y, 300)"}
      - {name: Either, when: "rising(A.Y, 300) or A.X > 1000"}
    """,
)


class Feed:
    """One sample per tag every 5 s; evaluates the engine after each."""

    def __init__(self, cfg):
        self.cfg, self.t = cfg, T0
        self.n = len(cfg.tags)
        self.w = RecentWindow(self.n, 900.0, 5.0)
        self.eng = RuleEngine(cfg, self.w)
        self.q = np.full(self.n, GOOD, dtype=np.uint8)
        self.v = np.zeros(self.n)
        self.x = self.y = 0.0
        self.log: list[tuple[float, str, bool]] = []
        self.at_raise: dict[str, list] = {}  # the terms each rule had when it was raised

    def run(self, seconds: float, dx: float = 0.0, dy: float = 0.0) -> Feed:
        for _ in range(int(round(seconds / 5.0))):
            self.t += 5.0
            self.x += dx * 5.0
            self.y += dy * 5.0
            self.v = np.array([self.x, self.y])
            good = self.q != BAD
            self.w.add(SampleBatch.build(np.flatnonzero(good), self.t, self.v[good], self.q[good]))
            for c in self.eng.evaluate(self.t, self.v, self.q):
                self.log.append((self.t - T0, c.source, c.active))
                if c.active:
                    self.at_raise[c.source] = self.eng.explain(c.source).terms
        return self

    def of(self, rule: str) -> list[tuple[float, bool]]:
        return [(t, up) for t, name, up in self.log if name == rule]


@pytest.fixture
def feed():
    return Feed(parse_config_text(PLANT))


def test_clear_time_and_minimum_hold_plant_default_and_per_rule(feed):
    feed.run(30)
    feed.y = 9.0
    feed.run(5)
    raised = feed.t - T0
    assert feed.of("High") == [(raised, True)] and feed.of("Quick") == [(raised, True)]
    feed.y = 0.0
    feed.run(60)  # Quick: clear_s 10, no hold; High: held by hold_s 200 although false for 60 s
    (t_quick, up) = feed.of("Quick")[-1]
    assert not up and t_quick == raised + 5 + 10
    assert feed.eng.state["High"].active
    assert any("held at least 200 s" in h for h in feed.eng.explain("High").holding)
    feed.y = 9.0
    feed.run(10)  # true again inside the hold: no new raise, the clear timer starts over
    feed.y = 0.0
    feed.run(200)
    assert feed.of("High") == [(raised, True), (raised + 200, False)]  # 200 s after raising (clear 60 done)
    assert [up for _, up in feed.of("Quick")] == [True, False, True, False]


def test_a_rule_holds_while_its_tag_is_beyond_its_limit(feed):
    feed.run(300)
    feed.run(120, dx=0.5)  # +60 ppm in 2 min: raised
    assert feed.of("Leak")[0][1] is True
    feed.run(400)  # flat at 60, above H 50: the condition is false for long, the incident is not over
    ex = feed.eng.explain("Leak")
    assert ex.active and ex.condition is False
    assert ex.holding == ["A.X at 60 ppm, beyond its H limit 50 ppm"]
    feed.x = 49.0
    feed.run(60)  # back inside, but within the deadband: still held
    assert feed.eng.explain("Leak").holding == ["A.X at 49 ppm, beyond its H limit 50 ppm"]
    feed.x = 20.0
    feed.run(300)  # well inside and flat: over
    assert [up for _, up in feed.of("Leak")] == [True, False]


def test_a_rule_holds_while_its_tags_still_move_towards_a_limit_or_the_way_it_watches(feed):
    feed.run(300)
    feed.run(60, dx=0.5, dy=0.5)  # +30 in a minute: both raised, both still below any limit
    assert {"Leak", "Warm"} <= set(feed.eng.active())
    feed.run(400, dx=0.02, dy=0.02)  # creeping on: +2.4 in 2 min, less than 10 but more than the noise
    leak, warm = feed.eng.explain("Leak"), feed.eng.explain("Warm")
    assert leak.active and leak.condition is False and warm.active and warm.condition is False
    assert [str(h).split(":")[0] for h in leak.holding] == ["A.X moving towards its H limit 50 ppm"]
    assert [str(h).split(":")[0] for h in warm.holding] == ["A.Y still rising"]  # A.Y has no limit
    feed.run(300)  # flat: over
    assert [up for _, up in feed.of("Leak")] == [True, False]
    assert [up for _, up in feed.of("Warm")] == [True, False]


def test_not_enough_data_is_unknown_and_never_raises(feed):
    feed.run(10, dy=0.1)  # two buckets: no trend yet
    ex = feed.eng.explain("Steady")
    assert ex.condition is None and not ex.active  # "not rising" of an unknown trend is unknown
    (term,) = ex.terms
    assert term.value is None and str(term.detail) == "not enough data" and "= unknown" in str(term)
    assert feed.eng.explain("Either").condition is None  # unknown or false: unknown
    assert feed.of("Steady") == [] and feed.of("Either") == []
    feed.run(300)  # enough data now, flat: "not rising" holds, and that may raise
    assert feed.of("Steady")[0][1] is True
    assert feed.eng.explain("Steady").raised_terms[0].value is False


def test_a_raised_rule_whose_data_goes_missing_says_so_and_keeps_its_evidence(feed):
    feed.run(300)
    feed.run(120, dx=0.5)
    raised = feed.eng.explain("Leak")
    assert raised.active and raised.condition is True
    feed.q[0] = BAD  # A.X stops reporting: its trend runs out of data
    feed.run(400)
    ex = feed.eng.explain("Leak")
    assert ex.active and ex.condition is None  # never "true" on no data; the warning holds
    assert ex.terms[0].value is None and str(ex.terms[0].detail) == "not enough data"
    assert "the condition is unknown (not enough data)" in ex.holding and "A.X has no value" in ex.holding
    assert (
        ex.raised_at == raised.since and ex.raised_terms == feed.at_raise["Leak"]
    )  # the evidence at raising
    assert ex.raised_terms[0].value is True and ex.raised_terms[0].evidence


def test_a_term_without_enough_data_can_never_be_part_of_a_raise(demo):
    """The lance rule on a window that restarted (a configuration reload, a gap): every trend
    says "not enough data", and the condition is unknown, never true."""
    n = len(demo.tags)
    w = RecentWindow(n, 900.0, 5.0)
    eng = RuleEngine(demo, w)
    v, q = np.zeros(n), np.full(n, GOOD, np.uint8)
    v[demo.tag_index()["BOF1.BLOWING"]] = 1.0
    for k in range(3):
        t = T0 + 5.0 * k
        w.add(SampleBatch.build(np.arange(n), t, v, q))
        assert eng.evaluate(t, v, q) == []
    ex = eng.explain(LANCE_RULE)
    assert ex.condition is None
    assert [str(t.detail) for t in ex.terms[1:]] == ["not enough data", "not enough data"]
    bare = compile_rule("BOF1.BLOWING and not rising(BOF1.LANCE.FLOW_DIFF, 300)", demo)
    assert bare.evaluate(w, v, q, T0 + 10.0)[0] is None  # was true: "not" of a missing trend


def test_the_condition_in_words(demo):
    words = {r.name: str(compile_rule(r.when, demo).words) for r in demo.rules}
    assert words[LANCE_RULE] == (
        "BOF1.BLOWING is on, and BOF1.LANCE.FLOW_DIFF rising by more than 1 m³/h in 5 min, "
        "and BOF1.LANCE.TEMP_OUT rising by more than 1.5 °C in 5 min"
    )
    assert words[GAS_RULE] == (
        "2 or more of GAS.CO.*, GH1.CO.* within 40 m of each other rising by more than 2 ppm in 2 min"
    )
    assert (
        words["Hearth temperature creep"] == "at least 2 of BF1.HEARTH.TC* rising by more than 8 °C in 10 min"
    )
    assert words["Gas network detector offline"] == "at least 1 of GAS.CO.* offline (no value)"
    other = compile_rule("held(mean(GAS.CO.01, 60) >= 20 or not GAS.CO.02 < 5, 120)", demo).words
    assert str(other) == (
        "the mean of GAS.CO.01 over 1 min is at least 20 ppm, or not (GAS.CO.02 is below 5 ppm), "
        "without a break for 2 min"
    )


def chinese(context: str, text: str) -> str:
    return {
        LANGUAGE_PROBE: "zh_CN",
        ("rules", "{message} — {evidence}"): "{message} — {evidence}",
        (
            "rules",
            "{n} neighbouring detectors rising in {span}: {names}",
        ): "{span} 内 {n} 个相邻检测器同时上升：{names}",
    }.get((context, text), text)


def test_a_rule_message_in_chinese_is_message_zh_and_stays_itself(demo):
    m = PlantText("Gas leak suspected", "疑似煤气泄漏")
    assert m == "Gas leak suspected" and isinstance(m, Message)
    assert m.render(chinese) == "疑似煤气泄漏"
    assert m.render(lambda c, t: t) == "Gas leak suspected"  # English: as written
    assert PlantText("Only one language").render(chinese) == "Only one language"
    assert PlantText("{braces} stay") == "{braces} stay"
    for again in (pickle.loads(pickle.dumps(m)), copy.deepcopy(m)):
        assert again == m and again.render(chinese) == "疑似煤气泄漏"
    rule = next(r for r in demo.rules if r.name == GAS_RULE)
    assert rule.message_zh and all(r.message_zh for r in demo.rules)
    eng = RuleEngine(demo, RecentWindow(len(demo.tags), 900.0, 5.0))
    cond = eng._condition(rule, True, T0, [])
    assert cond.message.render(chinese) == rule.message_zh


def test_rule_hold_settings_are_checked_with_file_and_line(tmp_path):
    bad = tmp_path / "plant.yaml"
    text = PLANT.replace(
        '{name: Quick, when: "A.Y > 5", clear_s: 10', '{name: Quick, when: "A.Y > 5", clear_s: -10'
    )
    bad.write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "clear_s: -10" in t)
    out = subprocess.run(
        [sys.executable, "main.py", "check-config", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2, out.stderr
    assert (
        f"{bad}:{line}: rules[1].clear_s: Input should be greater than or equal to 0"
        in out.stdout + out.stderr
    )
    assert "Traceback" not in out.stderr
    cfg = parse_config_text(PLANT)
    assert cfg.rule_defaults.clear_s == 60 and cfg.rule_defaults.hold_s == 200
    assert Rule(name="r", when="A.X > 1").clear_s is None  # the plant's default applies


# ---------------------------------------------------------------- the Why? dialog


def raised_explanation():
    f = Feed(parse_config_text(PLANT))
    f.run(300)
    f.run(120, dx=0.5)
    f.run(400)  # flat above the limit: the condition no longer holds, the warning does
    return f, f.eng.explain("Leak")


def test_why_shows_the_terms_at_raising_next_to_now(qtbot):
    from PySide6.QtCore import Qt

    from views.warning_explain import TermModel, WarningExplainDialog

    f, ex = raised_explanation()
    assert ex.active and ex.condition is False
    dlg = WarningExplainDialog(ex, None, now=lambda: f.t)
    qtbot.addWidget(dlg)
    m = dlg.terms_model
    head = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    assert head[TermModel.COL_NOW] == "Now" and head[TermModel.COL_RAISED].startswith("At raising (")
    assert m.index(0, TermModel.COL_TERM).data() == "rising(A.X, 120, 10)"
    assert m.index(0, TermModel.COL_NOW).data() == "no" and m.index(0, TermModel.COL_RAISED).data() == "yes"
    assert m.index(0, TermModel.COL_RAISED).data(Qt.ItemDataRole.ToolTipRole) == str(f.at_raise["Leak"][0])
    lines = dlg.lines.text()
    assert "Raised since" in lines and "the condition no longer holds" in lines
    assert "The warning holds while:" in lines and "beyond its H limit 50 ppm" in lines
    assert "When: A.X rising by more than 10 ppm in 2 min" in lines
    assert dlg.rule_text.text() == "Rule as written: rising(A.X, 120, 10)"
    assert dlg.rule_text.font().pointSizeF() < dlg.lines.font().pointSizeF()
    text = dlg.text()
    assert "Now no, At raising (" in text and "true" not in text


def test_why_after_the_warning_returned_keeps_the_evidence_of_its_raising(qtbot):
    from views.warning_explain import TermModel, WarningExplainDialog

    f = Feed(parse_config_text(PLANT))
    f.run(30)
    f.y = 9.0
    f.run(5)
    f.y = 0.0
    f.run(30)
    assert [up for _, up in f.of("Quick")] == [True, False]
    ex = f.eng.explain("Quick")
    dlg = WarningExplainDialog(ex, None, now=lambda: f.t)
    qtbot.addWidget(dlg)
    assert dlg.lines.text().startswith("Not holding; last raised ")
    m = dlg.terms_model
    assert m.index(0, TermModel.COL_NOW).data() == "no" and m.index(0, TermModel.COL_RAISED).data() == "yes"
    assert "A.Y > 5 (9 °C)" in str(ex.raised_terms[0].evidence)  # the value that raised it


def test_why_never_says_a_bare_raised_beside_a_term_without_data(qtbot):
    from views.warning_explain import TermModel, WarningExplainDialog

    f = Feed(parse_config_text(PLANT))
    f.run(300)
    f.run(120, dx=0.5)
    f.q[0] = BAD
    f.run(400)
    dlg = WarningExplainDialog(f.eng.explain("Leak"), None, now=lambda: f.t)
    qtbot.addWidget(dlg)
    lines = dlg.lines.text()
    assert "Raised since" in lines and "the condition cannot be told now (not enough data)" in lines
    assert "A.X has no value" in lines
    m = dlg.terms_model
    assert (
        m.index(0, TermModel.COL_NOW).data() == "unknown" and m.index(0, TermModel.COL_RAISED).data() == "yes"
    )
    assert m.index(0, TermModel.COL_HOW).data() == "not enough data"


def test_why_in_chinese_reads_chinese(qtbot, qapp):
    from views import i18n
    from views.warning_explain import TermModel, WarningExplainDialog

    f = Feed(parse_config_text(PLANT))
    f.run(30)
    f.y = 9.0
    f.run(5)
    ex = f.eng.explain("High")
    assert i18n.install_language(qapp, "zh_CN")
    try:
        dlg = WarningExplainDialog(ex, None, now=lambda: f.t)
        qtbot.addWidget(dlg)
        m = dlg.terms_model
        assert (
            m.index(0, TermModel.COL_NOW).data() == "是" and m.index(0, TermModel.COL_RAISED).data() == "是"
        )
        assert "A.Y 高于 5 °C" in dlg.lines.text()
        assert "Y 偏高" in dlg.facts.text() and "Y high" not in dlg.facts.text()
        assert "true" not in dlg.text() and "yes" not in dlg.text()
        lance = load_config(demo_config_path())
        words = i18n.text(compile_rule(lance.rules[0].when, lance).words)
        assert words == (
            "BOF1.BLOWING 为开，且 BOF1.LANCE.FLOW_DIFF 在 5 分钟内上升超过 1 m³/h，"
            "且 BOF1.LANCE.TEMP_OUT 在 5 分钟内上升超过 1.5 °C"
        )
    finally:
        assert i18n.install_language(qapp, "en")
