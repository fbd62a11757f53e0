"""The Settings dialog on a station: the server's plant configuration, read-only.

A station does not write the plant file: the configuration lives on the server. The dialog
opens on the station's copy with nothing editable, a line saying why, Close instead of OK,
Apply and Cancel, and one action a station may take: "Change limit…" on a tag, sent to the
server as a signed `set_limit` command (app/control_room/commands.py: the engineer role only);
the server's answer is shown in the dialog.
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
)

from app.accounts.users import Permission
from views.login import user_message

LIMITS = ("HH", "H", "L", "LL")


def make_read_only(dialog, keep: tuple = ()) -> None:
    """Nothing in `dialog` edits: fields read-only, tables not editable, buttons and choices
    disabled (the page list and `keep` excepted), so it can be read and scrolled."""
    for w in dialog.findChildren(QAbstractItemView):
        if not isinstance(w, QListWidget):
            w.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    for w in dialog.findChildren(QLineEdit) + dialog.findChildren(QAbstractSpinBox):
        w.setReadOnly(True)
    for w in dialog.findChildren(QPlainTextEdit) + dialog.findChildren(QTextEdit):
        w.setReadOnly(True)
    for w in dialog.findChildren(QAbstractButton) + dialog.findChildren(QComboBox):
        if w not in keep:
            w.setEnabled(False)


class StationSettings:
    """Opens the read-only Settings dialog of a station's main window (one at a time)."""

    def __init__(self, window, engine):
        self._window = weakref.ref(window)  # the window holds this: no cycle keeping it past the app
        self.engine = engine
        self.dialog = None
        self.limit_dialog: LimitDialog | None = None

    @property
    def window(self):
        return self._window()

    def open(self):
        from views.settings import SettingsDialog

        w = self.window
        dlg = self.dialog
        if dlg is None or not dlg.isVisible():
            dlg = SettingsDialog(w.config, parent=w, administrator=False)
            reason = QLabel(
                QCoreApplication.translate(
                    "StationSettings",
                    "The configuration lives on the server: it is read-only on this station. "
                    "An engineer changes a tag's alarm limit with Change limit…",
                )
            )
            reason.setObjectName("stationReadOnly")
            reason.setWordWrap(True)
            reason.setContentsMargins(14, 8, 14, 0)
            dlg.layout().insertWidget(0, reason)
            dlg.reason_label = reason
            dlg.apply_button.hide()
            dlg.ok_button.hide()
            close = dlg.buttons.button(QDialogButtonBox.StandardButton.Cancel)
            close.setText(QCoreApplication.translate("StationSettings", "Close"))
            dlg.change_limit_button = dlg.buttons.addButton(
                QCoreApplication.translate("StationSettings", "Change limit…"),
                QDialogButtonBox.ButtonRole.ActionRole,
            )
            dlg.change_limit_button.clicked.connect(self.change_limit)
            make_read_only(dlg, keep=(dlg.change_limit_button, close))
            dlg.change_limit_button.setEnabled(self._may_configure())
            dlg.apply = lambda: False  # nothing is saved here (Enter or a shortcut included)
            self.dialog = dlg
        dlg.show()
        dlg.raise_()
        return dlg

    def _may_configure(self) -> bool:
        session = self.window.session
        return session is None or session.can(Permission.CONFIGURE)

    def change_limit(self):
        """The Change limit dialog on the tag selected in the Tags page, if any."""
        tag = ""
        dlg = self.dialog
        if dlg is not None:
            index = dlg.tags_page.table.currentIndex()
            if index.isValid():
                tag = str(index.siblingAtColumn(0).data() or "")
        self.limit_dialog = LimitDialog(self.window, self.engine, tag, parent=dlg or self.window)
        self.limit_dialog.show()
        return self.limit_dialog


class LimitDialog(QDialog):
    """One tag's alarm limit, sent to the server; its answer shown (`answer`)."""

    def __init__(self, window, engine, tag: str = "", parent=None):
        super().__init__(parent)
        self._window = weakref.ref(window)
        self.engine = engine
        self.setObjectName("changeLimitDialog")
        self.setWindowTitle(self.tr("Change limit"))
        self.tag = QComboBox()
        self.tag.addItems([t.name for t in window.config.tags])
        if tag:
            self.tag.setCurrentText(tag)
        self.limit = QComboBox()
        self.limit.addItems(LIMITS)
        self.value = QLineEdit()
        self.value.setPlaceholderText(self.tr("empty: no limit"))
        self.answer = QLabel("")
        self.answer.setObjectName("limitAnswer")
        self.answer.setWordWrap(True)
        self.send_button = QPushButton(self.tr("Send to the server"))
        self.send_button.clicked.connect(self.send)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Tag"), self.tag)
        form.addRow(self.tr("Limit"), self.limit)
        form.addRow(self.tr("Value"), self.value)
        form.addRow(self.answer)
        form.addRow(self.send_button, close)

    @property
    def window(self):
        return self._window()

    def send(self) -> None:
        text = self.value.text().strip()
        try:
            value = float(text) if text else None
        except ValueError:
            self.answer.setText(self.tr("Not a number: {text}").format(text=text))
            return
        self.send_button.setEnabled(False)
        self.answer.setText(self.tr("Sent; waiting for the server…"))
        session = self.window.session
        user = session.name if session is not None else ""
        self.window.bridge.request(
            self.engine.set_limit,
            self.tag.currentText(),
            self.limit.currentText(),
            value,
            user,
            on_done=self._answered,
        )

    def _answered(self, future) -> None:
        self.send_button.setEnabled(True)
        exc = future.exception()
        if exc is not None:
            self.answer.setText(
                self.tr("Refused by the server: {reason}").format(reason=user_message(str(exc)))
            )
        else:
            self.answer.setText(self.tr("Done: the server applied it"))
