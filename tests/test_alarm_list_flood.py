"""A flood of new alarms goes into the alarm list in parts, one per turn of the event loop, so the
GUI thread never sorts a thousand new rows at once; what comes meanwhile queues behind, in order."""

from __future__ import annotations

from tests.helpers import alarm
from widgets.alarm_table import FLOOD_PART, FLOOD_ROWS, AlarmTable


def test_a_flood_goes_into_the_list_in_parts_and_in_order(qtbot):
    table = AlarmTable()
    qtbot.addWidget(table)
    inserted = []
    table.model.rowsInserted.connect(lambda _p, first, last: inserted.append(last - first + 1))
    flood = [alarm(f"T{i}:H", tag=i, ts=100.0) for i in range(1000)]
    table.update_alarms(flood)
    assert table.model.rowCount() == FLOOD_PART  # the first part at once
    assert not table.view.updatesEnabled()  # painted once the last part is in
    # a flush that comes before the rest are in: behind them, in order
    table.update_alarms(
        [alarm("T999:H", tag=999, active=False, acked=True), alarm("T0:H", tag=0, acked=True)]
    )
    qtbot.waitUntil(lambda: table.model.rowCount() == 999)
    assert max(inserted) <= FLOOD_PART and sum(inserted) == 999
    assert table.model.row_of("T999:H") is None  # normal again before it was listed: never listed
    assert table.model.alarm(table.model.row_of("T0:H")).acked
    assert table.count_label.text().startswith("999 of 999 shown") and table.view.updatesEnabled()


def test_a_snapshot_drops_what_a_flood_left_queued(qtbot):
    table = AlarmTable()
    qtbot.addWidget(table)
    table.update_alarms([alarm(f"T{i}:H", tag=i) for i in range(FLOOD_ROWS + 10)])
    table.set_alarms([alarm("S:H", tag=1)])
    table.update_alarms([])  # what the next turn of the event loop does: nothing queued is left
    assert [a.key for a in table.model.alarms()] == ["S:H"] and table.view.updatesEnabled()
