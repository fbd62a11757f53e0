"""Calibration and bump-test due dates: the tag field, the risk trace (an overdue detector is a
blind spot), the tags CSV and tag table column, the shift report section, the Plant risk column
and the tag browser's tooltip."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pytest

from app.config import load_config, parse_config_text
from app.config.tag_rows import TAG_COLUMNS, export_tags_csv, import_tags_csv, tag_to_row
from app.reports import report_data as rd
from app.risk.engine import RiskEngine
from core.samples import Quality, QualityReason
from tests.helpers import plant_yaml
from tests.test_sensor_integrity import DEMO

TODAY = date.today()
PLANT = plant_yaml(
    f"""
    - {{name: CO.A, description: CO north, unit: ppm, device: plc1, address: "hr:0", type: int16, range: [0, 1000],
       calibration_due: 2026-11-20, frozen_s: 300}}
    - {{name: CO.B, description: CO east, unit: ppm, device: plc1, address: "hr:1", type: int16, range: [0, 1000],
       calibration_due: {(TODAY + timedelta(days=3)).isoformat()}}}
    - {{name: CO.C, unit: ppm, device: plc1, address: "hr:2", type: int16, range: [0, 1000],
       calibration_due: {(TODAY + timedelta(days=60)).isoformat()}}}
    - {{name: CO.D, unit: ppm, device: plc1, address: "hr:3", type: int16, range: [0, 1000],
       calibration_due: {(TODAY - timedelta(days=2)).isoformat()}}}
    """,
    devices="{name: plc1, protocol: modbus-tcp, port: 15020}",
    extra="""
    hazard_sources:
      - {name: Holder, kind: gas_holder, inherent_level: 4, tags: [CO.A, CO.B, CO.C],
         area: [[0, 0], [10, 0], [10, 10]]}
      - {name: Network, kind: gas_area, inherent_level: 4, tags: [CO.D, CO.B], area: [[20, 0], [30, 0], [30, 10]]}
    """,
)
GOOD = int(Quality.GOOD)


@pytest.fixture
def cfg():
    return parse_config_text(PLANT)


def _at(d: date, hour: int = 10) -> float:
    return datetime.combine(d, datetime.min.time()).timestamp() + hour * 3600


def _update(engine: RiskEngine, now: float, n: int):
    engine.update(now, [], np.full(n, GOOD, dtype=np.uint8), np.full(n, 2.0))
    return engine.state("Holder")


def test_overdue_calibration_is_a_blind_spot_in_the_risk_trace(cfg):
    engine = RiskEngine(cfg)
    s = _update(engine, _at(date(2026, 11, 20)), 4)  # due today: not overdue yet
    assert s.trace == () and s.level == 4
    s = _update(engine, _at(date(2026, 11, 21)), 4)
    assert [(t.indicator, t.what, t.level) for t in s.trace] == [("CO.A", "blind spot", 3)]
    assert s.trace[0].detail == "CO.A calibration overdue since 2026-11-20"
    assert s.trace[0].since == _at(date(2026, 11, 21), 0)
    assert s.level == 3 and "calibration overdue since 2026-11-20" in s.explain()


def test_overdue_and_bad_quality_of_one_detector_are_both_in_the_trace(cfg):
    engine = RiskEngine(cfg)
    n = len(cfg.tags)
    q = np.full(n, GOOD, dtype=np.uint8)
    q[0] = int(Quality.BAD)
    reason = np.zeros(n, dtype=np.uint8)
    reason[0] = QualityReason.FROZEN
    engine.update(_at(date(2026, 12, 1)), [], q, np.full(n, 2.0), reason)
    details = sorted(t.detail for t in engine.state("Holder").trace)
    assert details == ["CO.A bad quality: frozen", "CO.A calibration overdue since 2026-11-20"]


def test_calibration_list_is_overdue_and_due_this_week(cfg):
    items = rd.calibration_due(cfg, TODAY)
    assert [(c.tag, c.overdue, c.hazards) for c in items] == [
        ("CO.A", True, ("Holder",)),
        ("CO.D", True, ("Network",)),
        ("CO.B", False, ("Holder", "Network")),
    ]
    assert items[2].days_left == 3 and items[1].days_left == -2


def test_demo_plant_has_one_overdue_detector_and_far_future_dates():
    demo = load_config(DEMO)
    dated = {t.name: t.calibration_due for t in demo.tags if t.calibration_due}
    assert dated["GAS.CO.03"] == date(2026, 11, 20)
    items = rd.calibration_due(demo, max(TODAY, date(2026, 12, 2)))
    assert [c.tag for c in items if c.overdue][:1] == ["GAS.CO.03"]


# ---------------------------------------------------------------- CSV and the tag table


def test_csv_round_trip_keeps_calibration_and_sensor_settings(cfg, tmp_path):
    assert "calibration_due" in TAG_COLUMNS
    text = export_tags_csv(cfg.tags)
    assert "calibration_due" in text.splitlines()[0] and "2026-11-20" in text
    tags, errors = import_tags_csv(text, cfg)
    assert errors == []
    assert [t.calibration_due for t in tags] == [t.calibration_due for t in cfg.tags]
    assert tags[0].frozen_s == 300  # not a column: kept from the current tag
    assert tag_to_row(cfg.tags[0]).cells["calibration_due"] == "2026-11-20"


def test_csv_without_the_column_keeps_current_dates_and_bad_dates_are_refused(cfg):
    old = "name,device,address,type,range_lo,range_hi\nCO.A,plc1,hr:0,int16,0,1000\nNEW.X,plc1,hr:9,int16,0,10\n"
    tags, errors = import_tags_csv(old, cfg)
    assert errors == []
    assert tags[0].calibration_due == date(2026, 11, 20) and tags[1].calibration_due is None
    bad = "name,device,address,calibration_due\nCO.A,plc1,hr:0,2026-02-30\n"
    tags, errors = import_tags_csv(bad, cfg)
    assert tags == [] and errors == ["row 2, calibration_due: '2026-02-30': expected a date, YYYY-MM-DD"]
    cleared = "name,device,address,type,range_lo,range_hi,calibration_due\nCO.A,plc1,hr:0,int16,0,1000,\n"
    tags, errors = import_tags_csv(cleared, cfg)
    assert errors == [] and tags[0].calibration_due is None  # an empty cell in the column clears it


def test_tag_table_has_the_calibration_column(cfg, qtbot):
    from PySide6.QtCore import Qt

    from views.settings.tag_model import TagTableModel, column_label

    model = TagTableModel.from_tags(cfg.tags, {d.name: d for d in cfg.devices})
    col = TAG_COLUMNS.index("calibration_due")
    assert column_label("calibration_due") == "calibration_due"
    assert model.data(model.index(0, col), Qt.ItemDataRole.DisplayRole) == "2026-11-20"
    assert model.valid_tags()[0].calibration_due == date(2026, 11, 20) and model.error_rows() == 0
    model.set_cells([0], {"calibration_due": "2027-01-15"})
    assert model.valid_tags()[0].calibration_due == date(2027, 1, 15)
    assert model.valid_tags()[0].frozen_s == 300


# ---------------------------------------------------------------- shift report and Plant risk


def test_shift_report_lists_calibration_overdue_and_due_this_week(cfg, tmp_path):
    from storage.history import History
    from views.report_html import shift_report_html

    h = History(f"sqlite:///{tmp_path / 'history.db'}", [])
    try:
        t1 = _at(TODAY, 16)
        rep = rd.build_shift_report(h.engine, "Test Works", t1 - 8 * 3600, t1, config=cfg)
        assert [c.tag for c in rep.calibration] == ["CO.A", "CO.D", "CO.B"]
        html = shift_report_html(rep)
        assert "Calibration overdue and due this week" in html
        assert "2026-11-20" in html and "overdue by" in html and "due in 3 d" in html
        assert "CO.C" not in html
        assert rd.build_shift_report(h.engine, "Test Works", t1 - 3600, t1).calibration == []
    finally:
        h.engine.dispose()


def test_plant_risk_shows_what_is_due_this_week(cfg, qtbot):
    from PySide6.QtCore import Qt

    from core.risk_types import Inherent, RiskState
    from tests.test_hazard_views import FakeBridge
    from views.risk_overview import COL_CALIBRATION, RiskOverview

    bridge = FakeBridge(len(cfg.tags))
    bridge.engine = type("E", (), {"config": cfg})()
    inh = Inherent(4, "engineer")
    bridge.risk_states = {
        n: RiskState(n, "gas_area", inh, 4, None, 0.0, (), 0.0) for n in ("Holder", "Network")
    }
    view = RiskOverview(bridge, today=lambda: TODAY)
    qtbot.addWidget(view)
    m = view.model
    texts = {m.rows[r].hazard: m.data(m.index(r, COL_CALIBRATION)) for r in range(m.rowCount())}
    assert texts == {"Holder": "1 overdue, 1 due this week", "Network": "1 overdue, 1 due this week"}
    tip = m.data(m.index(m.row_of["Holder"], COL_CALIBRATION), Qt.ItemDataRole.ToolTipRole)
    assert "CO.A: overdue since 2026-11-20" in tip
    assert "calibration: 2 overdue" in view.summary.text()
    assert "calibration: 1 due this week" in view.summary.text()


def test_tag_browser_tooltip_gives_the_quality_reason_and_due_date(cfg, qtbot):
    from PySide6.QtCore import Qt

    from widgets.tag_browser import TagBrowser

    tb = TagBrowser(cfg.tags)
    qtbot.addWidget(tb)
    reasons = np.zeros(len(cfg.tags), dtype=np.uint8)
    reasons[0] = QualityReason.FROZEN
    tb.model.reasons = lambda: reasons
    q = np.full(len(cfg.tags), GOOD, dtype=np.uint8)
    q[0] = int(Quality.BAD)
    tb.update_values(np.full(len(cfg.tags), 1.0), q)
    m = tb.model
    g, r = m.where[0]
    tip = m.data(m.index(int(r), 0, m.index(int(g), 0)), Qt.ItemDataRole.ToolTipRole)
    assert "quality bad: frozen" in tip and "calibration overdue since 2026-11-20" in tip
