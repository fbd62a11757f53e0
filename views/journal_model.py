"""The alarm journal as a table: `JournalModel`, its filter `JournalProxy`, and the workers.

`JournalLoad` reads the journal and the KPIs of one period in a `QThreadPool` worker and stops at
its next chunk when a newer request replaces it; `ExportJob` writes the shown rows to a file.
Column headers are translated in the "alarm_history" context, as in the history view.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QObject,
    QRunnable,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from app.reports import report_data as rd
from views.report_texts import journal_state, kind_text
from widgets.palette import PRIORITY_COLORS, PRIORITY_TEXT
from widgets.row_model import RowTableModel, alignment
from widgets.trend_workers import RequestCounter
from widgets.worker_signals import emit_quietly, outcome

COLUMNS = (  # the table's headers (the CSV keeps rd.CSV_COLUMNS: machine-readable)
    QT_TRANSLATE_NOOP("alarm_history", "Time"),
    QT_TRANSLATE_NOOP("alarm_history", "Pri"),
    QT_TRANSLATE_NOOP("alarm_history", "Tag"),
    QT_TRANSLATE_NOOP("alarm_history", "Kind"),
    QT_TRANSLATE_NOOP("alarm_history", "State"),
    QT_TRANSLATE_NOOP("alarm_history", "Value"),
    QT_TRANSLATE_NOOP("alarm_history", "Limit"),
    QT_TRANSLATE_NOOP("alarm_history", "Message"),
    QT_TRANSLATE_NOOP("alarm_history", "User"),
    QT_TRANSLATE_NOOP("alarm_history", "Comment"),
)
COL_TIME, COL_PRI, COL_TAG, COL_KIND, COL_STATE, COL_VALUE, COL_LIMIT, COL_MSG, COL_USER, COL_COMMENT = range(
    10
)
GREY_TEXT = QColor("#8a8d91")


# ---------------------------------------------------------------- model and filter
class JournalModel(RowTableModel):
    """Journal rows of one query; a new query resets the model, a sort reorders it in Python."""

    columns, context = COLUMNS, "alarm_history"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entries: list[rd.JournalEntry] = []

    def set_entries(self, entries: list[rd.JournalEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def row_list(self) -> list[rd.JournalEntry]:
        return self.entries

    def cell(self, e: rd.JournalEntry, col: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_TIME:
                return rd.fmt_datetime(e.ts)
            if col == COL_STATE:
                return journal_state(e.state)
            if col == COL_KIND:
                return kind_text(e.kind)  # 预测 for FORECAST in Chinese; the CSV keeps the code
            return rd.entry_cells(e)[col]
        if role == Qt.ItemDataRole.BackgroundRole and col == COL_PRI:
            return QColor(PRIORITY_COLORS.get(e.priority, "#808080"))
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_PRI:
                return QColor(PRIORITY_TEXT.get(e.priority, "#ffffff"))
            if not e.active or e.state in rd.OFF_LIST_STATES:
                return GREY_TEXT  # cleared or off the operator's list: recorded, not urgent
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(col, numbers=(COL_VALUE, COL_LIMIT), centred=(COL_PRI,))
        if role == Qt.ItemDataRole.FontRole and col == COL_PRI:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.ToolTipRole and col in (COL_MSG, COL_COMMENT, COL_TAG):
            return f"{e.key}\n{e.message}" + (f"\n{e.user}: {e.comment}" if e.comment else "")
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python (one key per row), not by a comparison per pair of rows in Qt."""
        keys: dict[int, Callable[[rd.JournalEntry], object]] = {
            COL_TIME: lambda e: (e.ts, e.id),
            COL_PRI: lambda e: (e.priority, e.ts, e.id),
            COL_TAG: lambda e: (e.tag.casefold(), e.ts, e.id),
            COL_KIND: lambda e: (e.kind, e.ts, e.id),
            COL_STATE: lambda e: (e.state, e.ts, e.id),
            COL_VALUE: lambda e: (-math.inf if e.value is None else e.value, e.ts, e.id),
            COL_LIMIT: lambda e: (-math.inf if e.limit is None else e.limit, e.ts, e.id),
            COL_MSG: lambda e: (e.message.casefold(), e.ts, e.id),
            COL_USER: lambda e: (e.user.casefold(), e.ts, e.id),
            COL_COMMENT: lambda e: (e.comment.casefold(), e.ts, e.id),
        }
        key = keys.get(column)
        if key is None:
            return
        self.beginResetModel()
        self.entries.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.endResetModel()


class JournalProxy(QSortFilterProxyModel):
    """Applies an `EntryFilter`; sorting is delegated to the source model."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.filter = rd.EntryFilter()

    def set_filter(self, f: rd.EntryFilter) -> None:
        if f != self.filter:
            self.beginFilterChange()
            self.filter = f
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent) -> bool:
        f = self.filter
        if not (f.priorities or f.kinds or f.states or f.text.strip()):
            return True
        return f.matches(self.sourceModel().entries[row])

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def entries(self) -> list[rd.JournalEntry]:
        """The shown rows, in the shown order."""
        src = self.sourceModel().entries
        return [src[self.mapToSource(self.index(r, 0)).row()] for r in range(self.rowCount())]


# ---------------------------------------------------------------- workers
Loader = Callable[..., rd.JournalData]


class HistorySignals(QObject):
    """Signals of the history workers, delivered on the GUI thread."""

    progress = Signal(int, int, int)  # request, rows read, total
    loaded = Signal(int, object)  # request, JournalData or Exception
    exported = Signal(str, object)  # path, rows written or Exception


class JournalLoad(QRunnable):
    """Reads the journal and the KPIs of one period; stops when a newer request replaces it."""

    def __init__(
        self,
        request: int,
        counter: RequestCounter,
        loader: Loader,
        t0: float,
        t1: float,
        operators: int,
        signals,
    ):
        super().__init__()
        self.request, self.counter, self.loader = request, counter, loader
        self.t0, self.t1, self.operators, self.signals = t0, t1, operators, signals

    def _cancelled(self) -> bool:
        return self.counter.value != self.request

    def _progress(self, done: int, total: int) -> None:
        self.signals.progress.emit(self.request, done, total)

    def run(self) -> None:
        # rd.Cancelled or an error is shown in the view's status line; the view may have been
        # closed while loading
        result = outcome(
            lambda: self.loader(
                self.t0, self.t1, operators=self.operators, cancelled=self._cancelled, progress=self._progress
            )
        )
        emit_quietly(self.signals.loaded, self.request, result)


class ExportJob(QRunnable):
    """Writes the shown rows to a file (CSV or PDF) off the GUI thread."""

    def __init__(self, write: Callable[[], int], path: str, signals: HistorySignals):
        super().__init__()
        self.write, self.path, self.signals = write, path, signals

    def run(self) -> None:
        emit_quietly(self.signals.exported, self.path, outcome(self.write))  # an error: reported in the view
