"""Asking an engineer about an OPC UA server certificate that is not on the trust list.

A device whose connection is refused with "untrusted server certificate <sha256>" (see
devices/trust.py) makes `TrustPrompter` show one `TrustDialog` per thumbprint, never a storm:
which device and endpoint, the certificate's subject, issuer, validity and thumbprints, and
Trust / Reject. Only a role with Permission.TRUST_CERTIFICATE (engineer and up) may trust;
trusting moves the certificate to trusted/, is audited, and the device reconnects at once.
A dialog closed by someone who could not trust is shown again when such a user logs in.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from app.accounts.users import Permission
from devices.trust import CertificateInfo, TrustStore, pretty, untrusted_thumbprint
from storage.audit import Action

log = logging.getLogger(__name__)


class TrustDialog(QDialog):
    """One untrusted server certificate: what it is, who presented it, Trust or Reject."""

    decided = Signal(bool)  # True: trust, False: reject

    def __init__(
        self,
        info: CertificateInfo,
        device: str,
        endpoint: str,
        can_trust: bool = True,
        why_not: str = "",
        parent=None,
    ):
        super().__init__(parent)
        self.info, self.device = info, device
        self.setObjectName("trustDialog")
        self.setWindowTitle(self.tr("Unknown server certificate — {device}").format(device=device))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        intro = QLabel(
            self.tr(
                "The OPC UA server of device {device} presented a certificate that is not on the "
                "trust list. Forewarn does not connect to it until the certificate is trusted. "
                "Compare the thumbprint with the one shown on the server itself before trusting it."
            ).format(device=device)
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        problem = info.validity_problem()
        validity = self.tr("{start} to {end} (UTC)").format(
            start=f"{info.not_before:%Y-%m-%d %H:%M}", end=f"{info.not_after:%Y-%m-%d %H:%M}"
        )
        if problem:
            validity += " — " + self.tr("not valid now: {problem}").format(problem=problem)
        rows = [
            ("trustDevice", self.tr("Device"), device),
            ("trustEndpoint", self.tr("Endpoint"), endpoint),
            ("trustSubject", self.tr("Subject"), info.subject),
            ("trustIssuer", self.tr("Issuer"), info.issuer),
            ("trustValidity", self.tr("Valid"), validity),
            ("trustSha256", self.tr("SHA-256 thumbprint"), info.sha256_pretty),
            ("trustSha1", self.tr("SHA-1 thumbprint"), pretty(info.sha1)),
        ]
        if info.application_uri:
            rows.append(("trustUri", self.tr("Application URI"), info.application_uri))
        self.fields: dict[str, QLabel] = {}
        for name, label, value in rows:
            w = QLabel(value)
            w.setObjectName(name)
            w.setWordWrap(True)
            w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if name == "trustValidity" and problem:
                w.setProperty("state", "fail")
            form.addRow(label, w)
            self.fields[name] = w
        buttons = QDialogButtonBox()
        self.trust_button = QPushButton(self.tr("Trust"))
        self.trust_button.setObjectName("trustButton")
        self.reject_button = QPushButton(self.tr("Reject"))
        self.reject_button.setObjectName("rejectButton")
        buttons.addButton(self.trust_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.reject_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.reject_button.setDefault(True)  # Enter must not trust by accident
        self.trust_button.setEnabled(can_trust)
        self.note = QLabel("")
        self.note.setObjectName("trustNote")
        self.note.setWordWrap(True)
        if not can_trust:
            self.trust_button.setToolTip(why_not)
            self.note.setText(
                self.tr("{why}: ask an engineer to trust this certificate.").format(why=why_not)
            )
        self.trust_button.clicked.connect(lambda: self._decide(True))
        self.reject_button.clicked.connect(lambda: self._decide(False))
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.note)
        lay.addWidget(buttons)
        self.resize(620, self.sizeHint().height())

    def _decide(self, trust: bool) -> None:
        self.decided.emit(trust)
        (self.accept if trust else self.reject)()


class TrustPrompter(QObject):
    """Watches the device states of a main window and asks about untrusted certificates."""

    def __init__(self, window, store: TrustStore | None = None):
        super().__init__(window)
        self.window = window
        self._store = store
        self.asked: set[str] = set()  # thumbprints a dialog was shown for
        self.dialogs: dict[str, TrustDialog] = {}
        self._last: dict[str, str] = {}  # device -> thumbprint it was refused for
        session = getattr(window, "session", None)
        if session is not None:
            session.userChanged.connect(self._user_changed)

    @property
    def store(self) -> TrustStore:
        if self._store is None:  # the data directory's, made only once a device needs it
            self._store = TrustStore.default()
        return self._store

    def update_devices(self, statuses: Mapping[str, object]) -> None:
        for name, st in statuses.items():
            sha = untrusted_thumbprint(getattr(st, "error", ""))
            if sha is None:
                self._last.pop(name, None)
                continue
            self._last[name] = sha
            if sha not in self.asked:
                self.ask(name, sha)

    def _may_trust(self) -> tuple[bool, str]:
        session = getattr(self.window, "session", None)
        if session is None:
            return True, ""
        controls = getattr(self.window, "session_controls", None)
        if controls is not None and controls.locked:
            return False, self.tr("The screen is locked")
        if session.can(Permission.TRUST_CERTIFICATE):
            return True, ""
        return False, session.needs(Permission.TRUST_CERTIFICATE)

    def ask(self, device: str, sha: str) -> TrustDialog | None:
        try:
            entry = self.store.find(sha)
        except ValueError:
            entry = None
        if entry is None:
            log.warning("device %s: certificate %s is not in %s", device, sha, self.store.rejected_dir)
            return None
        self.asked.add(sha)
        endpoint = ""
        try:
            endpoint = getattr(self.window.config.device(device), "endpoint", "")
        except KeyError:
            pass
        ok, why = self._may_trust()
        dlg = TrustDialog(entry.info, device, endpoint, ok, why, self.window)
        dlg.decided.connect(lambda trust, d=device, i=entry.info: self._decided(d, endpoint, i, trust))
        dlg.finished.connect(lambda _r, s=sha, d=dlg, ok=ok: self._closed(s, d, ok))
        self.dialogs[sha] = dlg
        dlg.show()
        return dlg

    def _closed(self, sha: str, dlg: TrustDialog, could_trust: bool) -> None:
        self.dialogs.pop(sha, None)
        if not could_trust and not getattr(dlg, "_rejected_by_user", False):
            self.asked.discard(sha)  # someone who may trust it will be asked when they log in

    def _user_changed(self) -> None:
        if not self._may_trust()[0]:
            return
        for device, sha in list(self._last.items()):
            if sha not in self.asked:
                self.ask(device, sha)
            elif sha in self.dialogs:  # open, shown to someone who could not trust: enable now
                dlg = self.dialogs[sha]
                dlg.trust_button.setEnabled(True)
                dlg.trust_button.setToolTip("")
                dlg.note.setText("")

    def _decided(self, device: str, endpoint: str, info: CertificateInfo, trust: bool) -> None:
        detail = {"device": device, "endpoint": endpoint, "subject": info.subject}
        if not trust:
            self.store.reject(info.der)
            dlg = self.dialogs.get(info.sha256)
            if dlg is not None:
                dlg._rejected_by_user = True
            self.window.audit(Action.CERT_REJECT, info.sha256, detail)
            return
        ok, why = self._may_trust()
        if not ok:  # the button is disabled; a stale dialog after a change of user must not trust
            self.window.statusBar().showMessage(why, 8000)
            return
        self.store.trust(info.der)
        self.window.audit(Action.CERT_TRUST, info.sha256, detail)
        reconnect = getattr(self.window.engine, "reconnect", None)
        if reconnect is not None:
            reconnect(device, wait=False)
        self.window.statusBar().showMessage(
            self.tr("Certificate trusted: {device} reconnects").format(device=device), 8000
        )
