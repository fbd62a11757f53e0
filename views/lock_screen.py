"""The screen lock: an idle timer fed by every mouse and keyboard input, and the overlay that
covers the plant once it fires.

The overlay hides the map, trends and lists (and any floating panel or dialog of the window) but
leaves the alarm banner above it in sight, and the horn keeps sounding: a locked console still
annunciates. It asks for a password; the same user or another one may unlock it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QToolBar, QVBoxLayout, QWidget

from app.accounts.users import UserStore
from views.login import LOGIN_QSS, CredentialsForm, locked_message

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.MouseMove,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)
LOCK_QSS = (
    LOGIN_QSS
    + """
#lockScreen { background: #1d1e21; }
#lockNote { color: #8d9299; background: transparent; }
"""
)


class IdleWatcher(QObject):
    """Emits `idle` after `interval_s` without mouse or keyboard input anywhere in the application
    (0 or None: never). An application-wide event filter restarts the timer on each input."""

    idle = Signal()

    def __init__(self, interval_s: float | None, parent=None):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_interval(interval_s)
        QApplication.instance().installEventFilter(self)

    def set_interval(self, interval_s: float | None) -> None:
        self.interval_s = interval_s or 0
        if self.interval_s > 0:
            self.timer.setInterval(int(self.interval_s * 1000))
            self.timer.start()
        else:
            self.timer.stop()

    def reset(self) -> None:
        if self.interval_s > 0:
            self.timer.start()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() in INPUT_EVENTS and self.interval_s > 0:
            self.timer.start()
        return False


class LockScreen(QWidget):
    """The overlay over a main window, below its alarm banner. `lock()` shows it; a correct
    password emits `unlocked(User)` (the window's controller decides what follows)."""

    unlocked = Signal(object)  # User

    def __init__(self, window, store: UserStore | None, parent=None):
        super().__init__(parent or window)
        self.window_, self.store = window, store
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(LOCK_QSS)
        self.form = CredentialsForm(self.tr("Screen locked"), "", parent=self)
        self.form.setFixedWidth(420)
        self.unlock_button = self.form.add_button(self.tr("Unlock"), primary=True)
        self.unlock_button.clicked.connect(self.submit)
        self.form.password.returnPressed.connect(self.submit)
        self.form.name.returnPressed.connect(self.form.password.setFocus)
        self.note = QLabel(
            self.tr("Alarms are still annunciated: the banner above stays live and the horn sounds."), self
        )
        self.note.setObjectName("lockNote")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addWidget(self.form, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addSpacing(10)
        lay.addWidget(self.note, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addStretch(2)
        self._hidden_windows: list[QWidget] = []
        self.hide()
        window.installEventFilter(self)

    @property
    def locked(self) -> bool:
        return self.isVisible()

    def lock(self, user_name: str = "", reason: str = "") -> None:
        """Cover the window (the banner stays); `user_name` prefills the name field."""
        self.form.title.setText(self.tr("Screen locked") if user_name else self.tr("Logged out"))
        self.form.subtitle.setText(reason)
        self.form.subtitle.setVisible(bool(reason))
        self.form.name.setText(user_name)
        self.form.show_error("")
        self.form.password.clear()
        if not self.locked:
            self._hide_windows()
        self.place()
        self.show()
        self.raise_()
        (self.form.password if user_name else self.form.name).setFocus()

    def unlock(self) -> None:
        self.hide()
        for w in self._hidden_windows:
            w.show()
        self._hidden_windows = []

    def submit(self) -> None:
        if self.store is None:
            return
        name, password = self.form.name.text().strip(), self.form.password.text()
        if not name:
            self.form.show_error(self.tr("Enter your user name."))
            return
        result = self.store.authenticate(name, password, audit_success=False)  # the session records it
        if not result.ok:
            self.form.show_error(locked_message(result))
            self.form.clear_password()
            return
        self.form.password.clear()
        self.unlocked.emit(result.user)

    # ---- geometry: everything under the banner toolbar
    def place(self) -> None:
        w = self.window_
        top = 0
        bar = w.findChild(QToolBar, "bannerBar")
        if bar is not None and bar.isVisible():
            top = bar.geometry().bottom() + 1
        self.setGeometry(0, top, w.width(), max(0, w.height() - top))

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        resized = event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest)
        if obj is self.window_ and resized and self.locked:
            self.place()
        return False

    def _hide_windows(self) -> None:
        """Floating panels and dialogs of the window would show plant detail beside the overlay."""
        self._hidden_windows = [
            c for c in self.window_.findChildren(QWidget) if c.isWindow() and c.isVisible() and c is not self
        ]
        for c in self._hidden_windows:
            c.hide()


__all__ = ["INPUT_EVENTS", "IdleWatcher", "LockScreen"]
