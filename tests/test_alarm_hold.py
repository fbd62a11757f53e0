"""The alarm list does not move under the operator's pointer: while the pointer is over the list
or a row was just picked, new alarms wait behind a "N new" marker and rows that return to normal
stay in place; everything comes in when the pointer leaves or the marker is clicked."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel
from PySide6.QtWidgets import QApplication

from tests.test_alarm_filters import ALARMS, NOW, alarm, table  # noqa: F401  (fixture)


def rows(t) -> list[str]:
    return [a.key for a in t.visible_alarms()]


def pointer(t, inside: bool) -> None:
    QApplication.sendEvent(t.view.viewport(), QEvent(QEvent.Type.Enter if inside else QEvent.Type.Leave))


def test_new_alarms_wait_while_the_pointer_is_on_the_list(table):  # noqa: F811
    before = rows(table)
    pointer(table, True)
    newer = [alarm(f"GAS.CO.{i:02d}:H", 0, 1 + i % 2, ts=NOW + i, since=NOW + i) for i in range(3)]
    table.update_alarms(newer)
    assert rows(table) == before  # the row under the pointer is the one it was
    assert table.new_button.isVisibleTo(table) and "3" in table.new_button.text()
    assert table.new_button.property("priority") == "1"  # the marker takes the highest priority held
    # an alarm already listed still updates where it is
    acked = ALARMS[0]._replace(acked=True)
    table.update_alarms([acked])
    assert rows(table) == before
    assert table.model.alarm(table.model.row_of(acked.key)).acked
    # one that returns to normal stays in place, shown as normal
    normal = ALARMS[2]._replace(active=False, acked=True)
    table.update_alarms([normal])
    assert rows(table) == before
    # a held alarm that clears before it is shown never appears
    table.update_alarms([newer[2]._replace(active=False, acked=True)])
    assert "2" in table.new_button.text()
    pointer(table, False)
    after = rows(table)
    assert after[:2] == ["GAS.CO.01:H", "GAS.CO.00:H"]  # newest first
    assert normal.key not in after and not table.new_button.isVisibleTo(table)


def test_a_picked_row_holds_the_list_and_the_marker_shows_the_new_ones(table, qtbot):  # noqa: F811
    clock = [0.0]
    table.hold.clock = lambda: clock[0]
    sel = table.view.selectionModel()
    sel.setCurrentIndex(
        table.proxy.index(2, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    picked = table.current_alarm().key
    table.update_alarms([alarm("GAS.CO.07:HH", 0, 1, ts=NOW + 5, since=NOW + 5)])
    assert rows(table)[2] == picked  # what was picked is still where the operator clicked
    assert table.selected_keys() == [picked]
    table.show_new()  # the marker
    assert rows(table)[0] == "GAS.CO.07:HH" and table.selected_keys() == [picked]
    # a selection left alone for a while no longer holds the list
    clock[0] = 60.0
    table.update_alarms([alarm("GAS.CO.08:HH", 0, 1, ts=NOW + 6, since=NOW + 6)])
    assert rows(table)[0] == "GAS.CO.08:HH"


def test_without_pointer_or_selection_alarms_arrive_at_once(table):  # noqa: F811
    table.update_alarms([alarm("GAS.CO.09:H", 0, 2, ts=NOW + 9, since=NOW + 9)])
    assert rows(table)[0] == "GAS.CO.09:H" and not table.hold.holding
