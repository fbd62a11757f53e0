"""An interlock whose signal is lost is *unknown*, not bypassed: a blind spot with its own trace
text and map colour, red only once it has stayed unknown for `interlock_confirm_s`; a real
bypass (0 with a valid quality) is red at once."""

from __future__ import annotations

import numpy as np
import pytest

from app.config import RiskModel, load_config, parse_config_text
from app.risk.engine import RiskEngine
from app.runtime.engine import Engine
from core.samples import Quality, SampleBatch
from tests.helpers import Recorder, plant_yaml
from tests.test_sensor_integrity import DEMO

GOOD, BAD = int(Quality.GOOD), int(Quality.BAD)
PLANT = plant_yaml(
    """
    - {name: F.TEMP, device: plc1, address: "hr:0", type: float32, range: [0, 1000]}
    - {name: F.IL, description: Bleeder interlock in service, device: plc1, address: "hr:5.0", type: bool}
    """,
    devices="{name: plc1, protocol: modbus-tcp, port: 15020}",
    extra="""
    risk: {interlock_confirm_s: 20}
    hazard_sources:
      - {name: Furnace, kind: blast_furnace, inherent_level: 3, tags: [F.TEMP, F.IL], interlocks: [F.IL],
         area: [[60, 60], [200, 60], [200, 160], [60, 160]]}
    """,
)
IL = 1


class Risk:
    def __init__(self, cfg):
        self.engine = RiskEngine(cfg)
        self.quality = np.full(len(cfg.tags), GOOD, dtype=np.uint8)
        self.values = np.array([500.0, 1.0])

    def level(self, now: float):
        self.engine.update(now, [], self.quality, self.values)
        return self.engine.state("Furnace")


def test_blip_shorter_than_the_confirmation_never_turns_red():
    r = Risk(parse_config_text(PLANT))
    assert r.level(0.0).level == 3
    r.quality[IL] = BAD
    for t in (5.0, 10.0, 15.0, 19.0):
        s = r.level(t)
        assert s.level == 3 and s.interlock_unknown
        assert s.trace[0].what == "interlock unknown" and s.trace[0].since == 5.0
        assert "interlock state unknown" in s.explain()
    r.quality[IL] = GOOD
    s = r.level(24.0)
    assert s.level == 3 and not s.interlock_unknown and s.trace == ()


def test_lost_for_longer_than_the_confirmation_is_taken_as_bypassed():
    r = Risk(parse_config_text(PLANT))
    r.level(0.0)
    r.quality[IL] = BAD
    r.level(5.0)
    s = r.level(25.0)
    assert s.level == 1 and not s.interlock_unknown
    assert (
        s.trace[0].what == "interlock bypassed" and "unknown for 20 s, taken as bypassed" in s.trace[0].detail
    )


def test_a_real_bypass_is_red_at_once():
    r = Risk(parse_config_text(PLANT))
    r.level(0.0)
    r.values[IL] = 0.0
    s = r.level(1.0)
    assert s.level == 1 and s.trace[0].detail == "F.IL = 0: interlock out of service"


def test_confirmation_time_is_configurable_and_zero_means_at_once():
    cfg = parse_config_text(PLANT)
    assert RiskModel().interlock_confirm_s == 30.0
    r = Risk(cfg.model_copy(update={"risk": RiskModel(interlock_confirm_s=0)}))
    r.level(0.0)
    r.quality[IL] = BAD
    assert r.level(1.0).level == 1


def test_engine_on_sample_time_keeps_a_short_outage_off_red():
    """The demo plant's bleeder interlock goes bad for 20 s of sample time, then back: the blast
    furnace is never red, and its trace said 'interlock state unknown' meanwhile."""
    cfg = load_config(DEMO)
    i = cfg.tag_index()["BF1.BLEEDER.INTERLOCK"]
    e = Engine(cfg)
    levels, unknown = [], []

    class Risks(Recorder):
        def on_risk(self, states):
            for s in states:
                if s.hazard == "Blast furnace 1":
                    levels.append(s.level)
                    unknown.append(s.interlock_unknown)

    e.add_listener(Risks())
    from demo.plant_physics import PlantPhysics

    n = len(cfg.tags)
    values = (PlantPhysics(cfg, seed=2).values - e.quality_stage.offset) / e.quality_stage.scale  # raw
    t0 = 1_790_000_000.0
    tags = np.arange(n, dtype=np.int32)
    for k in range(30):  # 60 s, every 2 s; bad from 10 s to 30 s
        q = np.full(n, GOOD, dtype=np.uint8)
        if 10 <= 2 * k < 30:
            q[i] = BAD
        e.process(SampleBatch.build(tags, t0 + 2 * k, values, q))
    assert True in unknown
    assert 1 not in levels


# ---------------------------------------------------------------- the map


@pytest.fixture
def map_cfg():
    return parse_config_text(PLANT)


def test_map_outlines_an_unknown_interlock_in_its_own_colour_not_red(map_cfg, qtbot):
    from PySide6.QtCore import Qt

    from core.risk_types import Inherent, RiskState, TraceItem
    from widgets.map_style import DATA_LOST
    from widgets.palette import PRIORITY_COLORS
    from widgets.plant_map import PlantMap

    pm = PlantMap(map_cfg)
    qtbot.addWidget(pm)
    area = pm.hazards["Furnace"]
    inherent = Inherent(3, "engineer", explanation="set by the engineer")
    unknown = (TraceItem("F.IL", "interlock unknown", 3, "F.IL bad quality: interlock state unknown", 5.0),)
    pm.update_risk([RiskState("Furnace", "blast_furnace", inherent, 3, 3, 5.0, unknown, 5.0)])
    assert area.pen().color() == DATA_LOST and area.pen().style() == Qt.PenStyle.DashLine
    assert area.brush().color().name() != PRIORITY_COLORS[1]
    assert "interlock state unknown" in area.toolTip()
    bypassed = (TraceItem("F.IL", "interlock bypassed", 1, "F.IL = 0: interlock out of service", 9.0),)
    pm.update_risk([RiskState("Furnace", "blast_furnace", inherent, 1, 3, 9.0, bypassed, 9.0)])
    assert area.brush().color().name() == PRIORITY_COLORS[1]
    assert area.pen().color().name() == PRIORITY_COLORS[1]
