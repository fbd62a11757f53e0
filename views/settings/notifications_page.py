"""Notifications page (administrators): who is told off the console, how and when -- the plant
file's `notifications:` section (core/schema/notify.py). Channels, recipients and rules are
edited as YAML in place (validated with the rest on Apply, errors located by field); quiet hours
and the on/off switch by form. Credentials (an SMTP password, a robot's URL, a signing secret)
go straight to the secret store and the section keeps only their `secret:NAME` reference.
"Send test message" sends the test text to one recipient now, off the GUI thread.

Anyone but an administrator sees the page read-only.
"""

from __future__ import annotations

import threading

import yaml
from pydantic import ValidationError
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.config import secrets
from app.notify.dispatcher import Dispatcher
from app.notify.notifier import store_lookup
from core.schema.notify import Notifications
from views.settings.forms import page_header, set_state

LISTS = ("channels", "recipients", "rules")
CREDENTIALS = {"smtp": ("password",), "wecom": ("url",), "json": ("url",), "dingtalk": ("url", "sign_secret"),
               "feishu": ("url", "sign_secret")}  # fmt: skip


class _Relay(QObject):
    done = Signal(str, bool)


class NotificationsPage(QWidget):
    """Edits `section` (a plain dict, the draft's `notifications`) in place."""

    changed = Signal()
    tested = Signal(str, bool)  # what the test message did, and whether every channel took it

    def __init__(self, section: dict, plant: str, *, administrator: bool, secret_store=None, parent=None):
        super().__init__(parent)
        self.section, self.plant = section, plant
        self.store = secret_store
        self._relay = _Relay(self)
        self._relay.done.connect(self._tested)
        self.enabled = QCheckBox(self.tr("Send notifications"))
        self.enabled.setObjectName("notifyEnabled")
        self.enabled.setChecked(bool(section.get("enabled")))
        quiet = section.get("quiet") or {}
        self.quiet_start = QLineEdit(quiet.get("start", ""))
        self.quiet_end = QLineEdit(quiet.get("end", ""))
        for w, name in ((self.quiet_start, "quietStart"), (self.quiet_end, "quietEnd")):
            w.setObjectName(name)
            w.setPlaceholderText(self.tr("HH:MM"))
            w.setMaximumWidth(90)
        self.editor = QPlainTextEdit(self._lists_text())
        self.editor.setObjectName("notifyYaml")
        self.problem = QLabel("")
        self.problem.setObjectName("summary")
        self.problem.setWordWrap(True)

        self.cred_channel = QComboBox()
        self.cred_channel.setObjectName("credChannel")
        self.cred_field = QComboBox()
        self.cred_field.setObjectName("credField")
        self.cred_value = QLineEdit()
        self.cred_value.setObjectName("credValue")
        self.cred_value.setEchoMode(QLineEdit.EchoMode.Password)
        self.store_button = QPushButton(self.tr("Store in the secret store"))
        self.store_button.setObjectName("storeCredential")
        self.test_to = QComboBox()
        self.test_to.setObjectName("testRecipient")
        self.test_button = QPushButton(self.tr("Send test message"))
        self.test_button.setObjectName("sendTest")
        self.test_result = QLabel("")
        self.test_result.setObjectName("testResult")
        self.test_result.setWordWrap(True)

        general = QGroupBox(self.tr("General"))
        gf = QFormLayout(general)
        gf.addRow(self.enabled)
        hours = QHBoxLayout()
        hours.addWidget(self.quiet_start)
        hours.addWidget(QLabel("–"))
        hours.addWidget(self.quiet_end)
        hours.addStretch(1)
        gf.addRow(self.tr("Quiet hours (everyone; priority I goes through)"), hours)
        lists = QGroupBox(self.tr("Channels, recipients and rules (YAML)"))
        lv = QVBoxLayout(lists)
        lv.addWidget(self.editor, 1)
        lv.addWidget(self.problem)
        creds = QGroupBox(self.tr("Credentials"))
        cf = QHBoxLayout(creds)
        for w in (self.cred_channel, self.cred_field, self.cred_value, self.store_button):
            cf.addWidget(w)
        test = QGroupBox(self.tr("Test"))
        tf = QHBoxLayout(test)
        tf.addWidget(self.test_to)
        tf.addWidget(self.test_button)
        tf.addWidget(self.test_result, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(
            page_header(
                self.tr("Notifications"),
                self.tr(
                    "Alarms and early warnings that reach people off the console by e-mail and chat "
                    "robots: rules by priority, area and hazard source, escalation when unacknowledged."
                ),
            )
        )
        if not administrator:
            note = QLabel(self.tr("Only an administrator changes notifications."))
            note.setObjectName("pageHint")
            lay.addWidget(note)
        lay.addWidget(general)
        lay.addWidget(lists, 1)
        lay.addWidget(creds)
        lay.addWidget(test)
        for w in (general, lists, creds, test):
            w.setEnabled(administrator)

        self.enabled.toggled.connect(self._form_changed)
        self.quiet_start.textEdited.connect(self._form_changed)
        self.quiet_end.textEdited.connect(self._form_changed)
        self.editor.textChanged.connect(self._text_changed)
        self.cred_channel.currentIndexChanged.connect(self._fill_fields)
        self.store_button.clicked.connect(self.store_credential)
        self.test_button.clicked.connect(self.send_test)
        self._refill()

    # ------------------------------------------------------------ editing
    def _lists_text(self) -> str:
        data = {k: self.section.get(k) or [] for k in LISTS}
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)

    def _form_changed(self, *_a) -> None:
        self.section["enabled"] = self.enabled.isChecked()
        start, end = self.quiet_start.text().strip(), self.quiet_end.text().strip()
        self.section["quiet"] = {"start": start, "end": end} if start or end else None
        self.changed.emit()

    def _text_changed(self) -> None:
        try:
            data = yaml.safe_load(self.editor.toPlainText()) or {}
            if not isinstance(data, dict):
                raise ValueError(self.tr("a mapping of channels, recipients and rules"))
        except (yaml.YAMLError, ValueError) as exc:
            self.problem.setText(self.tr("Not applied until it is valid YAML: {error}").format(error=exc))
            set_state(self.problem, "fail")
            return
        self.problem.setText("")
        set_state(self.problem, "")
        for k in LISTS:
            self.section[k] = data.get(k) or []
        self._refill()
        self.changed.emit()

    def _refill(self) -> None:
        channels = [c for c in self.section.get("channels") or [] if isinstance(c, dict)]
        keep = self.cred_channel.currentText()
        self.cred_channel.blockSignals(True)
        self.cred_channel.clear()
        self.cred_channel.addItems([str(c.get("name", "")) for c in channels])
        if keep:
            self.cred_channel.setCurrentText(keep)
        self.cred_channel.blockSignals(False)
        self._fill_fields()
        people = [str(r.get("name", "")) for r in self.section.get("recipients") or [] if isinstance(r, dict)]
        keep = self.test_to.currentText()
        self.test_to.clear()
        self.test_to.addItems(people)
        if keep:
            self.test_to.setCurrentText(keep)

    def _channel(self, name: str) -> dict | None:
        return next((c for c in self.section.get("channels") or [] if c.get("name") == name), None)

    def _fill_fields(self, *_a) -> None:
        ch = self._channel(self.cred_channel.currentText()) or {}
        self.cred_field.clear()
        self.cred_field.addItems(list(CREDENTIALS.get(ch.get("kind", ""), ())))

    def _secrets(self):
        return self.store if self.store is not None else secrets.SecretStore.default()

    def store_credential(self) -> str | None:
        """Put the typed credential into the secret store and its reference into the channel;
        the secret's name, or None when there is nothing to store."""
        ch = self._channel(self.cred_channel.currentText())
        field, value = self.cred_field.currentText(), self.cred_value.text()
        if ch is None or not field or not value:
            return None
        name = secrets.secret_name_for(f"notify.{ch['name']}", field, plant=self.plant)
        try:
            self._secrets().set(name, value)
        except secrets.SecretError as exc:
            self.test_result.setText(str(exc))
            set_state(self.test_result, "fail")
            return None
        ch[field] = secrets.make_ref(name)
        self.cred_value.clear()
        self.editor.blockSignals(True)
        self.editor.setPlainText(self._lists_text())
        self.editor.blockSignals(False)
        self.changed.emit()
        return name

    # ------------------------------------------------------------ test message
    def send_test(self) -> None:
        who = self.test_to.currentText()
        try:
            settings = Notifications.model_validate({k: v for k, v in self.section.items() if v is not None})
        except ValidationError as exc:
            self._tested(
                self.tr("Fix the section first: {error}").format(error=exc.errors()[0]["msg"]), False
            )
            return
        self.test_button.setEnabled(False)
        self.test_result.setText(self.tr("Sending…"))
        set_state(self.test_result, "")
        dispatcher = Dispatcher(settings, self.plant, store_lookup(self._secrets()))
        relay = self._relay

        def run() -> None:
            try:
                rows = dispatcher.send_test(who)
            except KeyError:
                relay.done.emit(f"no recipient {who!r}", False)
                return
            ok = bool(rows) and all(r.detail == "" for r in rows)
            text = "; ".join(f"{r.channel}: {r.detail or r.status}" for r in rows) or "no channel"
            relay.done.emit(text, ok)

        threading.Thread(target=run, name="notify-test", daemon=True).start()

    def _tested(self, text: str, ok: bool) -> None:
        self.test_button.setEnabled(True)
        self.test_result.setText(text)
        set_state(self.test_result, "ok" if ok else "fail")
        self.tested.emit(text, ok)
