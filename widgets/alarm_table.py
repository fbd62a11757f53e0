"""The alarm list: a table model keyed by alarm, a filter proxy and the operator's view of it.

The filter bar narrows the list by area, hazard source, priority, state, kind (alarms, early
warnings or both) and free text. The main list never shows shelved, suppressed or out-of-service
alarms; they have their own view ("Shelved & out of service") with who took them off, why and
until when. Early warnings are marked "⚠" and count down to their predicted time ("in 6 min").

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
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.formatting import format_number
from app.messages import render
from widgets.tables import configure_table

# Warning levels I-IV (ISA-101 / four-colour risk map). The only saturated colours on screen.
PRIORITY_COLORS = {1: "#d62728", 2: "#ff7f0e", 3: "#f2c200", 4: "#2f7ed8"}
PRIORITY_TEXT = {1: "#ffffff", 2: "#1a1a1a", 3: "#1a1a1a", 4: "#ffffff"}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# English source texts; `label()` gives them in the installed language.
STATE_LABELS = {
    "UNACK": QT_TRANSLATE_NOOP("alarm_table", "Unack"),
    "ACKED": QT_TRANSLATE_NOOP("alarm_table", "Acked"),
    "RTN_UNACK": QT_TRANSLATE_NOOP("alarm_table", "RTN unack"),
    "NORMAL": QT_TRANSLATE_NOOP("alarm_table", "Normal"),
    "LATCHED": QT_TRANSLATE_NOOP("alarm_table", "Latched"),
    "SHELVED": QT_TRANSLATE_NOOP("alarm_table", "Shelved"),
    "SUPPRESSED": QT_TRANSLATE_NOOP("alarm_table", "Suppressed"),
    "OOS": QT_TRANSLATE_NOOP("alarm_table", "Out of service"),
}
OFF_LIST = ("SHELVED", "SUPPRESSED", "OOS")  # recorded, not annunciated: shown grey
SHELVE_CHOICES = (
    (QT_TRANSLATE_NOOP("alarm_table", "15 minutes"), 900.0),
    (QT_TRANSLATE_NOOP("alarm_table", "1 hour"), 3600.0),
    (QT_TRANSLATE_NOOP("alarm_table", "8 hours (one shift)"), 28800.0),
    (QT_TRANSLATE_NOOP("alarm_table", "Until it clears"), None),
)
GREY_TEXT = QColor("#8a8d91")

COLUMNS = (
    QT_TRANSLATE_NOOP("alarm_table", "Time"),
    QT_TRANSLATE_NOOP("alarm_table", "Pri"),
    QT_TRANSLATE_NOOP("alarm_table", "Tag"),
    QT_TRANSLATE_NOOP("alarm_table", "Description"),
    QT_TRANSLATE_NOOP("alarm_table", "Kind"),
    QT_TRANSLATE_NOOP("alarm_table", "Value"),
    QT_TRANSLATE_NOOP("alarm_table", "Limit"),
    QT_TRANSLATE_NOOP("alarm_table", "State"),
    QT_TRANSLATE_NOOP("alarm_table", "Expected"),
    QT_TRANSLATE_NOOP("alarm_table", "Off the list"),
)
(
    COL_TIME,
    COL_PRI,
    COL_TAG,
    COL_DESC,
    COL_KIND,
    COL_VALUE,
    COL_LIMIT,
    COL_STATE,
    COL_ETA,
    COL_OFF,
) = range(len(COLUMNS))
SORT_ROLE = Qt.ItemDataRole.UserRole
ALARM_ROLE = Qt.ItemDataRole.UserRole + 1
FLASH_MS = 500


WARNING_MARK = "⚠"
VIEW_STANDING, VIEW_OFF = "standing", "off"  # the main list / shelved & out of service
STATE_FILTERS = (
    (QT_TRANSLATE_NOOP("alarm_table", "All standing"), "all"),
    (QT_TRANSLATE_NOOP("alarm_table", "Active"), "active"),
    (QT_TRANSLATE_NOOP("alarm_table", "Unacknowledged"), "unacked"),
)
FILTER_NAMES = ("view", "areas", "hazards", "priorities", "state_filter", "kind_filter", "text")
KIND_FILTERS = (
    (QT_TRANSLATE_NOOP("alarm_table", "Alarms & warnings"), "both"),
    (QT_TRANSLATE_NOOP("alarm_table", "Alarms"), "alarms"),
    (QT_TRANSLATE_NOOP("alarm_table", "Warnings"), "warnings"),
)
WARNING_KIND_LABELS = {
    "FORECAST": QT_TRANSLATE_NOOP("alarm_table", "forecast"),
    "ANOMALY": QT_TRANSLATE_NOOP("alarm_table", "anomaly"),
    "RULE": QT_TRANSLATE_NOOP("alarm_table", "rule"),
}


def label(text: str) -> str:
    """One of this module's marked labels (states, columns, filters) in the installed language."""
    return QCoreApplication.translate("alarm_table", text)


def kind_label(kind: str) -> str:
    """An alarm kind for display: early-warning kinds are words and translated; limit codes (HH, ROC) are not."""
    return label(WARNING_KIND_LABELS[kind]) if kind in WARNING_KIND_LABELS else kind


def state_label(state: str) -> str:
    """An alarm state as the operator reads it ('Unack', 'Shelved', ...), translated."""
    return label(STATE_LABELS[state]) if state in STATE_LABELS else state


def shown(text) -> str:
    """A text from the core (an `app.messages.Message`: alarm and warning messages) in the
    installed language; plain text (a configured message, a journal row) as it is."""
    return render(text, QCoreApplication.translate)


def format_time(ts: float) -> str:
    lt = time.localtime(ts)
    return time.strftime("%H:%M:%S", lt) + f".{int((ts % 1) * 10)}"


def format_eta(eta: float | None, now: float, err_s: float | None = None) -> str:
    """Countdown to an early warning's predicted time: 'in 40 s', 'in 6 min', 'in 2 h 5 min'."""
    if eta is None or not math.isfinite(eta):
        return ""
    left = eta - now
    if left <= 0:
        return QCoreApplication.translate("alarm_table", "due now")
    if left < 60:
        text = QCoreApplication.translate("alarm_table", "in {n} s").format(n=max(1, int(left)))
    elif left < 3600:
        text = QCoreApplication.translate("alarm_table", "in {n} min").format(n=int(round(left / 60)))
    else:
        h, m = divmod(int(round(left / 60)), 60)
        if m:
            text = QCoreApplication.translate("alarm_table", "in {h} h {m} min").format(h=h, m=m)
        else:
            text = QCoreApplication.translate("alarm_table", "in {h} h").format(h=h)
    if err_s is not None and math.isfinite(err_s) and err_s >= 60:
        text += QCoreApplication.translate("alarm_table", " ±{n} min").format(n=int(round(err_s / 60)))
    return text


class AlarmTableModel(QAbstractTableModel):
    """Standing alarms, one row per alarm key, fed with transitions."""

    def __init__(self, units: dict[str, str] | None = None, parent=None, *, clock=time.time):
        super().__init__(parent)
        self._rows: list = []  # list[Alarm]
        self._row_of: dict[str, int] = {}
        self._units = units or {}
        self.clock = clock
        self._shelved_until: dict[str, float | None] = {}  # key -> until (None: until it clears)
        self._off_note: dict[str, tuple[str, str]] = {}  # key -> (user, reason) while off the list
        self._flash_on = True
        self._flash = QTimer(self)
        self._flash.setInterval(FLASH_MS)
        self._flash.timeout.connect(self._toggle_flash)
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic = QFont()
        self._italic.setItalic(True)

    # ------------------------------------------------------------ feeding
    def update_alarms(self, transitions: Iterable) -> None:
        """Apply alarm transitions: insert new keys, update known ones, remove NORMAL ones."""
        for alarm in transitions:
            self._remember_off_note(alarm)
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
        for a in self._rows:
            self._remember_off_note(a)
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

    def note_shelved(self, keys: Iterable[str], until: float | None) -> None:
        """Remember until when alarms were shelved from here (shown in the shelved view)."""
        for k in keys:
            self._shelved_until[k] = until

    def _remember_off_note(self, a) -> None:
        # who took an alarm off the list and why, kept while it stays off: later transitions of
        # the alarm (it becomes active while shelved) carry no user or reason of their own
        if not a.hidden:
            self._off_note.pop(a.key, None)
        elif a.user or a.comment:
            self._off_note[a.key] = (a.user, a.comment)

    def off_list_note(self, a) -> str:
        """Who took the alarm off the list, why, and until when (if known)."""
        if not a.hidden:
            return ""
        user, comment = (a.user, a.comment) if a.user or a.comment else self._off_note.get(a.key, ("", ""))
        parts = [user] if user else []
        if comment:
            parts.append(comment)
        if a.shelved and a.key in self._shelved_until:
            until = self._shelved_until[a.key]
            parts.append(
                self.tr("until it clears")
                if until is None
                else self.tr("until {time}").format(time=format_time(until)[:5])
            )
        elif a.suppressed and not parts:
            parts.append(self.tr("by design"))
        return " · ".join(parts)

    @property
    def flash_on(self) -> bool:
        return self._flash_on

    # ------------------------------------------------------------ flashing
    def _update_flash_timer(self) -> None:
        # one shared timer flashes unacknowledged alarms and refreshes warning countdowns
        flashing = any(a.state == "UNACK" or a.eta is not None for a in self._rows)
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
        if self._flash_on:  # countdowns once a second
            self.refresh_countdowns()

    def refresh_countdowns(self) -> None:
        """One bounded dataChanged over the countdown cells of early warnings."""
        rows = [i for i, a in enumerate(self._rows) if a.eta is not None]
        if rows:
            self.dataChanged.emit(
                self.index(rows[0], COL_ETA), self.index(rows[-1], COL_ETA), [Qt.ItemDataRole.DisplayRole]
            )

    # ------------------------------------------------------------ Qt model
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return label(COLUMNS[section])
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
        if role == Qt.ItemDataRole.FontRole:
            if a.state == "UNACK" and col in (COL_PRI, COL_TAG, COL_STATE):
                return self._bold
            if a.is_warning and col in (COL_DESC, COL_KIND, COL_ETA):
                return self._italic
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (COL_VALUE, COL_LIMIT):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col == COL_PRI:
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = self.tr("{mark} early warning: ").format(mark=WARNING_MARK) if a.is_warning else ""
            tip += self.tr("{message}\nactive since {since}\nlast change {changed}").format(
                message=shown(a.message), since=format_time(a.since), changed=format_time(a.ts)
            )
            if a.eta is not None:
                tip += self.tr("\nexpected at {time}").format(time=format_time(a.eta)[:8])
                if a.eta_err_s:
                    tip += self.tr(" ± {n} min").format(n=f"{a.eta_err_s / 60:.0f}")
            if a.hazard:
                tip += self.tr("\nhazard source: {name}").format(name=a.hazard)
            if getattr(a, "first_out", False):
                tip += self.tr("\n◆ first out: the first alarm of this burst on its hazard source")
            if a.user:
                tip += self.tr("\n{state} by {user}").format(state=state_label(a.state).lower(), user=a.user)
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
            return shown(a.message)
        if col == COL_KIND:
            return f"{WARNING_MARK} {kind_label(a.kind)}" if a.is_warning else a.kind
        if col == COL_VALUE:
            unit = self._units.get(a.source, "")
            text = format_number(a.value)
            return f"{text} {unit}".rstrip() if text else ""
        if col == COL_LIMIT:
            return format_number(a.limit)
        if col == COL_STATE:
            return state_label(a.state)
        if col == COL_ETA:
            return format_eta(a.eta, self.clock(), a.eta_err_s)
        if col == COL_OFF:
            return self.off_list_note(a)
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
        if col == COL_ETA:
            return a.eta if a.eta is not None else math.inf
        return self._display(a, col)


class AlarmFilterProxy(QSortFilterProxyModel):
    """The operator's filters over the alarm list; sorts by the model's raw values.

    `view` picks the main list (standing alarms on the list) or the shelved & out-of-service
    list; within it, alarms pass when they match every filter: area (of the alarm's tag; ""
    for communication and rule alarms), hazard source, priority, state, kind and text.
    """

    def __init__(self, parent=None, tag_areas=()):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self.tag_areas = list(tag_areas)
        self.view = VIEW_STANDING
        self.areas: frozenset[str] | None = None  # None: every area
        self.hazards: frozenset[str] | None = None  # None: every hazard source
        self.priorities = frozenset({1, 2, 3, 4})
        self.state_filter = "all"  # all | active | unacked
        self.kind_filter = "both"  # both | alarms | warnings
        self.text = ""

    def set_filter(self, **changes) -> None:
        """Change filters by name (view, areas, hazards, priorities, state_filter, kind_filter, text)."""
        unknown = [n for n in changes if n not in FILTER_NAMES]
        if unknown:
            raise AttributeError(f"no alarm filter {unknown[0]!r}")
        self.beginFilterChange()
        for name, value in changes.items():
            if (name in ("areas", "hazards") and value is not None) or name == "priorities":
                value = frozenset(value)
            elif name == "text":
                value = value.strip().lower()
            setattr(self, name, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def setFilterFixedString(self, text: str) -> None:  # noqa: N802 (the Qt name, kept for callers)
        self.set_filter(text=text)

    def area_of(self, a) -> str:
        return self.tag_areas[a.tag] if 0 <= a.tag < len(self.tag_areas) else ""

    def accepts(self, a, model=None) -> bool:
        if a.hidden != (self.view == VIEW_OFF):
            return False
        if self.areas is not None and self.area_of(a) not in self.areas:
            return False
        if self.hazards is not None and a.hazard not in self.hazards:
            return False
        if a.priority not in self.priorities:
            return False
        if self.state_filter == "active" and not a.active:
            return False
        if self.state_filter == "unacked" and a.acked:
            return False
        if self.kind_filter == "alarms" and a.is_warning:
            return False
        if self.kind_filter == "warnings" and not a.is_warning:
            return False
        if self.text:
            model = model or self.sourceModel()
            texts = [model._display(a, c) or "" for c in range(len(COLUMNS))]
            hay = " ".join([*texts, a.hazard, self.area_of(a)]).lower()
            if self.text not in hay:
                return False
        return True

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:  # noqa: N802
        model = self.sourceModel()
        return self.accepts(model.alarm(source_row), model)


class AlarmTable(QWidget):
    """Alarm list panel: filter bar, view switch, table, acknowledge and shelve buttons."""

    acknowledgeRequested = Signal(list)  # list[str] of alarm keys
    alarmSelected = Signal(object)  # Alarm
    shelveRequested = Signal(list, object, str)  # keys, duration in s (None: until it clears), reason
    explainRequested = Signal(object)  # Alarm: the operator asked why this early warning is raised

    def __init__(
        self,
        units: dict[str, str] | None = None,
        parent=None,
        *,
        tag_areas=(),
        hazards=(),
    ):
        super().__init__(parent)
        self.setObjectName("alarmTable")
        self.model = AlarmTableModel(units, self)
        self.proxy = AlarmFilterProxy(self, tag_areas)
        self.proxy.setSourceModel(self.model)
        self._build_filter_bar(sorted({a for a in tag_areas if a}), list(hazards))

        self.count_label = QLabel(self)
        self.count_label.setObjectName("alarmCount")
        self.ack_button = QPushButton(self.tr("Acknowledge"), self)
        self.ack_button.setToolTip(self.tr("Acknowledge the selected alarms (Ctrl+K / F8)"))
        self.ack_all_button = QPushButton(self.tr("Acknowledge all visible"), self)
        self.ack_all_button.setToolTip(
            self.tr("Acknowledge every unacknowledged alarm the filters let through (Ctrl+Shift+K)")
        )
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.ack_all_button.clicked.connect(self.acknowledge_all)
        self.shelve_button = QPushButton(self.tr("Shelve…"), self)
        self.shelve_button.setToolTip(
            self.tr("Take the selected alarms off the list for a while, with a reason")
        )
        self.shelve_button.clicked.connect(self.shelve_selected)
        self.why_button = QPushButton(self.tr("Why?"), self)
        self.why_button.setToolTip(
            self.tr("Why the selected early warning is raised: its data and reasoning (F1)")
        )
        self.why_button.setEnabled(False)
        self.why_button.clicked.connect(self.explain_selected)

        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(COL_TIME, Qt.SortOrder.DescendingOrder)
        self.view.setAlternatingRowColors(False)
        configure_table(
            self.view,
            COL_DESC,
            {
                COL_TIME: 86,
                COL_PRI: 40,
                COL_TAG: 190,
                COL_KIND: 96,
                COL_VALUE: 96,
                COL_LIMIT: 70,
                COL_STATE: 104,
                COL_ETA: 96,
                COL_OFF: 260,
            },
        )
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.view.doubleClicked.connect(self._double_clicked)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)

        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        actions.setSpacing(4)
        actions.addWidget(self.standing_button)
        actions.addWidget(self.off_button)
        actions.addWidget(self.count_label)
        actions.addStretch(1)
        actions.addWidget(self.ack_button)
        actions.addWidget(self.ack_all_button)
        actions.addWidget(self.shelve_button)
        actions.addWidget(self.why_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addLayout(actions)
        lay.addWidget(self.filter_bar)
        lay.addWidget(self.view, 1)
        for sig in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            sig.connect(self._update_count)
        for sig in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.layoutChanged):
            sig.connect(self._update_count)
        self.model.dataChanged.connect(self._data_changed)
        self.set_view(VIEW_STANDING)

    def _build_filter_bar(self, areas: list[str], hazards: list[str]) -> None:
        bar = self.filter_bar = QWidget(self)
        bar.setObjectName("alarmFilterBar")
        self.standing_button = QToolButton(self)
        self.standing_button.setText(self.tr("Standing"))
        self.standing_button.setToolTip(self.tr("Alarms and warnings on the operator's list"))
        self.off_button = QToolButton(self)
        self.off_button.setText(self.tr("Shelved && out of service"))
        self.off_button.setToolTip(
            self.tr("Shelved, suppressed and out-of-service alarms: who, why and until when")
        )
        group = QButtonGroup(self)
        group.setExclusive(True)
        for b in (self.standing_button, self.off_button):
            b.setObjectName("alarmViewButton")
            b.setCheckable(True)
            group.addButton(b)
        self.standing_button.setChecked(True)
        self.standing_button.clicked.connect(lambda: self.set_view(VIEW_STANDING))
        self.off_button.clicked.connect(lambda: self.set_view(VIEW_OFF))

        self.area_box = QComboBox(bar)
        self.area_box.setToolTip(self.tr("Plant area of the alarm's tag"))
        self.area_box.addItem(self.tr("All areas"), None)
        for a in areas:
            self.area_box.addItem(a, a)
        self.area_box.addItem(self.tr("No area"), "")
        self.area_box.setItemData(
            self.area_box.count() - 1, self.tr("Communication and rule alarms"), Qt.ItemDataRole.ToolTipRole
        )
        self.area_box.currentIndexChanged.connect(self._area_changed)
        self.hazard_box = QComboBox(bar)
        self.hazard_box.setToolTip(self.tr("Hazard source the alarm belongs to"))
        self.hazard_box.addItem(self.tr("All hazard sources"), None)
        for h in hazards:
            self.hazard_box.addItem(h, h)
        self.hazard_box.currentIndexChanged.connect(self._hazard_changed)
        self.priority_buttons: dict[int, QToolButton] = {}
        for p in (1, 2, 3, 4):
            b = QToolButton(bar)
            b.setObjectName("priorityFilter")
            b.setText(ROMAN[p])
            b.setCheckable(True)
            b.setChecked(True)
            b.setToolTip(self.tr("Show priority {p} alarms").format(p=ROMAN[p]))
            b.toggled.connect(self._priorities_changed)
            self.priority_buttons[p] = b
        self.state_box = QComboBox(bar)
        self.state_box.setToolTip(self.tr("Alarm state"))
        for text, value in STATE_FILTERS:
            self.state_box.addItem(label(text), value)
        self.state_box.currentIndexChanged.connect(
            lambda _i: self.proxy.set_filter(state_filter=self.state_box.currentData())
        )
        self.kind_box = QComboBox(bar)
        self.kind_box.setToolTip(self.tr("Alarms, early warnings (⚠ forecast, anomaly, rule) or both"))
        for text, value in KIND_FILTERS:
            self.kind_box.addItem(label(text), value)
        self.kind_box.currentIndexChanged.connect(
            lambda _i: self.proxy.set_filter(kind_filter=self.kind_box.currentData())
        )
        self.filter_edit = QLineEdit(bar)
        self.filter_edit.setPlaceholderText(self.tr("Search tag, text, kind, state"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.clear_filters_button = QToolButton(bar)
        self.clear_filters_button.setText(self.tr("Clear filters"))
        self.clear_filters_button.clicked.connect(self.clear_filters)

        for box, chars in (
            (self.area_box, 14),
            (self.hazard_box, 20),
            (self.state_box, 14),
            (self.kind_box, 16),
        ):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(chars)
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.area_box)
        row.addWidget(self.hazard_box)
        for b in self.priority_buttons.values():
            row.addWidget(b)
        row.addWidget(self.state_box)
        row.addWidget(self.kind_box)
        row.addWidget(self.filter_edit, 1)
        row.addWidget(self.clear_filters_button)

    # ------------------------------------------------------------ filters
    def _area_changed(self, _i: int) -> None:
        value = self.area_box.currentData()
        self.proxy.set_filter(areas=None if value is None else {value})

    def _hazard_changed(self, _i: int) -> None:
        value = self.hazard_box.currentData()
        self.proxy.set_filter(hazards=None if value is None else {value})

    def _priorities_changed(self, _checked: bool) -> None:
        self.proxy.set_filter(priorities={p for p, b in self.priority_buttons.items() if b.isChecked()})

    def clear_filters(self) -> None:
        """Back to every area, hazard source, priority, state and kind, no search text."""
        for box in (self.area_box, self.hazard_box, self.state_box, self.kind_box):
            box.setCurrentIndex(0)
        for b in self.priority_buttons.values():
            b.setChecked(True)
        self.filter_edit.clear()

    def set_view(self, view: str) -> None:
        """The main list (VIEW_STANDING) or the shelved & out-of-service list (VIEW_OFF)."""
        off = view == VIEW_OFF
        (self.off_button if off else self.standing_button).setChecked(True)
        self.proxy.set_filter(view=view)
        self.view.setColumnHidden(COL_OFF, not off)
        self.view.setColumnHidden(COL_ETA, off)
        for b in (self.ack_button, self.ack_all_button, self.shelve_button):
            b.setEnabled(not off)
        self._update_count()

    @property
    def current_view(self) -> str:
        return self.proxy.view

    # ------------------------------------------------------------ feeding
    def update_alarms(self, transitions: Iterable) -> None:
        self.model.update_alarms(transitions)

    def shelve_selected(self) -> None:
        keys = self.selected_keys()
        if not keys:
            return
        dialog = ShelveDialog(keys, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            duration = dialog.duration()
            self.model.note_shelved(keys, None if duration is None else self.model.clock() + duration)
            self.shelveRequested.emit(keys, duration, dialog.reason())

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

    def visible_alarms(self) -> list:
        """The alarms the filters let through, in the order shown."""
        return [self.proxy.index(r, 0).data(ALARM_ROLE) for r in range(self.proxy.rowCount())]

    def acknowledge_all(self) -> None:
        """Acknowledge every unacknowledged alarm that passes the filters (what the operator sees)."""
        if self.proxy.view == VIEW_OFF:
            return
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
    def current_alarm(self):
        """The alarm of the current row, or None."""
        idx = self.view.selectionModel().currentIndex()
        return idx.data(ALARM_ROLE) if idx.isValid() else None

    def explain_selected(self) -> None:
        """Ask why the current row's early warning is raised (alarms have nothing to explain)."""
        a = self.current_alarm()
        if a is not None and a.is_warning:
            self.explainRequested.emit(a)

    def _double_clicked(self, index: QModelIndex) -> None:
        a = index.data(ALARM_ROLE)
        if a is not None and a.is_warning:
            self.explainRequested.emit(a)

    def _context_menu(self, pos) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        a = index.data(ALARM_ROLE)
        menu = QMenu(self)
        why = menu.addAction(self.tr("Why?"), lambda: self.explainRequested.emit(a))
        why.setEnabled(a is not None and a.is_warning)
        menu.addSeparator()
        on_list = self.proxy.view != VIEW_OFF
        menu.addAction(self.tr("Acknowledge"), self.acknowledge_selected).setEnabled(on_list)
        menu.addAction(self.tr("Shelve…"), self.shelve_selected).setEnabled(on_list)
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _current_changed(self, current: QModelIndex, _previous=None) -> None:
        a = current.data(ALARM_ROLE) if current.isValid() else None
        self.why_button.setEnabled(a is not None and a.is_warning)
        if current.isValid():
            a = current.data(ALARM_ROLE)
            if a is not None:
                self.alarmSelected.emit(a)

    def _data_changed(self, top_left, _bottom_right, roles=()) -> None:
        if not roles or Qt.ItemDataRole.DisplayRole in roles:
            self._update_count()

    def _update_count(self, *_args) -> None:
        rows = self.model.alarms()
        on_list = [a for a in rows if not a.hidden]
        off = len(rows) - len(on_list)
        unack = sum(1 for a in on_list if not a.acked)
        shown = self.proxy.rowCount()
        self.off_button.setText(self.tr("Shelved && out of service ({n})").format(n=off))
        if self.proxy.view == VIEW_OFF:
            text = self.tr("{shown} of {n} off the list").format(shown=shown, n=off)
        else:
            text = self.tr("{shown} of {n} shown, {unack} unacknowledged").format(
                shown=shown, n=len(on_list), unack=unack
            )
        self.count_label.setText(text)


__all__ = [
    "ALARM_ROLE",
    "COLUMNS",
    "VIEW_OFF",
    "VIEW_STANDING",
    "format_eta",
    "PRIORITY_COLORS",
    "PRIORITY_TEXT",
    "ROMAN",
    "AlarmFilterProxy",
    "AlarmTable",
    "AlarmTableModel",
    "format_number",
    "format_time",
    "shown",
]


class ShelveDialog(QDialog):
    """Shelve alarms: how long (or until the alarm clears) and why; a reason is required."""

    def __init__(self, keys: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Shelve alarms"))
        self.setObjectName("shelveDialog")
        self.keys = list(keys)
        self.duration_box = QComboBox(self)
        for text, secs in SHELVE_CHOICES:
            self.duration_box.addItem(label(text), secs)
        self.duration_box.setCurrentIndex(1)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText(
            self.tr("Reason (required), e.g. work order, known instrument fault")
        )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Shelve"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(self._validate)
        form = QFormLayout(self)
        shown = ", ".join(self.keys[:4])
        if len(self.keys) > 4:
            shown = self.tr("{names} and {n} more").format(names=shown, n=len(self.keys) - 4)
        form.addRow(QLabel(shown, self))
        form.addRow(self.tr("For"), self.duration_box)
        form.addRow(self.tr("Reason"), self.reason_edit)
        form.addRow(self.buttons)
        self._validate()

    def _validate(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.reason().strip()))

    def duration(self) -> float | None:
        return self.duration_box.currentData()

    def reason(self) -> str:
        return self.reason_edit.text().strip()
