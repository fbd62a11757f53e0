"""Devices page: the list of Modbus TCP and OPC UA devices, a form for the selected one, and
"Test connection", which runs in a worker thread and shows the round trip or the exact error."""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.config import ModbusDevice, OpcUaDevice
from views.settings.forms import RecordsPage, list_page, set_state
from widgets.layouts import button, hbox, panel

POLICIES = ["None", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"]
MODES = ["None", "Sign", "SignAndEncrypt"]


def device_model(d: dict):
    """The validated device of a form's data; raises ValidationError."""
    cls = ModbusDevice if d.get("protocol") == "modbus-tcp" else OpcUaDevice
    return cls.model_validate(d)


def valid_devices(devices: list[dict]) -> list:
    """The devices of the forms that validate; an unfinished one is left out (its tags show
    "unknown device" and the Devices page marks it red)."""
    out = []
    for d in devices:
        try:
            out.append(device_model(d))
        except ValidationError:
            continue
    return out


def device_errors(d: dict) -> list[str]:
    try:
        device_model(d)
    except ValidationError as exc:
        return [
            (".".join(str(p) for p in e["loc"]) + ": " if e["loc"] else "")
            + e["msg"].removeprefix("Value error, ")
            for e in exc.errors()
        ]
    return []


class _Form(QWidget):
    """Fields bound to one device's dict; `changed(field)` on every edit."""

    changed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.data: dict | None = None
        self.form = QFormLayout(self)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setHorizontalSpacing(14)
        self.form.setVerticalSpacing(8)
        self.fields: dict[str, QWidget] = {}
        self._loading = False

    def _text(self, key: str, label: str, tip: str = "", password: bool = False) -> QLineEdit:
        w = QLineEdit()
        w.setObjectName(f"device_{key}")
        if password:
            w.setEchoMode(QLineEdit.EchoMode.Password)
        w.setToolTip(tip)
        w.textEdited.connect(
            lambda text, k=key: self._set(k, text.strip() or None if k in _OPTIONAL else text)
        )
        self.form.addRow(label, w)
        self.fields[key] = w
        return w

    # the texts of _Form's own methods have an explicit context: self.tr() here would look them
    # up under the subclass's name (ModbusForm, OpcUaForm)
    def _file(self, key: str, label: str, tip: str) -> QLineEdit:
        w = QLineEdit()
        w.setObjectName(f"device_{key}")
        w.setToolTip(tip)
        w.textEdited.connect(lambda text, k=key: self._set(k, text.strip() or None))
        pick = QToolButton()
        pick.setText("…")
        pick.setToolTip(QCoreApplication.translate("devices_page", "Choose the file"))
        pick.clicked.connect(lambda _=False, k=key, w=w: self._pick(k, w))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(w, 1)
        row.addWidget(pick)
        self.form.addRow(label, row)
        self.fields[key] = w
        return w

    def _pick(self, key: str, w: QLineEdit) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            QCoreApplication.translate("devices_page", "Choose file"),
            w.text(),
            QCoreApplication.translate(
                "devices_page", "Certificates and keys (*.pem *.der *.crt *.key);;All files (*)"
            ),
        )
        if path:
            w.setText(path)
            self._set(key, path)

    def _int(self, key: str, label: str, lo: int, hi: int, suffix: str = "", tip: str = "") -> QSpinBox:
        w = QSpinBox()
        w.setObjectName(f"device_{key}")
        w.setRange(lo, hi)
        w.setSuffix(suffix)
        w.setToolTip(tip)
        w.setMinimumWidth(120)
        w.valueChanged.connect(lambda v, k=key: self._set(k, int(v)))
        self.form.addRow(label, w)
        self.fields[key] = w
        return w

    def _choice(self, key: str, label: str, items: list[tuple[str, str]], tip: str = "") -> QComboBox:
        w = QComboBox()
        w.setObjectName(f"device_{key}")
        for value, text in items:
            w.addItem(text, value)
        w.setToolTip(tip)
        w.currentIndexChanged.connect(lambda _i, k=key, w=w: self._set(k, w.currentData()))
        self.form.addRow(label, w)
        self.fields[key] = w
        return w

    def _check(self, key: str, label: str) -> QCheckBox:
        w = QCheckBox(label)
        w.setObjectName(f"device_{key}")
        w.toggled.connect(lambda on, k=key: self._set(k, bool(on)))
        self.form.addRow("", w)
        self.fields[key] = w
        return w

    def _set(self, key: str, value) -> None:
        if self._loading or self.data is None:
            return
        self.data[key] = value
        self.changed.emit(key)

    def load(self, data: dict) -> None:
        self._loading = True
        self.data = data
        for key, w in self.fields.items():
            v = data.get(key)
            if isinstance(w, QLineEdit):
                w.setText("" if v is None else str(v))
            elif isinstance(w, QSpinBox):
                w.setValue(int(v or 0))
            elif isinstance(w, QComboBox):
                i = w.findData(v)
                w.setCurrentIndex(max(i, 0))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(v))
        self._loading = False


_OPTIONAL = {"certificate", "private_key", "username", "password"}


class ModbusForm(_Form):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._text("name", self.tr("Name"), self.tr("Tags name their device by this"))
        self._text("host", self.tr("Host"), self.tr("IP address or host name of the PLC or gateway"))
        self._int("port", self.tr("Port"), 0, 65535, tip=self.tr("Modbus TCP port, usually 502"))
        self._int(
            "unit",
            self.tr("Unit id"),
            0,
            255,
            tip=self.tr("Modbus unit (slave) id; 1 for most PLCs, 255 for some gateways"),
        )
        self._int("timeout_ms", self.tr("Timeout"), 50, 60_000, " ms")
        self._int("scan_ms", self.tr("Scan period"), 50, 3_600_000, " ms")
        self._choice(
            "word_order",
            self.tr("Word order"),
            [
                ("big", self.tr("big — ABCD (high word first)")),
                ("little", self.tr("little — CDAB (low word first)")),
            ],
            self.tr("How 32- and 64-bit values are split over registers; a tag may override it"),
        )
        registers = " " + self.tr("registers")
        self._int("max_block", self.tr("Max block"), 1, 125, registers, self.tr("Registers per request"))
        self._int(
            "max_gap",
            self.tr("Max gap"),
            0,
            125,
            registers,
            self.tr("Unused registers read to merge two requests"),
        )
        self._check("enabled", self.tr("Enabled"))


class OpcUaForm(_Form):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._text("name", self.tr("Name"), self.tr("Tags name their device by this"))
        self._text("endpoint", self.tr("Endpoint"), "opc.tcp://host:port/path")
        self._int("scan_ms", self.tr("Publishing interval"), 50, 3_600_000, " ms")
        self._int("timeout_ms", self.tr("Timeout"), 100, 60_000, " ms")
        self._choice(
            "mode", self.tr("Mode"), [("subscription", self.tr("subscription")), ("poll", self.tr("poll"))]
        )
        self._check("enabled", self.tr("Enabled"))
        self._choice("security_policy", self.tr("Security policy"), [(p, p) for p in POLICIES])
        self._choice("security_mode", self.tr("Security mode"), [(m, m) for m in MODES])
        self._file(
            "certificate", self.tr("Client certificate"), self.tr("This client's certificate (PEM or DER)")
        )
        self._file("private_key", self.tr("Private key"), self.tr("The certificate's private key (PEM)"))
        self._text("username", self.tr("User name"), self.tr("Empty: anonymous"))
        self._text(
            "password",
            self.tr("Password"),
            self.tr("Kept in the data directory's secret store; the plant file only names it"),
            password=True,
        )


class DevicesPage(RecordsPage):
    """List + form of the devices; edits the dicts in `devices` in place."""

    deviceRenamed = Signal(str, str)

    def __init__(self, devices: list[dict], runner, parent=None):
        super().__init__(devices, self._label, parent)
        self.devices = devices
        self.runner = runner
        self.testing: str | None = None
        self.last_test: tuple[bool, float | None, str] | None = None

        self.list.setObjectName("deviceList")
        self.list.setMinimumWidth(220)
        add_mb = button(self.tr("Add Modbus TCP"), lambda: self.add_device("modbus-tcp"))
        add_ua = button(self.tr("Add OPC UA"), lambda: self.add_device("opcua"))
        self.remove_button = button(self.tr("Remove"), self.remove_current)
        left = self.list_column(hbox(add_mb, add_ua), self.remove_button)

        self.modbus_form = ModbusForm()
        self.opcua_form = OpcUaForm()
        self.empty = QLabel(self.tr("No device. Add a Modbus TCP or OPC UA device."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.forms = QStackedWidget()
        for w in (self.empty, self.modbus_form, self.opcua_form):
            self.forms.addWidget(w)
        for f in (self.modbus_form, self.opcua_form):
            f.changed.connect(self._edited)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setObjectName("testConnection")
        self.test_button.clicked.connect(self.test_connection)
        self.test_result = QLabel("")
        self.test_result.setObjectName("testResult")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.errors = QLabel("")
        self.errors.setObjectName("formErrors")
        self.errors.setWordWrap(True)
        self.forms.setMaximumWidth(620)
        right = QVBoxLayout()
        right.addWidget(self.forms)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        right.addLayout(test_row)
        right.addWidget(self.errors)
        right.addStretch(1)
        list_page(self, left, panel(right), (260, 640))
        self.refresh_list()

    # ---------------------------------------------------------- list
    def refresh_list(self, select: int | None = None) -> None:
        super().refresh_list(select)
        self._mark_errors()

    def _label(self, d: dict) -> str:
        proto = "Modbus TCP" if d.get("protocol") == "modbus-tcp" else "OPC UA"
        return f"{d.get('name') or self.tr('(no name)')}  —  {proto}"

    def _mark_errors(self) -> None:
        for i, d in enumerate(self.devices):
            item = self.list.item(i)
            errs = device_errors(d)
            item.setToolTip("\n".join(errs))
            item.setForeground(Qt.GlobalColor.white if not errs else Qt.GlobalColor.red)

    def load(self, row: int) -> None:
        d = self.list.record(row)
        self.test_result.setText("")
        self.test_button.setEnabled(d is not None and self.testing is None)
        self.remove_button.setEnabled(d is not None)
        if d is None:
            self.forms.setCurrentWidget(self.empty)
            self.errors.setText("")
            return
        self._old_name = d.get("name")
        form = self.modbus_form if d.get("protocol") == "modbus-tcp" else self.opcua_form
        form.load(d)
        self.forms.setCurrentWidget(form)
        self._show_errors(d)

    def _show_errors(self, d: dict) -> None:
        errs = device_errors(d)
        names = [x.get("name") for x in self.devices]
        if names.count(d.get("name")) > 1:
            errs.append(self.tr("name: another device is called {name}").format(name=repr(d.get("name"))))
        self.errors.setText("\n".join(errs))
        set_state(self.errors, "fail" if errs else "")

    def _edited(self, key: str) -> None:
        d = self.current()
        if d is None:
            return
        if key == "name":
            old = getattr(self, "_old_name", None)
            if old and old != d["name"] and d["name"]:
                self.deviceRenamed.emit(old, d["name"])
            self._old_name = d["name"]
            self.list.relabel_current()
        self._show_errors(d)
        self._mark_errors()
        self.changed.emit()

    def add_device(self, protocol: str) -> dict:
        names = {d.get("name") for d in self.devices}
        base = "plc" if protocol == "modbus-tcp" else "opcua"
        n = 1
        while f"{base}{n}" in names:
            n += 1
        if protocol == "modbus-tcp":
            d = ModbusDevice(name=f"{base}{n}", protocol="modbus-tcp").model_dump(mode="json")
        else:
            d = OpcUaDevice(
                name=f"{base}{n}", protocol="opcua", endpoint="opc.tcp://127.0.0.1:4840/"
            ).model_dump(mode="json")
        return self.add_record(d)

    def select(self, name: str) -> None:
        for i, d in enumerate(self.devices):
            if d.get("name") == name:
                self.list.setCurrentRow(i)

    # ---------------------------------------------------------- test connection
    def test_connection(self) -> None:
        d = self.current()
        if d is None or self.testing is not None:
            return
        try:
            dev = device_model(d)
        except ValidationError:
            self._show_result(False, None, self.tr("fix the errors below first"))
            return
        from devices.probe import test_connection

        self.testing = dev.name
        self.test_button.setEnabled(False)
        self.test_result.setText(self.tr("Testing {device}…").format(device=dev.name))
        set_state(self.test_result, "busy")
        self.runner.run(lambda: test_connection(dev), self._tested)

    def _tested(self, ok: bool, result) -> None:
        self.testing = None
        self.test_button.setEnabled(self.current() is not None)
        if not ok:
            self._show_result(False, None, f"{type(result).__name__}: {result}")
            return
        self._show_result(*result)

    def _show_result(self, ok: bool, ms: float | None, message: str) -> None:
        self.last_test = (ok, ms, message)
        if ok:
            text = self.tr("OK — {ms} ms round trip. {message}").format(ms=f"{ms:.1f}", message=message)
            self.test_result.setText(text)
        else:
            self.test_result.setText(self.tr("Failed: {message}").format(message=message))
        set_state(self.test_result, "ok" if ok else "fail")
