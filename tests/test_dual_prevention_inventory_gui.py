"""The risk inventory and the inspection round in the main window: a CSV with bad rows imported
through the dialog (the errors listed by line), the inventory exported, tasks generated and a
round completed with an OK and a finding that lands in the hidden-danger register; an operator
may not open them."""

from __future__ import annotations

import pytest

from tests.test_dual_prevention_inventory import CSV
from tests.test_dual_prevention_permits_gui import running  # noqa: F401
from tests.test_login import store  # noqa: F401


@pytest.fixture
def who() -> str:
    return "sara"  # the safety manager: hidden dangers, the inventory, inspection tasks


@pytest.mark.slow
def test_inventory_import_with_errors_and_an_inspection_round(qtbot, running, tmp_path):  # noqa: F811
    engine, win, users = running
    dialog = win.dual_prevention.open_inventory()
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
