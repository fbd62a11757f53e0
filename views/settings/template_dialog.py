"""Add a hazard source from its kind's template (Settings → Hazard sources → Add from template…).

The engineer picks the kind, names the source and its tag prefix, and maps each role to an
existing tag or leaves it to be created on a device at an address (a role of several tags
takes several, separated by commas); optional roles may stay empty. Preview shows the records
the template makes (or why it cannot), and Add hands the `Instance` to the settings dialog,
which adds them to its draft: nothing reaches the plant before Apply.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
)

from app.config import PlantConfig
from app.config.instantiate import Instance, TemplateError, default_prefix, instantiate
from app.config.templates import HazardTemplate, shipped_templates
from views import i18n
from views.settings.forms import SETTINGS_QSS, set_state
from widgets.layouts import button, hbox, vbox
from widgets.screen_fit import resize_for_screen

COLUMNS = ("role", "unit", "tag", "device", "address")


class TemplateDialog(QDialog):
    """Pick a template, name the source, map its roles, preview, add. `instance` after Add."""

    def __init__(self, config: Callable[[], PlantConfig], parent=None):
        super().__init__(parent)
        self.setObjectName("templateDialog")
        self.setWindowTitle(self.tr("Add a hazard source from a template"))
        self.setStyleSheet(SETTINGS_QSS)
        resize_for_screen(self, 1000, 700)
        self.config = config
        self.cfg = config()
        self.instance: Instance | None = None
        self.templates = shipped_templates()
        self.zh = i18n.current_language().startswith("zh")

        self.kind = QComboBox()
        for k, t in self.templates.items():
            self.kind.addItem(t.title_zh if self.zh and t.title_zh else i18n.hazard_kind(k), k)
        self.name = QLineEdit()
        self.prefix = QLineEdit()
        self.prefix.setPlaceholderText(self.tr("from the name"))
        self.name.textChanged.connect(self._name_changed)
        self.description = QLabel("")
        self.description.setObjectName("pageHint")
        self.description.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Tag prefix"), self.prefix)
        form.addRow("", self.description)

        self.roles = QTableWidget(0, len(COLUMNS))
        self.roles.setObjectName("templateRoles")
        self.roles.setHorizontalHeaderLabels(
            [
                self.tr("Role"),
                self.tr("Unit"),
                self.tr("Existing tag(s)"),
                self.tr("Device"),
                self.tr("Address(es) of new tags"),
            ]
        )
        head = self.roles.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 3):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        for c in (2, 4):
            head.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
            self.roles.setColumnWidth(c, 200)
        self.roles.verticalHeader().setVisible(False)
        hint = QLabel(
            self.tr(
                "Map each role to an existing tag, or leave the tag empty and give a device and an "
                "address to create it. A role marked + takes several, separated by commas; roles "
                "marked * may stay empty."
            )
        )
        hint.setObjectName("pageHint")
        hint.setWordWrap(True)

        self.preview_text = QPlainTextEdit()
        self.preview_text.setObjectName("templatePreview")
        self.preview_text.setReadOnly(True)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.addButton(self.tr("Add"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.add)
        self.buttons.rejected.connect(self.reject)
        self.preview_button = button(self.tr("Preview"), self.preview)

        vbox(
            form,
            hint,
            (self.roles, 3),
            hbox(self.preview_button, (self.status, 1)),
            (self.preview_text, 2),
            self.buttons,
            parent=self,
        )
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    # ---------------------------------------------------------- the form
    @property
    def template(self) -> HazardTemplate:
        return self.templates[self.kind.currentData()]

    def _kind_changed(self, *_a) -> None:
        t = self.template
        self.description.setText(t.description)
        if not self.name.text() or self.name.property("auto"):
            n = sum(1 for h in self.cfg.hazard_sources if h.kind == t.kind) + 1
            title = t.title_zh if self.zh and t.title_zh else t.title
            self.name.setText(f"{title} {n}")
            self.name.setProperty("auto", True)
        tag_names = [""] + [x.name for x in self.cfg.tags]
        devices = [d.name for d in self.cfg.devices]
        self.roles.setRowCount(0)
        self.roles.setRowCount(len(t.roles))
        for row, (name, role) in enumerate(t.roles.items()):
            label = role.label_zh if self.zh and role.label_zh else role.label
            marks = ("+" if role.multiple else "") + ("*" if role.optional else "")
            item = QTableWidgetItem(f"{label} {marks}".strip())
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(
                f"{name} → <prefix>.{role.tag}"
                + (f"\n{role.alarms.basis}" if role.alarms and role.alarms.basis else "")
            )
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.roles.setItem(row, 0, item)
            unit = QTableWidgetItem(role.unit or ("bool" if role.type == "bool" else ""))
            unit.setFlags(unit.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.roles.setItem(row, 1, unit)
            tag = QComboBox()
            tag.setEditable(True)
            tag.addItems(tag_names)
            tag.setCurrentText("")
            self.roles.setCellWidget(row, 2, tag)
            dev = QComboBox()
            dev.addItems(devices)
            self.roles.setCellWidget(row, 3, dev)
            self.roles.setCellWidget(row, 4, QLineEdit())
        self._clear_preview()

    def _name_changed(self, _text: str) -> None:
        self.name.setProperty("auto", False)
        self._clear_preview()

    def _clear_preview(self) -> None:
        self.instance = None
        self.preview_text.setPlainText("")
        self.status.setText("")
        set_state(self.status, "")

    def prefix_text(self) -> str:
        return self.prefix.text().strip() or default_prefix(self.name.text())

    def set_role(self, role: str, *, tags: str = "", device: str = "", address: str = "") -> None:
        """Fill one role's row (as the engineer would type it)."""
        for row in range(self.roles.rowCount()):
            if self.roles.item(row, 0).data(Qt.ItemDataRole.UserRole) == role:
                self.roles.cellWidget(row, 2).setCurrentText(tags)
                if device:
                    self.roles.cellWidget(row, 3).setCurrentText(device)
                self.roles.cellWidget(row, 4).setText(address)
                return
        raise KeyError(role)

    def mapping(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for row in range(self.roles.rowCount()):
            role = self.roles.item(row, 0).data(Qt.ItemDataRole.UserRole)
            tags = [x.strip() for x in self.roles.cellWidget(row, 2).currentText().split(",") if x.strip()]
            device = self.roles.cellWidget(row, 3).currentText()
            addresses = [x.strip() for x in self.roles.cellWidget(row, 4).text().split(",") if x.strip()]
            bound = tags + [(device, a) for a in addresses]
            if bound:
                out[role] = bound
        return out

    # ---------------------------------------------------------- preview and add
    def preview(self) -> bool:
        """Make the instance from the form; show its records, or every problem."""
        try:
            self.instance = instantiate(
                self.template, self.name.text().strip(), self.mapping(), self.prefix_text(), self.cfg
            )
        except TemplateError as exc:
            self.instance = None
            self.preview_text.setPlainText("\n".join(exc.issues))
            self.status.setText(self.tr("Problems: {n}; nothing can be added yet").format(n=len(exc.issues)))
            set_state(self.status, "fail")
            return False
        notes = "".join(f"# {n}\n" for n in self.instance.notes)
        self.preview_text.setPlainText(notes + self.instance.preview())
        self.status.setText(
            self.tr("New tags: {tags}, rules: {rules}; checked with the whole plant on Apply").format(
                tags=len(self.instance.tags), rules=len(self.instance.rules)
            )
        )
        set_state(self.status, "ok")
        return True

    def add(self) -> None:
        if self.preview():
            self.accept()
