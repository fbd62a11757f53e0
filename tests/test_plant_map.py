"""The plant map's labels (no overlaps, hidden ones in the tooltip, placed per zoom) and its
alarm colours (priority colour and flashing outline, back to grey, bad quality as "?")."""

from __future__ import annotations

import itertools
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from app.config import demo_config_path, load_config, parse_config_text  # noqa: E402
from core.samples import Quality  # noqa: E402
from tests import helpers  # noqa: E402
from tests.helpers import plant_yaml  # noqa: E402

PLANT = plant_yaml(
    """
    - {name: A.CO.01, description: CO one, unit: ppm, device: plc1, address: "hr:0", type: int16, scale: 0.1,
       range: [0, 1000], alarms: {H: 24, HH: 160}, map: [100, 100]}
    - {name: A.CO.02, description: CO two, unit: ppm, device: plc1, address: "hr:1", type: int16, scale: 0.1,
       range: [0, 1000], alarms: {H: 24, HH: 160}, map: [130, 100]}
    - {name: A.TEMP, description: Temperature, unit: degC, device: plc1, address: "hr:2", type: float32,
       range: [0, 1200], alarms: {HH: 900, H: 800}}
    - {name: B.CO.01, description: CO three, unit: ppm, device: plc1, address: "hr:4", type: int16, scale: 0.1,
       range: [0, 1000], alarms: {H: 24, HH: 160}, map: [400, 300]}
    """,
    devices="""
    - {name: plc1, protocol: modbus-tcp, port: 15020}
    """,
    name="Map Works",
    extra="""
    hazard_sources:
      - {name: Area A, kind: blast_furnace, inherent_level: 2, tags: [A.CO.01, A.CO.02, A.TEMP],
         area: [[60, 60], [200, 60], [200, 160], [60, 160]]}
      - {name: Area B, kind: gas_holder, inherent_level: 3, tags: [B.CO.01],
         area: [[350, 250], [450, 250], [450, 350], [350, 350]]}
    """,
)
from widgets.palette import PRIORITY_COLORS  # noqa: E402


@pytest.fixture
def cfg():
    return parse_config_text(PLANT)


@pytest.fixture
def demo_map(qtbot):
    from widgets.plant_map import PlantMap

    pm = PlantMap(load_config(demo_config_path()))
    qtbot.addWidget(pm)
    pm.resize(890, 630)  # the map's share of the default 1600 x 960 window
    pm.show()
    qtbot.waitExposed(pm)
    return pm


def alarm(key, tag, priority, active=True, acked=False):
    return helpers.alarm(key, tag, priority, active=active, acked=acked, value=30.0, limit=24.0, message=key)


def assert_no_overlap(pm):
    rects = pm.label_rects()
    assert rects
    for (a, ra), (b, rb) in itertools.combinations(rects, 2):
        assert not ra.intersects(rb), f"labels of {a} and {b} overlap"


def visible_labels(pm) -> int:
    return len(pm.label_rects())


# ---------------------------------------------------------------- label placement


def test_demo_plant_labels_do_not_overlap_at_default_fit(demo_map):
    pm = demo_map
    pm.update_values(np.full(len(pm.config.tags), 2.9), np.full(len(pm.config.tags), Quality.GOOD, np.uint8))
    assert pm._layout_scale == pytest.approx(pm.transform().m11())
    assert_no_overlap(pm)
    # at the default size every hazard is named and almost every detector shows its value
    assert all(h.label.isVisible() for h in pm.hazards.values())
    shown = sum(m.side is not None for m in pm.markers.values())
    assert shown >= 0.9 * len(pm.markers)
    # converters side by side: both names shown in full, apart
    names = dict(pm.label_rects())
    assert not names["Converter BOF1"].intersects(names["Converter BOF2"])
    assert pm.hazards["Converter BOF1"].label.text.startswith("Converter BOF1")


def test_small_map_hides_labels_without_overlap_and_zoom_brings_them_back(demo_map, qtbot):
    pm = demo_map
    pm.resize(420, 280)
    assert_no_overlap(pm)
    hidden = [m for m in pm.markers.values() if m.side is None]
    assert hidden, "a map this small cannot show every value"
    m = hidden[0]
    assert m.name in m.toolTip() and m.text in m.toolTip()
    small = visible_labels(pm)
    pm.auto_fit = False
    pm.scale(3.0, 3.0)
    pm._layout_if_rescaled()
    assert_no_overlap(pm)
    assert visible_labels(pm) > small
    pm.fit()
    assert visible_labels(pm) == small


def test_labels_are_placed_per_scale_not_per_value(cfg, qtbot):
    from widgets.plant_map import PlantMap

    pm = PlantMap(cfg)
    qtbot.addWidget(pm)
    pm.resize(400, 300)
    pm.show()
    qtbot.waitExposed(pm)
    calls = []
    pm.layout_labels = lambda: calls.append(1)
    for v in (1.0, 2.0, 300.0):
        pm.update_values(np.full(4, v), np.full(4, Quality.GOOD, np.uint8))
    assert calls == []
    pm.resize(500, 380)
    assert calls == [1]


def test_values_are_compact():
    from widgets.map_style import label_number

    assert label_number(1.23) == "1.2"
    assert label_number(0.2, 1) == "0.2"
    assert label_number(0.55) == "0.55"
    assert label_number(205.04) == "205.0"
    assert label_number(4287.4) == "4287"
    assert label_number(-0.01, 1) == "0.0"


# ---------------------------------------------------------------- alarm colours


def test_polygon_takes_priority_colour_and_goes_back_to_grey(cfg, qtbot):
    from widgets.map_style import NORMAL_OUTLINE, RISK_FILL_ALPHA
    from widgets.plant_map import PlantMap

    pm = PlantMap(cfg)
    qtbot.addWidget(pm)
    area, other = pm.hazards["Area A"], pm.hazards["Area B"]
    normal_width = area.pen().widthF()
    for prio, color in PRIORITY_COLORS.items():
        a = alarm("A.CO.02:H", 1, prio, acked=True)
        pm.update_alarms({a.key: a})
        assert area.pen().color().name() == color  # the alarm outlines the area
        assert area.pen().widthF() > normal_width
        # the fill is the four-colour risk tint, translucent: the drawing stays readable
        assert area.brush().color().name() == PRIORITY_COLORS[area.risk_level]
        assert 0 < area.brush().color().alpha() < 128
        assert pm.markers[1].priority == prio and pm.markers[0].priority == 0
        assert other.priority == 0 and other.pen().color() == NORMAL_OUTLINE
    a = alarm("A.CO.02:H", 1, 3)
    b = alarm("A.TEMP:HH", 2, 1, acked=True)  # a tag without marker colours its area too
    pm.update_alarms({a.key: a, b.key: b})
    assert area.priority == 1 and area.pen().color().name() == PRIORITY_COLORS[1]
    cleared = alarm("A.CO.02:H", 1, 3, active=False)  # returned, not acknowledged: no colour
    pm.update_alarms({cleared.key: cleared})
    assert area.priority == 0 and pm.markers[1].priority == 0
    assert area.pen().color() == NORMAL_OUTLINE and area.brush().color().alpha() == RISK_FILL_ALPHA
    assert area.label.accent is None


def test_area_shows_its_dynamic_risk_level_and_trace(cfg, qtbot):
    from core.risk_types import Inherent, RiskState, TraceItem
    from widgets.map_style import NORMAL_OUTLINE, RAISED_FILL_ALPHA, RISK_FILL_ALPHA
    from widgets.plant_map import PlantMap

    pm = PlantMap(cfg)
    qtbot.addWidget(pm)
    area = pm.hazards["Area A"]
    inherent = Inherent(3, "engineer", explanation="set by the engineer")
    trace = (TraceItem("A.CO.02", "warning", 2, "A.CO.02 predicted to reach 24 ppm in 6 min", 100.0),)
    pm.update_risk([RiskState("Area A", "gas_area", inherent, 2, 3, 100.0, trace, 100.0)])
    assert area.risk_level == 2 and area.raised
    assert (
        area.brush().color().name() == PRIORITY_COLORS[2]
        and area.brush().color().alpha() == RAISED_FILL_ALPHA
    )
    assert area.pen().color().name() == PRIORITY_COLORS[2]
    assert area.full_text.endswith("II") and "predicted to reach 24 ppm" in area.toolTip()
    pm.update_risk([RiskState("Area A", "gas_area", inherent, 3, 2, 200.0, (), 200.0)])
    assert not area.raised and area.brush().color().alpha() == RISK_FILL_ALPHA
    assert area.pen().color() == NORMAL_OUTLINE


def test_warning_rings_a_detector_without_colouring_it_as_an_alarm(cfg, qtbot):
    from widgets.plant_map import PlantMap

    pm = PlantMap(cfg)
    qtbot.addWidget(pm)
    w = alarm("A.CO.02:FORECAST", 1, 2)._replace(kind="FORECAST")
    pm.update_alarms({w.key: w})
    assert pm.markers[1].warning == 2 and pm.markers[1].priority == 0
    assert pm.hazards["Area A"].priority == 0
    pm.update_alarms({})
    assert pm.markers[1].warning == 0


@pytest.mark.slow
def test_unacknowledged_alarm_flashes_the_outline_with_one_timer(cfg, qtbot):
    from widgets.plant_map import PlantMap

    pm = PlantMap(cfg)
    qtbot.addWidget(pm)
    area = pm.hazards["Area A"]
    a = alarm("A.CO.01:HH", 0, 2)
    pm.update_alarms({a.key: a})
    assert area.unacked and pm._flash.isActive()
    thick = area.pen().widthF()
    qtbot.waitUntil(lambda: not area.flash_on, timeout=3000)
    assert area.pen().widthF() < thick and area.brush().color().name() == PRIORITY_COLORS[2]
    qtbot.waitUntil(lambda: area.flash_on, timeout=3000)
    acked = alarm("A.CO.01:HH", 0, 2, acked=True)
    pm.update_alarms({acked.key: acked})
    assert not area.unacked and not pm._flash.isActive()
    assert area.flash_on and area.pen().widthF() == thick
    pm.update_alarms({})
    assert area.priority == 0 and not pm._flash.isActive()


def test_alarm_update_touches_only_changed_items(cfg, qtbot):
    from widgets.plant_map import PlantMap

    pm = PlantMap(cfg)
    qtbot.addWidget(pm)
    a = alarm("A.CO.01:H", 0, 3, acked=True)
    pm.update_alarms({a.key: a})
    touched = []
    for tag, m in pm.markers.items():
        m.set_state = lambda text, bad, prio, _t=tag: touched.append(_t)
    for name, h in pm.hazards.items():
        h.set_alarm_state = lambda prio, unacked, _n=name: touched.append(_n)
    pm.update_alarms({a.key: a})
    assert touched == []
    b = alarm("B.CO.01:H", 3, 3, acked=True)
    pm.update_alarms({a.key: a, b.key: b})
    assert sorted(map(str, touched)) == ["3", "Area B"]


# ---------------------------------------------------------------- quality


def test_bad_quality_shows_question_mark(cfg, qtbot):
    from widgets.plant_map import PlantMap

    pm = PlantMap(cfg)
    qtbot.addWidget(pm)
    pm.resize(400, 300)
    pm.show()
    qtbot.waitExposed(pm)
    good = np.full(4, Quality.GOOD, np.uint8)
    pm.update_values(np.array([1.23, 0.2, 500.0, 2.0]), good)
    assert [pm.markers[t].text for t in (0, 1, 3)] == ["1.2 ppm", "0.2 ppm", "2.0 ppm"]
    assert not pm.markers[0].bad
    bad = good.copy()
    bad[0] = Quality.BAD
    pm.update_values(np.array([1.23, 0.2, 500.0, np.nan]), bad)
    for t in (0, 3):  # bad quality, and a value that is not a number
        m = pm.markers[t]
        assert m.bad and m.text == "?" and "?" in m.toolTip()
    a = alarm("A.CO.01:H", 0, 2)
    pm.update_alarms({a.key: a})
    assert pm.markers[0].bad and pm.markers[0].priority == 2  # still hollow, outlined in colour
    pm.viewport().grab()  # paints bad, alarmed and normal markers
    pm.update_values(np.array([1.5, 0.2, 500.0, 2.0]), good)
    assert pm.markers[0].text == "1.5 ppm" and not pm.markers[0].bad
