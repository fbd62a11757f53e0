"""The alarm list: a table model keyed by alarm, a filter proxy and the operator's view of it.

The model is fed with alarm *transitions* (`update_alarms`). It inserts, updates and removes
rows one by one with begin/end insert/remove rows and bounded `dataChanged`, never a reset.
Unacknowledged alarms flash their priority cell from one shared timer; acknowledged alarms are
steady; alarms that returned to normal unacknowledged are greyed until someone acknowledges them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.formatting import format_number

# Warning levels I-IV (ISA-101 / four-colour risk map). The only saturated colours on screen.
PRIORITY_COLORS = {1: "#d62728", 2: "#ff7f0e", 3: "#f2c200", 4: "#2f7ed8"}
PRIORITY_TEXT = {1: "#ffffff", 2: "#1a1a1a", 3: "#1a1a1a", 4: "#ffffff"}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
STATE_LABELS = {
    "UNACK": "Unack",
    "ACKED": "Acked",
    "RTN_UNACK": "RTN unack",
    "NORMAL": "Normal",
    "LATCHED": "Latched",
    "SHELVED": "Shelved",
    "SUPPRESSED": "Suppressed",
    "OOS": "Out of service",
}
OFF_LIST = ("SHELVED", "SUPPRESSED", "OOS")  # recorded, not annunciated: shown grey
SHELVE_CHOICES = (
    ("15 minutes", 900.0),
    ("1 hour", 3600.0),
    ("8 hours (one shift)", 28800.0),
    ("Until it clears", None),
)
GREY_TEXT = QColor("#8a8d91")

COLUMNS = ("Time", "Pri", "Tag", "Description", "Kind", "Value", "Limit", "State")
COL_TIME, COL_PRI, COL_TAG, COL_DESC, COL_KIND, COL_VALUE, COL_LIMIT, COL_STATE = range(len(COLUMNS))
SORT_ROLE = Qt.ItemDataRole.UserRole
ALARM_ROLE = Qt.ItemDataRole.UserRole + 1
FLASH_MS = 500


def format_time(ts: float) -> str:
    lt = time.localtime(ts)
    return time.strftime("%H:%M:%S", lt) + f".{int((ts % 1) * 10)}"


class AlarmTableModel(QAbstractTableModel):
    """Standing alarms, one row per alarm key, fed with transitions."""

    def __init__(self, units: dict[str, str] | None = None, parent=None):
        super().__init__(parent)
        self._rows: list = []  # list[Alarm]
        self._row_of: dict[str, int] = {}
        self._units = units or {}
        self._flash_on = True
        self._flash = QTimer(self)
        self._flash.setInterval(FLASH_MS)
        self._flash.timeout.connect(self._toggle_flash)
        self._bold = QFont()
        self._bold.setBold(True)

    # ------------------------------------------------------------ feeding
    def update_alarms(self, transitions: Iterable) -> None:
        """Apply alarm transitions: insert new keys, update known ones, remove NORMAL ones."""
        for alarm in transitions:
            row = self._row_of.get(alarm.key)
            if alarm.state == "NORMAL":
                if row is not None:
                    self._remove_row(row)
            elif row is None:
                n = len(self._rows)
                self.beginInsertRows(QModelIndex(), n, n)
                self._rows.append(alarm)
                self._row_of[alarm.key] = n
                self.endInsertRows()
            else:
                self._rows[row] = alarm
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self._update_flash_timer()

    def set_alarms(self, alarms: Iterable) -> None:
        """Replace the whole list (initial snapshot); the only place a reset is used."""
        self.beginResetModel()
        self._rows = [a for a in alarms if a.state != "NORMAL"]
        self._row_of = {a.key: i for i, a in enumerate(self._rows)}
        self.endResetModel()
        self._update_flash_timer()

    def _remove_row(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._row_of[self._rows[row].key]
        del self._rows[row]
        for i in range(row, len(self._rows)):
            self._row_of[self._rows[i].key] = i
        self.endRemoveRows()

    # ------------------------------------------------------------ queries
    def alarm(self, row: int):
        return self._rows[row]

    def alarms(self) -> list:
        return list(self._rows)

    def row_of(self, key: str) -> int | None:
        return self._row_of.get(key)

    def unacked_keys(self) -> list[str]:
        return [a.key for a in self._rows if not a.acked]

    @property
    def flash_on(self) -> bool:
        return self._flash_on

    # ------------------------------------------------------------ flashing
    def _update_flash_timer(self) -> None:
        flashing = any(a.state == "UNACK" for a in self._rows)
        if flashing and not self._flash.isActive():
            self._flash_on = True
            self._flash.start()
        elif not flashing and self._flash.isActive():
            self._flash.stop()
            self._flash_on = True

    def _toggle_flash(self) -> None:
        self._flash_on = not self._flash_on
        rows = [i for i, a in enumerate(self._rows) if a.state == "UNACK"]
        if rows:  # one bounded dataChanged over the priority cells that flash
            self.dataChanged.emit(
                self.index(rows[0], COL_PRI),
                self.index(rows[-1], COL_PRI),
                [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole],
            )

    # ------------------------------------------------------------ Qt model
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        a = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(a, col)
        if role == SORT_ROLE:
            return self._sort_key(a, col)
        if role == ALARM_ROLE:
            return a
        if role == Qt.ItemDataRole.BackgroundRole and col == COL_PRI:
            steady = a.state == "ACKED"
            if steady or (a.state == "UNACK" and self._flash_on):
                return QBrush(QColor(PRIORITY_COLORS.get(a.priority, "#888888")))
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_PRI:
                if a.state == "ACKED" or (a.state == "UNACK" and self._flash_on):
                    return QBrush(QColor(PRIORITY_TEXT.get(a.priority, "#000000")))
                return QBrush(QColor(PRIORITY_COLORS.get(a.priority, "#888888")))
            if a.state == "RTN_UNACK" or a.state in OFF_LIST:
                return QBrush(GREY_TEXT)
            return None
        if role == Qt.ItemDataRole.FontRole and a.state == "UNACK" and col in (COL_PRI, COL_TAG, COL_STATE):
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (COL_VALUE, COL_LIMIT):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col == COL_PRI:
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{a.message}\nactive since {format_time(a.since)}\nlast change {format_time(a.ts)}"
            if getattr(a, "first_out", False):
                tip += "\n◆ first out: the first alarm of this burst on its hazard source"
            if a.user:
                tip += f"\n{STATE_LABELS.get(a.state, a.state).lower()} by {a.user}"
            return tip + (f": {a.comment}" if a.comment else "")
        return None

    def _display(self, a, col: int):
        if col == COL_TIME:
            return format_time(a.since)
        if col == COL_PRI:
            return ROMAN.get(a.priority, str(a.priority))
        if col == COL_TAG:
            return f"{a.source}  ◆" if getattr(a, "first_out", False) else a.source
        if col == COL_DESC:
            return a.message
        if col == COL_KIND:
            return a.kind
        if col == COL_VALUE:
            unit = self._units.get(a.source, "")
            text = format_number(a.value)
            return f"{text} {unit}".rstrip() if text else ""
        if col == COL_LIMIT:
            return format_number(a.limit)
        if col == COL_STATE:
            return STATE_LABELS.get(a.state, a.state)
        return None

    def _sort_key(self, a, col: int):
        if col == COL_TIME:
            return a.since
        if col == COL_PRI:
            return a.priority
        if col in (COL_VALUE, COL_LIMIT):
            v = a.value if col == COL_VALUE else a.limit
            return v if v is not None and math.isfinite(v) else -math.inf
        if col == COL_STATE:
            return {"UNACK": 0, "RTN_UNACK": 1, "ACKED": 2}.get(a.state, 3)
        return self._display(a, col)


class AlarmFilterProxy(QSortFilterProxyModel):
    """Case-insensitive text filter over every column; sorts by the model's raw values."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterKeyColumn(-1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(True)


class AlarmTable(QWidget):
    """Alarm list panel: filter box, table, acknowledge buttons."""

    acknowledgeRequested = Signal(list)  # list[str] of alarm keys
    alarmSelected = Signal(object)  # Alarm
    shelveRequested = Signal(list, object, str)  # keys, duration in s (None: until it clears), reason

    def __init__(self, units: dict[str, str] | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("alarmTable")
        self.model = AlarmTableModel(units, self)
        self.proxy = AlarmFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter alarms (tag, text, kind, state)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("alarmCount")
        self.ack_button = QPushButton("Acknowledge", self)
        self.ack_button.setToolTip("Acknowledge the selected alarms (Ctrl+K / F8)")
        self.ack_all_button = QPushButton("Acknowledge all", self)
        self.ack_all_button.setToolTip("Acknowledge every unacknowledged alarm in the list (Ctrl+Shift+K)")
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.ack_all_button.clicked.connect(self.acknowledge_all)
        self.shelve_button = QPushButton("Shelve…", self)
        self.shelve_button.setToolTip("Take the selected alarms off the list for a while, with a reason")
        self.shelve_button.clicked.connect(self.shelve_selected)

        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(COL_TIME, Qt.SortOrder.DescendingOrder)
        self.view.setAlternatingRowColors(False)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_DESC, QHeaderView.ResizeMode.Stretch)
        for col, width in (
            (COL_TIME, 86),
            (COL_PRI, 40),
            (COL_TAG, 190),
            (COL_KIND, 56),
            (COL_VALUE, 96),
            (COL_LIMIT, 70),
            (COL_STATE, 80),
        ):
            self.view.setColumnWidth(col, width)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.ack_button)
        top.addWidget(self.ack_all_button)
        top.addWidget(self.shelve_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addLayout(top)
        lay.addWidget(self.view, 1)
        for sig in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            sig.connect(self._update_count)
        self.model.dataChanged.connect(self._data_changed)
        self._update_count()

    # ------------------------------------------------------------ feeding
    def update_alarms(self, transitions: Iterable) -> None:
        self.model.update_alarms(transitions)

    def shelve_selected(self) -> None:
        keys = self.selected_keys()
        if not keys:
            return
        dialog = ShelveDialog(keys, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.shelveRequested.emit(keys, dialog.duration(), dialog.reason())

    def set_alarms(self, alarms: Iterable) -> None:
        self.model.set_alarms(alarms)

    # ------------------------------------------------------------ actions
    def selected_keys(self) -> list[str]:
        rows = {self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()}
        return [self.model.alarm(r).key for r in sorted(rows)]

    def acknowledge_selected(self) -> None:
        keys = [k for k in self.selected_keys() if not self.model.alarm(self.model.row_of(k)).acked]
        if keys:
            self.acknowledgeRequested.emit(keys)

    def acknowledge_all(self) -> None:
        """Acknowledge every unacknowledged alarm that passes the filter (what the operator sees)."""
        keys = []
        for r in range(self.proxy.rowCount()):
            a = self.proxy.index(r, 0).data(ALARM_ROLE)
            if a is not None and not a.acked:
                keys.append(a.key)
        if keys:
            self.acknowledgeRequested.emit(keys)

    def select_key(self, key: str) -> bool:
        row = self.model.row_of(key)
        if row is None:
            return False
        idx = self.proxy.mapFromSource(self.model.index(row, 0))
        if not idx.isValid():
            return False
        self.view.selectionModel().setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.scrollTo(idx)
        return True

    # ------------------------------------------------------------ internals
    def _current_changed(self, current: QModelIndex, _previous=None) -> None:
        if current.isValid():
            a = current.data(ALARM_ROLE)
            if a is not None:
                self.alarmSelected.emit(a)

    def _data_changed(self, top_left, _bottom_right, roles=()) -> None:
        if not roles or Qt.ItemDataRole.DisplayRole in roles:
            self._update_count()

    def _update_count(self, *_args) -> None:
        rows = self.model.alarms()
        unack = sum(1 for a in rows if not a.acked)
        self.count_label.setText(f"{len(rows)} standing, {unack} unacknowledged")


__all__ = [
    "ALARM_ROLE",
    "COLUMNS",
    "PRIORITY_COLORS",
    "PRIORITY_TEXT",
    "ROMAN",
    "AlarmFilterProxy",
    "AlarmTable",
    "AlarmTableModel",
    "format_number",
    "format_time",
]


class ShelveDialog(QDialog):
    """Shelve alarms: how long (or until the alarm clears) and why; a reason is required."""

    def __init__(self, keys: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Shelve alarms")
        self.setObjectName("shelveDialog")
        self.keys = list(keys)
        self.duration_box = QComboBox(self)
        for label, secs in SHELVE_CHOICES:
            self.duration_box.addItem(label, secs)
        self.duration_box.setCurrentIndex(1)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText("Reason (required), e.g. work order, known instrument fault")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Shelve")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(self._validate)
        form = QFormLayout(self)
        shown = ", ".join(self.keys[:4]) + (f" and {len(self.keys) - 4} more" if len(self.keys) > 4 else "")
        form.addRow(QLabel(shown, self))
        form.addRow("For", self.duration_box)
        form.addRow("Reason", self.reason_edit)
        form.addRow(self.buttons)
        self._validate()

    def _validate(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.reason().strip()))

    def duration(self) -> float | None:
        return self.duration_box.currentData()

    def reason(self) -> str:
        return self.reason_edit.text().strip()
