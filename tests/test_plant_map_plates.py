"""The plant map's hazard name plates: a short name is never elided (a font step smaller, then
two lines, first), the plate of an alarmed or raised area never disappears, and plates are drawn
above every area whatever its fill, on the demo plant at the map's share of 1920x1080, 1600x960
and 1366x768 windows."""

from __future__ import annotations

import itertools
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QPointF  # noqa: E402

from app.config import demo_config_path, load_config  # noqa: E402
from core.alarm_types import Alarm  # noqa: E402
from core.risk_types import Inherent, RiskState  # noqa: E402
from core.samples import Quality  # noqa: E402

GAS = ("Gas pipeline network", "Gas holder 1", "Converter gas recovery")
SHORT_NAME = 24  # characters: every demo hazard name is shorter
_MAPS: list = []
SIZES = [(1250, 770), (890, 630), (575, 350)]  # the map's share of 1920x1080, 1600x960, 1366x768


@pytest.fixture(scope="module")
def demo():
    return load_config(demo_config_path())


@pytest.fixture
def chinese(qapp, demo):
    """Simplified Chinese screens and the demo plant's Chinese names for one test; English
    afterwards, whatever happens."""
    from views import i18n
    from widgets.plant_words import WORDS

    assert i18n.install_language(qapp, "zh_CN")
    WORDS.use(demo)
    yield demo
    WORDS.use(None)
    assert i18n.install_language(qapp, "en")


def make_map(qtbot, cfg, size):
    from widgets.plant_map import PlantMap

    pm = PlantMap(cfg)
    # qtbot holds its widgets weakly: a map that outlived its test's locals would be painted by
    # the events processed after the test with no Python object behind it (the window owns the
    # map in the application); the test module keeps each map until the session ends
    _MAPS.append(pm)
    qtbot.addWidget(pm)
    pm.resize(*size)
    pm.show()
    qtbot.waitExposed(pm)
    qtbot.waitUntil(lambda: abs(pm._layout_scale - pm.transform().m11()) < 1e-9)
    n = len(cfg.tags)
    pm.update_values(np.full(n, 2.9), np.full(n, Quality.GOOD, np.uint8))
    return pm


def gas_leak(pm, cfg) -> None:
    """The gas_leak incident as the map sees it: priority I alarms on the gas areas' detectors,
    their risk raised to red (the holder to II)."""
    index = cfg.tag_index()
    active = {}
    for hz in cfg.hazard_sources:
        if hz.name in GAS:
            for name in hz.tags[:2]:
                key = f"{name}:HH"
                active[key] = Alarm(
                    key, name, index[name], "HH", 1, True, False, 100.0, 100.0, 30.0, 24.0, key
                )
    pm.update_alarms(active)
    pm.update_risk(
        [
            RiskState(
                n, "gas_area", Inherent(3, "engineer"), 2 if n == "Gas holder 1" else 1, 3, 100.0, (), 100.0
            )
            for n in GAS
        ]
    )


def plates(pm) -> dict:
    return {h.name: h.label for h in pm.hazards.values() if h.label.isVisible()}


def assert_plates_apart(pm) -> None:
    names = set(pm.hazards)
    rects = [(n, r) for n, r in pm.label_rects() if n in names]
    for (a, ra), (b, rb) in itertools.combinations(rects, 2):
        assert not ra.intersects(rb), f"plates of {a} and {b} overlap"


@pytest.mark.parametrize("size", SIZES)
def test_the_plates_of_red_gas_areas_never_disappear(qtbot, demo, size):
    pm = make_map(qtbot, demo, size)
    gas_leak(pm, demo)
    shown = plates(pm)
    for name in GAS:
        assert name in shown, f"{name}'s plate is hidden while its area is red ({size})"
        assert pm.hazards[name].urgent
    assert_plates_apart(pm)


def test_a_hidden_plate_comes_back_as_soon_as_its_area_turns_red(qtbot, demo):
    pm = make_map(qtbot, demo, SIZES[-1])
    quiet_hidden = [n for n, h in pm.hazards.items() if not h.label.isVisible()]
    gas_leak(pm, demo)
    assert all(pm.hazards[n].label.isVisible() for n in quiet_hidden if n in GAS)
    assert all(pm.hazards[n].label.isVisible() for n in GAS)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("incident", [False, True])
def test_a_short_name_is_never_elided(qtbot, demo, size, incident):
    pm = make_map(qtbot, demo, size)
    if incident:
        gas_leak(pm, demo)
    for name, label in plates(pm).items():
        if len(name) <= SHORT_NAME:
            assert "…" not in label.text, f"{label.text!r} at {size}"
            assert label.text.replace("\n", " ").startswith(name)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("incident", [False, True])
def test_a_chinese_plate_is_never_elided(qtbot, chinese, size, incident):
    demo = chinese
    pm = make_map(qtbot, demo, size)
    if incident:
        gas_leak(pm, demo)
    zh = {h.name: h.name_zh for h in demo.hazard_sources}
    shown = plates(pm)
    assert shown, f"no plate shown at {size}"
    for name, label in shown.items():
        assert zh[name] and len(zh[name]) <= SHORT_NAME
        assert "…" not in label.text, f"{label.text!r} at {size}"
        assert label.text.replace("\n", "").replace(" ", "").startswith(zh[name].replace(" ", "")), label.text
    if incident:
        assert set(GAS) <= set(shown)
    assert_plates_apart(pm)


def test_a_plate_shrinks_a_font_step_then_takes_two_lines_before_eliding(qtbot, demo):
    from widgets.map_style import LONG_NAME, PLATE_POINTS

    pm = make_map(qtbot, demo, SIZES[1])
    h = pm.hazards["Gas pipeline network"]
    forms = h.plate_texts()
    assert forms[0] == (h.full_text, 0) and forms[1] == (h.full_text, 1)
    assert forms[2][0].startswith("Gas pipeline\nnetwork") and forms[2][1] == 1
    assert len(forms) == 3  # a short name has no elided form
    assert PLATE_POINTS[1] < PLATE_POINTS[0]
    w1, _ = h.label.size_for(forms[1][0], 1)
    w0, _ = h.label.size_for(forms[0][0], 0)
    w2, h2 = h.label.size_for(*forms[2])
    assert w2 < w1 < w0 and h2 > h.label.size_for(*forms[1])[1]
    long = "Blast furnace 1 top gas dust catcher and cyclone"
    assert len(long) > LONG_NAME
    h.title = long  # what the plate says
    assert h.plate_texts()[-1][0].startswith(long[:10]) and "…" in h.plate_texts()[-1][0]


@pytest.mark.parametrize("size", SIZES)
def test_plates_are_drawn_above_every_area(qtbot, demo, size):
    """The topmost item under a plate's middle is the plate: no area (red fill or not) covers it."""
    from widgets.map_items import DetectorMarker, HazardArea

    pm = make_map(qtbot, demo, size)
    gas_leak(pm, demo)
    for name, label in plates(pm).items():
        centre = label.mapToScene(label.label_rect().center())
        items = [i for i in pm.scene().items(centre) if not isinstance(i, DetectorMarker)]
        assert items and items[0] is label, f"{name}'s plate is under {items[0]!r}"
        under = [i for i in items if isinstance(i, HazardArea)]
        assert all(label.zValue() > a.zValue() for a in under)


def test_clicking_a_plate_still_picks_its_hazard(qtbot, demo):
    pm = make_map(qtbot, demo, SIZES[1])
    label = pm.hazards["Gas holder 1"].label
    assert label.isVisible()
    point = pm.mapFromScene(label.mapToScene(label.label_rect().center()))
    assert pm._hit(point) == ("hazard", "Gas holder 1")
    assert isinstance(point.x(), int) and QPointF(point).x() >= 0


@pytest.mark.parametrize("size", SIZES)
def test_a_major_hazard_red_at_rest_keeps_its_plate(qtbot, demo, size):
    """A registered major hazard is red by direct determination with nothing raised: its name
    is never hidden among its detectors' values."""
    pm = make_map(qtbot, demo, size)
    pm.update_risk([RiskState("Gas holder 1", "gas_holder", Inherent(1, "direct"), 1, 1, 100.0, (), 100.0)])
    assert pm.hazards["Gas holder 1"].urgent and "Gas holder 1" in plates(pm)
    assert_plates_apart(pm)
