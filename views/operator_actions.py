"""The operator's alarm actions of the main window: acknowledge, shelve, unshelve, suppress by
hand, out of service and back, and a supervisor's declaration of a hazard source's operating
state (views/operating_state_dialog.py), each checked against the user's role, done through the
engine (which journals it) and written to the audit trail.

`OperatorActions` is a component of views.main_window.MainWindow (`window.operator`; the window
delegates `acknowledge`, `shelve`, `suppress` and `set_out_of_service` to it). It uses the
window's public engine, bridge, alarm list, `allowed`, `audit`, `user` and `new_action`. No action
waits for the engine: each goes through the bridge (EngineBridge.request) and is audited when the
engine has done it; an action the engine refuses is said in the status bar. Its texts are
translated in the main window's context.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog

from app.accounts.users import Permission
from storage.audit import Action
from views.operating_state_dialog import OperatingStateDialog

log = logging.getLogger(__name__)


class OperatorActions:
    """Alarm actions of the main window (see the module docstring)."""

    def __init__(self, window):
        self.window = window
        self.state_dialog: OperatingStateDialog | None = None  # the open "Operating state…" dialog

    def build_off_list_actions(self, menu) -> tuple:
        """The Alarms menu's actions that take alarms off the list or put them back: (unshelve,
        suppress, lift suppression, out of service, return to service)."""
        new = self.window.new_action
        acts = (
            new(
                QCoreApplication.translate("MainWindow", "Unshelve selected"),
                self.unshelve_selected,
                (),
                QCoreApplication.translate("MainWindow", "Put the selected shelved alarms back on the list"),
            ),
            new(
                QCoreApplication.translate("MainWindow", "Suppress…"),
                self.suppress_selected,
                (),
                QCoreApplication.translate(
                    "MainWindow",
                    "Suppress the selected alarms until lifted, with a reason (equipment stopped, a known "
                    "fault being worked on); they are still recorded",
                ),
            ),
            new(
                QCoreApplication.translate("MainWindow", "Lift suppression"),
                self.unsuppress_selected,
                (),
                QCoreApplication.translate(
                    "MainWindow", "Put the selected suppressed alarms back on the list"
                ),
            ),
            new(
                QCoreApplication.translate("MainWindow", "Take out of service…"),
                self.out_of_service_selected,
                (),
                QCoreApplication.translate(
                    "MainWindow",
                    "Take the selected alarms out of service, with a reason (maintenance, a failed instrument)",
                ),
            ),
            new(
                QCoreApplication.translate("MainWindow", "Return to service"),
                self.return_to_service_selected,
                (),
                QCoreApplication.translate("MainWindow", "Put the selected alarms back in service"),
            ),
        )
        for act in acts:
            menu.addAction(act)
        return acts

    @property
    def _user(self) -> str:
        return self.window.user or "operator"

    def _send(self, call, args: tuple, action: Action, target: str, detail=None) -> None:
        """Hand an action to the engine; audit it once done, or say why it was not."""
        self.window.bridge.request(call, *args, on_done=lambda f: self._done(f, action, target, detail))

    def _done(self, future, action: Action, target: str, detail) -> None:
        exc = future.exception()
        if exc is None:
            self.window.audit(action, target, detail)
            return
        log.error("%s of %s was not done: %s", action.value, target, exc)
        self.window.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "The alarm action was not done: {error}").format(
                error=exc
            ),
            15000,
        )

    def shelve(self, keys: list[str], duration_s, reason: str) -> None:
        """Shelve alarms through the engine (journaled with the user and the reason, audited)."""
        shelve = getattr(self.window.engine, "shelve", None)
        if shelve is not None and self.window.allowed(Permission.SHELVE):
            detail = {"duration_s": duration_s, "reason": reason}
            self._send(
                shelve, (list(keys), duration_s, self._user, reason), Action.SHELVE, ",".join(keys), detail
            )

    def acknowledge(self, keys: list[str] | None) -> None:
        w = self.window
        if not w.allowed(Permission.ACKNOWLEDGE):
            return
        target = "all" if keys is None else ",".join(keys)
        w.bridge.acknowledge(
            keys, user=w.user, on_done=lambda f: self._done(f, Action.ACKNOWLEDGE, target, None)
        )

    def unshelve_selected(self) -> None:
        keys = self.window.alarm_table.selected_keys()
        if keys and self.window.allowed(Permission.UNSHELVE):
            self._send(self.window.engine.unshelve, (keys, self._user), Action.UNSHELVE, ",".join(keys))

    def _selected_with_reason(self, permission: Permission, title: str, prompt: str):
        """The selected alarm keys and the reason the user gives, or None (nothing selected, not
        allowed, cancelled or no reason)."""
        keys = self.window.alarm_table.selected_keys()
        if not keys or not self.window.allowed(permission):
            return None
        reason, ok = QInputDialog.getText(self.window, title, prompt.format(n=len(keys)))
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
        keys = self.window.alarm_table.selected_keys()
        if keys:
            self.suppress(keys, False)

    def suppress(self, keys: list[str], on: bool, reason: str = "") -> None:
        """Suppress alarms by hand (or lift it) through the engine; journaled and audited."""
        if self.window.allowed(Permission.SUPPRESS):
            args = (list(keys), on, self._user, reason)
            detail = {"on": on, "reason": reason}
            self._send(self.window.engine.suppress, args, Action.SUPPRESS, ",".join(keys), detail)

    def return_to_service_selected(self) -> None:
        keys = self.window.alarm_table.selected_keys()
        if keys:
            self.set_out_of_service(keys, False)

    def set_out_of_service(self, keys: list[str], on: bool, reason: str = "") -> None:
        """Out of service (or back in service) through the engine; journaled and audited."""
        if self.window.allowed(Permission.OUT_OF_SERVICE):
            args = (list(keys), on, self._user, reason)
            detail = {"on": on, "reason": reason}
            self._send(
                self.window.engine.set_out_of_service, args, Action.OUT_OF_SERVICE, ",".join(keys), detail
            )

    # ------------------------------------------------------------ operating states
    def build_state_action(self, menu):
        """The "Operating state…" action (the Plant menu; the hazard panels' context menus)."""
        act = self.window.new_action(
            QCoreApplication.translate("MainWindow", "Operating state…"),
            lambda *_: self.open_state_dialog(),
            (),
            QCoreApplication.translate(
                "MainWindow",
                "Declare the selected hazard source running, reduced, down or under maintenance, with a "
                "reason; maintenance suppresses its alarms by design and mutes its risk",
            ),
        )
        menu.addAction(act)
        return act

    def open_state_dialog(self, hazard: str | None = None) -> OperatingStateDialog | None:
        """Ask for the state of a hazard source (the one shown in the Hazard source panel)."""
        w = self.window
        hazard = hazard or w.hazard_panel.name or w.risk_overview.selected()
        if not hazard:
            w.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "Select a hazard source first (map or Plant risk)"),
                8000,
            )
            return None
        if not w.allowed(Permission.SUPPRESS):
            return None
        state = w.bridge.risk_states.get(hazard)
        dialog = OperatingStateDialog(hazard, getattr(state, "operating", None), w, now=w.now())
        dialog.accepted.connect(lambda: self.declare_state(hazard, *dialog.choice()))
        dialog.open()
        self.state_dialog = dialog
        return dialog

    def declare_state(self, hazard: str, state, reason: str, until: float | None = None) -> None:
        """Declare a hazard source's operating state through the engine; journaled and audited."""
        operator = getattr(self.window.engine, "operator", None)
        if operator is None or not self.window.allowed(Permission.SUPPRESS):
            return
        args = (hazard, str(state), self._user, reason, until)
        detail = {"state": str(state), "reason": reason, "until": until}
        self._send(operator.declare_state, args, Action.OPERATING_STATE, hazard, detail)
