"""What an operator must be able to read at 3 a.m.: every text on a priority colour meets WCAG AA
contrast (computed from the palette and from the banner as the stylesheet paints it), a long
alarm message never widens the window past the screen, and a saved geometry larger than the
screen is clamped."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QToolBar

from app.config import demo_config_path, load_config
from core.alarm_types import Alarm
from tests import helpers
from views.launcher import RESOURCES
from widgets.palette import PRIORITY_COLORS, PRIORITY_TEXT, WCAG_AA, contrast_ratio
from widgets.status import AlarmBanner

QSS = (RESOURCES / "theme.qss").read_text(encoding="utf-8")


def alarm(priority: int, message: str = "CO high", *, warning: bool = False, active: bool = True) -> Alarm:
    key = "GH1.CO.01:FORECAST" if warning else "GH1.CO.01:H"
    return helpers.alarm(key, 0, priority, active=active, value=35.8, limit=24.0, message=message)


def test_palette_text_on_every_priority_colour_meets_aa():
    assert set(PRIORITY_COLORS) == set(PRIORITY_TEXT) == {1, 2, 3, 4}
    for p, bg in PRIORITY_COLORS.items():
        assert contrast_ratio(bg, PRIORITY_TEXT[p]) >= WCAG_AA, (p, bg, PRIORITY_TEXT[p])


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#9ea2a8", "#ff7f0e") < 1.1  # the grey-on-orange banner text it replaces


def test_the_stylesheet_uses_the_palette_for_the_banner():
    for p, colour in PRIORITY_COLORS.items():
        rule = re.search(rf'#alarmBanner\[priority="{p}"\] \{{ background: (#[0-9a-f]{{6}}); \}}', QSS)
        assert rule is not None and rule.group(1) == colour


@pytest.mark.parametrize("warning", [False, True], ids=["alarm", "early-warning"])
def test_banner_text_as_painted_meets_aa_on_every_priority(qtbot, warning):
    banner = AlarmBanner()
    banner.setStyleSheet(QSS)
    qtbot.addWidget(banner)
    banner.resize(900, 40)
    banner.show()
    qtbot.waitExposed(banner)
    for p in (1, 2, 3, 4):
        banner.update_alarms({"a": alarm(p, warning=warning)})
        for label in (banner.text, banner.level):
            label.ensurePolished()
        image = banner.grab().toImage()
        background = image.pixelColor(2, image.height() // 2).name()
        for label in (banner.text, banner.level, banner.more):
            text = label.palette().color(label.foregroundRole()).name()
            # the level cell darkens the priority colour a little; measure against the darker one
            behind = background
            if label is banner.level:
                centre = label.geometry().center()
                behind = image.pixelColor(label.geometry().left() + 2, centre.y()).name()
            assert contrast_ratio(text, behind) >= WCAG_AA, (p, warning, label.objectName(), text, behind)
    # quiet: grey on the neutral bar
    banner.update_alarms({})
    image = banner.grab().toImage()
    text = banner.text.palette().color(banner.text.foregroundRole()).name()
    assert contrast_ratio(text, image.pixelColor(2, image.height() // 2).name()) >= WCAG_AA


def test_a_long_banner_message_elides_and_keeps_the_window_on_the_screen(qtbot):
    win = QMainWindow()
    qtbot.addWidget(win)
    banner = AlarmBanner()
    bar = QToolBar()
    bar.addWidget(banner)
    win.addToolBar(bar)
    win.resize(700, 500)
    win.show()
    qtbot.waitExposed(win)
    long_text = "CO spreading across the gas holder area " * 60  # ~2,400 characters
    banner.update_alarms({"a": alarm(1, long_text)})
    qtbot.waitUntil(lambda: banner.text.is_elided())
    screen = win.screen().availableGeometry()
    assert win.minimumSizeHint().width() < screen.width()
    assert banner.minimumSizeHint().width() < 400
    assert win.width() <= screen.width()
    assert banner.text.shown_text().endswith("…") and banner.text.text().endswith(long_text)
    assert long_text.strip() in banner.text.toolTip() and "acknowledge" in banner.text.toolTip()


def test_a_saved_geometry_larger_than_the_screen_is_clamped(qtbot, tmp_path):
    from tests.helpers import FakeEngine
    from views.main_window import MainWindow

    cfg = load_config(demo_config_path())
    ini = str(tmp_path / "ui.ini")
    first = MainWindow(FakeEngine(cfg), cfg, QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(first)
    first.setGeometry(0, 0, 2760, 1500)  # what a widened banner once saved
    first.save_layout()
    first.close()

    win = MainWindow(FakeEngine(cfg), cfg, QSettings(ini, QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    area = win.screen().availableGeometry()  # the offscreen platform's screen is 800 x 800
    # the window needs this much at least: it fits a 1366 x 768 control-room laptop
    least = win.minimumSizeHint()
    assert least.width() <= 1366 and least.height() <= 768
    qtbot.waitUntil(lambda: win.frameGeometry().height() <= area.height() and win.frameGeometry().top() >= 0)
    assert win.width() <= max(area.width(), least.width()) < 2760
    assert area.top() <= win.geometry().top() and area.left() <= win.geometry().left()


def test_settings_and_alarm_history_fit_a_1366_by_768_screen(qtbot):
    from views.alarm_history import AlarmHistoryView
    from views.settings import SettingsDialog

    cfg = load_config(demo_config_path())
    settings = SettingsDialog(cfg, path="unused.yaml")
    history = AlarmHistoryView(None, cfg.plant.name)
    for dlg in (settings, history):
        qtbot.addWidget(dlg)
        least = dlg.minimumSizeHint()
        assert least.width() <= 1366 and least.height() <= 768 - 40, (type(dlg).__name__, least)
        area = dlg.screen().availableGeometry()  # offscreen: 800 x 800; asked for 1320-1400 x 820
        assert dlg.height() <= area.height()
        assert dlg.width() <= max(area.width(), least.width())


def test_small_screens_get_the_compact_layout_with_ten_alarm_rows(qtbot, tmp_path):
    from tests.helpers import FakeEngine
    from views.main_window import MainWindow

    cfg = load_config(demo_config_path())
    win = MainWindow(FakeEngine(cfg), cfg, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    assert win.compact()  # the offscreen screen is 800 px high, like a 768 px laptop's
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    tabbed = set(win.tabifiedDockWidgets(win.trend_dock))
    assert {win.tag_dock, win.risk_dock, win.hazard_dock} <= tabbed
    view = win.alarm_table.view
    rows = view.verticalHeader().defaultSectionSize()
    qtbot.waitUntil(lambda: view.viewport().height() >= 10 * rows)
    assert win.map.height() >= 250


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_a_long_banner_message_elides_inside_the_main_window(qtbot, tmp_path, size):
    """The real window, its banner fed by the engine's standing alarm: the text elides and the
    window stays within the screen (or its own least size)."""
    from tests.helpers import FakeEngine
    from views.main_window import MainWindow

    cfg = load_config(demo_config_path())
    long_text = "CO spreading across the gas holder area " * 60  # ~2,400 characters
    engine = FakeEngine(cfg, standing=[alarm(1, long_text)])
    win = MainWindow(engine, cfg, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    banner = win.banner
    qtbot.waitUntil(lambda: banner.text.text().endswith(long_text))  # through the bridge
    qtbot.waitUntil(lambda: banner.text.is_elided())
    shown = banner.text.shown_text()
    assert shown.endswith("…") and len(shown) < len(long_text) // 4
    assert banner.text.isVisible() and banner.text.width() > 0
    assert banner.text.geometry().right() <= banner.width()  # elided inside the banner
    assert banner.mapTo(win, banner.rect().topRight()).x() <= win.width()
    least = win.minimumSizeHint()
    assert least.width() <= 1366  # a long message never raises what the window needs
    area = win.screen().availableGeometry()
    assert win.width() <= max(area.width(), least.width())
    assert long_text.strip() in banner.text.toolTip()
