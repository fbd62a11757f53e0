"""The settings dialog: build a plant from nothing, validation shown per cell, all-or-nothing Apply."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.config import PlantConfig, load_config
from app.config.io import save_config, versions_of
from tests.servers import ModbusServer
from views.settings import SettingsDialog


@pytest.fixture
def modbus():
    with ModbusServer(size=2000) as s:
        yield s


@pytest.fixture
def dialog_on(qtbot, tmp_path):
    made = []

    def make(cfg: PlantConfig):
        path = tmp_path / "plant.yaml"
        save_config(cfg, path)
        dlg = SettingsDialog(load_config(path))
        qtbot.addWidget(dlg)
        made.append(dlg)
        return dlg, path

    yield make
    for d in made:
        d.runner.wait()


def _csv(path, n: int, device: str) -> None:
    lines = ["name,description,unit,device,address,type,range_lo,range_hi,H,HH"]
    lines += [
        f"GAS.CO.{i:03d},CO 检测器 {i},ppm,{device},hr:{1000 + 2 * i},float32,0,1000,24,160" for i in range(n)
    ]
    path.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))


@pytest.mark.slow
def test_build_a_small_plant_from_an_empty_config(qtbot, dialog_on, modbus, tmp_path):
    dlg, path = dialog_on(PlantConfig())
    dlg.show()
    page = dlg.devices_page
    dev = page.add_device("modbus-tcp")
    page.modbus_form.fields["port"].setValue(modbus.port)
    assert dev["port"] == modbus.port
    page.modbus_form.fields["name"].setText("bf_plc")
    page.modbus_form.fields["name"].textEdited.emit("bf_plc")
    assert dev["name"] == "bf_plc"

    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_test is not None, timeout=10_000)
    ok, ms, _msg = page.last_test
    assert ok and ms is not None
    assert page.test_result.text().startswith("OK — ")

    tags = dlg.tags_page
    r = tags.add_tag()
    m = tags.model
    m.set_cells(
        [r], {"name": "BF1.TOP.PRESSURE", "address": "hr:100", "type": "float32", "H": "230", "HH": "250"}
    )
    assert m.errors[r] == {} and m.rows[r].cells["device"] == "bf_plc"

    csv_path = tmp_path / "tags.csv"
    _csv(csv_path, 500, "bf_plc")
    assert tags.import_csv(csv_path), tags.last_import_errors
    assert len(m.rows) == 500 and m.error_rows() == 0
    assert m.rows[7].cells["description"] == "CO 检测器 7"

    with qtbot.waitSignal(dlg.applied, timeout=10_000) as sig:
        assert dlg.apply()
    new, diff = sig.args
    assert len(new.tags) == 500 and new.devices[0].port == modbus.port
    assert "device bf_plc added" in diff and "tag GAS.CO.499 added" in diff
    assert load_config(path) == new.model_copy(update={"source_path": path.resolve()})
    (v1,) = versions_of(path)
    assert load_config(v1).tags == []  # the previous file, kept


def test_invalid_cell_is_red_with_the_reason(qtbot, dialog_on):
    from app.config import demo_config_path

    dlg, _path = dialog_on(load_config(demo_config_path()))
    m = dlg.tags_page.model
    col = m.column("address")
    m.setData(m.index(2, col), "hr100")
    idx = m.index(2, col)
    assert m.data(idx, Qt.ItemDataRole.BackgroundRole) is not None
    assert "bad Modbus address 'hr100'" in m.data(idx, Qt.ItemDataRole.ToolTipRole)
    # an overlap is shown on the later row; fixing it clears both
    m.setData(idx, "hr:101")
    assert "overlaps" in m.data(idx, Qt.ItemDataRole.ToolTipRole)
    lim = m.column("H")
    m.setData(m.index(0, lim), "300")  # above HH 250
    assert "limits must rise" in m.data(m.index(0, m.column("HH")), Qt.ItemDataRole.ToolTipRole)
    m.setData(idx, "hr:104")
    assert m.data(idx, Qt.ItemDataRole.ToolTipRole) is None
    assert m.error_rows() == 1


def test_apply_with_an_error_applies_nothing(qtbot, dialog_on):
    from app.config import demo_config_path

    dlg, path = dialog_on(load_config(demo_config_path()))
    before = path.read_bytes()
    m = dlg.tags_page.model
    m.setData(m.index(0, m.column("address")), "hr100")
    dlg.hazards_page.hazards[0]["tags"].append("NO.SUCH.TAG")
    emitted = []
    dlg.applied.connect(lambda *a: emitted.append(a))
    assert not dlg.apply()
    assert emitted == [] and path.read_bytes() == before and versions_of(path) == []
    text = "\n".join(dlg.last_errors)
    assert "bad Modbus address 'hr100'" in text
    assert "unknown tag 'NO.SUCH.TAG'" in text
    assert dlg.errors_dialog is not None and dlg.errors_dialog.isVisible()


def test_bulk_edit_filter_and_csv_errors(qtbot, dialog_on, tmp_path):
    from app.config import demo_config_path

    dlg, _path = dialog_on(load_config(demo_config_path()))
    page = dlg.tags_page
    page.filter.setText("HEARTH.TC")
    assert page.proxy.rowCount() == 10
    page.table.selectAll()
    assert page.bulk_set("area", "Hearth") == 10
    assert {r.cells["area"] for r in page.model.rows if "HEARTH.TC" in r.cells["name"]} == {"Hearth"}
    bad = tmp_path / "bad.csv"
    bad.write_text("name,device,address\nX,bf_plc,hr:100\nY,bf_plc,hr100\n", encoding="utf-8")
    n = len(page.model.rows)
    assert not page.import_csv(bad)
    assert page.last_import_errors == [
        "row 3, address: bad Modbus address 'hr100': expected hr:N, ir:N, co:N, di:N or hr:N.B (bit 0-15)"
    ]
    assert len(page.model.rows) == n


def test_rule_checked_as_typed_and_map_edits(qtbot, dialog_on):
    from app.config import demo_config_path

    dlg, _path = dialog_on(load_config(demo_config_path()))
    rules = dlg.rules_page
    rules.when.setPlainText("rising(NO.SUCH.TAG, 60)")
    assert "NO.SUCH.TAG" in rules.check_rule()
    rules.when.setPlainText("BOF1.BLOWING and rising(BOF1.LANCE.FLOW_DIFF, 300, 1.0)")
    assert rules.check_rule() == ""
    dlg.show()
    dlg.show_page("Map")
    mp = dlg.map_page
    assert mp.map is not None
    assert mp.map.move_marker("BF1.TUYERE.CO.01", 250.5, 310)
    r = dlg.draft.tags.row_of("BF1.TUYERE.CO.01")
    assert dlg.draft.tags.rows[r].cells["map_x"] == "250.5"
    mp.hazard.setCurrentText("Gas holder 1")
    mp.start_redraw()
    from PySide6.QtCore import QPointF

    for x, y in ((800, 100), (900, 100), (900, 200), (800, 200)):
        mp.map.add_point(QPointF(x, y))
    assert mp.finish_redraw()
    gh = next(h for h in dlg.draft.hazards if h["name"] == "Gas holder 1")
    assert gh["area"] == [[800, 100], [900, 100], [900, 200], [800, 200]]
    cfg, errors = dlg.draft.build()
    assert errors == [] and cfg.tags[r].map == (250.5, 310.0)
