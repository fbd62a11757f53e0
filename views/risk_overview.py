"""Plant risk: every hazard source ranked most severe first, with what raised it and since when.

The ranking is the engine's: dynamic level, then how many steps live evidence raised it above its
inherent level, then name. The model is fed with the bridge's coalesced risk changes: a change
that keeps the order is one bounded `dataChanged` over the rows that changed; a change of order
is a `layoutChanged` that keeps the selection on its hazard source. Selecting or double-clicking
a row emits `hazard_selected(name)`; a double-click also `hazard_activated(name)`.

The Management column names the work permits, hidden dangers and overdue inspections in a
source's trace. The summary line gives the count per level and the plant risk index (0-100,
app/dual_prevention/plant_index.py), its contributions in the tooltip. The ranking's level
counts management evidence (work permits, hidden dangers, overdue inspections) like live
evidence, so sorting by it sorts by them too.

The Calibration column shows, per hazard source, the detectors whose calibration or bump test is
overdue (blind spots) or due within the week, from the plant's `calibration_due` dates; the
summary line counts them for the whole plant, so the supervisor sees what is due this week.
"""

from __future__ import annotations

import time
from datetime import date

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QVBoxLayout, QWidget

from app.dual_prevention.plant_index import plant_index
from app.reports.report_data import CalibrationDue, calibration_due
from app.risk.management import is_management
from core.alarm_types import ROMAN
from core.risk_types import RiskState
from views import i18n
from views.hazard_panel import LevelDelegate, is_abnormal
from views.i18n import evidence, grade, hazard_kind, level_text
from widgets.palette import PRIORITY_COLORS, PRIORITY_TEXT
from widgets.plant_words import WORDS
from widgets.row_model import RowTableModel, alignment
from widgets.tables import configure_table

COLUMNS = (
    QT_TRANSLATE_NOOP("risk_overview", "Level"),
    QT_TRANSLATE_NOOP("risk_overview", "Hazard source"),
    QT_TRANSLATE_NOOP("risk_overview", "Kind"),
    QT_TRANSLATE_NOOP("risk_overview", "Inherent"),
    QT_TRANSLATE_NOOP("risk_overview", "Raised by"),
    QT_TRANSLATE_NOOP("risk_overview", "Since"),
    QT_TRANSLATE_NOOP("risk_overview", "Calibration"),
    QT_TRANSLATE_NOOP("risk_overview", "Management"),
)
COL_LEVEL, COL_NAME, COL_KIND, COL_INHERENT, COL_RAISED, COL_SINCE, COL_CALIBRATION, COL_MANAGEMENT = range(
    len(COLUMNS)
)
STATE_ROLE = Qt.ItemDataRole.UserRole + 1
DIM = QColor("#8a8d91")


def rank_key(s: RiskState) -> tuple:
    """Most severe first, then the most raised above its inherent level, then by name."""
    return (s.level, -s.raised, s.hazard)


def management(s: RiskState) -> str:
    """The work permits, hidden dangers and overdue inspections in the trace: 'PTW-3 · HD-12'."""
    return " · ".join(t.indicator for t in s.trace if is_management(t))


def raised_by(s: RiskState) -> str:
    """The top indicator and what it says: 'GAS.CO.13: alarm (+3)'; 'escalated: ...' when several
    indicators together pushed the level one step further."""
    items = list(s.evidence)
    if not items:
        return ""
    escalated = items[0].what == "escalation" and len(items) > 1
    if escalated:
        items = items[1:]
    t = items[0]
    more = f" (+{len(items) - 1})" if len(items) > 1 else ""
    text = f"{t.indicator}: {evidence(t.what)}{more}"
    return (
        QCoreApplication.translate("risk_overview", "escalated: {what}").format(what=text)
        if escalated
        else text
    )


class RiskTableModel(RowTableModel):
    """Every hazard source's risk state, one row each, kept in rank order."""

    columns, context = COLUMNS, "risk_overview"

    def __init__(self, parent=None, *, now=time.time):
        super().__init__(parent)
        self.rows: list[RiskState] = []
        self.row_of: dict[str, int] = {}
        self.now = now
        self._bold = QFont()
        self._bold.setBold(True)
        self.calibration: dict[str, list[CalibrationDue]] = {}  # hazard source -> overdue or due soon

    def set_calibration(self, items: list[CalibrationDue]) -> None:
        """Detectors overdue or due this week (app.reports.report_data.calibration_due)."""
        by_hazard: dict[str, list[CalibrationDue]] = {}
        for c in items:
            for h in c.hazards:
                by_hazard.setdefault(h, []).append(c)
        if by_hazard == self.calibration:
            return
        self.calibration = by_hazard
        if self.rows:
            self.dataChanged.emit(
                self.index(0, COL_CALIBRATION), self.index(len(self.rows) - 1, COL_CALIBRATION)
            )

    def calibration_text(self, hazard: str) -> str:
        """'1 overdue, 2 due this week'; empty when nothing is due."""
        items = self.calibration.get(hazard, [])
        late = sum(1 for c in items if c.overdue)
        soon = len(items) - late
        parts = []
        if late:
            parts.append(self.tr("{n} overdue").format(n=late))
        if soon:
            parts.append(self.tr("{n} due this week").format(n=soon))
        return ", ".join(parts)

    def calibration_tip(self, hazard: str) -> str:
        lines = []
        for c in self.calibration.get(hazard, []):
            if c.overdue:
                lines.append(self.tr("{tag}: overdue since {date}").format(tag=c.tag, date=c.due.isoformat()))
            else:
                lines.append(self.tr("{tag}: due {date}").format(tag=c.tag, date=c.due.isoformat()))
        return "\n".join(lines)

    # ------------------------------------------------------------ feeding
    def update_states(self, states) -> None:
        """Apply changed states (newest per hazard source); re-rank if the order changed."""
        changed = {s.hazard: s for s in states}
        if not changed:
            return
        new = [s for name, s in changed.items() if name not in self.row_of]
        if new:
            n = len(self.rows)
            self.beginInsertRows(QModelIndex(), n, n + len(new) - 1)
            self.rows.extend(new)
            self.row_of.update({s.hazard: n + k for k, s in enumerate(new)})
            self.endInsertRows()
        for name, s in changed.items():
            self.rows[self.row_of[name]] = s
        order = sorted(self.rows, key=rank_key)
        if [s.hazard for s in order] != [s.hazard for s in self.rows]:
            self._reorder(order)
            return
        rows = [self.row_of[name] for name in changed]
        self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(COLUMNS) - 1))

    def _reorder(self, order: list[RiskState]) -> None:
        self.layoutAboutToBeChanged.emit()
        old_row = dict(self.row_of)
        self.rows = order
        self.row_of = {s.hazard: k for k, s in enumerate(order)}
        by_old = {r: name for name, r in old_row.items()}
        old_idx = self.persistentIndexList()
        new_idx = []
        for idx in old_idx:
            name = by_old.get(idx.row())
            new_idx.append(self.index(self.row_of[name], idx.column()) if name is not None else QModelIndex())
        self.changePersistentIndexList(old_idx, new_idx)
        self.layoutChanged.emit()

    def set_states(self, states) -> None:
        """Replace every row (the initial snapshot)."""
        self.beginResetModel()
        self.rows = sorted(states, key=rank_key)
        self.row_of = {s.hazard: k for k, s in enumerate(self.rows)}
        self.endResetModel()

    def names(self) -> list[str]:
        return [s.hazard for s in self.rows]

    # ------------------------------------------------------------ Qt model
    def row_list(self) -> list[RiskState]:
        return self.rows

    def cell(self, s: RiskState, col: int, role: int):
        abnormal = is_abnormal(s)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_LEVEL:
                return ROMAN[s.level]
            if col == COL_NAME:  # with its declared operating state: "Converter BOF1 · under maintenance"
                return (
                    WORDS.name(s.hazard)
                    if s.operating is None
                    else f"{WORDS.name(s.hazard)} · {i18n.text(s.operating.state_text)}"
                )
            if col == COL_KIND:
                return hazard_kind(s.kind)
            if col == COL_INHERENT:
                return f"{ROMAN[s.inherent.level]} {grade(s.inherent.level)}"
            if col == COL_RAISED:
                return raised_by(s)
            if col == COL_SINCE:
                return time.strftime("%H:%M:%S", time.localtime(s.since)) if abnormal else ""
            if col == COL_CALIBRATION:
                return self.calibration_text(s.hazard)
            if col == COL_MANAGEMENT:
                return management(s)
            return None
        if role == STATE_ROLE:
            return s
        if role == Qt.ItemDataRole.BackgroundRole and col == COL_LEVEL and abnormal:
            return QBrush(QColor(PRIORITY_COLORS[s.level]))
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_CALIBRATION and any(c.overdue for c in self.calibration.get(s.hazard, [])):
                return None  # an overdue calibration is abnormal: full contrast
            if col == COL_LEVEL:  # grey when nothing abnormal (ISA-101), the level colour when raised
                return QBrush(QColor(PRIORITY_TEXT[s.level]) if abnormal else DIM)
            if not abnormal and col != COL_NAME:
                return QBrush(DIM)
            return None
        if role == Qt.ItemDataRole.FontRole and abnormal and col in (COL_LEVEL, COL_NAME):
            return self._bold
        if role == Qt.ItemDataRole.FontRole and col == COL_CALIBRATION:
            return self._bold if any(c.overdue for c in self.calibration.get(s.hazard, [])) else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(col, centred=(COL_LEVEL,))
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_LEVEL:
                return f"{level_text(s.level)} ({grade(s.level)})"
            if col == COL_INHERENT:
                return i18n.text(s.inherent.explanation)
            if col == COL_CALIBRATION and self.calibration.get(s.hazard):
                return self.calibration_tip(s.hazard)
            if col == COL_SINCE and abnormal:
                return self.tr("for {duration}").format(
                    duration=i18n.duration(max(self.now() - s.since, 0.0))
                )
            return i18n.text(s.explain(self.now()))
        return None


class RiskOverview(QWidget):
    """The "Plant risk" dock: the ranked table of hazard sources."""

    hazard_selected = Signal(str)  # a row was selected (or double-clicked)
    hazard_activated = Signal(str)  # a row was double-clicked: open the hazard source

    def __init__(self, bridge, parent: QWidget | None = None, *, now=time.time, today=date.today):
        super().__init__(parent)
        self.setObjectName("riskOverview")
        self.model = RiskTableModel(self, now=now)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(COL_LEVEL, LevelDelegate(self.view))
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        configure_table(
            self.view,
            COL_RAISED,
            {
                COL_LEVEL: 44,
                COL_NAME: 170,
                COL_KIND: 110,
                COL_INHERENT: 86,
                COL_SINCE: 80,
                COL_CALIBRATION: 150,
                COL_MANAGEMENT: 130,
            },
            single=True,
        )
        self.summary = QLabel("", self)
        self.summary.setObjectName("riskSummary")
        self.summary.setStyleSheet("color: #9ea2a8; padding: 0 4px;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addWidget(self.summary)
        lay.addWidget(self.view, 1)
        self._last: str | None = None
        self.bridge, self.today = bridge, today
        self._calibration_key: tuple | None = None
        self.calibration_items: list[CalibrationDue] = []
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.view.doubleClicked.connect(self._activated)
        self.model.set_states(bridge.ranked_risk())
        self.refresh_calibration()
        self._update_summary()
        bridge.risk.connect(self.update_states)

    def update_states(self, states) -> None:
        self.model.update_states(states)
        self.refresh_calibration()
        self._update_summary()

    def refresh_calibration(self) -> bool:
        """Work out what is overdue or due this week, again when the day or the plant changed."""
        config = getattr(getattr(self.bridge, "engine", None), "config", None)
        if config is None:
            return False
        today = self.today()
        key = (id(config), today)
        if key == self._calibration_key:
            return False
        self._calibration_key = key
        self.calibration_items = calibration_due(config, today)
        self.model.set_calibration(self.calibration_items)
        return True

    def select(self, name: str) -> bool:
        """Select a hazard source's row without emitting (when it was chosen elsewhere)."""
        row = self.model.row_of.get(name)
        if row is None:
            return False
        self._last = name
        self.view.selectRow(row)
        return True

    def selected(self) -> str | None:
        idx = self.view.selectionModel().currentIndex()
        return self.model.rows[idx.row()].hazard if idx.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous=None) -> None:
        if current.isValid():
            name = self.model.rows[current.row()].hazard
            if name != self._last:  # a re-rank moves the row, not the choice
                self._last = name
                self.hazard_selected.emit(name)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self._last = self.model.rows[index.row()].hazard
            self.hazard_selected.emit(self._last)
            self.hazard_activated.emit(self._last)

    def _update_summary(self) -> None:
        rows = self.model.rows
        counts = {lv: sum(1 for s in rows if s.level == lv) for lv in (1, 2, 3, 4)}
        raised = sum(1 for s in rows if s.raised)
        parts = [f"{counts[lv]} {ROMAN[lv]}" for lv in (1, 2, 3, 4) if counts[lv]]
        if rows:
            text = self.tr("{n} hazard sources: {levels}").format(n=len(rows), levels=", ".join(parts))
            config = getattr(getattr(self.bridge, "engine", None), "config", None)
            index = plant_index(rows) if config is None else plant_index(rows, config.risk.dual_prevention)
            text += " · " + self.tr("index {value}").format(value=f"{index.value:.0f}")
            self.summary.setToolTip(i18n.text(index.explain()))
        else:
            text = self.tr("No risk evaluation yet")
        if raised:
            text += " · " + self.tr("{n} raised by live evidence").format(n=raised)
        items = self.calibration_items
        late = sum(1 for c in items if c.overdue)
        if late:
            text += " · " + self.tr("calibration: {n} overdue").format(n=late)
        if len(items) - late:
            text += " · " + self.tr("calibration: {n} due this week").format(n=len(items) - late)
        self.summary.setText(text)


__all__ = ["COLUMNS", "RiskOverview", "RiskTableModel", "rank_key"]
