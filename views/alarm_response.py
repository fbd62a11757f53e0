"""The response to a reported alarm (处置反馈): its cause, the measure taken and who did it, as the
regulator's platform requires for the alarms and warnings the link reports, within the plant's
`response_due_min`. Opened from the alarm list's context menu ("Response…") and from the list of
responses due ("Alarm responses…" on the Alarms menu: overdue first, for the supervisor).

The response is journaled (`alarm_responses`), audited and queued for the platform by
app.uplink.link.Uplink.respond; this module only asks for it."""

from __future__ import annotations

import time

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from storage.uplink_queue import Response


def _when(ts: float | None) -> str:
    return "" if ts is None else time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


class AlarmResponseDialog(QDialog):
    """Cause, measure and person for one reported alarm; `link.respond` on OK."""

    def __init__(self, link, response: Response, user: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("alarmResponseDialog")
        self.setWindowTitle(self.tr("Alarm response"))
        self.link, self.response = link, response
        self.result_response: Response | None = None
        head = QLabel(
            self.tr("{alarm}\nbegan {since}, ended or acknowledged {ended}; response due {due}").format(
                alarm=response.message or response.alarm_key,
                since=_when(response.since),
                ended=_when(response.ended),
                due=_when(response.due),
            ),
            self,
        )
        head.setWordWrap(True)
        self.cause = QPlainTextEdit(response.cause, self)
        self.cause.setPlaceholderText(self.tr("What caused it (required)"))
        self.measure = QPlainTextEdit(response.measure, self)
        self.measure.setPlaceholderText(self.tr("What was done about it (required)"))
        self.person = QLineEdit(response.user or user, self)
        for box in (self.cause, self.measure):
            box.setTabChangesFocus(True)
            box.setMaximumHeight(90)
            box.textChanged.connect(self._check)
        self.person.textChanged.connect(self._check)
        form = QFormLayout()
        form.addRow(self.tr("Cause"), self.cause)
        form.addRow(self.tr("Measure taken"), self.measure)
        form.addRow(self.tr("By"), self.person)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._check()

    def _check(self) -> None:
        ok = all(
            t.strip() for t in (self.cause.toPlainText(), self.measure.toPlainText(), self.person.text())
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def accept(self) -> None:
        r = self.response
        self.result_response = self.link.respond(
            r.alarm_key,
            r.since,
            self.cause.toPlainText().strip(),
            self.measure.toPlainText().strip(),
            self.person.text().strip(),
        )
        super().accept()


class ResponsesModel(QAbstractTableModel):
    """The responses not yet given, most urgent first."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Response] = []
        self.now = time.time()
        self.headers = [
            self.tr("Due"),
            self.tr("Alarm"),
            self.tr("Point"),
            self.tr("Ended"),
            self.tr("State"),
        ]

    def set_rows(self, rows: list[Response], now: float) -> None:
        self.beginResetModel()
        self.rows, self.now = rows, now
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        r = self.rows[index.row()]
        return (
            _when(r.due),
            r.message or r.alarm_key,
            r.point_code,
            _when(r.ended),
            self.tr("overdue") if r.due <= self.now else self.tr("open"),
        )[index.column()]


class ResponsesDialog(QDialog):
    """The supervisor's list of responses due, overdue first; "Respond…" opens the dialog."""

    def __init__(self, link, user: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("alarmResponsesDialog")
        self.setWindowTitle(self.tr("Alarm responses due"))
        self.link, self.user = link, user
        self.model = ResponsesModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.respond_selected())
        self.summary = QLabel(self)
        respond = QPushButton(self.tr("Respond…"), self)
        respond.clicked.connect(self.respond_selected)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        close.rejected.connect(self.reject)
        close.addButton(respond, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(close)
        self.resize(760, 360)
        self.refresh()

    def refresh(self) -> None:
        now = self.link.clock()
        overdue, soon = self.link.open_responses(now)
        rows = self.link.store.responses(open_only=True)
        self.model.set_rows(rows, now)
        self.summary.setText(
            self.tr("{overdue} overdue, {soon} due soon, {open} open").format(
                overdue=len(overdue), soon=len(soon), open=len(rows)
            )
        )

    def respond_selected(self) -> None:
        idx = self.table.selectionModel().currentIndex()
        if idx.isValid():
            dlg = AlarmResponseDialog(self.link, self.model.rows[idx.row()], self.user, self)
            dlg.exec()
            self.refresh()


def respond_to_alarm(parent: QWidget, link, alarm, user: str) -> AlarmResponseDialog | None:
    """Open the response dialog of an alarm from the alarm list; say why when it needs none (yet)."""
    response = link.store.response_for(alarm.key, alarm.since) if link is not None else None
    if response is None:
        QMessageBox.information(
            parent,
            QCoreApplication.translate("AlarmResponseDialog", "Alarm response"),
            QCoreApplication.translate(
                "AlarmResponseDialog",
                "No response is due for this alarm: it is not reported to the regulator, or it still "
                "stands unacknowledged.",
            ),
        )
        return None
    dlg = AlarmResponseDialog(link, response, user, parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg


def open_responses(window) -> ResponsesDialog | None:
    """The main window's "Alarm responses…": the responses due of the link this HMI runs."""
    link = getattr(window.engine, "uplink", None)
    if link is None:
        QMessageBox.information(
            window,
            QCoreApplication.translate("AlarmResponseDialog", "Alarm responses"),
            QCoreApplication.translate(
                "AlarmResponseDialog", "This workstation runs no regulator link (uplink: in the plant file)."
            ),
        )
        return None
    dlg = ResponsesDialog(link, window.user, window)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.show()
    return dlg
