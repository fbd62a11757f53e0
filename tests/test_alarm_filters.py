"""Alarm list filters: area, hazard source, priority, state, kind and text; shelved, suppressed and
out-of-service alarms only in their own view; acknowledge-all acts on what is shown; warnings
are marked and count down to their predicted time."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer

from core.alarm_types import Alarm
from tests import helpers
from widgets.alarm_model import COL_ETA, COL_KIND, COL_OFF, VIEW_OFF, VIEW_STANDING, format_eta
from widgets.alarm_table import AlarmTable, ShelveDialog

AREAS = ["Ironmaking", "Ironmaking", "Gas holder", "Converter shop"]  # by tag index
NOW = 1_000_000.0


def alarm(key, tag=0, priority=2, **kw) -> Alarm:
    return helpers.alarm(key, tag, priority, **{"ts": NOW - 60, "since": NOW - 60, **kw})


ALARMS = [
    alarm("BF1.TOP.PRESSURE:HH", 0, 1, hazard="Blast furnace 1"),
    alarm("BF1.HEARTH.T:H", 1, 3, acked=True, hazard="Blast furnace 1"),
    alarm("GH1.CO.01:H", 2, 2, active=False, hazard="Gas holder 1"),  # returned, unacknowledged
    alarm("BOF1.LANCE.FLOW:FORECAST", 3, 2, hazard="Converter BOF1", eta=NOW + 360, message="limit in 6 min"),
    alarm("bf_plc:COMM", -1, 2),
    alarm("GH1.LEVEL:L", 2, 3, shelved=True, acked=True, user="ops1", comment="work order 17"),
    alarm("BF1.COOL.T:H", 1, 4, suppressed=True),
    alarm("BOF1.O2.P:LL", 3, 2, out_of_service=True, user="maint", comment="transmitter replaced"),
]


@pytest.fixture
def table(qtbot):
    t = AlarmTable(
        {"BF1.TOP.PRESSURE": "kPa"},
        tag_areas=AREAS,
        hazards=["Blast furnace 1", "Gas holder 1", "Converter BOF1"],
    )
    t.model.clock = lambda: NOW
    qtbot.addWidget(t)
    t.update_alarms(ALARMS)
    return t


def shown(t: AlarmTable) -> set[str]:
    return {a.key for a in t.visible_alarms()}


STANDING = {
    "BF1.TOP.PRESSURE:HH",
    "BF1.HEARTH.T:H",
    "GH1.CO.01:H",
    "BOF1.LANCE.FLOW:FORECAST",
    "bf_plc:COMM",
}
OFF = {"GH1.LEVEL:L", "BF1.COOL.T:H", "BOF1.O2.P:LL"}


def test_main_list_hides_shelved_suppressed_and_out_of_service(table):
    assert table.current_view == VIEW_STANDING
    assert shown(table) == STANDING
    assert table.count_label.text() == "5 of 5 shown, 4 unacknowledged"
    assert table.off_button.text() == "Shelved && out of service (3)"  # &&: a literal &


def test_shelved_view_lists_who_why_and_until(table, qtbot):
    table.off_button.click()
    assert table.current_view == VIEW_OFF and shown(table) == OFF
    assert not table.view.isColumnHidden(COL_OFF) and table.view.isColumnHidden(COL_ETA)
    assert not table.ack_all_button.isEnabled() and not table.shelve_button.isEnabled()
    m = table.model
    assert m.data(m.index(m.row_of("GH1.LEVEL:L"), COL_OFF)) == "ops1 · work order 17"
    assert m.data(m.index(m.row_of("BOF1.O2.P:LL"), COL_OFF)) == "maint · transmitter replaced"
    assert m.data(m.index(m.row_of("BF1.COOL.T:H"), COL_OFF)) == "by design"
    assert table.count_label.text() == "3 of 3 off the list"
    # ack-all in this view does nothing
    with qtbot.assertNotEmitted(table.acknowledgeRequested):
        table.acknowledge_all()
    table.standing_button.click()
    assert shown(table) == STANDING and table.view.isColumnHidden(COL_OFF)


def test_shelving_from_here_records_until_when(table, qtbot):
    assert table.select_key("BF1.TOP.PRESSURE:HH")

    def fill():
        d = table.findChild(ShelveDialog)
        d.reason_edit.setText("sensor check")
        d.duration_box.setCurrentIndex(0)  # 15 minutes
        d.accept()

    QTimer.singleShot(0, fill)
    with qtbot.waitSignal(table.shelveRequested):
        table.shelve_selected()
    table.update_alarms([ALARMS[0]._replace(shelved=True, user="ops1", comment="sensor check")])
    assert "BF1.TOP.PRESSURE:HH" not in shown(table)
    table.set_view(VIEW_OFF)
    m = table.model
    note = m.data(m.index(m.row_of("BF1.TOP.PRESSURE:HH"), COL_OFF))
    assert note.startswith("ops1 · sensor check · until ")
    # unshelved: back on the main list
    table.update_alarms([ALARMS[0]])
    assert "BF1.TOP.PRESSURE:HH" not in shown(table)
    table.set_view(VIEW_STANDING)
    assert "BF1.TOP.PRESSURE:HH" in shown(table)


def test_area_filter(table):
    box = table.area_box
    assert box.itemText(0) == "All areas"
    box.setCurrentIndex(box.findData("Ironmaking"))
    assert shown(table) == {"BF1.TOP.PRESSURE:HH", "BF1.HEARTH.T:H"}
    box.setCurrentIndex(box.findData(""))  # no area: communication and rule alarms
    assert shown(table) == {"bf_plc:COMM"}
    box.setCurrentIndex(0)
    assert shown(table) == STANDING


def test_hazard_filter(table):
    box = table.hazard_box
    box.setCurrentIndex(box.findData("Blast furnace 1"))
    assert shown(table) == {"BF1.TOP.PRESSURE:HH", "BF1.HEARTH.T:H"}
    box.setCurrentIndex(box.findData("Converter BOF1"))
    assert shown(table) == {"BOF1.LANCE.FLOW:FORECAST"}


def test_priority_filter(table):
    table.priority_buttons[2].setChecked(False)
    assert shown(table) == {"BF1.TOP.PRESSURE:HH", "BF1.HEARTH.T:H"}
    table.priority_buttons[3].setChecked(False)
    assert shown(table) == {"BF1.TOP.PRESSURE:HH"}
    table.priority_buttons[1].setChecked(False)
    assert shown(table) == set()
    table.clear_filters()
    assert shown(table) == STANDING


def test_state_filter(table):
    box = table.state_box
    box.setCurrentIndex(box.findData("active"))
    assert shown(table) == STANDING - {"GH1.CO.01:H"}
    box.setCurrentIndex(box.findData("unacked"))
    assert shown(table) == STANDING - {"BF1.HEARTH.T:H"}
    box.setCurrentIndex(box.findData("all"))
    assert shown(table) == STANDING


def test_kind_filter_and_warning_marks(table):
    box = table.kind_box
    box.setCurrentIndex(box.findData("warnings"))
    assert shown(table) == {"BOF1.LANCE.FLOW:FORECAST"}
    box.setCurrentIndex(box.findData("alarms"))
    assert shown(table) == STANDING - {"BOF1.LANCE.FLOW:FORECAST"}
    m = table.model
    row = m.row_of("BOF1.LANCE.FLOW:FORECAST")
    assert m.data(m.index(row, COL_KIND)) == "⚠ forecast"
    assert m.data(m.index(row, COL_ETA)) == "in 6 min"
    assert m.data(m.index(m.row_of("BF1.TOP.PRESSURE:HH"), COL_KIND)) == "HH"


def test_text_filter_searches_columns_hazard_and_area(table):
    table.filter_edit.setText("gh1")
    assert shown(table) == {"GH1.CO.01:H"}
    table.filter_edit.setText("converter bof1")
    assert shown(table) == {"BOF1.LANCE.FLOW:FORECAST"}
    table.filter_edit.setText("IRONMAKING")
    assert shown(table) == {"BF1.TOP.PRESSURE:HH", "BF1.HEARTH.T:H"}
    table.filter_edit.setText("comm")
    assert shown(table) == {"bf_plc:COMM"}


def test_filters_combine(table):
    table.area_box.setCurrentIndex(table.area_box.findData("Ironmaking"))
    table.state_box.setCurrentIndex(table.state_box.findData("unacked"))
    assert shown(table) == {"BF1.TOP.PRESSURE:HH"}


def test_acknowledge_all_visible_acts_only_on_filtered_rows(table, qtbot):
    table.hazard_box.setCurrentIndex(table.hazard_box.findData("Blast furnace 1"))
    with qtbot.waitSignal(table.acknowledgeRequested) as sig:
        table.ack_all_button.click()
    assert sig.args == [["BF1.TOP.PRESSURE:HH"]]  # the acked one and the other hazards are left alone
    table.clear_filters()
    table.kind_box.setCurrentIndex(table.kind_box.findData("alarms"))
    with qtbot.waitSignal(table.acknowledgeRequested) as sig:
        table.ack_all_button.click()
    assert set(sig.args[0]) == {"BF1.TOP.PRESSURE:HH", "GH1.CO.01:H", "bf_plc:COMM"}  # no shelved ones


def test_new_alarms_respect_the_active_filter(table):
    table.priority_buttons[3].setChecked(False)
    table.update_alarms([alarm("NEW.T:H", 0, 3), alarm("NEW.P:HH", 0, 1)])
    assert "NEW.P:HH" in shown(table) and "NEW.T:H" not in shown(table)


def test_countdown_refreshes_on_the_shared_timer_not_per_event(table, qtbot):
    m = table.model
    row = m.row_of("BOF1.LANCE.FLOW:FORECAST")
    assert m._flash.isActive()  # the one timer that flashes and counts down
    now = [NOW]
    m.clock = lambda: now[0]
    now[0] = NOW + 330
    changed = []
    m.dataChanged.connect(
        lambda tl, br, roles=(): changed.append((tl.column(), br.column(), tl.row(), br.row()))
    )
    m._flash_on = False
    m._toggle_flash()  # the timer's tick
    assert (COL_ETA, COL_ETA, row, row) in changed
    assert m.data(m.index(row, COL_ETA)) == "in 30 s"


def test_format_eta():
    assert format_eta(None, NOW) == ""
    assert format_eta(NOW - 5, NOW) == "due now"
    assert format_eta(NOW + 42, NOW) == "in 42 s"
    assert format_eta(NOW + 361, NOW) == "in 6 min"
    assert format_eta(NOW + 2 * 3600 + 300, NOW) == "in 2 h 5 min"
    assert format_eta(NOW + 3600, NOW) == "in 1 h"
    assert format_eta(NOW + 600, NOW, 120.0) == "in 10 min ±2 min"


def test_unknown_filter_name_is_refused(table):
    with pytest.raises(AttributeError):
        table.proxy.set_filter(colour="red")
