"""The response to a reported alarm (处置反馈): its cause, the measure taken and who did it, as the
regulator's platform requires for the alarms and warnings the link reports, within the plant's
`response_due_min`. Opened from the alarm list's context menu ("Response…") and from the list of
responses due ("Alarm responses…" on the Alarms menu: overdue first, for the supervisor).

The response is journaled (`alarm_responses`), audited and queued for the platform by
app.uplink.link.Uplink.respond; this module only asks for it."""

from __future__ import annotations

import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
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
from widgets.row_model import RowTableModel


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


class ResponsesModel(RowTableModel):
    """The responses of a list, most urgent first."""

    context = "uplink"
    columns = (
        QT_TRANSLATE_NOOP("uplink", "Due"), QT_TRANSLATE_NOOP("uplink", "Alarm"), QT_TRANSLATE_NOOP("uplink", "Point"),
        QT_TRANSLATE_NOOP("uplink", "Ended"), QT_TRANSLATE_NOOP("uplink", "State"), QT_TRANSLATE_NOOP("uplink", "Cause"),
        QT_TRANSLATE_NOOP("uplink", "Measure"), QT_TRANSLATE_NOOP("uplink", "By"),
    )  # fmt: skip

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Response] = []
        self.now = time.time()

    def row_list(self) -> list[Response]:
        return self.rows

    def set_rows(self, rows: list[Response], now: float) -> None:
        self.beginResetModel()
        self.rows, self.now = rows, now
        self.endResetModel()

    def cell(self, r: Response, col: int, role: int):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if r.responded is not None:
            state = QCoreApplication.translate("uplink", "given {when}").format(when=_when(r.responded))
        elif r.due <= self.now:
            state = QCoreApplication.translate("uplink", "overdue")
        else:
            state = QCoreApplication.translate("uplink", "open")
        return (
            _when(r.due), r.message or r.alarm_key, r.point_code, _when(r.ended), state, r.cause, r.measure, r.user,
        )[col]  # fmt: skip


class ResponsesDialog(QDialog):
    """The supervisor's list of responses due, overdue first, "Respond…" opening the dialog (with
    the running `link`); or, with `period`, every response of the alarms that ended in it, as the
    alarm history shows them (read from `store`, no link needed)."""

    def __init__(
        self, store, user: str, parent: QWidget | None = None, *, link=None, period=None, now=time.time
    ):
        super().__init__(parent)
        self.setObjectName("alarmResponsesDialog")
        self.setWindowTitle(self.tr("Alarm responses") if period else self.tr("Alarm responses due"))
        self.store, self.user, self.link, self.period = store, user, link, period
        self.now = link.clock if link is not None else now
        self.model = ResponsesModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel(self)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        close.rejected.connect(self.reject)
        if link is not None:
            respond = QPushButton(self.tr("Respond…"), self)
            respond.clicked.connect(self.respond_selected)
            close.addButton(respond, QDialogButtonBox.ButtonRole.ActionRole)
            self.table.doubleClicked.connect(lambda _i: self.respond_selected())
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(close)
        self.resize(1000, 380)
        self.refresh()

    def refresh(self) -> None:
        now = self.now()
        if self.period is not None:
            rows = self.store.responses(*self.period)
        else:
            rows = self.store.responses(open_only=True)
        overdue = sum(r.responded is None and r.due <= now for r in rows)
        given = sum(r.responded is not None for r in rows)
        self.model.set_rows(rows, now)
        self.summary.setText(
            self.tr("{n} responses: {given} given, {overdue} overdue").format(
                n=len(rows), given=given, overdue=overdue
            )
        )

    def respond_selected(self) -> None:
        idx = self.table.selectionModel().currentIndex()
        if idx.isValid() and self.link is not None:
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
    dlg = ResponsesDialog(link.store, window.user, window, link=link)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.show()
    return dlg


def open_period_responses(parent: QWidget, db_engine, t0: float, t1: float) -> ResponsesDialog:
    """The alarm history's "Responses…": the responses of the alarms that ended in [t0, t1)."""
    from storage.uplink_queue import UplinkQueue

    dlg = ResponsesDialog(UplinkQueue(db_engine), "", parent, period=(t0, t1))
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.show()
    return dlg
