"""The login dialog, and its "create the first administrator" mode for a plant without users.

Login: user name and password; after a failure one message shows under the fields, the same
whether the name is unknown, the password wrong or the account locked (app.accounts.users.LOGIN_REFUSED):
the dialog does not tell which names exist. First administrator: name and the password twice
(at least 8 characters); the account is created with the administrator role and logged in.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.accounts.users import MIN_PASSWORD, STORED_NAME, AuthResult, Role, User, UserError, UserStore

# the dialog's own look, in the theme's greys (resources/theme.qss sets the rest)
LOGIN_QSS = """
#loginCard { background: #2a2c30; border: 1px solid #464a50; border-radius: 3px; }
#loginBrand { color: #8d9299; font-size: 9pt; font-weight: bold; letter-spacing: 3px; }
#loginTitle { color: #e6e8ea; font-size: 15pt; }
#loginPlant { color: #9ea2a8; }
#loginHint { color: #8d9299; font-size: 9pt; }
#loginError { color: #ffffff; background: #7a2a2a; border-left: 3px solid #d62728; padding: 5px 8px; }
#loginCard QLabel { background: transparent; }
#loginCard QLineEdit { min-height: 22px; min-width: 220px; }
QPushButton#primaryButton { background: #4a5360; border-color: #7a8696; color: #ffffff; font-weight: bold; }
QPushButton#primaryButton:hover { background: #56606e; }
#loginRule { background: #3d4045; max-height: 1px; border: none; }
"""

MODE_LOGIN = "login"
MODE_FIRST_ADMIN = "first_admin"


# what app.accounts.users says (in English: the core has no Qt), as the operator reads it, and
# what a station's login or users dialog hears back (app/control_room/station_login.py)
_USER_MESSAGES = (
    (
        r"Wrong user name or password, or the account is locked\.",
        QT_TRANSLATE_NOOP("login", "Wrong user name or password, or the account is locked."),
    ),
    (
        r"[Aa] user name is 1 to (?P<n>\d+) printable characters without spaces\.?",
        QT_TRANSLATE_NOOP("login", "A user name is 1 to {n} printable characters without spaces."),
    ),
    (
        r"[Aa] password has at least (?P<n>\d+) characters\.?",
        QT_TRANSLATE_NOOP("login", "A password has at least {n} characters."),
    ),
    (r"[Uu]ser (?P<q>['\"])(?P<name>.*)(?P=q) exists\.?", QT_TRANSLATE_NOOP("login", "User {name} exists.")),
    (
        r"(?P<q>['\"])(?P<name>.*)(?P=q) is the last administrator\.?",
        QT_TRANSLATE_NOOP("login", "{name} is the last administrator."),
    ),
    (r"[Nn]o user (?P<q>['\"])(?P<name>.*)(?P=q)\.?", QT_TRANSLATE_NOOP("login", "No user {name}.")),
    (r"[Nn]o answer from the server\.?", QT_TRANSLATE_NOOP("login", "No answer from the server.")),
    (r"[Nn]o connection to the server\.?", QT_TRANSLATE_NOOP("login", "No connection to the server.")),
    (
        r"(?P<name>\S+) \((?P<role>[a-z_]+)\) may not (?P<action>[a-z_]+)\.?",
        QT_TRANSLATE_NOOP("login", "{name} may not do this: the role does not allow it."),
    ),
    (
        r"[Aa]n administrator does not remove their own account\.?",
        QT_TRANSLATE_NOOP("login", "An administrator does not remove their own account."),
    ),
)


def user_message(text: str) -> str:
    """A message of app.accounts.users (login refused, a user error) in the installed language; a sentence
    with a capital and a full stop. A message it does not know stays in English."""
    text = text.strip()
    for pattern, source in _USER_MESSAGES:
        m = re.fullmatch(pattern, text)
        if m is None:
            continue
        translated = QCoreApplication.translate("login", source)
        if translated != source:  # in English the core's own words ("1 attempt left") stay
            return translated.format(**{k: v for k, v in m.groupdict().items() if k != "q"})
        break
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def locked_message(result: AuthResult) -> str:
    """What a refused login shows: the one message of app.accounts.users, whatever the reason."""
    return user_message(result.reason)


class CredentialsForm(QWidget):
    """Brand, title, user name and password fields and an error line; shared by the login dialog
    and the lock screen."""

    def __init__(self, title: str, subtitle: str = "", *, confirm: bool = False, parent=None):
        super().__init__(parent)
        self.setObjectName("loginCard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.brand = QLabel("FOREWARN", self)
        self.brand.setObjectName("loginBrand")
        self.title = QLabel(title, self)
        self.title.setObjectName("loginTitle")
        self.subtitle = QLabel(subtitle, self)
        self.subtitle.setObjectName("loginPlant")
        self.subtitle.setWordWrap(True)
        self.subtitle.setVisible(bool(subtitle))
        rule = QFrame(self)
        rule.setObjectName("loginRule")
        rule.setFrameShape(QFrame.Shape.HLine)
        self.name = QLineEdit(self)
        self.name.setObjectName("loginName")
        self.name.setPlaceholderText(self.tr("user name"))
        self.name.setMaxLength(STORED_NAME)  # new names have at most MAX_NAME; older ones up to this
        self.password = QLineEdit(self)
        self.password.setObjectName("loginPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit(self) if confirm else None
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        form.addRow(self.tr("User name"), self.name)
        form.addRow(self.tr("Password"), self.password)
        if self.confirm is not None:
            self.confirm.setObjectName("loginConfirm")
            self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
            form.addRow(self.tr("Password again"), self.confirm)
        self.hint = QLabel(self)
        self.hint.setObjectName("loginHint")
        self.hint.setWordWrap(True)
        self.hint.hide()
        self.error = QLabel(self)
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(8)
        self.buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(28, 22, 28, 22)
        lay.setSpacing(8)
        lay.addWidget(self.brand)
        lay.addWidget(self.title)
        lay.addWidget(self.subtitle)
        lay.addSpacing(4)
        lay.addWidget(rule)
        lay.addSpacing(6)
        lay.addLayout(form)
        lay.addWidget(self.hint)
        lay.addWidget(self.error)
        lay.addSpacing(6)
        lay.addLayout(self.buttons)

    def add_button(self, text: str, primary: bool = False) -> QPushButton:
        b = QPushButton(text, self)
        if primary:
            b.setObjectName("primaryButton")
            b.setDefault(True)
            b.setAutoDefault(True)
        else:
            b.setAutoDefault(False)
        self.buttons.addWidget(b)
        return b

    def set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def clear_password(self) -> None:
        self.password.clear()
        if self.confirm is not None:
            self.confirm.clear()
        self.password.setFocus()


class LoginDialog(QDialog):
    """Log in to `store` (the default), or create its first administrator (`MODE_FIRST_ADMIN`).
    After `exec()` returns Accepted, `user` is the logged-in account."""

    def __init__(
        self,
        store: UserStore,
        *,
        mode: str = MODE_LOGIN,
        plant_name: str = "",
        user_name: str = "",
        audit_login: bool = True,
        parent=None,
    ):
        super().__init__(parent)
        self.store, self.mode, self.audit_login = store, mode, audit_login
        self.user: User | None = None
        self.setObjectName("loginDialog")
        self.setStyleSheet(LOGIN_QSS)
        first = mode == MODE_FIRST_ADMIN
        self.setWindowTitle(
            self.tr("Forewarn — first administrator") if first else self.tr("Forewarn — log in")
        )
        self.setModal(True)
        subtitle = plant_name
        if first:
            self.form = CredentialsForm(
                self.tr("Create the first administrator"), subtitle, confirm=True, parent=self
            )
            self.form.set_hint(
                self.tr(
                    "This plant has no user accounts yet. The administrator you create here manages "
                    "the others (Users…). The password needs at least {n} characters."
                ).format(n=MIN_PASSWORD)
            )
            self.ok_button = self.form.add_button(self.tr("Create administrator"), primary=True)
        else:
            self.form = CredentialsForm(self.tr("Log in"), subtitle, parent=self)
            self.ok_button = self.form.add_button(self.tr("Log in"), primary=True)
        self.cancel_button = self.form.add_button(self.tr("Cancel"))
        # primary on the right, as the platform's dialogs do
        self.form.buttons.removeWidget(self.ok_button)
        self.form.buttons.addWidget(self.ok_button)
        self.ok_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.form.name.setText(user_name)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.form)
        (self.form.password if user_name else self.form.name).setFocus()

    @property
    def error_text(self) -> str:
        return "" if self.form.error.isHidden() else self.form.error.text()

    def submit(self) -> None:
        if self.mode == MODE_FIRST_ADMIN:
            self._create_admin()
        else:
            self._login()

    def _login(self) -> None:
        name, password = self.form.name.text().strip(), self.form.password.text()
        if not name:
            self.form.show_error(self.tr("Enter your user name."))
            self.form.name.setFocus()
            return
        result = self.store.authenticate(name, password, audit_success=self.audit_login)
        if not result.ok:
            self.form.show_error(locked_message(result))
            self.form.clear_password()
            return
        self.user = result.user
        self.accept()

    def _create_admin(self) -> None:
        name, password = self.form.name.text().strip(), self.form.password.text()
        if password != self.form.confirm.text():
            self.form.show_error(self.tr("The two passwords differ."))
            self.form.clear_password()
            return
        try:
            self.store.add(name, Role.ADMINISTRATOR, password, by=name)
        except UserError as exc:
            self.form.show_error(user_message(str(exc)))
            return
        result = self.store.authenticate(name, password, audit_success=self.audit_login)
        self.user = result.user
        self.accept()


def ask_login(store: UserStore, plant_name: str = "", parent=None) -> User | None:
    """The login (or, with no users yet, the first-administrator) dialog; the user or None."""
    mode = MODE_FIRST_ADMIN if store.count() == 0 else MODE_LOGIN
    dlg = LoginDialog(store, mode=mode, plant_name=plant_name, parent=parent)
    try:
        return dlg.user if dlg.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dlg.deleteLater()


__all__ = [
    "MODE_FIRST_ADMIN",
    "MODE_LOGIN",
    "CredentialsForm",
    "LoginDialog",
    "ask_login",
    "locked_message",
    "user_message",
]
