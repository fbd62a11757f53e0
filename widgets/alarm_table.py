"""The alarm list as the operator works it: filter bar, the two views, the table, acknowledge,
shelve and the context menu (the model and filter proxy: widgets/alarm_model.py).

The filter bar narrows the list by area, hazard source, priority, state, kind (alarms, early
warnings or both) and free text. The main list never shows shelved, suppressed or out-of-service
alarms; they have their own view ("Shelved & out of service") with who took them off, why and
until when. Early warnings are marked "⚠" and count down to their predicted time ("in 6 min").
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QRect,
    Qt,
    QTimer,
    Signal,
)
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

from core.alarm_types import ROMAN, State
from core.formatting import format_number
from widgets.alarm_hold import ListHold
from widgets.alarm_model import (
    ALARM_ROLE,
    COL_DESC,
    COL_ETA,
    COL_KIND,
    COL_LIMIT,
    COL_OFF,
    COL_PRI,
    COL_STATE,
    COL_TAG,
    COL_TIME,
    COL_VALUE,
    COLUMNS,
    KIND_FILTERS,
    SHELVE_CHOICES,
    STATE_FILTERS,
    VIEW_OFF,
    VIEW_STANDING,
    AlarmFilterProxy,
    AlarmTableModel,
    format_eta,
    format_time,
    kind_label,
    label,
    shown,
)
from widgets.palette import PRIORITY_COLORS, PRIORITY_TEXT
from widgets.plant_words import WORDS
from widgets.style import set_style_property
from widgets.tables import configure_table

FLOOD_ROWS = 500  # a flush that brings more new alarms than this is a flood, taken in in parts
FLOOD_PART = 250  # new alarms a part of a flood brings into the list, a part per turn of the event loop


class AlarmTable(QWidget):
    """Alarm list panel: filter bar, view switch, table, acknowledge and shelve buttons."""

    acknowledgeRequested = Signal(list)  # list[str] of alarm keys
    alarmSelected = Signal(object)  # Alarm
    respondRequested = Signal(object)  # Alarm: record its response (处置反馈) for the regulator
    shelveRequested = Signal(list, object, str)  # keys, duration in s (None: until it clears), reason
    explainRequested = Signal(
        object
    )  # Alarm: the operator asked why (a warning's evidence, an alarm's limit)

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
            self.tr(
                "Why the selected row is raised: an alarm's limit and trend, an early warning's data and reasoning (F1)"
            )
        )
        self.why_button.setEnabled(False)
        self.why_button.clicked.connect(self.explain_selected)

        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.model.restyled.connect(self._restyled)
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
        self.hold = ListHold(self.view, self.model, self.proxy, self)
        self.new_button = QPushButton(self)
        self.new_button.setObjectName("newAlarms")
        self.new_button.setToolTip(
            self.tr(
                "New alarms wait while the pointer is on the list or a row was just picked; click to show them"
            )
        )
        self.new_button.hide()
        self.new_button.clicked.connect(self.show_new)
        self.hold.heldChanged.connect(self._held_changed)
        self.view.doubleClicked.connect(self._double_clicked)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)

        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        actions.setSpacing(4)
        actions.addWidget(self.standing_button)
        actions.addWidget(self.off_button)
        actions.addWidget(self.count_label)
        actions.addWidget(self.new_button)
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
        self._feeding = self._count_due = False  # see _counted_once
        self._queued: list = []  # transitions of a flood not yet in the list (update_alarms)
        self._more = QTimer(self)
        self._more.setSingleShot(True)
        self._more.setInterval(0)
        self._more.timeout.connect(lambda: self.update_alarms(()))
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
            self.hazard_box.addItem(WORDS.name(h), h)
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
        if off:  # who, why and until when: the whole note, never cut
            self.view.setColumnWidth(
                COL_OFF, max(self.view.columnWidth(COL_OFF), self.view.sizeHintForColumn(COL_OFF))
            )
        for b in (self.ack_button, self.ack_all_button, self.shelve_button):
            b.setEnabled(not off)
        self._update_count()

    @property
    def current_view(self) -> str:
        return self.proxy.view

    # ------------------------------------------------------------ feeding
    def update_alarms(self, transitions: Iterable) -> None:
        """Take in a flush's transitions. A flood of new alarms goes in FLOOD_PART at a time, a
        part per turn of the event loop: the filter proxy sorts new rows with a call into Python
        per comparison, and a thousand at once held the GUI thread for 40-90 ms. Transitions
        that come meanwhile queue behind the rest, in order. The list is painted once the last
        part is in, not after each (a part and a repaint of the list back to back held the
        thread as long again)."""
        flooding = bool(self._queued)
        transitions = [*self._queued, *transitions]
        self._queued = []
        listed = self.model.row_of
        new = [i for i, a in enumerate(transitions) if listed(a.key) is None and a.state != State.NORMAL]
        if len(new) > FLOOD_PART and (flooding or len(new) > FLOOD_ROWS):
            cut = new[FLOOD_PART]
            transitions, self._queued = transitions[:cut], transitions[cut:]
            self.view.setUpdatesEnabled(False)
            self._more.start()
        self._counted_once(self.hold.feed, transitions)
        if not self._queued and not self.view.updatesEnabled():
            self.view.setUpdatesEnabled(True)

    def show_new(self) -> None:
        """Take in the alarms held while the operator was working the list, newest on top."""
        self._counted_once(self.hold.release)
        self.view.scrollToTop()

    def _counted_once(self, feed, *args) -> None:
        """`feed(*args)`, the counts below the list brought up to date once at the end: a flush
        moves the model and the proxy by a signal per run of rows, each of which asks for them."""
        self._feeding = True
        try:
            feed(*args)
        finally:
            self._feeding = False
        if self._count_due:
            self._update_count()

    def _held_changed(self, n: int, priority: int) -> None:
        self.new_button.setVisible(n > 0)
        self.new_button.setText(self.tr("▲ {n} new").format(n=n))
        set_style_property(self.new_button, "priority", str(priority))

    def shelve_selected(self) -> None:
        keys = self.selected_keys()
        if not keys:
            return
        dialog = ShelveDialog([self.model.alarm(self.model.row_of(k)) for k in keys], self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            duration = dialog.duration()
            self.model.note_shelved(keys, None if duration is None else self.model.clock() + duration)
            self.hold.operator_acted()
            self.shelveRequested.emit(keys, duration, dialog.reason())

    def set_alarms(self, alarms: Iterable) -> None:
        self._queued = []
        self._more.stop()
        self.view.setUpdatesEnabled(True)
        self.hold.reset()
        self.model.set_alarms(alarms)

    # ------------------------------------------------------------ actions
    def selected_keys(self) -> list[str]:
        rows = {self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()}
        return [self.model.alarm(r).key for r in sorted(rows)]

    def acknowledge_selected(self) -> None:
        keys = [k for k in self.selected_keys() if not self.model.alarm(self.model.row_of(k)).acked]
        if keys:
            self.hold.operator_acted()
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
            self.hold.operator_acted()
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
        """Ask why the current row is raised: a warning's evidence, an alarm's limit and trend."""
        a = self.current_alarm()
        if a is not None:
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
        why.setEnabled(a is not None)
        menu.addSeparator()
        on_list = self.proxy.view != VIEW_OFF
        menu.addAction(self.tr("Acknowledge"), self.acknowledge_selected).setEnabled(on_list)
        menu.addAction(self.tr("Shelve…"), self.shelve_selected).setEnabled(on_list)
        menu.addAction(self.tr("Response…"), lambda: self.respondRequested.emit(a)).setEnabled(a is not None)
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _restyled(self, col: int) -> None:
        """Repaint a column's visible cells (the flash), no more: nothing is filtered again."""
        x = self.view.columnViewportPosition(col)
        if x >= 0:
            viewport = self.view.viewport()
            viewport.update(QRect(x, 0, self.view.columnWidth(col), viewport.height()))

    def _current_changed(self, current: QModelIndex, _previous=None) -> None:
        a = current.data(ALARM_ROLE) if current.isValid() else None
        self.why_button.setEnabled(a is not None)
        if current.isValid():
            a = current.data(ALARM_ROLE)
            if a is not None:
                self.alarmSelected.emit(a)

    def _data_changed(self, top_left, _bottom_right, roles=()) -> None:
        if not roles or Qt.ItemDataRole.DisplayRole in roles:
            self._update_count()

    def _update_count(self, *_args) -> None:
        if self._feeding:
            self._count_due = True
            return
        self._count_due = False
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

    def __init__(self, alarms: list, parent=None):
        """`alarms`: the alarms to shelve (or their keys)."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Shelve alarms"))
        self.setObjectName("shelveDialog")
        self.alarms = [a for a in alarms if not isinstance(a, str)]
        self.keys = [a if isinstance(a, str) else a.key for a in alarms]
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
        names = [self._describe(a) for a in (self.alarms or self.keys)[:4]]
        listed = "\n".join(names)
        if len(self.keys) > 4:
            listed += "\n" + self.tr("and {n} more").format(n=len(self.keys) - 4)
        what = QLabel(listed, self)
        what.setObjectName("shelveWhat")
        what.setWordWrap(True)
        form.addRow(what)
        form.addRow(self.tr("For"), self.duration_box)
        form.addRow(self.tr("Reason"), self.reason_edit)
        form.addRow(self.buttons)
        fm = self.reason_edit.fontMetrics()
        self.reason_edit.setMinimumWidth(fm.horizontalAdvance(self.reason_edit.placeholderText()) + 24)
        self.setMinimumWidth(480)
        self._validate()

    def _describe(self, a) -> str:
        """An alarm as the operator reads it: tag, kind and message, not its internal key."""
        if isinstance(a, str):
            source, _, kind = a.rpartition(":")
            return f"{source} · {kind_label(kind)}" if source else a
        return f"{WORDS.name(a.source)} · {kind_label(a.kind)} · {shown(a.message)}"

    def _validate(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.reason().strip()))

    def duration(self) -> float | None:
        return self.duration_box.currentData()

    def reason(self) -> str:
        return self.reason_edit.text().strip()
