"""The operator's alarm actions of the main window: acknowledge, shelve, unshelve, suppress by
hand, out of service and back, each checked against the user's role, done through the engine
(which journals it) and written to the audit trail.

`OperatorActions` is mixed into views.main_window.MainWindow (it uses the window's engine,
bridge, alarm list, `allowed`, `audit` and `user`). Its texts are translated in the main
window's context: Qt looks `tr()` texts up under the object's class, which is MainWindow.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog

from app.accounts.users import Permission
from storage.audit import Action


class OperatorActions:
    """Alarm actions of the main window (see the module docstring)."""

    def _build_off_list_actions(self, menu) -> None:
        """The Alarms menu's actions that take alarms off the list or put them back."""
        self.unshelve_action = self._action(
            QCoreApplication.translate("MainWindow", "Unshelve selected"),
            self.unshelve_selected,
            (),
            QCoreApplication.translate("MainWindow", "Put the selected shelved alarms back on the list"),
        )
        self.oos_action = self._action(
            QCoreApplication.translate("MainWindow", "Take out of service…"),
            self.out_of_service_selected,
            (),
            QCoreApplication.translate(
                "MainWindow",
                "Take the selected alarms out of service, with a reason (maintenance, a failed instrument)",
            ),
        )
        self.return_action = self._action(
            QCoreApplication.translate("MainWindow", "Return to service"),
            self.return_to_service_selected,
            (),
            QCoreApplication.translate("MainWindow", "Put the selected alarms back in service"),
        )
        self.suppress_action = self._action(
            QCoreApplication.translate("MainWindow", "Suppress…"),
            self.suppress_selected,
            (),
            QCoreApplication.translate(
                "MainWindow",
                "Suppress the selected alarms until lifted, with a reason (equipment stopped, a known "
                "fault being worked on); they are still recorded",
            ),
        )
        self.unsuppress_action = self._action(
            QCoreApplication.translate("MainWindow", "Lift suppression"),
            self.unsuppress_selected,
            (),
            QCoreApplication.translate("MainWindow", "Put the selected suppressed alarms back on the list"),
        )
        for act in (
            self.unshelve_action,
            self.suppress_action,
            self.unsuppress_action,
            self.oos_action,
            self.return_action,
        ):
            menu.addAction(act)

    def shelve(self, keys: list[str], duration_s, reason: str) -> None:
        """Shelve alarms through the engine (journaled with the user and the reason, audited)."""
        shelve = getattr(self.engine, "shelve", None)
        if shelve is not None and self.allowed(Permission.SHELVE):
            shelve(list(keys), duration_s, self.user or "operator", reason)
            self.audit(Action.SHELVE, ",".join(keys), {"duration_s": duration_s, "reason": reason})

    def acknowledge(self, keys: list[str] | None) -> None:
        if not self.allowed(Permission.ACKNOWLEDGE):
            return
        self.bridge.acknowledge(keys, user=self.user)
        self.audit(Action.ACKNOWLEDGE, "all" if keys is None else ",".join(keys))

    def unshelve_selected(self) -> None:
        keys = self.alarm_table.selected_keys()
        if keys and self.allowed(Permission.UNSHELVE):
            self.engine.unshelve(keys, self.user or "operator")
            self.audit(Action.UNSHELVE, ",".join(keys))

    def _selected_with_reason(self, permission: Permission, title: str, prompt: str):
        """The selected alarm keys and the reason the user gives, or None (nothing selected, not
        allowed, cancelled or no reason)."""
        keys = self.alarm_table.selected_keys()
        if not keys or not self.allowed(permission):
            return None
        reason, ok = QInputDialog.getText(self, title, prompt.format(n=len(keys)))
        return (keys, reason.strip()) if ok and reason.strip() else None

    def out_of_service_selected(self) -> None:
        got = self._selected_with_reason(
            Permission.OUT_OF_SERVICE,
            QCoreApplication.translate("MainWindow", "Take out of service"),
            QCoreApplication.translate("MainWindow", "Reason for taking {n} alarm(s) out of service:"),
        )
        if got is not None:
            self.set_out_of_service(got[0], True, got[1])

    def suppress_selected(self) -> None:
        got = self._selected_with_reason(
            Permission.SUPPRESS,
            QCoreApplication.translate("MainWindow", "Suppress alarms"),
            QCoreApplication.translate("MainWindow", "Reason for suppressing {n} alarm(s):"),
        )
        if got is not None:
            self.suppress(got[0], True, got[1])

    def unsuppress_selected(self) -> None:
        keys = self.alarm_table.selected_keys()
        if keys:
            self.suppress(keys, False)

    def suppress(self, keys: list[str], on: bool, reason: str = "") -> None:
        """Suppress alarms by hand (or lift it) through the engine; journaled and audited."""
        if self.allowed(Permission.SUPPRESS):
            self.engine.suppress(list(keys), on, self.user or "operator", reason)
            self.audit(Action.SUPPRESS, ",".join(keys), {"on": on, "reason": reason})

    def return_to_service_selected(self) -> None:
        keys = self.alarm_table.selected_keys()
        if keys:
            self.set_out_of_service(keys, False)

    def set_out_of_service(self, keys: list[str], on: bool, reason: str = "") -> None:
        """Out of service (or back in service) through the engine; journaled and audited."""
        if self.allowed(Permission.OUT_OF_SERVICE):
            self.engine.set_out_of_service(list(keys), on, self.user or "operator", reason)
            self.audit(Action.OUT_OF_SERVICE, ",".join(keys), {"on": on, "reason": reason})
