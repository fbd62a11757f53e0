"""The risk inventory and the inspection round in the main window: a CSV with bad rows imported
through the dialog (the errors listed by line), the inventory exported, tasks generated and a
round completed with an OK and a finding that lands in the hidden-danger register; an operator
may not open them."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from storage.audit import Action
from tests.test_dual_prevention_inventory import CSV
from tests.test_dual_prevention_permits_gui import running  # noqa: F401
from tests.test_login import store  # noqa: F401


@pytest.fixture
def who() -> str:
    return "sara"  # the safety manager: hidden dangers, the inventory, inspection tasks


@pytest.mark.slow
def test_inventory_import_with_errors_and_an_inspection_round(qtbot, running, tmp_path):  # noqa: F811
    engine, win, users = running
    dialog = win.dual_prevention.open_inventory().panel
    path = tmp_path / "inventory.csv"
    path.write_bytes(CSV.encode("gb18030"))
    done, errors = dialog.import_csv(str(path))
    assert done == 2 and len(errors) == 3
    assert "line 4: no hazard source 'Nowhere'" in dialog.status.text()
    assert dialog.model.rowCount() == 2 and dialog.model.items[0].point == "阀门井"  # orange before blue
    out = dialog.export_csv(str(tmp_path / "out.csv"))
    assert "阀门井" in (tmp_path / "out.csv").read_bytes().decode("utf-8-sig") and out
    round_ = win.dual_prevention.open_round()
    assert round_.generate() == 6 and round_.model.rowCount() == 6
    round_.table.selectRow(0)
    assert round_.complete_selected(True)
    round_.table.selectRow(0)
    assert round_.complete_selected(False, "CO detector display dead")
    assert round_.model.rowCount() == 4
    dangers = win.dual_prevention.open_dangers()
    assert [d.title for d in dangers.model.items] == ["CO detector display dead"]
    qtbot.waitUntil(
        lambda: any(t.what == "hidden danger" for t in engine.pipeline.risk.state("Gas area").trace),
        timeout=5000,
    )
    win.dual_prevention.tick()  # the slow timer: expiries, badges, the register shown
    assert win.dual_prevention.register.drafts() == []  # nothing bypassed or out of service here


@pytest.mark.slow
def test_the_safety_manager_edits_the_inventory_in_the_settings(qtbot, running, tmp_path):  # noqa: F811
    """Settings for the safety manager: the Risk inventory page alone, no Apply; the same widget
    as the Plant menu's window, each change stored as a version and audited at once."""
    engine, win, users = running
    assert win.settings_action.isEnabled()
    win.open_settings()
    dlg = win.settings_dialog
    assert dlg is not None and dlg.inventory_only
    shown = [dlg.nav.item(i).text() for i in range(dlg.nav.count()) if not dlg.nav.item(i).isHidden()]
    assert shown == ["Risk inventory"] and dlg.stack.currentWidget().isAncestorOf(dlg.inventory_panel)
    assert dlg.buttons.button(QDialogButtonBox.StandardButton.Apply) is None and not dlg.apply()
    panel = dlg.inventory_panel
    assert type(panel) is type(win.dual_prevention.open_inventory().panel)
    path = tmp_path / "inventory.csv"
    path.write_bytes(CSV.encode("utf-8-sig"))
    assert panel.import_csv(str(path))[0] == 2 and "line 5: " in panel.status.text()
    form = panel.open_form(next(p for p in panel.model.items if p.point == "Holder piston"))
    form.inputs["S"].setValue(4)
    form.accept()
    (changed,) = [p for p in panel.model.items if p.point == "Holder piston"]
    assert changed.version == 2 and changed.score == 4.0
    steps = [e.detail["step"] for e in users.audit.entries() if e.action == Action.RISK_INVENTORY]
    assert steps == ["added", "added", "changed"]
    out = tmp_path / "out.csv"
    panel.export_csv(str(out), "gb18030")
    assert "阀门井" in out.read_bytes().decode("gb18030")
    dlg.close()


@pytest.mark.slow
def test_an_engineer_sees_every_page_and_the_inventory(qtbot, running):  # noqa: F811
    engine, win, users = running
    win.session.login(users.get("erin"))
    win.open_settings()
    dlg = win.settings_dialog
    assert not dlg.inventory_only and all(not dlg.nav.item(i).isHidden() for i in range(dlg.nav.count()))
    assert dlg.show_page("Risk inventory").isAncestorOf(dlg.inventory_panel)
    assert dlg.buttons.button(QDialogButtonBox.StandardButton.Apply) is not None
    dlg.runner.wait()
    dlg.close()
