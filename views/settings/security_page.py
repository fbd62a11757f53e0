"""Security page: the plant's session policy (idle screen lock, account lockout), applied like
any other setting: saved in the plant YAML (`security:`), the same on every workstation."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QGroupBox, QLabel, QSpinBox, QVBoxLayout, QWidget

from app.config import SessionPolicy
from views.settings.forms import page_header


class SecurityPage(QWidget):
    """Edits `policy` (a plain dict, the draft's `security` section) in place."""

    securityChanged = Signal()

    def __init__(self, policy: dict, parent=None):
        super().__init__(parent)
        self.policy = policy
        defaults = SessionPolicy()
        self.lock_after = QDoubleSpinBox()
        self.lock_after.setObjectName("lockAfter")
        self.lock_after.setRange(0, 24 * 60)
        self.lock_after.setDecimals(0)
        self.lock_after.setSuffix(self.tr(" min"))
        self.lock_after.setSpecialValueText(self.tr("never"))
        self.lock_after.setValue(float(policy.get("lock_after_min", defaults.lock_after_min)))
        self.max_failures = QSpinBox()
        self.max_failures.setObjectName("maxFailures")
        self.max_failures.setRange(3, 20)
        self.max_failures.setValue(int(policy.get("max_failures", defaults.max_failures)))
        self.lockout = QDoubleSpinBox()
        self.lockout.setObjectName("lockoutMin")
        self.lockout.setRange(1, 24 * 60)
        self.lockout.setDecimals(0)
        self.lockout.setSuffix(self.tr(" min"))
        self.lockout.setValue(float(policy.get("lockout_min", defaults.lockout_min)))

        screen = QGroupBox(self.tr("Screen lock"))
        sf = QFormLayout(screen)
        sf.addRow(self.tr("Lock the screen after no input for"), self.lock_after)
        note = QLabel(
            self.tr(
                "The alarm banner and the horn keep running on a locked screen; anyone may "
                "silence the horn, only a login unlocks."
            )
        )
        note.setObjectName("pageHint")
        note.setWordWrap(True)
        sf.addRow(note)
        accounts = QGroupBox(self.tr("Wrong passwords"))
        af = QFormLayout(accounts)
        af.addRow(self.tr("Lock an account after wrong passwords in a row"), self.max_failures)
        af.addRow(self.tr("Keep it locked for"), self.lockout)

        lay = QVBoxLayout(self)
        lay.addWidget(
            page_header(
                self.tr("Security"),
                self.tr(
                    "Session policy of the plant, the same on every workstation. Logins, failures and lockouts are audited."
                ),
            )
        )
        lay.addWidget(screen)
        lay.addWidget(accounts)
        lay.addStretch(1)
        for box in (self.lock_after, self.max_failures, self.lockout):
            box.setMaximumWidth(140)
            box.valueChanged.connect(self._changed)

    def _changed(self, *_a) -> None:
        self.policy.update(
            lock_after_min=float(self.lock_after.value()),
            max_failures=int(self.max_failures.value()),
            lockout_min=float(self.lockout.value()),
        )
        self.securityChanged.emit()
