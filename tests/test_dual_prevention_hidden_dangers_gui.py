"""The hidden-danger register in the main window: the safety manager registers a major hidden danger
with its criterion, assigns the rectification, marks it rectified and accepts it through the real
dialogs; the hazard source turns orange meanwhile; the weekly report is written as PDF."""

from __future__ import annotations

import pytest

from storage.audit import Action
from tests.test_dual_prevention_permits_gui import running  # noqa: F401
from tests.test_login import store  # noqa: F401


@pytest.fixture
def who() -> str:
    return "sara"  # the safety manager: hidden dangers, the inventory, inspection tasks


@pytest.mark.slow
def test_register_to_acceptance_and_weekly_report(qtbot, running, tmp_path):  # noqa: F811
    engine, win, users = running
    dialog = win.dual_prevention.open_dangers()
    form = dialog.open_register()
    form.hazard.setCurrentText("Gas area")
    form.title.setText("CO detector at the valve pit not wired to the control room")
    form.grade.setCurrentIndex(form.grade.findData("major"))
    assert form.criterion.isEnabled()
    form.criterion.setCurrentIndex(form.criterion.findData("4.6"))
    form.accept()
    assert [d.code for d in dialog.model.items] == ["HD-1"]
    qtbot.waitUntil(lambda: engine.pipeline.risk.state("Gas area").level == 2, timeout=5000)
    dialog.table.selectRow(0)
    assign = dialog.open_assign()
    assign.measures.setText("wire the detector to the DCS")
    assign.responsible.setText("Wang")
    assign.funds.setValue(8000)
    assign.accept()
    assert dialog.model.items[0].status == "assigned" and dialog.model.items[0].responsible == "Wang"
    dialog.table.selectRow(0)
    assert dialog.step_selected("rectified", "wired")
    dialog.table.selectRow(0)
    assert dialog.step_selected("accepted", "checked on site")
    assert dialog.model.items == []  # closed ones are hidden by default
    dialog.show_closed.setChecked(True)
    assert dialog.model.items[0].accepted_by == "sara"
    qtbot.waitUntil(
        lambda: not any(t.what == "hidden danger" for t in engine.pipeline.risk.state("Gas area").trace),
        timeout=5000,
    )
    steps = [e.detail["step"] for e in users.audit.entries() if e.action == Action.HIDDEN_DANGER]
    assert steps == ["registered", "assigned", "rectified", "accepted"]
    out = dialog.save_report(str(tmp_path / "week.pdf"))
    assert out.stat().st_size > 1000 and out.read_bytes().startswith(b"%PDF")
