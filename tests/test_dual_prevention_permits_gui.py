"""Work permits in the main window: a supervisor's permit refused on a CO reading over the entry
limit and accepted once the air is clean (the real dialogs, the real database and audit trail),
the badge with the people count on the map, and a CO alarm in the area during the permit
shown in the banner at priority I naming the permit."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from app.runtime.engine import Engine
from core.samples import Quality, SampleBatch
from storage.audit import Action
from storage.history import History
from tests.test_dual_prevention_permits import cfg
from tests.test_login import store  # noqa: F401  (the user store with a supervisor and an operator)
from views.risk_overview import COL_MANAGEMENT


@pytest.fixture
def who() -> str:
    """Who is logged in: the supervisor "sam" (work permits); a module that needs the safety
    manager overrides it with "sara"."""
    return "sam"


@pytest.fixture
def running(qtbot, tmp_path, store, who):  # noqa: F811
    from app.accounts.users import Role
    from views.main_window import MainWindow
    from views.session import Session

    store.add("sara", Role.SAFETY_MANAGER, "sara-password")
    config = cfg()
    engine = Engine(config, History(f"sqlite:///{tmp_path / 'plant.db'}", config.tags))
    engine.warm_up_s = 0
    engine.start()
    session = Session(store, store.audit, store.get(who))
    settings = QSettings(str(tmp_path / f"{who}.ini"), QSettings.Format.IniFormat)
    win = MainWindow(engine, config, settings, session=session, lock_after_s=None)
    qtbot.addWidget(win)
    win.resize(1300, 800)
    win.show()
    try:
        yield engine, win, store
    finally:
        win.close()
        engine.stop()


def feed(engine, co1: float, seconds: int = 3) -> None:
    t0 = time.time()
    for k in range(seconds):
        batch = SampleBatch.build(
            np.arange(3, dtype=np.int32), t0 + k, np.array([co1, 0.0, 100.0]), Quality.GOOD
        )
        engine.call_in_loop(engine.process, batch).result(5)


@pytest.mark.slow
def test_permit_refused_then_issued_shown_on_the_map_and_a_gas_alarm_escalated(qtbot, running):
    engine, win, users = running
    feed(engine, co1=30.0)
    dialog = win.dual_prevention.open_permits()
    form = dialog.open_form("Gas area")
    form.kind.setCurrentIndex(form.kind.findData("gas_area"))
    form.people.setValue(3)
    assert form.gas.item(0, 0).text() == "CO1" and form.gas.item(0, 1).text() == "30 ppm"
    form.try_issue()
    assert form.isVisible() and "over the entry limit 24" in form.refusal.text()
    assert dialog.model.items == []
    # the air is clean again: read the detectors again and issue
    feed(engine, co1=2.0)
    form.fill_gas()
    form.try_issue()
    assert not form.isVisible() and [p.code for p in dialog.model.items] == ["PTW-1"]
    assert win.map.permits.people()["Gas area"] == "3"
    qtbot.waitUntil(
        lambda: any(t.what == "work permit" for t in engine.pipeline.risk.state("Gas area").trace)
    )
    model = win.risk_overview.model  # Plant risk names the permit in its Management column
    qtbot.waitUntil(
        lambda: "PTW-1" in [model.index(r, COL_MANAGEMENT).data() for r in range(model.rowCount())],
        timeout=5000,
    )
    assert "index" in win.risk_overview.summary.text()
    steps = [e.detail["step"] for e in users.audit.entries() if e.action == Action.PERMIT]
    assert steps == ["refused", "issued"]
    # a CO alarm in the area while people work there: priority I in the banner, naming the permit
    feed(engine, co1=40.0)
    qtbot.waitUntil(
        lambda: (
            win.banner.current is not None
            and win.banner.current.source == "CO1"
            and win.banner.current.active
        ),
        timeout=5000,
    )
    assert win.banner.current.priority == 1 and "PTW-1: 3 people in the area" in win.banner.text.text()
    # ended: the badge goes
    dialog.table.selectRow(0)
    dialog.move_selected("ended", "work done")
    assert win.map.permits.people() == {} and dialog.model.items == []


@pytest.mark.slow
def test_a_supervisor_does_rounds_and_permits_the_safety_manager_the_rest(running):
    """Permits and the inspection round are the supervisor's; hidden dangers, the risk inventory
    and generating inspection tasks need the safety manager."""
    engine, win, users = running
    dp = win.dual_prevention
    assert dp.open_permits() is not None
    assert dp.open_dangers() is None and dp.open_inventory() is None
    assert "safety manager" in win.statusBar().currentMessage()
    round_ = dp.open_round()
    assert round_ is not None and round_.generate() == 0
    assert "safety manager" in round_.status.text() and round_.model.rowCount() == 0
