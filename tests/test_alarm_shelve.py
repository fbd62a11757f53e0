"""Shelving from the alarm list: a reason is required; the request carries keys, duration, reason;
shelved and out-of-service alarms stay listed in grey with their state."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from tests import helpers
from widgets.alarm_table import AlarmTable, ShelveDialog


def alarm(key="P:H", state="UNACK", **kw):
    fields = {
        "acked": state != "UNACK",
        "ts": 10.0,
        "value": 120.0,
        "limit": 100.0,
        "message": "P H 120 > 100",
    }
    return helpers.alarm(key, **{**fields, **kw})


def test_dialog_requires_a_reason(qtbot):
    d = ShelveDialog(["P:H"])
    qtbot.addWidget(d)
    ok = d.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    d.reason_edit.setText("  ")
    assert not ok.isEnabled()
    d.reason_edit.setText("work order 17")
    assert ok.isEnabled() and d.duration() == 3600.0
    d.duration_box.setCurrentIndex(d.duration_box.count() - 1)
    assert d.duration() is None


def test_shelve_request_and_states_shown(qtbot):
    table = AlarmTable({"P": "kPa"})
    qtbot.addWidget(table)
    table.update_alarms([alarm(), alarm("Q:H", first_out=True)])
    assert table.select_key("P:H")

    def fill():
        d = table.findChild(ShelveDialog)
        d.reason_edit.setText("known fault")
        d.accept()

    QTimer.singleShot(0, fill)
    with qtbot.waitSignal(table.shelveRequested) as sig:
        table.shelve_selected()
    assert sig.args == [["P:H"], 3600.0, "known fault"]
    table.update_alarms([alarm(shelved=True, acked=True, user="op", comment="known fault")])
    m = table.model
    row = m.row_of("P:H")
    assert m.data(m.index(row, 7)) == "Shelved"
    assert "Q  ◆" in m.data(m.index(m.row_of("Q:H"), 2))
    table.update_alarms([alarm(out_of_service=True)])
    assert m.data(m.index(m.row_of("P:H"), 7)) == "Out of service"


def test_who_and_why_stay_while_the_alarm_is_off_the_list(qtbot):
    table = AlarmTable({"P": "kPa"})
    qtbot.addWidget(table)
    m = table.model
    table.update_alarms([alarm(suppressed=True, active=False, acked=True, user="sup", comment="relined")])
    table.update_alarms([alarm(suppressed=True)])  # it goes active while suppressed: no user of its own
    assert m.off_list_note(m.alarm(m.row_of("P:H"))) == "sup · relined"
    table.update_alarms([alarm()])  # suppression lifted: nothing remembered
    table.update_alarms([alarm(out_of_service=True)])
    assert m.off_list_note(m.alarm(m.row_of("P:H"))) == ""


def test_dialog_names_alarms_as_the_operator_reads_them_and_fits_its_texts(qtbot):
    d = ShelveDialog([alarm(), alarm("Q:H", message="Q high")])
    qtbot.addWidget(d)
    d.show()
    what = d.findChild(QLabel, "shelveWhat").text()
    assert "P · H · P H 120 > 100" in what and "Q · H · Q high" in what
    assert "P:H" not in what  # never the internal key
    fm = d.reason_edit.fontMetrics()
    assert d.reason_edit.width() >= fm.horizontalAdvance(d.reason_edit.placeholderText())
    assert d.width() >= 480


def test_shelved_view_tooltip_gives_the_full_expiry(qtbot):
    import time as _time

    table = AlarmTable({"P": "kPa"})
    qtbot.addWidget(table)
    until = 1_700_003_600.0
    table.model.note_shelved(["P:H"], until)
    table.update_alarms([alarm(shelved=True, acked=True, user="ops1", comment="work order 17")])
    row = table.model.row_of("P:H")
    from widgets.alarm_model import COL_OFF

    tip = table.model.data(table.model.index(row, COL_OFF), Qt.ItemDataRole.ToolTipRole)
    assert "ops1" in tip and "work order 17" in tip
    assert _time.strftime("%Y-%m-%d %H:%M", _time.localtime(until)) in tip
