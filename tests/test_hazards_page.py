"""The settings dialog's hazard page: LEC from its scale values, the GB 18218 identification with
catalogue substances, a declared direct-determination condition, and the inherent level shown."""

from __future__ import annotations

from app.config import HazardSource, demo_config_path, load_config
from app.config.io import config_data
from views.settings.hazards_page import HazardsPage


def _page(qtbot):
    cfg = load_config(demo_config_path())
    hazards = config_data(cfg)["hazard_sources"]
    page = HazardsPage(hazards, lambda: [t.name for t in cfg.tags], cfg.risk)
    qtbot.addWidget(page)
    return page, {h["name"]: k for k, h in enumerate(hazards)}


def test_lec_offers_only_the_scale_values(qtbot):
    page, row = _page(qtbot)
    page.list.setCurrentRow(row["Converter BOF1"])
    assert page.method.currentData() == "LEC"
    assert [page.lec["C"].itemData(i) for i in range(page.lec["C"].count())] == [1, 3, 7, 15, 40, 100]
    assert page.lec["C"].currentText() == "15 – very serious, one death"
    page.lec["C"].setCurrentIndex(page.lec["C"].findData(40.0))
    h = page.current()
    assert h["inherent"] == {"method": "LEC", "L": 3.0, "E": 6.0, "C": 40.0}
    assert page.grade.text().startswith("Inherent level I red. LEC D = 720")
    HazardSource.model_validate(h)


def test_major_hazard_with_catalogue_substances_and_direct_condition(qtbot):
    page, row = _page(qtbot)
    page.list.setCurrentRow(row["Gas holder 1"])
    assert page.major.isChecked() and page.people.value() == 120
    assert page.substances.rowCount() == 1
    assert page.substances.item(0, 0).text() == "blast_furnace_gas"
    assert page.substances.item(0, 3).text() == ""  # Q from the catalogue
    assert "I red by direct determination" in page.grade.text()
    assert "GB 18218 grade 3" in page.grade.text()

    page.list.setCurrentRow(row["PCI coal grinding"])
    assert not page.major.isChecked()
    page.direct.setText("10 or more people work in an explosive-dust area")
    page.direct.textEdited.emit(page.direct.text())
    h = page.current()
    assert h["direct"] == {"reason": "10 or more people work in an explosive-dust area"}
    assert page.grade.text().startswith("Inherent level I red. 10 or more people")

    page.major.setChecked(True)  # a first row to fill in
    page.substances.item(0, 0).setText("unobtainium")
    assert "unknown substance 'unobtainium'" in page.errors.text()
    page.substances.item(0, 0).setText("converter_gas")
    page.substances.item(0, 2).setText("30")
    assert page.current()["major_hazard"]["substances"] == [{"substance": "converter_gas", "q_t": 30.0}]
    assert page.errors.text() == ""
    assert "major hazard (S = 1.5 ≥ 1)" in page.grade.text()


def test_the_chinese_name_is_edited_beside_the_name_and_left_out_when_empty(qtbot):
    page, row = _page(qtbot)
    page.list.setCurrentRow(row["Gas holder 1"])
    assert page.name_zh.text() == "1# 煤气柜"
    page.name_zh.setText("")
    page.name_zh.textEdited.emit("")
    assert "name_zh" not in page.current()
    page.name_zh.setText("一号煤气柜")
    page.name_zh.textEdited.emit("一号煤气柜")
    assert page.current()["name_zh"] == "一号煤气柜"
    assert HazardSource.model_validate(page.current()).name_zh == "一号煤气柜"


def test_a_rules_chinese_name_and_message_are_edited_on_the_rules_page(qtbot):
    from core.schema.plant import Rule
    from views.settings.rules_page import RulesPage

    cfg = load_config(demo_config_path())
    rules = config_data(cfg)["rules"]
    page = RulesPage(rules, lambda: cfg, lambda: [h.name for h in cfg.hazard_sources])
    qtbot.addWidget(page)
    page.list.setCurrentRow(next(k for k, r in enumerate(rules) if r["name"] == "Gas leak spreading"))
    assert page.name_zh.text() == "煤气泄漏扩散" and page.message_zh.text().startswith("疑似煤气泄漏")
    page.message_zh.setText("煤气泄漏")
    page.message_zh.textEdited.emit("煤气泄漏")
    page.name_zh.setText("")
    page.name_zh.textEdited.emit("")
    r = page.current()
    assert r["message_zh"] == "煤气泄漏" and "name_zh" not in r
    assert Rule.model_validate(r).message_zh == "煤气泄漏"
