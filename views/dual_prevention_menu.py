"""The dual-prevention work of the main window: "Work permits…" and "Hidden dangers…" on the
Plant menu, the permit desk on the plant's database, and the permit badges on the
map, refreshed when a permit changes and every `REFRESH_MS` (a window that closes, a permit
issued at another station on a shared database).

`DualPrevention` is a component of views.main_window.MainWindow (`window.dual_prevention`); it
uses the window's public engine, bridge, map, `allowed`, `session`, `user`, `now` and
`new_action`. Without a database (an engine without history) the items are disabled.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QTimer

from app.accounts.users import Permission
from app.dual_prevention.register import Register
from app.dual_prevention.service import PermitDesk
from views.hidden_dangers_dialog import HiddenDangersDialog
from views.permits_dialog import PermitsDialog, latest_of

log = logging.getLogger(__name__)
REFRESH_MS = 30_000


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class DualPrevention:
    """Work permits of the main window (see the module docstring)."""

    def __init__(self, window, menu):
        self.window = window
        engine = window.engine
        history = getattr(engine, "history", None)
        self.db = getattr(history, "engine", None)
        self.desk: PermitDesk | None = None
        self.register: Register | None = None
        if self.db is not None:
            session = window.session
            audit = getattr(session, "audit", None) if session is not None else None
            operator = getattr(engine, "operator", None)
            send = None if operator is None else (lambda p: window.bridge.request(operator.put_permit, p))
            self.desk = PermitDesk(self.db, engine.config, audit, send, clock=window.now)
            send_dangers = (
                None if operator is None else (lambda d, t: window.bridge.request(operator.set_dangers, d, t))
            )
            self.register = Register(self.db, audit, send_dangers, clock=window.now)
        self.dialog: PermitsDialog | None = None
        self.dangers_dialog: HiddenDangersDialog | None = None
        self.permits_action = window.new_action(
            _tr("Work permits…"),
            lambda *_: self.open_permits(),
            (),
            _tr(
                "Hot work, confined space, gas-area work, height and lifts: register with a gas test, suspend, end"
            ),
        )
        self.permits_action.setEnabled(self.desk is not None)
        menu.addAction(self.permits_action)
        self.dangers_action = window.new_action(
            _tr("Hidden dangers…"),
            lambda *_: self.open_dangers(),
            (),
            _tr("The hidden-danger register: register, rectify, accept; the weekly report"),
        )
        self.dangers_action.setEnabled(self.desk is not None)
        menu.addAction(self.dangers_action)
        self.timer = QTimer(window)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh_map)
        if self.desk is not None:
            self.timer.start()
            self.refresh_map()

    def refresh_map(self, permits=None) -> None:
        """The permit badges on the map (the open permits read again when not given)."""
        if self.desk is None:
            return
        try:
            permits = self.desk.open() if permits is None else permits
        except Exception:  # a database gone for a moment: the badges stay until the next refresh
            log.exception("the open work permits could not be read")
            return
        self.window.map.permits.show(permits, self.window.now())

    def open_permits(self) -> PermitsDialog | None:
        w = self.window
        if self.desk is None or not w.allowed(Permission.PERMIT):
            return None
        if self.dialog is None:
            self.dialog = PermitsDialog(
                self.desk,
                w.user or "operator",
                lambda: latest_of(w.engine),
                w,
                now=w.now,
                on_change=self.refresh_map,
            )
        self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def open_dangers(self) -> HiddenDangersDialog | None:
        w = self.window
        if self.register is None or not w.allowed(Permission.DUAL_PREVENTION):
            return None
        if self.dangers_dialog is None:
            self.dangers_dialog = HiddenDangersDialog(
                self.register,
                [h.name for h in w.engine.config.hazard_sources],
                w.user or "operator",
                w,
                now=w.now,
                permits=self.desk.all,
                plant=w.engine.config.plant.name,
            )
        self.dangers_dialog.refresh()
        self.dangers_dialog.show()
        self.dangers_dialog.raise_()
        return self.dangers_dialog
