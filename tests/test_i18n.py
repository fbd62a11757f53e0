"""Languages: Simplified Chinese installs and uninstalls, the shipped .ts is complete, the main
window and its dialogs (settings, login, lock screen, users) read in Chinese with no English word
left over, and the printed reports embed a CJK font for Chinese names."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from app.config import parse_config_text
from tests.helpers import plant_yaml
from views import i18n

TS = Path(__file__).resolve().parent.parent / "resources" / "translations" / "forewarn_zh_CN.ts"
PLANT = plant_yaml(
    """
    - {name: GH1.CO.01, description: 1号煤气柜CO浓度, unit: ppm, device: plc1, address: "hr:0", type: float32}
    """,
    devices="""
    - {name: plc1, protocol: modbus-tcp, port: 15020}
    """,
    name="示范钢厂",
)


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
    from widgets.alarm_model import COL_ETA, COL_PRI, COL_STATE, format_eta
    from widgets.alarm_table import AlarmTable

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
        "MainWindow",
        "launcher",
        "LoginDialog",
        "CredentialsForm",
        "login",
        "LockScreen",
        "Session",
        "SessionControls",
        "UsersDialog",
        "SettingsDialog",
        "settings",
        "DevicesPage",
        "ModbusForm",
        "OpcUaForm",
        "devices_page",
        "TagsPage",
        "ProbeDialog",
        "BrowseDialog",
        "tag_model",
        "AlarmsPage",
        "alarms_page",
        "HazardsPage",
        "hazards_page",
        "MapPage",
        "RulesPage",
    ):
        assert ctx in contexts, ctx


def test_pdf_with_chinese_hazard_name_embeds_a_cjk_font(tmp_path, chinese):
    from app.reports import report_data as rd
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
    from app.runtime.engine import Engine
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


# ---------------------------------------------------------------- the main window and its dialogs

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
WORD = re.compile(r"[A-Za-zσ]+")
# words that stay as they are in Chinese: protocols, file formats, standards, units, the brand,
# alarm limit names (LL … HH), priorities (I … IV) and the language menu's own "English"
KEEP_WORDS = (
    "Modbus TCP OPC UA CSV PDF YAML LEC LS GB KPI EEMUA PLC Forewarn FOREWARN English "
    "LL L H HH I II III IV ms s min h ppm kPa degC ABCD CDAB big little σ"
)
KEEP = set(KEEP_WORDS.split())


def plant_words(cfg) -> set[str]:
    """Words of the plant's own data (names, descriptions, units, areas): shown as configured."""
    texts = [cfg.plant.name]
    texts += [d.name for d in cfg.devices]
    texts += [f"{t.name} {t.description} {t.unit} {t.area or ''}" for t in cfg.tags]
    texts += [f"{h.name} {h.description}" for h in cfg.hazard_sources]
    return {w for t in texts for w in WORD.findall(t or "")}


def shown_texts(root) -> list[tuple[str, str]]:
    """(kind, text) of the labels, buttons, group boxes, dock titles and actions under `root`."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QAbstractButton, QDockWidget, QGroupBox, QLabel

    out = [("QLabel", w.text()) for w in root.findChildren(QLabel)]
    out += [(type(w).__name__, w.text()) for w in root.findChildren(QAbstractButton)]
    out += [("QGroupBox", w.title()) for w in root.findChildren(QGroupBox)]
    out += [("QDockWidget", w.windowTitle()) for w in root.findChildren(QDockWidget)]
    out += [
        ("QAction", a.text())
        for a in root.findChildren(QAction)
        # pyqtgraph's own scene menu ("Export...") is not ours to translate
        if not type(a.parent()).__module__.startswith("pyqtgraph")
    ]
    return out


def english_leftovers(root, allowed: set[str]) -> list[str]:
    """Texts without a Chinese character that still hold an English word."""
    bad = []
    for kind, text in shown_texts(root):
        if not text or CJK.search(text):
            continue
        words = {w for w in WORD.findall(text.replace("&", "")) if w not in KEEP and w not in allowed}
        if words:
            bad.append(f"{kind}: {text!r}")
    return sorted(set(bad))


@pytest.fixture
def users(tmp_path):
    from app.accounts.users import Role, UserStore
    from storage.audit import AuditLog
    from storage.schema import create_schema, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'plant.db'}")
    create_schema(engine)
    store = UserStore(engine, AuditLog(engine))
    store.add("olga", Role.OPERATOR, "olga-password")
    store.add("ada", Role.ADMINISTRATOR, "ada-password")
    yield store
    engine.dispose()


def chinese_window(qtbot, tmp_path, store, name: str):
    from tests.helpers import FakeEngine
    from tests.test_widgets import PLANT as TEST_PLANT
    from views.main_window import MainWindow
    from views.session import Session

    cfg = parse_config_text(TEST_PLANT)
    session = Session(store, store.audit, store.get(name))
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    win = MainWindow(FakeEngine(cfg), cfg, settings, session=session, lock_after_s=None)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    return win, cfg


@pytest.mark.slow
def test_main_window_menus_docks_and_status_in_chinese(qtbot, tmp_path, chinese, users):
    win, _cfg = chinese_window(qtbot, tmp_path, users, "olga")
    assert win.windowTitle() == "Forewarn — Test Works"
    menus = [a.text() for a in win.menuBar().actions()]
    assert menus == ["报警(&A)", "工厂(&P)", "视图(&V)", "用户(&U)"]
    assert win.ack_action.text() == "确认所选报警" and win.silence_action.text() == "消音"
    assert win.oos_action.text() == "退出服务…" and win.settings_action.text() == "设置…"
    assert [d.windowTitle() for d in (win.trend_dock, win.alarm_dock, win.tag_dock)] == [
        "趋势",
        "报警",
        "位号",
    ]
    assert win.risk_dock.windowTitle() == "全厂风险" and win.hazard_dock.windowTitle() == "危险源"
    assert win.user_label.text() == "用户：olga（操作员）"
    assert win.settings_action.toolTip() == "需要安全管理员或更高角色"  # the role an operator lacks
    assert win.session_controls.lock_screen.unlock_button.text() == "解锁"


@pytest.mark.slow
def test_login_lock_screen_and_users_dialog_in_chinese(qtbot, tmp_path, chinese, users):
    from views.login import MODE_FIRST_ADMIN, LoginDialog
    from views.users_dialog import UsersDialog

    dlg = LoginDialog(users, plant_name="示范钢厂")
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "Forewarn — 登录" and dlg.ok_button.text() == "登录"
    assert dlg.cancel_button.text() == "取消" and dlg.form.name.placeholderText() == "用户名"
    dlg.form.name.setText("olga")
    dlg.form.password.setText("wrong-password")
    dlg.submit()
    assert dlg.error_text == "用户名或密码错误，或账户已锁定。"
    first = LoginDialog(users, mode=MODE_FIRST_ADMIN)
    qtbot.addWidget(first)
    assert first.form.title.text() == "创建首位管理员" and first.ok_button.text() == "创建管理员"
    first.form.name.setText("bob")
    first.form.password.setText("short")
    first.form.confirm.setText("short")
    first.submit()
    assert first.error_text == "密码至少 8 个字符。"

    win, _cfg = chinese_window(qtbot, tmp_path, users, "ada")
    win.show()
    qtbot.waitExposed(win)
    win.session_controls.lock()
    lock = win.session_controls.lock_screen
    assert lock.locked and lock.form.title.text() == "屏幕已锁定"
    assert lock.form.subtitle.text() == "ada（管理员）锁定了屏幕"
    lock.form.password.setText("nope-nope")
    lock.submit()
    assert lock.form.error.text().startswith("用户名或密码错误")

    dialog = UsersDialog(win.session, win)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Forewarn — 用户管理"
    heads = [dialog.table.horizontalHeaderItem(c).text() for c in range(3)]
    assert heads == ["用户", "角色", "状态"]
    assert {dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())} == {"操作员", "管理员"}
    assert english_leftovers(dialog, set()) == []


def test_settings_dialog_in_chinese(qtbot, tmp_path, chinese):
    from app.config import demo_config_path, load_config
    from views.settings import SettingsDialog

    cfg = load_config(demo_config_path())
    dlg = SettingsDialog(cfg, path=tmp_path / "plant.yaml")
    qtbot.addWidget(dlg)
    try:
        assert dlg.windowTitle() == f"设置 — {cfg.plant.name}"
        pages = [dlg.nav.item(i).text() for i in range(dlg.nav.count())]
        assert pages[:6] == ["设备", "位号", "报警与预警", "危险源", "规则", "厂区图"]
        assert dlg.show_page("Tags") is dlg.tags_page  # pages keep their English keys
        m = dlg.tags_page.model
        assert header(m, m.column("name")) == "名称" and header(m, m.column("HH")) == "HH"
        tip = m.headerData(m.column("address"), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        assert tip.startswith("address\n")  # the CSV column's name stays in sight
        assert dlg.tags_page.bulk_column.currentData() == "area"  # the column, not its label
        assert dlg.devices_page.test_button.text() == "测试连接"
        assert (
            dlg.devices_page.modbus_form.form.labelForField(
                dlg.devices_page.modbus_form.fields["host"]
            ).text()
            == "主机"
        )
        assert dlg.hazards_page.kind.currentText() in {
            "高炉",
            "转炉",
            "煤气柜",
            "煤气回收",
            "煤气区域",
            "氧气站",
            "除尘器",
        }
        assert dlg.hazards_page.grade.text().startswith("固有风险等级 ")
        m.setData(m.index(0, m.column("address")), "hr100")
        assert not dlg.apply()
        assert dlg.summary.text().startswith("未应用任何更改：")
        assert dlg.errors_dialog.windowTitle() == "设置未应用"
    finally:
        dlg.runner.wait()


@pytest.mark.slow
def test_no_english_left_in_the_main_window_and_settings_in_chinese(qtbot, tmp_path, chinese, users):
    from app.config import demo_config_path, load_config
    from views.settings import SettingsDialog

    win, cfg = chinese_window(qtbot, tmp_path, users, "ada")
    win.show()
    qtbot.waitExposed(win)
    assert english_leftovers(win, plant_words(cfg)) == []

    demo = load_config(demo_config_path())
    dlg = SettingsDialog(demo, path=tmp_path / "plant.yaml")
    qtbot.addWidget(dlg)
    try:
        dlg.show()
        for i in range(dlg.nav.count()):  # every page, built and shown
            dlg.nav.setCurrentRow(i)
            qtbot.waitUntil(lambda i=i: dlg.stack.currentIndex() == i)
        assert english_leftovers(dlg, plant_words(demo)) == []
    finally:
        dlg.runner.wait()
