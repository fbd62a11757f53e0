"""The settings of a running plant from the main window: the Settings dialog (one at a time,
kept open across the window's rebuild) and the live application of what it saved.

`SettingsApply` is a component of views.main_window.MainWindow (`window.settings_apply`; the
window delegates `open_settings`, `adopt_settings_dialog` and `apply_config` to it). Applying
never waits for the engine: Engine.submit_config answers with a future through the bridge
(EngineBridge.request), and while it runs the status bar shows a busy indicator and the dialog's
Apply and OK are held. Once applied the window emits `configApplied` (the launcher rebuilds it on
the new configuration); a failure is shown and the running configuration stays in force.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QProgressBar

from app.accounts.users import Permission
from storage.audit import Action

log = logging.getLogger(__name__)
BUSY_WIDTH = 110


class SettingsApply:
    """The main window's Settings dialog and live reconfiguration (see the module docstring)."""

    def __init__(self, window):
        self.window = window
        self.dialog = None  # the open SettingsDialog, if any
        self.pending = None  # the future of a configuration being applied
        self.station = None  # on a station: views.station_settings.StationSettings (read-only)
        self.busy = QProgressBar(window)
        self.busy.setObjectName("applyBusy")
        self.busy.setRange(0, 0)  # busy: no percentage to show
        self.busy.setMaximumWidth(BUSY_WIDTH)
        self.busy.setTextVisible(False)
        self.busy.hide()
        window.statusBar().addPermanentWidget(self.busy)

    # ------------------------------------------------------------ the dialog
    def open(self) -> None:
        """The settings dialog on a copy of the running configuration (one at a time): every page
        for an engineer, the Risk inventory page alone for a safety manager (the inventory is
        theirs, the plant file is not)."""
        from views.settings import SettingsDialog

        w = self.window
        if self.station is not None:  # the configuration lives on the server
            self.station.open()
            return
        session = w.session
        inventory_only = session is not None and not session.can(Permission.CONFIGURE)
        if not w.allowed(Permission.DUAL_PREVENTION if inventory_only else Permission.CONFIGURE):
            return
        dlg = self.dialog
        if dlg is not None and dlg.isVisible() and dlg.inventory_only != inventory_only:
            dlg.close()  # another user, with other rights, since it was opened
        if dlg is None or not dlg.isVisible():
            dp = w.dual_prevention
            dlg = SettingsDialog(
                w.config,
                path=self.settings_path(),
                parent=w,
                on_file=None if inventory_only else self.config_on_file(),
                administrator=w.allowed(Permission.MANAGE_USERS),  # notifications: administrators
                inventory=dp.inventory,
                user=dp.user,
                inventory_only=inventory_only,
            )
            dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self._own(dlg)
        dlg.show()
        dlg.raise_()
        dlg.activateWindow()

    def _own(self, dlg) -> None:
        dlg.applied.connect(self.applied)
        dlg.rules_page.set_fault_source(getattr(self.window.engine, "faults", None))
        dlg.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog = dlg

    def adopt(self, old: SettingsApply) -> None:
        """After Apply the window is rebuilt on the new configuration: the open Settings dialog
        moves to the new window and stays open, its confirmation in view."""
        dlg = old.dialog
        if dlg is None or not dlg.isVisible():
            return
        old.dialog = None
        dlg.applied.disconnect()
        dlg.destroyed.disconnect()
        geometry = dlg.geometry()
        dlg.setParent(self.window, dlg.windowFlags())
        self._own(dlg)
        dlg.setGeometry(geometry)
        dlg.show()

    def config_on_file(self):
        """The running configuration as its file has it, when its devices run elsewhere (the
        demo serves its plant on ports chosen at start), else None."""
        from app.config import load_config

        config = self.window.config
        src = config.source_path
        if src is None or not src.exists():
            return None
        try:
            on_file = load_config(src)
        except Exception as exc:  # an unreadable file: Apply then writes what runs
            log.warning("cannot read %s to keep its device addresses: %s", src, exc)
            return None
        return None if on_file.devices == config.devices else on_file

    def settings_path(self):
        """Where Apply writes the plant file: the file it came from, except the built-in demo,
        whose changes go to a copy in the data directory (the shipped demo stays as it is)."""
        from app.config import demo_config_path
        from core.paths import data_dir

        src = self.window.config.source_path
        if src is not None and src.resolve() == demo_config_path().resolve():
            return data_dir() / "demo_plant.yaml"
        return src

    # ------------------------------------------------------------ applying
    def applied(self, new, diff) -> None:
        """The dialog saved a good configuration: audit it and run it (the window's apply_config)."""
        w = self.window
        w.audit(Action.CONFIG_CHANGE, new.plant.name, list(diff))
        apply = getattr(w, "apply_config", None)
        if apply is not None:
            apply(new, diff)
        else:
            w.statusBar().showMessage(
                QCoreApplication.translate(
                    "MainWindow", "Configuration saved ({n} changes); restart to run it"
                ).format(n=len(diff)),
                15000,
            )

    def apply(self, new, diff=()):
        """Run a new plant configuration without stopping and without waiting for it (see
        Engine.submit_config). Returns its future, or None while another is still applied."""
        w = self.window
        if self.pending is not None:
            w.statusBar().showMessage(
                QCoreApplication.translate(
                    "MainWindow", "A configuration is still being applied; apply again once it is done"
                ),
                8000,
            )
            return None
        diff = list(diff)
        self._busy(True)
        self.pending = w.bridge.request(
            w.engine.submit_config, new, on_done=lambda f: self._done(new, diff, f)
        )
        return self.pending

    def _busy(self, on: bool) -> None:
        w = self.window
        self.busy.setVisible(on)
        if on:
            w.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Applying the configuration…"))
        if self.dialog is not None:
            self.dialog.set_applying(on)

    def _done(self, new, diff: list, future) -> None:
        w = self.window
        self.pending = None
        self._busy(False)
        exc = future.exception()
        if exc is not None:  # the running configuration stays in force
            log.error("applying the configuration", exc_info=exc)
            w.statusBar().clearMessage()
            QMessageBox.critical(
                w,
                QCoreApplication.translate("MainWindow", "Configuration not applied"),
                f"{type(exc).__name__}: {exc}",
            )
            return
        result = future.result()
        reconnected = ", ".join(result.devices_restarted + result.devices_added)
        log.info(
            "Configuration applied: %d tag(s) added, %d removed; reconnected: %s (%d change(s))",
            result.tags_added,
            result.tags_removed,
            reconnected or "none",
            len(diff),
        )
        summary = QCoreApplication.translate(
            "MainWindow",
            "Configuration applied: {added} tag(s) added, {removed} removed; reconnected: {devices}",
        )
        devices = reconnected or QCoreApplication.translate("MainWindow", "none")
        w.statusBar().showMessage(
            summary.format(added=result.tags_added, removed=result.tags_removed, devices=devices), 15000
        )
        w.configApplied.emit(new, result)
