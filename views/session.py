"""Who is at the console: the logged-in user, what their role may do, and the audit trail.

`Session` is the one object the windows ask "may the current user do this?" and tell "the
current user did this". It outlives main windows (a configuration change rebuilds the window on
the same session). A passwordless session is the built-in demo plant's: the user "operator" with
the operator role, nothing to protect with a password, so the screen is never locked for it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt, Signal

from app.accounts.users import Permission, Role, User, UserStore, can, required_role
from storage.audit import Action, AuditLog

log = logging.getLogger(__name__)
DEMO_USER = "operator"
_ROLE = {  # app.accounts.users.Role.label (what the audit trail and the user store keep) as shown
    "operator": QT_TRANSLATE_NOOP("Session", "operator"),
    "supervisor": QT_TRANSLATE_NOOP("Session", "supervisor"),
    "safety_manager": QT_TRANSLATE_NOOP("Session", "safety manager"),
    "engineer": QT_TRANSLATE_NOOP("Session", "engineer"),
    "administrator": QT_TRANSLATE_NOOP("Session", "administrator"),
}


def role_label(role: Role | str) -> str:
    """A user role as shown in the installed language: 'engineer' / '工程师'."""
    label = getattr(role, "label", str(role))
    return QCoreApplication.translate("Session", _ROLE[label]) if label in _ROLE else label


class Session(QObject):
    """The current user (None after logging out), their permissions, and the audit log."""

    userChanged = Signal()

    def __init__(
        self,
        store: UserStore | None,
        audit: AuditLog | None,
        user: User | None = None,
        *,
        passwordless: bool = False,
        parent=None,
    ):
        super().__init__(parent)
        self.store, self.audit = store, audit
        self.passwordless = passwordless
        self.user = user if user is not None else (_demo_user() if passwordless else None)
        self._authenticated = user is not None

    @classmethod
    def demo(cls, store: UserStore | None = None, audit: AuditLog | None = None, parent=None) -> Session:
        """The demo plant's session: "operator", no password."""
        return cls(store, audit, passwordless=True, parent=parent)

    # ---- who
    @property
    def name(self) -> str:
        return self.user.name if self.user is not None else ""

    @property
    def role(self) -> Role | None:
        return self.user.role if self.user is not None else None

    def describe(self) -> str:
        """The user and role for the status bar, e.g. "alice (engineer)"; "" when nobody is logged in."""
        if self.user is None:
            return ""
        return self.tr("{name} ({role})").format(name=self.user.name, role=role_label(self.user.role))

    @property
    def has_password(self) -> bool:
        """Whether the current user logged in with a password (only those screens are locked)."""
        return self.user is not None and self._authenticated

    # ---- may they
    def can(self, permission: Permission) -> bool:
        return can(self.role, permission)

    @staticmethod
    def needs(permission: Permission) -> str:
        """Tooltip for a disabled action: which role it takes."""
        text = QCoreApplication.translate("Session", "Needs the {role} role or higher")
        return text.format(role=role_label(required_role(permission)))

    # ---- changes of user
    def login(self, user: User, *, audited: bool = True, how: str = "") -> None:
        """`user` has just authenticated: they replace whoever was logged in (logged out first).
        `audited`: the login row is already written (UserStore.authenticate); else it is here."""
        if self.user is not None and self.user.name != user.name and self.has_password:
            self.record(Action.LOGOUT, self.user.name, {"replaced_by": user.name})
        self.user, self._authenticated = user, True
        if not audited:
            self.record(Action.LOGIN, user.name, {"via": how} if how else None)
        self.userChanged.emit()

    def logout(self) -> None:
        """Log the current user out: the demo plant goes back to its passwordless operator."""
        if self.user is not None and self.has_password:
            self.record(Action.LOGOUT, self.user.name)
        self.user = _demo_user() if self.passwordless else None
        self._authenticated = False
        self.userChanged.emit()

    # ---- the audit trail
    def record(self, action: Action | str, target: str = "", detail=None) -> bool:
        """Write an audit row as the current user; False (and logged) when it could not be written."""
        if self.audit is None:
            return False
        try:
            self.audit.append(self.name or DEMO_USER, action, target, detail)
        except Exception:  # the plant's monitoring must go on; the failure is reported
            log.exception("could not write the audit trail (%s %s)", action, target)
            return False
        return True


def _demo_user() -> User:
    return User(DEMO_USER, Role.OPERATOR, 0)


class SessionControls(QObject):
    """A main window's user controls: Switch user, Lock, Log out, the idle lock, the lock screen,
    the user in the status bar and the permission gating of the window's actions.

    The window provides `gated_actions()` -> [(QAction, Permission)], `user_label`, `statusBar()`.
    """

    def __init__(self, window, session: Session, lock_after_s: float | None = 600.0):
        super().__init__(window)
        from views.lock_screen import IdleWatcher, LockScreen

        self.window, self.session = window, session
        self.lock_screen = LockScreen(window, session.store)
        self.lock_screen.unlocked.connect(self._unlocked)
        self.idle = IdleWatcher(lock_after_s, self)
        self.idle.idle.connect(self.lock_idle)
        self._saved_enabled: dict = {}
        self.login_dialog = None
        session.userChanged.connect(self.refresh)
        self.refresh()

    @property
    def locked(self) -> bool:
        return self.lock_screen.locked

    # ---- actions
    def switch_user(self) -> None:
        """The login dialog (first administrator when there are no users yet); non-blocking."""
        from views.login import MODE_FIRST_ADMIN, MODE_LOGIN, LoginDialog

        store = self.session.store
        if store is None or self.locked:
            return
        mode = MODE_FIRST_ADMIN if store.count() == 0 else MODE_LOGIN
        dlg = LoginDialog(
            store, mode=mode, plant_name=self.window.config.plant.name, audit_login=False, parent=self.window
        )
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(
            lambda: dlg.user is not None and self.session.login(dlg.user, audited=False, how="switch user")
        )
        dlg.destroyed.connect(lambda *_: setattr(self, "login_dialog", None))
        self.login_dialog = dlg
        dlg.open()

    def lock(self, reason: str = "") -> None:
        """Lock now (only a user with a password has anything to unlock with)."""
        if not self.session.has_password:
            return
        self._freeze()
        self.lock_screen.lock(
            self.session.name,
            reason or self.tr("{user} locked the screen").format(user=self.session.describe()),
        )

    def lock_idle(self) -> None:
        if self.session.has_password and not self.locked:
            minutes = self.idle.interval_s / 60
            user = self.session.describe()
            if minutes >= 1:
                text = self.tr("{user}: locked after {n} min without input").format(
                    user=user, n=f"{minutes:.0f}"
                )
            else:
                n = f"{self.idle.interval_s:.0f}"
                text = self.tr("{user}: locked after {n} s without input").format(user=user, n=n)
            self.lock(text)

    def logout(self) -> None:
        """Log out; without a passwordless fallback the screen stays covered until someone logs in."""
        self.session.logout()
        if self.session.user is None:
            self._freeze()
            self.lock_screen.lock("", self.tr("Log in to use this console"))

    def _unlocked(self, user: User) -> None:
        if self.session.user is None or user.name != self.session.name:
            self.session.login(user, audited=False, how="lock screen")
        else:
            self.session.record(Action.LOGIN, user.name, {"via": "unlock"})
        self.lock_screen.unlock()
        self._thaw()
        self.idle.reset()

    # ---- state shown and allowed
    def refresh(self) -> None:
        w, s = self.window, self.session
        w.user = s.name
        w.user_label.set_user(s.describe())
        w.user_label.setToolTip(self.tr("Switch user: {keys}").format(keys="Ctrl+Shift+U"))
        if not self.locked:
            self.apply_permissions()
        dialog = getattr(w, "settings_dialog", None)
        inventory = getattr(dialog, "inventory_only", False) and s.can(Permission.DUAL_PREVENTION)
        if dialog is not None and not s.can(Permission.CONFIGURE) and not inventory:
            dialog.close()  # a user who may not configure does not inherit an open settings dialog

    def apply_permissions(self) -> None:
        for act, permission in self.window.gated_actions():
            allowed = self.session.can(permission)
            act.setEnabled(allowed)
            act.setToolTip("" if allowed else self.session.needs(permission))
        for act, needs_password in self.window.session_actions():
            act.setEnabled(self.session.has_password or not needs_password)

    def _freeze(self) -> None:
        """While locked nothing but silencing the horn may be done from this window."""
        w = self.window
        keep = {getattr(w, "silence_action", None)}
        if not self._saved_enabled:
            self._saved_enabled = {a: a.isEnabled() for a in w.actions() if a not in keep}
        for a in self._saved_enabled:
            a.setEnabled(False)
        w.menuBar().setEnabled(False)
        if self.login_dialog is not None:
            self.login_dialog.reject()

    def _thaw(self) -> None:
        for a, enabled in self._saved_enabled.items():
            a.setEnabled(enabled)
        self._saved_enabled = {}
        self.window.menuBar().setEnabled(True)
        self.apply_permissions()


__all__ = ["DEMO_USER", "Session", "SessionControls", "role_label"]
