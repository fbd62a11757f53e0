"""Declare a hazard source's operating state: running, reduced, down (休风, converter idle) or
under maintenance (检修), with a reason (required) and, if wanted, until when (it returns to
running by itself then). Reached from "Operating state…" on the Plant menu, the Hazard source
panel and the Plant risk list; the declaration itself goes to the engine through
views.operator_actions.OperatorActions.declare_state.
"""

from __future__ import annotations

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.operating import STATE_TEXT, Declaration, OpState
from views import i18n


class OperatingStateDialog(QDialog):
    """State, reason and an optional end for one hazard source (see the module docstring)."""

    def __init__(self, hazard: str, current: Declaration | None, parent: QWidget | None = None, *, now=None):
        super().__init__(parent)
        self.setObjectName("operatingStateDialog")
        self.setWindowTitle(self.tr("Operating state: {hazard}").format(hazard=hazard))
        self.hazard = hazard
        self.state_box = QComboBox(self)
        for state in OpState:
            self.state_box.addItem(i18n.text(STATE_TEXT[state]), state.value)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("Why (required): relining, 休风 for tuyere change, …"))
        self.until_on = QCheckBox(self.tr("Until"), self)
        self.until = QDateTimeEdit(self)
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("yyyy-MM-dd HH:mm")
        start = QDateTime.currentDateTime() if now is None else QDateTime.fromSecsSinceEpoch(int(now))
        self.until.setDateTime(start.addSecs(8 * 3600))
        self.until.setEnabled(False)
        self.until_on.toggled.connect(self.until.setEnabled)
        current_text = (
            i18n.text(current.describe()) if current is not None else i18n.text(STATE_TEXT[OpState.RUNNING])
        )
        self.current = QLabel(self.tr("Now: {state}").format(state=current_text), self)
        self.current.setWordWrap(True)
        self.current.setStyleSheet("color: #9ea2a8;")
        if current is not None:
            self.state_box.setCurrentIndex(list(OpState).index(current.state))
        form = QFormLayout()
        form.addRow(self.tr("State"), self.state_box)
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.until_on, self.until)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self._check)
        lay = QVBoxLayout(self)
        lay.addWidget(self.current)
        lay.addLayout(form)
        lay.addWidget(self.buttons)
        self._check()

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.reason.text().strip()))

    def choice(self) -> tuple[OpState, str, float | None]:
        """(state, reason, until as UNIX s or None)."""
        until = float(self.until.dateTime().toSecsSinceEpoch()) if self.until_on.isChecked() else None
        return OpState(self.state_box.currentData()), self.reason.text().strip(), until


__all__ = ["OperatingStateDialog"]
