"""The administrator's user list: add, remove, change role, set a new password, disable or enable.
Every change is made through UserStore under the administrator's name, so it is in the audit trail.
On a station the store is app/control_room/station_login.RemoteAccounts: a change is a command the
server applies, answered later (a future); the dialog says it waits, and shows the server's answer
without holding up the screen."""

from __future__ import annotations

import concurrent.futures
import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.accounts.users import MAX_NAME, Role, UserError
from app.control_room.station_login import NO_ANSWER
from views.login import user_message
from views.session import role_label

ANSWER_WAIT_S = 15.0  # for the server's answer to a change made on a station


class UsersDialog(QDialog):
    """Users of this plant's database (a handful of rows: a QTableWidget is enough here)."""

    answered = Signal(object)  # a change's future, done (from the thread that finished it)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session, self.store = session, session.store
        self.pending: concurrent.futures.Future | None = None
        self.answered.connect(self._answered)
        self.setWindowTitle(self.tr("Forewarn — users"))
        self.resize(560, 340)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("User"), self.tr("Role"), self.tr("State")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.error = QLabel(self)
        self.error.setObjectName("loginError")
        self.error.setStyleSheet("color: #ffffff; background: #7a2a2a; padding: 4px 8px;")
        self.error.hide()
        self.note = QLabel(self)
        self.note.setObjectName("usersNote")
        self.note.hide()
        buttons = QHBoxLayout()
        self.change_buttons: list[QPushButton] = []
        for text, slot in (
            (self.tr("Add…"), self.add),
            (self.tr("Role…"), self.change_role),
            (self.tr("New password…"), self.new_password),
            (self.tr("Disable / enable"), self.toggle_disabled),
            (self.tr("Remove"), self.remove),
        ):
            b = QPushButton(text, self)
            b.clicked.connect(slot)
            buttons.addWidget(b)
            self.change_buttons.append(b)
        buttons.addStretch(1)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.error)
        lay.addWidget(self.note)
        lay.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        users = self.store.users()
        now = int(time.time() * 1000)
        self.table.setRowCount(len(users))
        for row, u in enumerate(users):
            state = self.tr("disabled") if u.disabled else (self.tr("locked") if u.locked(now) else "")
            for col, text in enumerate((u.name, role_label(u.role), state)):
                self.table.setItem(row, col, QTableWidgetItem(text))

    def selected(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.text() if item is not None else None

    def _do(self, fn, *args) -> None:
        if self.pending is not None:
            return  # one change at a time: the last one is not answered yet
        try:
            answer = fn(*args, by=self.session.name)
        except UserError as exc:
            self._show_error(str(exc))
            return
        if isinstance(answer, concurrent.futures.Future):  # a station: the server answers later
            self._wait_for(answer)
            return
        self.error.hide()
        self.reload()

    def _show_error(self, text: str) -> None:
        self.error.setText(user_message(text))
        self.error.show()

    def _wait_for(self, answer: concurrent.futures.Future) -> None:
        self.pending = answer
        self.error.hide()
        self.note.setText(self.tr("Sent; waiting for the server…"))
        self.note.show()
        for b in self.change_buttons:
            b.setEnabled(False)
        answer.add_done_callback(self._emit_answer)
        wait_s = float(getattr(self.store, "timeout", ANSWER_WAIT_S) or ANSWER_WAIT_S)
        QTimer.singleShot(int(1000 * max(wait_s, ANSWER_WAIT_S)), self, lambda: self._no_answer(answer))

    def _emit_answer(self, future: concurrent.futures.Future) -> None:  # any thread
        try:
            self.answered.emit(future)
        except RuntimeError:  # the dialog is gone: nobody to tell
            pass

    def _no_answer(self, answer: concurrent.futures.Future) -> None:
        if self.pending is answer and not answer.done():
            self._settle()
            self._show_error(NO_ANSWER)

    def _answered(self, future: concurrent.futures.Future) -> None:
        if self.pending is not future:
            return  # answered after the dialog gave up on it
        self._settle()
        exc = future.exception()
        if exc is not None:
            self._show_error(str(exc))
        self.reload()

    def _settle(self) -> None:
        self.pending = None
        self.note.hide()
        for b in self.change_buttons:
            b.setEnabled(True)

    def add(self) -> None:
        dlg = QDialog(self)
        dlg.setWindowTitle(self.tr("Add user"))
        name, role = QLineEdit(dlg), QComboBox(dlg)
        name.setMaxLength(MAX_NAME)
        for r in Role:
            role.addItem(role_label(r), r)
        pw1, pw2 = QLineEdit(dlg), QLineEdit(dlg)
        for pw in (pw1, pw2):
            pw.setEchoMode(QLineEdit.EchoMode.Password)
        ok = QPushButton(self.tr("Add"), dlg)
        ok.setDefault(True)
        ok.clicked.connect(dlg.accept)
        form = QFormLayout(dlg)
        form.addRow(self.tr("User name"), name)
        form.addRow(self.tr("Role"), role)
        form.addRow(self.tr("Password"), pw1)
        form.addRow(self.tr("Password again"), pw2)
        form.addRow(ok)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        self.create(name.text(), role.currentData(), pw1.text(), pw2.text())

    def create(self, name: str, role: Role, password: str, again: str) -> None:
        """Add a user (the Add… form's fields)."""
        if password != again:
            self.error.setText(self.tr("The two passwords differ."))
            self.error.show()
            return
        self._do(self.store.add, name, role, password)

    def change_role(self) -> None:
        name = self.selected()
        if name is None:
            return
        roles = list(Role)
        labels = [role_label(r) for r in roles]
        label, ok = QInputDialog.getItem(
            self, self.tr("Role"), self.tr("Role of {name}:").format(name=name), labels, 0, False
        )
        if ok and label in labels:
            self._do(self.store.set_role, name, roles[labels.index(label)])

    def new_password(self) -> None:
        name = self.selected()
        if name is None:
            return
        pw, ok = QInputDialog.getText(
            self,
            self.tr("New password"),
            self.tr("New password for {name}:").format(name=name),
            QLineEdit.EchoMode.Password,
        )
        if ok:
            self._do(self.store.set_password, name, pw)

    def toggle_disabled(self) -> None:
        """Disable the selected account (its logins refused) or enable it again."""
        name = self.selected()
        if name is None or name == self.session.name:
            return
        user = self.store.get(name)
        if user is not None:
            self._do(self.store.set_disabled, name, not user.disabled)

    def remove(self) -> None:
        name = self.selected()
        if name is None or name == self.session.name:
            return
        answer = QMessageBox.question(
            self, self.tr("Remove user"), self.tr("Remove {name}?").format(name=name)
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._do(self.store.remove, name)
