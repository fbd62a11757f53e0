"""Sensor integrity in the acquisition quality stage (app/integrity.py): a frozen detector and a
4-20 mA loop in the NAMUR NE 43 fault band turn BAD with their reason, raise a diagnostic alarm
and show as a blind spot in the hazard source's risk trace; all on sample time.

Unit tests feed raw batches to `Engine.process` (no devices); the end-to-end tests run the demo
simulator over real Modbus TCP on 127.0.0.1 and the engine reading it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.config import load_config, parse_config_text
from app.evaluation.integrity import QualityStage, safety_detectors
from app.runtime.engine import Engine
from core.samples import Quality, QualityReason, SampleBatch
from tests.conftest import wait_until
from tests.helpers import Recorder, plant, plant_yaml

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "resources" / "demo_plant.yaml"
T0 = 1_790_000_000.0  # sample time; nothing here looks at the wall clock
CO = "GH1.CO.01"
GOOD, UNCERTAIN, BAD = int(Quality.GOOD), int(Quality.UNCERTAIN), int(Quality.BAD)


@pytest.fixture(scope="module")
def demo():
    return load_config(DEMO)


def _engine(cfg) -> tuple[Engine, Recorder]:
    e = Engine(cfg)
    rec = Recorder()
    e.add_listener(rec)
    return e, rec


def _feed(e: Engine, tag: int, ppm, t0: float, step: float = 5.0) -> float:
    """One sample of `tag` every `step` s of sample time (raw register: ppm / 0.1)."""
    t = t0
    for v in ppm:
        e.process(SampleBatch.build([tag], t, [round(v * 10)], GOOD))
        t += step
    return t


def _diag(e: Engine, name: str = CO):
    return next((a for a in e.active_alarms() if a.key == f"{name}:DIAG"), None)


def _trace(e: Engine, hazard: str):
    state = next((s for s in e.risk_states() if s.hazard == hazard), None)
    if state is None:  # the risk model has not run yet (it runs at every 5 s bucket)
        return None, []
    return state, [t for t in state.trace if t.indicator == CO]


# ---------------------------------------------------------------- frozen signal


@pytest.mark.slow
def test_frozen_gas_detector_turns_bad_with_reason_diag_alarm_and_blind_spot(demo):
    e, rec = _engine(demo)
    i = demo.tag_index()[CO]
    assert e.quality_stage.frozen_s[i] == 600.0  # plant default for a safety detector
    # 40 minutes of sample time at one reading, 1.3 ppm (a detector that normally scatters)
    t = _feed(e, i, [1.3] * 119, T0)  # 590 s: not yet
    assert e.latest().quality[i] == GOOD and _diag(e) is None
    t = _feed(e, i, [1.3] * (480 - 119), t)
    assert e.latest().quality[i] == BAD
    assert e.quality_reasons()[i] == QualityReason.FROZEN
    a = _diag(e)
    assert a is not None and a.kind == "DIAG" and a.priority == 2 and a.hazard == "Gas holder 1"
    assert a.message.startswith("CO detector around gas holder 1, north: value frozen at 1.30 ppm")
    state, items = _trace(e, "Gas holder 1")
    assert [(x.what, x.level) for x in items] == [("blind spot", 3)]
    assert items[0].detail == "GH1.CO.01 bad quality: frozen"
    assert state.level <= 3
    assert "blind spot" in state.explain() and "frozen" in state.explain()
    assert all(x.what != "alarm" for x in items)  # the DIAG alarm is the blind spot, not counted twice
    # it moves again: good at once, the diagnostic clears, the blind spot goes
    _feed(e, i, [1.8, 1.4, 2.0, 1.1, 1.6, 1.2], t)
    assert e.latest().quality[i] == GOOD and e.quality_reasons()[i] == QualityReason.NONE
    assert _diag(e) is None or not _diag(e).active
    cleared = [x for x in rec.alarms if x.key == f"{CO}:DIAG" and not x.active]
    assert cleared and "trusted again" in cleared[-1].message
    assert _trace(e, "Gas holder 1")[1] == []


@pytest.mark.slow
def test_a_detector_that_scatters_or_sits_at_zero_is_never_frozen(demo):
    e, _ = _engine(demo)
    i = demo.tag_index()[CO]
    rng = np.random.default_rng(3)
    t = _feed(e, i, 1.5 + rng.uniform(-0.35, 0.35, 480), T0)  # 0.2-0.7 ppm scatter, 40 min
    assert e.latest().quality[i] == GOOD and _diag(e) is None
    _feed(e, i, [0.0] * 480, t)  # clean air: 0 ppm for 40 min is normal
    assert e.latest().quality[i] == GOOD and _diag(e) is None


def test_frozen_runs_on_sample_time_and_per_tag_settings():
    cfg = plant(
        """
    - {name: A, device: d, address: "hr:0", range: [0, 100]}
    - {name: B, device: d, address: "hr:1", range: [0, 100], frozen_s: 0}
    - {name: C, device: d, address: "hr:2", range: [0, 100]}
    - {name: D, device: d, address: "hr:3", frozen_s: 30, frozen_band: 0.5}
    - {name: E, device: d, address: "hr:4", type: bool}
    """,
        devices="{name: d, protocol: modbus-tcp, host: 127.0.0.1, port: 1}",
        extra="""
    sensors: {frozen_s: 60, frozen_band_pct: 0.1}
    hazard_sources: [{name: H, tags: [A, B, E]}]
    """,
    )
    st = QualityStage(cfg)
    assert safety_detectors(cfg).tolist() == [True, True, False, False, False]
    assert st.watch.tolist() == [True, False, False, True, False]  # C: not a member; B: opted out
    for k in range(20):  # 100 s of sample time, A within 0.1 % of its span, D within 0.5
        b, reason, _ = st.apply(
            SampleBatch.build(
                [0, 1, 2, 3], T0 + 5 * k, [50 + 0.05 * (k % 2), 50, 50, 7 + 0.4 * (k % 2)], GOOD
            )
        )
    assert reason.tolist() == [QualityReason.FROZEN, 0, 0, QualityReason.FROZEN]
    # the same samples, out of order in one batch, still advance in time order per tag
    st = QualityStage(cfg)
    ts = T0 + np.array([60.0, 0.0, 30.0])
    b, reason, conds = st.apply(SampleBatch.build([0, 0, 0], ts, [50.0, 50.0, 50.0], GOOD))
    assert reason.tolist() == [QualityReason.FROZEN, 0, 0]
    assert [c.active for c in conds] == [True]


# ---------------------------------------------------------------- NE 43 fault band


def test_ne43_fault_band_is_bad_between_range_and_band_is_uncertain_and_alarms(demo):
    e, rec = _engine(demo)
    i = demo.tag_index()[CO]
    t = _feed(e, i, [1.5, 1.7], T0)
    _feed(e, i, [-10.0], t)  # below 0 ppm, above the fault limit (-25 ppm = 3.6 mA)
    assert e.latest().quality[i] == UNCERTAIN and e.quality_reasons()[i] == QualityReason.OUT_OF_RANGE
    assert _diag(e) is None
    t = _feed(e, i, [-30.0], t + 5)  # 3.52 mA: sensor fault
    assert e.latest().quality[i] == BAD and e.quality_reasons()[i] == QualityReason.SENSOR_FAULT
    a = _diag(e)
    assert a is not None and a.limit == -25.0
    assert "sensor fault (NE 43): -30.00 ppm below the fault limit -25.00 ppm" in a.message
    _feed(e, i, [1.5] * 3, t)
    state, items = _trace(e, "Gas holder 1")
    assert items == []  # back to a valid reading: no blind spot
    t = _feed(e, i, [1040.0] * 3, t + 20)  # over-range, short of 21 mA (1062.5 ppm): alarms
    assert e.latest().quality[i] == UNCERTAIN
    assert any(a.key == f"{CO}:HH" and a.active for a in e.active_alarms())
    _feed(e, i, [1070.0] * 3, t)  # 21.1 mA
    assert e.quality_reasons()[i] == QualityReason.SENSOR_FAULT
    assert "above the fault limit 1062 ppm" in _diag(e).message
    state, items = _trace(e, "Gas holder 1")
    assert ("blind spot", "GH1.CO.01 bad quality: sensor fault (NE 43)") in [
        (x.what, x.detail) for x in items
    ]


def test_fault_band_margins_and_opt_out_are_configurable():
    cfg = plant(
        """
    - {name: A, device: d, address: "hr:0", range: [0, 100]}
    - {name: B, device: d, address: "hr:1", range: [0, 100], fault_band: false}
    """,
        devices="{name: d, protocol: modbus-tcp, host: 127.0.0.1, port: 1}",
        extra="""
    sensors: {fault_low_pct: 5, fault_high_pct: 10}
    """,
    )
    st = QualityStage(cfg)
    b, reason, _ = st.apply(SampleBatch.build([0, 0, 1], T0, [-4.0, 111.0, -50.0], GOOD))
    assert reason.tolist() == [
        QualityReason.OUT_OF_RANGE,
        QualityReason.SENSOR_FAULT,
        QualityReason.OUT_OF_RANGE,
    ]
    assert b.quality.tolist() == [UNCERTAIN, BAD, UNCERTAIN]


@pytest.mark.slow
@pytest.mark.parametrize(
    "field, value, message",
    [
        ("frozen_s", "-5", "frozen_s"),
        ("calibration_due", "2026-13-01", "calibration_due"),
        ("fault_band", "maybe", "fault_band"),
    ],
)
def test_check_config_refuses_bad_sensor_fields(tmp_path, field, value, message):
    text = DEMO.read_text(encoding="utf-8")
    line_of_co = next(x for x in text.splitlines() if f"name: {CO}," in x)
    if f"{field}:" in line_of_co:
        bad_line = re.sub(rf"{field}: [^,]+,", f"{field}: {value},", line_of_co)
    else:
        bad_line = line_of_co.replace(f"name: {CO}, ", f"name: {CO}, {field}: {value}, ")
    assert bad_line != line_of_co
    text = text.replace(line_of_co, bad_line)
    bad = tmp_path / "plant.yaml"
    bad.write_text(text, encoding="utf-8")
    (tmp_path / "plant_map.svg").write_text((DEMO.parent / "plant_map.svg").read_text(encoding="utf-8"))
    line = next(n for n, s in enumerate(text.splitlines(), 1) if f"name: {CO}," in s)
    r = subprocess.run(
        [sys.executable, "main.py", "check-config", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert f"plant.yaml:{line}:" in r.stdout + r.stderr and message in r.stdout + r.stderr


# ---------------------------------------------------------------- end to end, real sockets


@pytest.fixture
def sim_plant():
    from demo.simulator import SimulatorProcess

    sim = SimulatorProcess(DEMO, speed=1.0, seed=4)
    try:
        cfg = sim.start()
        # the detector under test is checked after 4 s of sample time (600 s in the plant file)
        tags = [t.model_copy(update={"frozen_s": 4.0}) if t.name == CO else t for t in cfg.tags]
        yield sim, cfg.model_copy(update={"tags": tags})
    finally:
        sim.stop()


def _wait_reason(e: Engine, i: int, reason: QualityReason, timeout: float = 30.0) -> None:
    # the quality stage sets the reason a moment before the engine publishes the bad sample
    wait_until(lambda: e.quality_reasons()[i] == reason and e.latest().quality[i] == BAD, timeout)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_frozen_and_faulty_detector_over_modbus(sim_plant):
    sim, cfg = sim_plant
    i = cfg.tag_index()[CO]
    e, rec = _engine(cfg)
    e.start()
    try:
        wait_until(lambda: e.latest().quality[i] == GOOD, 20)
        sim.inject("detector_frozen")
        _wait_reason(e, i, QualityReason.FROZEN)
        assert e.latest().quality[i] == BAD
        wait_until(lambda: _diag(e) is not None, 10)
        assert "frozen" in _diag(e).message
        wait_until(lambda: _trace(e, "Gas holder 1")[1], 20)  # the risk runs every 5 s bucket
        assert _trace(e, "Gas holder 1")[1][0].detail == "GH1.CO.01 bad quality: frozen"
        sim.inject("detector_fault")
        _wait_reason(e, i, QualityReason.SENSOR_FAULT)
        wait_until(lambda: _diag(e) is not None and "NE 43" in _diag(e).message, 10)
        assert e.latest().value[i] == pytest.approx(-50.0)
        wait_until(lambda: "sensor fault" in _trace(e, "Gas holder 1")[1][0].detail, 20)
    finally:
        e.stop()


def test_hazard_panel_says_why_a_member_is_bad(demo, qtbot):
    from tests.test_hazard_views import FakeBridge
    from views.hazard_panel import HazardPanel

    i = demo.tag_index()[CO]
    bridge = FakeBridge(len(demo.tags))
    reasons = np.zeros(len(demo.tags), dtype=np.uint8)
    bridge.engine = type("E", (), {"quality_reasons": staticmethod(lambda: reasons.copy())})()
    bridge.value[:] = 1.0
    panel = HazardPanel(demo, bridge)
    qtbot.addWidget(panel)
    assert panel.show_hazard("Gas holder 1")
    row = next(m for m in panel.members if m.tag == i)
    assert row.quality.text() == "good"
    reasons[i] = QualityReason.FROZEN
    bridge.quality[i] = BAD
    bridge.push_latest()
    assert row.quality.text() == "frozen" and row.value.text() == "—"
    reasons[i] = QualityReason.SENSOR_FAULT
    bridge.push_latest()
    assert row.quality.text() == "sensor fault (NE 43)"


SMALL = plant_yaml(
    """
    - {name: A, device: d, address: "hr:0", range: [0, 100]}
    - {name: B, device: d, address: "hr:1", range: [0, 100]}
    """,
    devices="{name: d, protocol: modbus-tcp, host: 127.0.0.1, port: 1}",
    extra="""
    sensors: {frozen_s: 60}
    hazard_sources: [{name: H, tags: [A, B]}]
    """,
)


def test_a_configuration_change_keeps_frozen_state_and_ends_diagnostics_of_removed_tags():
    cfg = parse_config_text(SMALL)
    e, rec = _engine(cfg)
    for k in range(15):  # 70 s at one value: both frozen
        e.process(SampleBatch.build([0, 1], T0 + 5 * k, [50.0, 40.0], GOOD))
    assert {a.key for a in e.active_alarms() if a.kind == "DIAG"} == {"A:DIAG", "B:DIAG"}
    smaller = parse_config_text(
        SMALL.replace('  - {name: B, device: d, address: "hr:1", range: [0, 100]}\n', "").replace(
            "tags: [A, B]", "tags: [A]"
        )
    )
    done = e.apply_config(smaller)
    assert [(a.key, a.active) for a in done.transitions] == [("B:DIAG", False)]
    e.process(SampleBatch.build([0], T0 + 80, [50.0], GOOD))
    assert e.quality_reasons()[0] == QualityReason.FROZEN  # still frozen: the state carried over
    assert [a.key for a in e.active_alarms() if a.kind == "DIAG"] == ["A:DIAG"]


def test_a_detector_in_the_fault_band_counts_as_offline_in_rules():
    cfg = parse_config_text(
        SMALL.replace("sensors: {frozen_s: 60}", "sensors: {frozen_s: 0}")
        + "rules: [{name: A offline, when: 'offline(\"A\") >= 1', level: 3}]\n"
    )
    e, _ = _engine(cfg)
    for k in range(8):
        e.process(SampleBatch.build([0, 1], T0 + 5 * k, [50.0 + k % 2, 40.0 + k % 2], GOOD))
    assert not any(a.key == "A offline:RULE" for a in e.active_alarms())
    for k in range(8, 30):  # -5 % of the span: 3.2 mA, a sensor fault (it was "reporting" when uncertain)
        e.process(SampleBatch.build([0, 1], T0 + 5 * k, [-5.0, 40.0 + k % 2], GOOD))
    assert any(a.key == "A offline:RULE" and a.active for a in e.active_alarms())
