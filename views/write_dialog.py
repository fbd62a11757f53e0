"""Write one value to a device: enter it, confirm it, see what the device said.

Reached from the tag browser's context menu ("Write value…"). The dialog never blocks: the
engine runs the write in its acquisition loop and answers with a future, whose result comes
back here through a queued signal. What may be written is decided by the plant file (the tag
is `writable`) and the user's role (app.accounts.users.may_write); the engine checks again and audits
every attempt, refused ones too.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.accounts.users import may_write, write_role
from app.config.tag_rows import fmt_number
from core.samples import Quality
from views import i18n
from widgets.layouts import button, vbox
from widgets.worker_signals import emit_quietly, outcome

PAGE_ENTER, PAGE_CONFIRM, PAGE_RESULT = range(3)
_INT_LIMITS = {
    "int16": (-32768, 32767),
    "uint16": (0, 65535),
    "int32": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("WriteDialog", text)


def write_permission(window, tag_index: int) -> tuple[bool, str]:
    """Whether the window's user may write this tag now, and if not why (a tooltip)."""
    tag = window.config.tags[tag_index]
    session = getattr(window, "session", None)
    controls = getattr(window, "session_controls", None)
    if controls is not None and controls.locked:
        return False, _tr("The screen is locked")
    role = session.role if session is not None else None
    allowed, _why = may_write(role, tag)
    if allowed:
        return True, ""
    if not tag.writable:
        return False, _tr("Not writable: the plant file does not mark this tag writable")
    if role is None:
        return False, _tr("Log in to write values")
    return False, _tr("Needs the {role} role or higher").format(role=write_role(tag).label)


def open_write_dialog(window, tag_index: int) -> WriteDialog | None:
    """The write dialog for a tag of the window's plant, if the user may write it (non-modal)."""
    allowed, why = write_permission(window, tag_index)
    if not allowed:
        window.statusBar().showMessage(why, 8000)
        return None
    from app.config import tag_type

    tag = window.config.tags[tag_index]
    engine, session = window.engine, window.session

    def current() -> tuple[float, int]:
        snap = engine.latest()
        return float(snap.value[tag_index]), int(snap.quality[tag_index])

    dlg = WriteDialog(
        tag,
        tag_type(window.config, tag) or "float64",
        current,
        lambda value: engine.write(tag.name, value, session.user),
        window,
    )
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg


class WriteDialog(QDialog):
    """Enter a value (checked against the tag's type and range), confirm, then the result.

    `submit(value)` starts the write and returns a concurrent.futures.Future of an
    app.runtime.engine.WriteResult; `current()` gives the tag's live (value, quality)."""

    resultReady = Signal(object)  # WriteResult, in the GUI thread
    _resolved = Signal(object)  # from the engine's thread (queued)

    def __init__(
        self,
        tag,
        type_: str,
        current: Callable[[], tuple[float, int]],
        submit: Callable[[float], object],
        parent=None,
    ):
        super().__init__(parent)
        self.tag, self.type_, self.current, self.submit = tag, type_, current, submit
        self.value: float | None = None
        self.outcome = None  # the WriteResult, once the device answered
        self.future = None
        self.setObjectName("writeDialog")
        self.setWindowTitle(self.tr("Write value — {name}").format(name=tag.name))
        self._resolved.connect(self._show_result, Qt.ConnectionType.QueuedConnection)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._enter_page())
        self.pages.addWidget(self._confirm_page())
        self.pages.addWidget(self._result_page())
        lay = QVBoxLayout(self)
        lay.addWidget(self.pages)
        self.refresh_current()

    # ------------------------------------------------------------ pages
    def _enter_page(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout()
        t = self.tag
        form.addRow(self.tr("Tag"), QLabel(t.name, page))
        form.addRow(self.tr("Description"), QLabel(t.description or "—", page))
        form.addRow(self.tr("Unit"), QLabel(t.unit or "—", page))
        self.current_label = QLabel(page)
        self.current_label.setObjectName("writeCurrent")
        form.addRow(self.tr("Current value"), self.current_label)
        if self.is_bool:
            self.editor = QComboBox(page)
            self.editor.addItem(self.tr("OFF (0)"), 0.0)
            self.editor.addItem(self.tr("ON (1)"), 1.0)
        else:
            self.editor = QLineEdit(page)
            self.editor.setPlaceholderText(self.limits_text())
            self.editor.returnPressed.connect(self.next_step)
        self.editor.setObjectName("writeValue")
        form.addRow(self.tr("New value"), self.editor)
        self.hint = QLabel(self.limits_text(), page)
        self.hint.setObjectName("writeHint")
        form.addRow("", self.hint)
        self.error_label = _note(page, "writeError")
        form.addRow("", self.error_label)
        self.next_button = button(self.tr("Next…"), self.next_step, page)
        self.next_button.setDefault(True)
        cancel = button(self.tr("Cancel"), self.reject, page)
        vbox(form, _buttons(self.next_button, cancel), parent=page)
        return page

    def _confirm_page(self) -> QWidget:
        page = QWidget(self)
        self.confirm_label = _note(page, "writeConfirm")
        self.write_button = button(self.tr("Write"), self.confirm, page)
        back = button(self.tr("Back"), lambda: self.pages.setCurrentIndex(PAGE_ENTER), page)
        self.cancel_button = button(self.tr("Cancel"), self.reject, page)
        self.cancel_button.setDefault(True)  # Enter alone does not write
        vbox(self.confirm_label, _buttons(self.write_button, back, self.cancel_button), parent=page)
        return page

    def _result_page(self) -> QWidget:
        page = QWidget(self)
        self.result_label = _note(page, "writeResult")
        self.close_button = button(self.tr("Close"), self.accept, page)
        vbox(self.result_label, _buttons(self.close_button), parent=page)
        return page

    # ------------------------------------------------------------ helpers
    @property
    def is_bool(self) -> bool:
        return self.type_ == "bool"

    def fmt(self, value: float | None, exact: bool = True) -> str:
        """A value with its unit: exactly as asked or written, or a reading to 7 digits (what a
        float32 holds)."""
        if value is None or not math.isfinite(value):
            return "?"
        if self.is_bool:
            return self.tr("ON") if value >= 0.5 else self.tr("OFF")
        text = fmt_number(value) if exact or value.is_integer() else f"{value:.7g}"
        return f"{text} {self.tag.unit}" if self.tag.unit else text

    def limits(self) -> tuple[float, float] | None:
        """The engineering range a value must lie in: the tag's, or what its type can hold."""
        if self.tag.range is not None:
            return self.tag.range
        lim = _INT_LIMITS.get(self.type_)
        if lim is None or self.tag.scale == 0:
            return None
        a, b = (x * self.tag.scale + self.tag.offset for x in lim)
        return (min(a, b), max(a, b))

    def limits_text(self) -> str:
        if self.is_bool:
            return ""
        lim = self.limits()
        if lim is None:
            return self.tr("Any number")
        return self.tr("{lo} to {hi}").format(lo=fmt_number(lim[0]), hi=self.fmt(lim[1]))

    def refresh_current(self) -> tuple[float, int]:
        value, quality = self.current()
        q = Quality(quality).label if quality in (0, 1, 2) else "?"
        self.current_label.setText(
            self.tr("{value} ({quality})").format(value=self.fmt(value, exact=False), quality=q)
        )
        return value, quality

    def parse(self) -> tuple[float | None, str]:
        """The entered value, or None and why it cannot be written."""
        if self.is_bool:
            return float(self.editor.currentData()), ""
        text = self.editor.text().strip().replace(",", ".")
        if not text:
            return None, self.tr("Enter a value")
        try:
            value = float(text)
        except ValueError:
            return None, self.tr("Not a number: {text}").format(text=text)
        if not math.isfinite(value):
            return None, self.tr("Not a finite number")
        lim = self.limits()
        if lim is not None and not lim[0] <= value <= lim[1]:
            return None, self.tr("Outside {limits}").format(limits=self.limits_text())
        return value, ""

    # ------------------------------------------------------------ steps
    def next_step(self) -> None:
        value, error = self.parse()
        self.error_label.setText(error)
        if value is None:
            return
        self.value = value
        current, _q = self.refresh_current()
        self.confirm_label.setText(
            self.tr("Write {value} to {tag}? Current {current}").format(
                value=self.fmt(value), tag=self.tag.name, current=self.fmt(current, exact=False)
            )
        )
        self.pages.setCurrentIndex(PAGE_CONFIRM)
        self.cancel_button.setFocus()

    def confirm(self) -> None:
        """The user confirmed: start the write; the result page waits for the device."""
        if self.value is None or self.future is not None:
            return
        self.result_label.setText(
            self.tr("Writing {value} to {tag}…").format(value=self.fmt(self.value), tag=self.tag.name)
        )
        self.close_button.setEnabled(False)
        self.pages.setCurrentIndex(PAGE_RESULT)
        self.future = self.submit(self.value)
        self.future.add_done_callback(self._done)

    def _done(self, future) -> None:  # any thread
        # the engine answers with a result; an exception is a bug, shown as one. The dialog may
        # be gone: the engine audited the write all the same
        emit_quietly(self._resolved, outcome(future.result))

    def _show_result(self, result) -> None:
        self.outcome = result
        self.close_button.setEnabled(True)
        self.close_button.setFocus()
        if isinstance(result, Exception):
            text = self.tr("Failed: {error}").format(error=f"{type(result).__name__}: {result}")
        elif result.ok:
            text = self.tr("Written: {tag} = {value}").format(tag=result.tag, value=self.fmt(result.written))
        elif result.refused:
            text = self.tr("Refused: {reason}").format(reason=i18n.text(result.message))
        else:
            text = self.tr("Failed: {error}").format(error=i18n.text(result.message))
        if not isinstance(result, Exception) and not result.audited:
            text += "\n" + self.tr("The audit trail could not be written (see the log).")
        self.result_label.setProperty("ok", not isinstance(result, Exception) and bool(result.ok))
        self.result_label.setText(text)
        self.resultReady.emit(result)


def _note(page: QWidget, name: str) -> QLabel:
    """A wrapped line of the dialog's own words (an error, the question, the device's answer)."""
    label = QLabel(page)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    for b in buttons:
        row.addWidget(b)
    return row


__all__ = ["WriteDialog", "open_write_dialog", "write_permission"]
