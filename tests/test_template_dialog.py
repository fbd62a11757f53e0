"""Settings → Hazard sources → Add from template…: a gas holder added to a copy of the demo plant
from its template (two roles on existing tags, the rest created), applied and saved; a mapping
with problems lists them and adds nothing."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.config import demo_config_path, load_config
from views.settings import SettingsDialog

GH2 = {
    "level": "hr:2000",
    "piston_tilt": "hr:2002",
    "o2": "hr:2004",
    "pressure": "hr:2006",
    "shutoff_ready": "co:40",
    "co_detector": "hr:2010, hr:2012",
}


def demo_copy(tmp_path):
    shutil.copy(demo_config_path().parent / "plant_map.svg", tmp_path / "plant_map.svg")
    path = tmp_path / "plant.yaml"
    shutil.copy(demo_config_path(), path)
    return path


def open_template_dialog(qtbot, path):
    dlg = SettingsDialog(load_config(path))
    qtbot.addWidget(dlg)
    dlg.show()
    page = dlg.show_page("Hazard sources")
    add = next(b for b in page.findChildren(QPushButton) if b.text() == "Add from template…")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.template_dialog is not None and dlg.template_dialog.isVisible())
    return dlg, dlg.template_dialog


def test_add_a_gas_holder_from_its_template_to_the_demo(qtbot, tmp_path, data_dir):
    path = demo_copy(tmp_path)
    dlg, tpl = open_template_dialog(qtbot, path)
    tpl.kind.setCurrentIndex(tpl.kind.findData("gas_holder"))
    assert tpl.name.text() == "Gas holder 2"  # numbered after the demo's one
    tpl.prefix.setText("GH2")
    for role, address in GH2.items():
        tpl.set_role(role, device="bf_plc", address=address)
    tpl.set_role("seal_oil_level", tags="GH1.SEAL.OIL.LEVEL")  # an existing tag, shared
    assert tpl.preview(), tpl.preview_text.toPlainText()
    assert "GH2.CO.02" in tpl.preview_text.toPlainText()
    hazards_before = len(dlg.draft.hazards)
    tpl.add_button.click()
    qtbot.waitUntil(lambda: not tpl.isVisible())
    assert len(dlg.draft.hazards) == hazards_before + 1
    added = dlg.draft.hazards[-1]
    assert added["name"] == "Gas holder 2" and added["kind"] == "gas_holder"
    assert "GH1.SEAL.OIL.LEVEL" in added["tags"] and "GH2.CO.01" in added["tags"]
    assert dlg.hazards_page.current()["name"] == "Gas holder 2"
    assert dlg.draft.tags.error_rows() == 0
    assert dlg.apply(), dlg.last_errors
    saved = load_config(path)
    h = saved.hazard_sources[-1]
    assert h.name == "Gas holder 2" and h.major_hazard is not None
    rule = next(r for r in saved.rules if r.hazard == "Gas holder 2")
    assert rule.when == 'offline("GH2.CO.01|GH2.CO.02") >= 1'
    tag = next(t for t in saved.tags if t.name == "GH2.CO.01")
    assert (tag.alarms.H, tag.alarms.HH, tag.alarms.priority_of("HH")) == (24, 160, 1)
    assert any(f"tag {n} added" in line for line in dlg.last_diff for n in ("GH2.LEVEL",))


def test_a_mapping_with_problems_adds_nothing(qtbot, tmp_path, data_dir):
    path = demo_copy(tmp_path)
    dlg, tpl = open_template_dialog(qtbot, path)
    tpl.kind.setCurrentIndex(tpl.kind.findData("gas_holder"))
    tpl.name.setText("Gas holder 1")  # taken
    tpl.set_role("level", tags="NO.SUCH.TAG")
    hazards_before, tags_before = len(dlg.draft.hazards), dlg.draft.tags.rowCount()
    tpl.add_button.click()
    assert tpl.isVisible() and tpl.instance is None
    text = tpl.preview_text.toPlainText()
    assert "exists already" in text and "NO.SUCH.TAG" in text and "is required" in text
    assert tpl.status.property("state") == "fail"
    tpl.reject()
    assert len(dlg.draft.hazards) == hazards_before and dlg.draft.tags.rowCount() == tags_before
