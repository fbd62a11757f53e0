"""The Settings dialog: a non-modal editor of a copy of the plant configuration.

Nothing reaches the running plant until Apply: the whole draft is built through the schema
and the cross-checks; with any error, every error is listed and nothing is applied. Otherwise
the YAML is saved (the previous file kept as a numbered copy), and `applied(new_config,
diff_lines)` is emitted for the engine's live reconfiguration and the audit trail.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import ValidationError
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QStackedWidget,
    QWidget,
)

from app.config import ConfigError, PlantConfig
from app.config.io import (
    config_data,
    config_diff,
    keep_file_endpoints,
    rebase_map,
    save_config,
    validate_config_data,
)
from views.settings.alarms_page import AlarmsPage
from views.settings.devices_page import DevicesPage, valid_devices
from views.settings.forms import SETTINGS_QSS, ErrorsDialog, set_state, with_header
from views.settings.hazards_page import HazardsPage
from views.settings.inventory_page import inventory_page
from views.settings.map_page import MapPage
from views.settings.notifications_page import NotificationsPage
from views.settings.rules_page import RulesPage
from views.settings.security_page import SecurityPage
from views.settings.tag_model import TagTableModel
from views.settings.tags_page import TagsPage
from views.settings.template_dialog import TemplateDialog
from views.settings.uplink_page import UplinkPage
from views.settings.workers import ProbeRunner
from widgets.layouts import hbox, vbox
from widgets.screen_fit import resize_for_screen

log = logging.getLogger(__name__)


class Draft:
    """The configuration being edited: devices, hazards and rules as plain data, tags as the
    table model's rows; the rest is carried over from the configuration it started from."""

    def __init__(self, cfg: PlantConfig, parent=None):
        self.base = cfg
        data = config_data(cfg)
        self.devices: list[dict] = data["devices"]
        self.hazards: list[dict] = data["hazard_sources"]
        self.rules: list[dict] = data["rules"]
        self.security: dict = data["security"]
        self.notifications: dict = data["notifications"]
        # the regulator link, its points edited on their page (views/settings/uplink_page.py)
        self.uplink: dict = data["uplink"]
        self.tags = TagTableModel.from_tags(cfg.tags, parent=parent)
        self.tags.set_devices(self.device_map())
        self._gen = 0

    def bad_quality_default(self) -> tuple[str, set[str]]:
        """The plant's bad-quality alarm default and the hazard sources' members (the draft's)."""
        members = {n for h in self.hazards for k in ("tags", "interlocks") for n in h.get(k) or ()}
        return self.base.alarm_defaults.bad_quality, members

    def device_map(self) -> dict[str, dict]:
        return {d.get("name", ""): d for d in self.devices if d.get("name")}

    def touch(self) -> None:
        self._gen += 1

    def generation(self) -> int:
        return self._gen + self.tags.generation

    def valid_devices(self) -> list:
        return valid_devices(self.devices)

    def config_for_rules(self) -> PlantConfig:
        """A configuration of the valid devices and tags, for checking rules as they are typed."""
        return PlantConfig.model_construct(
            schema_=1,
            plant=self.base.plant,
            devices=self.valid_devices(),
            tags=self.tags.valid_tags(),
            hazard_sources=[],
            rules=[],
            warnings=self.base.warnings,
            risk=self.base.risk,
            retention=self.base.retention,
            source_path=self.base.source_path,
        )

    def config_for_map(self) -> PlantConfig:
        from app.config import HazardSource

        hazards = []
        for h in self.hazards:
            try:
                hazards.append(HazardSource.model_validate(h))
            except ValidationError:  # drawn once it is valid
                continue
        cfg = self.config_for_rules()
        return cfg.model_copy(update={"hazard_sources": hazards})

    def config_for_templates(self) -> PlantConfig:
        """The draft's valid devices, tags, hazard sources and rules, for instantiating a template."""
        from app.config import Rule

        rules = []
        for r in self.rules:
            try:
                rules.append(Rule.model_validate(r))
            except ValidationError:  # its name is still taken
                rules.append(Rule.model_construct(name=r.get("name", ""), when=r.get("when", "")))
        return self.config_for_map().model_copy(
            update={"rules": rules, "alarm_defaults": self.base.alarm_defaults}
        )

    def add_instance(self, inst) -> dict:
        """Add what a template instance makes: its tags to the table, its rules, and the anomaly
        tags it names to the plant's warnings; gives the hazard source's record to add."""
        self.tags.add_tags(inst.tags)
        self.rules.extend(r.model_dump(mode="json") for r in inst.rules)
        if inst.anomaly_tags:
            w = self.base.warnings
            warnings = w.model_copy(update={"anomaly_tags": list(w.anomaly_tags) + inst.anomaly_tags})
            self.base = self.base.model_copy(update={"warnings": warnings})
        self.touch()
        return inst.hazard.model_dump(mode="json")

    def data(self) -> dict:
        """Plain data for the schema. Tag rows that are not valid by themselves cannot be sent
        through the schema; their errors are reported separately (`row_errors`)."""
        d = config_data(self.base)
        d.update(
            devices=[dict(x) for x in self.devices],
            tags=[t.model_dump(mode="json") for t in self.tags.valid_tags()],
            hazard_sources=[dict(x) for x in self.hazards],
            rules=[dict(x) for x in self.rules],
            security=dict(self.security),
            notifications=dict(self.notifications),
            uplink={**self.uplink, "points": [dict(p) for p in self.uplink.get("points", [])]},
        )
        return d

    def build(self) -> tuple[PlantConfig | None, list[str]]:
        errors = self.tags.row_errors()
        cfg, issues = validate_config_data(self.data(), self.base.source_path)
        if errors:
            # tag rows with errors never reach the schema: references to them would only
            # repeat those rows' errors as "unknown tag"
            held = {t for r, t in zip(self.tags.tags, self.tags.names(), strict=True) if r is None}
            issues = [i for i in issues if not any(f"unknown tag {n!r}" in i for n in held)]
        errors += issues
        return (None, errors) if errors else (cfg, [])


# the pages' names, also their keys (show_page); shown translated
PAGES = (
    QT_TRANSLATE_NOOP("settings", "Devices"),
    QT_TRANSLATE_NOOP("settings", "Tags"),
    QT_TRANSLATE_NOOP("settings", "Alarms & warnings"),
    QT_TRANSLATE_NOOP("settings", "Hazard sources"),
    QT_TRANSLATE_NOOP("settings", "Rules"),
    QT_TRANSLATE_NOOP("settings", "Map"),
    QT_TRANSLATE_NOOP("settings", "Security"),
    QT_TRANSLATE_NOOP("settings", "Notifications"),
    QT_TRANSLATE_NOOP("settings", "Regulator points"),
    QT_TRANSLATE_NOOP("settings", "Risk inventory"),
)
INVENTORY = "Risk inventory"


class SettingsDialog(QDialog):
    """The engineer's settings, non-modal. `applied(new_config, diff_lines)` after a good Apply."""

    applied = Signal(object, list)

    def __init__(
        self,
        config: PlantConfig,
        path: str | Path | None = None,
        parent=None,
        *,
        on_file: PlantConfig | None = None,
        administrator: bool = True,
        inventory=None,
        user: str = "",
        inventory_only: bool = False,
    ):
        """`on_file`: the configuration as its file has it, when devices run at other addresses
        (the demo's ports chosen at start); Apply saves the file's addresses for those.
        `administrator`: the notifications page is editable (else read-only). `inventory`: the
        plant's risk inventory (app.dual_prevention.inventory.Inventory, None without a
        database), changed under `user`. `inventory_only`: the safety manager's settings, the
        Risk inventory page alone (the plant file is the engineer's: no other page, no Apply)."""
        super().__init__(parent)
        self.on_file = on_file
        self.administrator = administrator
        self.inventory, self.user, self.inventory_only = inventory, user, inventory_only
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings — {plant}").format(plant=config.plant.name))
        self.setModal(False)
        self.setStyleSheet(SETTINGS_QSS)
        resize_for_screen(self, 1320, 820)
        self.config = config
        self.path = Path(path) if path is not None else config.source_path
        self.last_errors: list[str] = []
        self.last_diff: list[str] = []
        self._confirmation = ""  # what the summary said before an apply got under way
        self.errors_dialog: ErrorsDialog | None = None
        self.template_dialog: TemplateDialog | None = None
        self.runner = ProbeRunner(self)
        self._start(config)

    def _start(self, config: PlantConfig) -> None:
        self.draft = Draft(config, self)
        d = self.draft
        self.devices_page = DevicesPage(d.devices, self.runner)
        self.tags_page = TagsPage(d.tags, d.devices, config, self.runner)
        self.alarms_page = AlarmsPage(d.tags, bad_quality_default=lambda: d.bad_quality_default())
        self.hazards_page = HazardsPage(d.hazards, d.tags.names, config.risk)
        self.rules_page = RulesPage(
            d.rules, d.config_for_rules, lambda: [h.get("name", "") for h in d.hazards]
        )
        self.map_page = MapPage(d)
        self.security_page = SecurityPage(d.security)
        self.uplink_page = UplinkPage(d.uplink, d.config_for_map)
        # the titles are the same words as in the list of pages (the notes first: lupdate takes a
        # self.tr() right after a QCoreApplication.translate() for the latter's context)
        devices_note = self.tr(
            "Modbus TCP PLCs and gateways, OPC UA servers. Test a connection before applying."
        )
        map_note = self.tr("Detectors and hazard-source areas in map units of the plant drawing.")
        devices_box = with_header(
            self.devices_page, QCoreApplication.translate("settings", "Devices"), devices_note
        )
        map_box = with_header(self.map_page, QCoreApplication.translate("settings", "Map"), map_note)

        admin = self.administrator
        self.notifications_page = NotificationsPage(d.notifications, config.plant.name, administrator=admin)
        inventory_box, self.inventory_panel = inventory_page(self.inventory, self.user)

        self.devices_page.changed.connect(lambda: (d.tags.set_devices(d.device_map()), d.touch()))
        self.devices_page.deviceRenamed.connect(d.tags.rename_device)
        self.hazards_page.changed.connect(d.touch)
        self.hazards_page.templateRequested.connect(self.add_from_template)
        self.rules_page.changed.connect(d.touch)
        self.security_page.securityChanged.connect(d.touch)
        self.notifications_page.changed.connect(d.touch)
        self.uplink_page.changed.connect(d.touch)

        self.nav = QListWidget()
        self.nav.setObjectName("settingsNav")
        self.nav.addItems([QCoreApplication.translate("settings", p) for p in PAGES])
        self.nav.setFixedWidth(190)
        self.stack = QStackedWidget()
        pages = (devices_box, self.tags_page, self.alarms_page, self.hazards_page, self.rules_page, map_box)
        for w in (*pages, self.security_page, self.notifications_page, self.uplink_page, inventory_box):
            self.stack.addWidget(w)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)
        if self.inventory_only:
            for i, name in enumerate(PAGES):
                self.nav.item(i).setHidden(name != INVENTORY)
            self.nav.setCurrentRow(PAGES.index(INVENTORY))

        self.summary = QLabel("")
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button.clicked.connect(self.apply)
        if self.inventory_only:  # nothing of the plant file to apply: Close alone
            self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.accept_if_applied)
        self.buttons.rejected.connect(self.reject)
        d.tags.errorsChanged.connect(self._summarise)

        inner = QWidget()
        vbox((self.stack, 1), margins=(14, 10, 14, 6), parent=inner)
        body = hbox(self.nav, (inner, 1), margins=0, spacing=0)
        foot = hbox((self.summary, 1), self.buttons, margins=(14, 6, 14, 10))
        vbox((body, 1), foot, margins=0, spacing=0, parent=self)
        self._summarise()

    def add_from_template(self) -> TemplateDialog:
        """Open the template dialog (modal); what it makes joins the draft on Add."""
        dlg = TemplateDialog(self.draft.config_for_templates, self)
        self.template_dialog = dlg
        dlg.accepted.connect(lambda: self._add_instance(dlg.instance))
        dlg.open()
        return dlg

    def _add_instance(self, inst) -> None:
        if inst is None:
            return
        record = self.draft.add_instance(inst)
        self.rules_page.refresh_list()
        self.hazards_page.add_record(record)

    def show_page(self, name: str) -> QWidget:
        i = PAGES.index(name)
        self.nav.setCurrentRow(i)
        return self.stack.widget(i)

    def _summarise(self, *_a) -> None:
        bad = self.draft.tags.error_rows()
        self.summary.setText(self.tr("{n} tag rows have errors (red cells)").format(n=bad) if bad else "")
        set_state(self.summary, "fail" if bad else "")

    # ---------------------------------------------------------- apply
    def apply(self) -> bool:
        """Validate everything; save and emit `applied` only when there is no error."""
        if self.inventory_only:
            return False
        cfg, errors = self.draft.build()
        if errors:
            return self._refuse(errors)
        diff = config_diff(self.config, cfg)
        if self.path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save plant configuration"), "plant.yaml", self.tr("YAML files (*.yaml *.yml)")
            )
            if not path:
                return False
            self.path = Path(path)
        try:
            save_config(keep_file_endpoints(cfg, self.config, self.on_file), self.path)
        except ConfigError as exc:
            return self._refuse([str(i) for i in exc.issues])
        except OSError as exc:
            return self._refuse(
                [self.tr("cannot write {path}: {error}").format(path=self.path, error=exc.strerror or exc)]
            )
        # the running configuration keeps its addresses and, saved elsewhere, its map drawing
        cfg = rebase_map(cfg, self.path).model_copy(update={"source_path": self.path.resolve()})
        self.config = cfg
        self.draft.base = cfg
        self.last_errors, self.last_diff = [], diff
        n = len(diff)
        if n == 0:
            text = self.tr("No changes.")
        elif n == 1:
            text = self.tr("Applied and saved to {file}: 1 change.").format(file=self.path.name)
        else:
            text = self.tr("Applied and saved to {file}: {n} changes.").format(file=self.path.name, n=n)
        self.summary.setText(text)
        set_state(self.summary, "ok")
        self.applied.emit(cfg, diff)
        return True

    def set_applying(self, on: bool) -> None:
        """While the running plant takes the saved configuration (the main window applies it
        without waiting): say so and hold Apply and OK; then the confirmation again."""
        self.apply_button.setEnabled(not on)
        self.ok_button.setEnabled(not on)
        if on:
            self._confirmation = self.summary.text()
            self.summary.setText(self.tr("Saved; applying it to the running plant…"))
            set_state(self.summary, "")
        else:
            self.summary.setText(self._confirmation)
            set_state(self.summary, "ok")

    def _refuse(self, errors: list[str]) -> bool:
        self.last_errors = errors
        n = len(errors)
        self.summary.setText(
            self.tr("Nothing applied: 1 error.")
            if n == 1
            else self.tr("Nothing applied: {n} errors.").format(n=n)
        )
        set_state(self.summary, "fail")
        self.errors_dialog = ErrorsDialog(
            self.tr("Settings not applied"),
            self.tr("Nothing was applied or saved. Fix these and apply again."),
            errors,
            self,
        )
        self.errors_dialog.show()
        return False

    def accept_if_applied(self) -> None:
        if self.apply():
            self.accept()

    # ---------------------------------------------------------- closing
    def keyPressEvent(self, event) -> None:  # noqa: N802
        # Esc cancels a drawing on the map; it must not throw the whole draft away
        if event.key() == Qt.Key.Key_Escape:
            self.map_page.cancel()
            event.accept()
            return
        super().keyPressEvent(event)

    def done(self, result: int) -> None:
        self.runner.wait(5000)
        super().done(result)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.runner.wait(5000)
        super().closeEvent(event)
