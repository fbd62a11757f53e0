"""The dual-prevention work of the main window, on the Plant menu: "Work permits…", "Hidden
dangers…", "Risk inventory…" and "Inspection round…"; the desks on the plant's database
(app/dual_prevention/), and the permit badges on the map, refreshed when a permit changes and
every `REFRESH_MS` (a window that closes, a permit issued at another station on a shared
database, a permit expired where the engine runs); at the same pace the hidden-danger register,
when open, is read again to show the drafts monitoring opened and the deadlines kept where the
engine runs (app/dual_prevention/draft_watch.py, deadlines.py). No window expires or escalates
anything itself.

`DualPrevention` is a component of views.main_window.MainWindow (`window.dual_prevention`); it
uses the window's public engine, bridge, map, `allowed`, `session`, `user`, `now` and
`new_action`. Work permits need Permission.PERMIT and the inspection round Permission.INSPECT (a
supervisor and above); hidden dangers, the risk inventory and generating inspection tasks
Permission.DUAL_PREVENTION (a safety manager and above). Without a database (an engine without
history) the items are disabled.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QTimer

from app.accounts.users import Permission
from app.dual_prevention.inspections import Inspections
from app.dual_prevention.inventory import Inventory
from app.dual_prevention.register import Register
from app.dual_prevention.service import PermitDesk
from views.hidden_dangers_dialog import HiddenDangersDialog
from views.inspection_round import InspectionRound
from views.inventory_dialog import InventoryDialog
from views.permits_dialog import PermitsDialog, latest_of

log = logging.getLogger(__name__)
REFRESH_MS = 30_000


class DualPrevention:
    """Dual-prevention work of the main window (see the module docstring)."""

    def __init__(self, window, menu):
        self.window = window
        engine = window.engine
        self.db = getattr(getattr(engine, "history", None), "engine", None)
        self.desk: PermitDesk | None = None
        self.register: Register | None = None
        self.inventory: Inventory | None = None
        self.inspections: Inspections | None = None
        if self.db is not None:
            audit = getattr(window.session, "audit", None) if window.session is not None else None
            operator = getattr(engine, "operator", None)
            if not hasattr(operator, "put_permit"):  # a station: the server holds the pipeline
                operator = None
            request = window.bridge.request
            send = None if operator is None else (lambda p: request(operator.put_permit, p))
            send_dangers = None if operator is None else (lambda d, t: request(operator.set_dangers, d, t))
            self.desk = PermitDesk(self.db, engine.config, audit, send, clock=window.now)
            self.register = Register(self.db, audit, send_dangers, clock=window.now)
            self.inventory = Inventory(self.db, engine.config, audit, clock=window.now)
            self.inspections = Inspections(self.inventory, self.register, audit, clock=window.now)
        self.dialogs: dict[str, object] = {}
        menu.addSeparator()
        self.permits_action = self._action(
            menu,
            QCoreApplication.translate("MainWindow", "Work permits…"),
            self.open_permits,
            QCoreApplication.translate(
                "MainWindow",
                "Hot work, confined space, gas-area work, height and lifts: register with a gas test, suspend, end",
            ),
        )
        self.dangers_action = self._action(
            menu,
            QCoreApplication.translate("MainWindow", "Hidden dangers…"),
            self.open_dangers,
            QCoreApplication.translate(
                "MainWindow", "The hidden-danger register: register, rectify, accept; the weekly report"
            ),
        )
        self.inventory_action = self._action(
            menu,
            QCoreApplication.translate("MainWindow", "Risk inventory…"),
            self.open_inventory,
            QCoreApplication.translate(
                "MainWindow",
                "Risk points with their LEC or LS evaluation and control measures; CSV import and export",
            ),
        )
        self.round_action = self._action(
            menu,
            QCoreApplication.translate("MainWindow", "Inspection round…"),
            self.open_round,
            QCoreApplication.translate(
                "MainWindow", "The inspections due: OK or a finding registered as a hidden danger"
            ),
        )
        self.timer = QTimer(window)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.tick)
        if self.desk is not None:
            self.timer.start()
            self.refresh_map()

    def _action(self, menu, text: str, slot, tip: str):
        act = self.window.new_action(text, lambda *_: slot(), (), tip)
        act.setEnabled(self.db is not None)
        menu.addAction(act)
        return act

    def gated(self) -> list:
        """(action, permission) pairs for the window's role gating."""
        dp = Permission.DUAL_PREVENTION
        return [
            (self.permits_action, Permission.PERMIT),
            (self.dangers_action, dp),
            (self.inventory_action, dp),
            (self.round_action, Permission.INSPECT),
        ]

    def tick(self) -> None:
        """The slow timer: the permit badges, and the hidden-danger register when shown (the
        drafts monitoring opened, the permits expired and hidden dangers found overdue where the
        engine runs: app/dual_prevention/deadlines.py)."""
        if self.register is None:
            return
        self.refresh_map()
        dangers = self.dialogs.get("dangers")
        if dangers is not None and dangers.isVisible():
            try:
                dangers.refresh()
            except Exception:  # a database gone for a moment: read again at the next tick
                log.exception("the hidden dangers could not be read")

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

    def _open(self, name: str, permission: Permission, make):
        """Show the dialog `name` (made once by `make()`), refreshed; None when not allowed."""
        if self.db is None or not self.window.allowed(permission):
            return None
        dialog = self.dialogs.get(name)
        if dialog is None:
            dialog = self.dialogs[name] = make()
        dialog.refresh()
        dialog.show()
        dialog.raise_()
        return dialog

    def _may(self, permission: Permission):
        """Whether the current user may do `permission` now (asked when it is done, not before)."""
        session = self.window.session
        return lambda: session is None or session.can(permission)

    @property
    def user(self) -> str:
        """Who the changes are stored and audited under."""
        return self.window.user or "operator"

    def open_permits(self) -> PermitsDialog | None:
        w = self.window
        return self._open(
            "permits",
            Permission.PERMIT,
            lambda: PermitsDialog(
                self.desk, self.user, lambda: latest_of(w.engine), w, now=w.now, on_change=self.refresh_map
            ),
        )

    def open_dangers(self) -> HiddenDangersDialog | None:
        w = self.window
        return self._open(
            "dangers",
            Permission.DUAL_PREVENTION,
            lambda: HiddenDangersDialog(
                self.register,
                [h.name for h in w.engine.config.hazard_sources],
                self.user,
                w,
                now=w.now,
                permits=self.desk.all,
                plant=w.engine.config.plant.name,
            ),
        )

    def open_inventory(self) -> InventoryDialog | None:
        return self._open(
            "inventory",
            Permission.DUAL_PREVENTION,
            lambda: InventoryDialog(self.inventory, self.user, self.window),
        )

    def open_round(self) -> InspectionRound | None:
        w = self.window
        return self._open(
            "round",
            Permission.INSPECT,
            lambda: InspectionRound(
                self.inspections, self.user, w, now=w.now, may_generate=self._may(Permission.DUAL_PREVENTION)
            ),
        )
