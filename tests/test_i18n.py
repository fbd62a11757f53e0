"""Languages: Simplified Chinese installs and uninstalls, the shipped .ts is complete, and the
printed reports embed a CJK font for Chinese names."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from app.config import parse_config_text
from views import i18n

TS = Path(__file__).resolve().parent.parent / "resources" / "translations" / "forewarn_zh_CN.ts"
PLANT = """\
schema: 1
plant: {name: 示范钢厂}
devices:
  - {name: plc1, protocol: modbus-tcp, port: 15020}
tags:
  - {name: GH1.CO.01, description: 1号煤气柜CO浓度, unit: ppm, device: plc1, address: "hr:0", type: float32}
"""


@pytest.fixture
def chinese(qapp):
    """Simplified Chinese for one test; English again afterwards, whatever happens."""
    assert i18n.install_language(qapp, "zh_CN")
    yield qapp
    assert i18n.install_language(qapp, "en")


def header(model, col: int) -> str:
    return model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)


def test_language_choice_settings_then_environment_then_locale(tmp_path, monkeypatch):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    monkeypatch.setenv(i18n.ENV_VAR, "zh_CN.UTF-8")
    assert i18n.chosen_language(settings) == "zh_CN"
    i18n.save_language("en", settings)
    assert i18n.chosen_language(settings) == "en"
    monkeypatch.setenv(i18n.ENV_VAR, "xx")
    settings.remove(i18n.SETTINGS_KEY)
    assert i18n.chosen_language(settings) in i18n.available_languages()
    assert i18n.available_languages() == ["en", "zh_CN"]
    assert i18n.normalise("zh-Hans-CN") == "zh_CN" and i18n.normalise("en_GB") == "en"


def test_alarm_table_and_trend_view_in_chinese_and_back(qtbot, chinese):
    from views.trend_view import TrendView
    from widgets.alarm_table import COL_ETA, COL_PRI, COL_STATE, AlarmTable, format_eta

    assert i18n.current_language() == "zh_CN"
    table = AlarmTable()
    qtbot.addWidget(table)
    assert header(table.model, COL_STATE) == "状态" and header(table.model, COL_PRI) == "级别"
    assert header(table.model, COL_ETA) == "预计"
    assert table.ack_button.text() == "确认" and table.shelve_button.text() == "搁置…"
    assert "报警" in table.kind_box.itemText(0)
    assert format_eta(460.0, 100.0) == "6 分钟后"
    trend = TrendView(parse_config_text(PLANT))
    qtbot.addWidget(trend)
    assert trend.live_button.text() == "实时" and trend.show_button.text() == "显示"
    assert trend.preset_buttons["10 min"].text() == "10 分钟"  # keys stay English (saved in trend sets)

    assert i18n.install_language(chinese, "en") and i18n.current_language() == "en"
    assert header(table.model, COL_STATE) == "State"  # models translate as they are asked
    again = AlarmTable()
    qtbot.addWidget(again)
    assert again.ack_button.text() == "Acknowledge" and format_eta(460.0, 100.0) == "in 6 min"


def test_history_risk_and_status_words_in_chinese(qtbot, chinese):
    from views.alarm_history import COL_STATE, JournalModel
    from views.i18n import grade, hazard_kind, level_text
    from views.shift_report import journal_state
    from widgets.status import AlarmBanner

    assert header(JournalModel(), COL_STATE) == "状态"
    assert journal_state("OOS") == "退出服务" and journal_state("SHELVED") == "已搁置"
    assert level_text(1) == "I 红" and grade(2) == "较大风险" and hazard_kind("gas_holder") == "煤气柜"
    banner = AlarmBanner()
    qtbot.addWidget(banner)
    assert banner.text.text() == "无未确认报警"


def test_translation_file_is_complete_for_our_views():
    root = ET.parse(TS).getroot()
    messages = list(root.iter("message"))
    assert len(messages) > 400
    unfinished = [
        m.findtext("source")
        for m in messages
        if m.find("translation").get("type") == "unfinished" or not (m.findtext("translation") or "").strip()
    ]
    assert unfinished == []
    assert TS.with_suffix(".qm").stat().st_mtime >= 0 and TS.with_suffix(".qm").stat().st_size > 10_000


def test_every_translated_module_is_collected():
    # each module's tr() texts are collected by tools/update_translations.py: a context from each is in the file
    contexts = {c.findtext("name") for c in ET.parse(TS).getroot().iter("context")}
    for ctx in (
        "AlarmTable",
        "alarm_table",
        "TrendView",
        "trend_view",
        "AlarmHistoryView",
        "shift_report",
        "HazardPanel",
        "RiskOverview",
        "WarningExplainDialog",
        "plant_map",
        "horn",
        "status",
        "risk",
    ):
        assert ctx in contexts, ctx


def test_pdf_with_chinese_hazard_name_embeds_a_cjk_font(tmp_path, chinese):
    from app import report_data as rd
    from views.shift_report import write_journal_pdf

    e = rd.JournalEntry(
        1,
        1_717_200_000.0,
        "GH1.CO.01:HH",
        "GH1.CO.01",
        "HH",
        1,
        "UNACK",
        True,
        False,
        250.0,
        200.0,
        "1号煤气柜区域CO浓度高高",
        "",
        "",
    )
    path = tmp_path / "journal.pdf"
    assert write_journal_pdf([e], path, "报警历史 — 1号煤气柜", "危险源：1号煤气柜") == 1
    data = path.read_bytes()
    assert b"NotoSansCJK" in data or b"Noto Sans CJK" in data


def test_language_menu_switches_and_hands_the_window_over(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.config import demo_config_path, load_config
    from app.engine import Engine
    from views import i18n
    from views.main_window import MainWindow

    saved = []
    monkeypatch.setattr(i18n, "save_language", lambda lang, settings=None: saved.append(lang))
    cfg = load_config(demo_config_path())
    engine = Engine(cfg)
    win = MainWindow(
        engine,
        cfg,
        settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
        sets_dir=tmp_path,
    )
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.configApplied) as sig:
        win.set_language("zh_CN")
    assert saved == ["zh_CN"] and sig.args[0] is cfg and i18n.current_language() == "zh_CN"
    i18n.install_language(QApplication.instance(), "en")
    win.close()
