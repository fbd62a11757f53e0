"""The trace of a hazard source's risk as a table: which indicator pulls the level to what, the
evidence, since when and what it says, most severe first (the engine's order)."""

from __future__ import annotations

import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from core.alarm_types import ROMAN
from core.formatting import format_duration
from views import i18n
from views.i18n import evidence, level_text
from widgets.palette import PRIORITY_COLORS, PRIORITY_TEXT
from widgets.row_model import RowTableModel, alignment


def clock(ts: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(ts))


def since_text(ts: float, now: float) -> str:
    """'14:02:11 · 6 min'."""
    return f"{clock(ts)} · {i18n.text(format_duration(max(now - ts, 0.0)))}"


TRACE_COLUMNS = (
    QT_TRANSLATE_NOOP("hazard_panel", "Level"),
    QT_TRANSLATE_NOOP("hazard_panel", "Indicator"),
    QT_TRANSLATE_NOOP("hazard_panel", "Evidence"),
    QT_TRANSLATE_NOOP("hazard_panel", "Since"),
    QT_TRANSLATE_NOOP("hazard_panel", "Detail"),
)


class TraceModel(RowTableModel):
    """The trace of one risk state, most severe first (the engine's order). A few rows that change
    only when the risk does: replaced as a whole on a new state."""

    columns, context = TRACE_COLUMNS, "hazard_panel"

    def __init__(self, parent=None, *, now=time.time):
        super().__init__(parent)
        self.items: tuple = ()
        self.now = now
        self._bold = QFont()
        self._bold.setBold(True)

    def set_trace(self, items) -> None:
        items = tuple(items)
        if items == self.items:
            return
        if len(items) == len(self.items) and items:
            self.items = items
            self.dataChanged.emit(self.index(0, 0), self.index(len(items) - 1, len(TRACE_COLUMNS) - 1))
            return
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def row_list(self) -> tuple:
        return self.items

    def cell(self, t, col: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                ROMAN.get(t.level, "?"),
                t.indicator,
                evidence(t.what),
                since_text(t.since, self.now()),
                i18n.text(t.detail),
            )[col]
        if role == Qt.ItemDataRole.BackgroundRole and col == 0:
            return QBrush(QColor(PRIORITY_COLORS.get(t.level, "#888888")))
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return QBrush(QColor(PRIORITY_TEXT.get(t.level, "#000000")))
        if role == Qt.ItemDataRole.FontRole and col in (0, 1):
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(col, centred=(0,))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{t.indicator}: {evidence(t.what)} → {level_text(t.level)}\n{i18n.text(t.detail)}"
        return None


__all__ = ["TRACE_COLUMNS", "TraceModel", "clock", "since_text"]
