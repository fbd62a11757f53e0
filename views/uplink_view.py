"""The "Regulator link" window: is the link delivering, since when, what waits (backlog size and
age), what the platform refused, and per point the online rate and completeness of this shift
and this month, as the platform will judge them. Read from the history database
(app.uplink.report), so it shows the figures whether or not this workstation runs the link."""

from __future__ import annotations

import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.reports.shifts import shift_period
from app.uplink.report import month_start, uplink_summary
from views.report_uplink import percent
from widgets.row_model import RowTableModel, alignment


def _when(ts: float | None) -> str:
    return "–" if ts is None else time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts))


class PointsModel(RowTableModel):
    """Per point: code, tag, expected snapshots, delivered, online rate, completeness."""

    context = "uplink"
    columns = (
        QT_TRANSLATE_NOOP("uplink", "Point"), QT_TRANSLATE_NOOP("uplink", "Tag"), QT_TRANSLATE_NOOP("uplink", "Expected"),
        QT_TRANSLATE_NOOP("uplink", "Delivered"), QT_TRANSLATE_NOOP("uplink", "Online"),
        QT_TRANSLATE_NOOP("uplink", "Complete"),
    )  # fmt: skip

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []

    def row_list(self) -> list:
        return self.rows

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def cell(self, p, col: int, role: int):
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(col, numbers=(2, 3, 4, 5))
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (p.code, p.tag, p.expected, p.delivered, percent(p.online_rate), percent(p.completeness))[col]


class PeriodPage(QWidget):
    """The figures of one period: a summary line, the points, the refused messages."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.model = PointsModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.refused = QLabel(self)
        self.refused.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(self.refused)

    def show_summary(self, s) -> None:
        h = s.health
        self.summary.setText(
            self.tr("Online rate {online}, completeness {complete}; responses {given} of {n} given, {overdue} overdue").format(
                online=percent(h.online_rate), complete=percent(h.completeness), given=s.responses_given,
                n=len(s.responses), overdue=len(s.overdue),
            )
        )  # fmt: skip
        self.model.set_rows(h.points)
        self.table.resizeColumnsToContents()
        lines = [f"{_when(t)}  {k}  {p}  {a}" for t, k, p, a in h.refused[-20:]]
        self.refused.setText(
            self.tr("Refused by the platform: {n}").format(n=len(h.refused))
            + ("\n" + "\n".join(lines) if lines else "")
        )


class UplinkView(QDialog):
    """See the module docstring. `link`: the link this process runs (None: another process's)."""

    def __init__(self, db_engine, config, link=None, parent=None, *, now=None):
        super().__init__(parent)
        self.setObjectName("uplinkView")
        self.setWindowTitle(self.tr("Regulator link"))
        self.db, self.config, self.link = db_engine, config, link
        self.now = now or (link.clock if link is not None else time.time)
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.shift_page, self.month_page = PeriodPage(self), PeriodPage(self)
        self.tabs.addTab(self.shift_page, self.tr("This shift"))
        self.tabs.addTab(self.month_page, self.tr("This month"))
        refresh = QPushButton(self.tr("Refresh"), self)
        refresh.clicked.connect(self.refresh)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        buttons.addButton(refresh, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(900, 560)
        self.refresh()

    def refresh(self) -> None:
        now = self.now()
        t0, _ = shift_period("current", now)
        shift = uplink_summary(self.db, self.config, t0, now + 1, now)
        month = uplink_summary(self.db, self.config, month_start(now), now + 1, now)
        if shift is None or month is None:
            self.state.setText(
                self.tr("This plant reports no points to a regulator (uplink: in the plant file).")
            )
            return
        h = shift.health
        if self.link is None:
            running = self.tr("not run by this workstation")
        elif self.link.sender.up:
            running = self.tr("delivering")
        else:
            running = self.tr("down: {error}").format(error=self.link.sender.last_error)
        age = "–" if h.backlog_age_s is None else f"{h.backlog_age_s / 60:.0f} min"
        self.state.setText(
            self.tr("Link: {running}. Last delivery {last}; backlog {n} messages, the oldest {age}.").format(
                running=running, last=_when(h.last_delivery), n=h.backlog, age=age
            )
        )
        self.shift_page.show_summary(shift)
        self.month_page.show_summary(month)


def open_uplink_view(window) -> UplinkView:
    """The main window's "Regulator link…": one view per window, kept when closed."""
    if getattr(window, "uplink_view", None) is None:
        history = getattr(window.engine, "history", None)
        window.uplink_view = UplinkView(
            getattr(history, "engine", None), window.config, getattr(window.engine, "uplink", None), window
        )
    else:
        window.uplink_view.refresh()
    window.uplink_view.show()
    window.uplink_view.raise_()
    return window.uplink_view
