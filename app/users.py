"""Operator accounts: roles, what each role may do, password hashing, lockout. No Qt.

Roles rise operator < supervisor < engineer < administrator; a role may do everything the roles
below it may. `PERMISSIONS` is the table (data, not code) of the lowest role allowed each action;
following ISA-18.2, an operator may acknowledge and shelve (with a reason and an expiry), while
suppressing or taking an alarm out of service needs a supervisor.

Passwords are hashed with scrypt (memory-hard, in the standard library): a 16-byte random salt and
the parameters are stored with the hash in one string, `scrypt$n=16384,r=8,p=1$<salt>$<hash>`
(base64), so the parameters can be raised later without invalidating stored passwords.

`UserStore` keeps the accounts in the `users` table of the plant's database. Five wrong passwords
in a row lock an account for `lockout_s` (default 15 min); logins, failures and lockouts go to the
audit trail when one is given.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, IntEnum

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from storage.audit import Action, AuditLog
from storage.schema import users as users_table

MIN_PASSWORD = 8
MAX_FAILURES = 5
LOCKOUT_S = 15 * 60
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32


class Role(IntEnum):
    OPERATOR = 1
    SUPERVISOR = 2
    ENGINEER = 3
    ADMINISTRATOR = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str | Role) -> Role:
        if isinstance(text, Role):
            return text
        try:
            return cls[str(text).strip().upper()]
        except KeyError:
            names = ", ".join(r.label for r in cls)
            raise UserError(f"unknown role {text!r}: one of {names}") from None


class Permission(Enum):
    ACKNOWLEDGE = "acknowledge"
    SHELVE = "shelve"
    UNSHELVE = "unshelve"
    SUPPRESS = "suppress"
    OUT_OF_SERVICE = "out_of_service"
    CONFIGURE = "configure"
    MANAGE_USERS = "manage_users"
    WRITE = "write"  # a value to a device; only tags marked writable, see may_write
    TRUST_CERTIFICATE = "trust_certificate"  # an OPC UA server's certificate on the trust list


# the lowest role allowed each action
PERMISSIONS: dict[Permission, Role] = {
    Permission.ACKNOWLEDGE: Role.OPERATOR,
    Permission.SHELVE: Role.OPERATOR,
    Permission.UNSHELVE: Role.OPERATOR,
    Permission.SUPPRESS: Role.SUPERVISOR,
    Permission.OUT_OF_SERVICE: Role.SUPERVISOR,
    Permission.CONFIGURE: Role.ENGINEER,
    Permission.MANAGE_USERS: Role.ADMINISTRATOR,
    Permission.WRITE: Role.OPERATOR,
    Permission.TRUST_CERTIFICATE: Role.ENGINEER,
}


def required_role(permission: Permission) -> Role:
    return PERMISSIONS[permission]


def can(role: Role | str | None, permission: Permission) -> bool:
    """Whether `role` may do `permission` (no role: nothing)."""
    if role is None:
        return False
    return Role.parse(role) >= PERMISSIONS[permission]


def write_role(tag) -> Role:
    """The lowest role that may write `tag`: the table's for writes, raised by its `write_role`."""
    base = PERMISSIONS[Permission.WRITE]
    return max(base, Role.parse(tag.write_role)) if getattr(tag, "write_role", None) else base


def may_write(role: Role | str | None, tag) -> tuple[bool, str]:
    """Whether `role` may write `tag` now, and if not why (for a tooltip and the audit trail)."""
    if not getattr(tag, "writable", False):
        return False, "not writable (the plant file does not mark it writable)"
    if role is None:
        return False, "nobody is logged in"
    needed = write_role(tag)
    if Role.parse(role) < needed:
        return False, f"needs the {needed.label} role or higher"
    return True, ""


class UserError(ValueError):
    """A user-management request that cannot be done; the message says why."""


# ---------------------------------------------------------------- password hashing
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, n, r, p, KEY_BYTES)
    return f"scrypt$n={n},r={r},p={p}${_b64(salt)}${_b64(key)}"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r * p + 2**20, dklen=dklen
    )


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches `stored` (constant-time comparison; False for a malformed hash)."""
    try:
        algo, params, salt_b64, key_b64 = stored.split("$")
        if algo != "scrypt":
            return False
        kv = dict(item.split("=", 1) for item in params.split(","))
        n, r, p = int(kv["n"]), int(kv["r"]), int(kv["p"])
        salt, key = base64.b64decode(salt_b64), base64.b64decode(key_b64)
    except (ValueError, KeyError):
        return False
    return hmac.compare_digest(_scrypt(password, salt, n, r, p, len(key)), key)


_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    """A hash to check unknown names against, so they take as long as known ones."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    return _DUMMY_HASH


# ---------------------------------------------------------------- accounts
@dataclass(frozen=True)
class User:
    name: str
    role: Role
    created: int  # UNIX ms
    disabled: bool = False
    failed_count: int = 0
    locked_until: int | None = None  # UNIX ms

    def locked(self, now_ms: int) -> bool:
        return self.locked_until is not None and now_ms < self.locked_until


@dataclass(frozen=True)
class AuthResult:
    """The outcome of a login attempt: `user` when it succeeded, else a reason to show."""

    user: User | None
    reason: str = ""
    locked_until: float | None = None  # UNIX seconds, when the account is locked

    @property
    def ok(self) -> bool:
        return self.user is not None


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or any(c.isspace() or not c.isprintable() for c in name):
        raise UserError("a user name is 1 to 100 printable characters without spaces")
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password has at least {MIN_PASSWORD} characters")


class UserStore:
    """The accounts in a database whose schema is up to date (see storage.schema.create_schema)."""

    def __init__(
        self,
        engine: Engine,
        audit: AuditLog | None = None,
        *,
        lockout_s: float = LOCKOUT_S,
        max_failures: int = MAX_FAILURES,
        clock: Callable[[], float] = time.time,
    ):
        self.engine, self.audit = engine, audit
        self.lockout_s, self.max_failures, self.clock = lockout_s, max_failures, clock

    def _now_ms(self) -> int:
        return int(round(self.clock() * 1000))

    def _audit(self, user: str, action: Action, target: str = "", detail=None) -> None:
        if self.audit is not None:
            self.audit.append(user, action, target, detail)

    # ---- queries
    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(users_table)).scalar_one())

    def users(self) -> list[User]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(users_table).order_by(users_table.c.name)).all()
        return [_user(r) for r in rows]

    def get(self, name: str) -> User | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(users_table).where(users_table.c.name == name)).first()
        return _user(r) if r is not None else None

    # ---- changes (each audited under `by`)
    def add(self, name: str, role: Role | str, password: str, *, by: str = "") -> User:
        name, role = check_name(name), Role.parse(role)
        check_password(password)
        if self.get(name) is not None:
            raise UserError(f"user {name!r} exists")
        row = {
            "name": name,
            "role": role.label,
            "password_hash": hash_password(password),
            "created": self._now_ms(),
            "disabled": False,
            "failed_count": 0,
            "locked_until": None,
        }
        with self.engine.begin() as conn:
            conn.execute(users_table.insert().values(**row))
        self._audit(by or name, Action.USER_ADD, name, {"role": role.label})
        return User(name, role, row["created"])

    def remove(self, name: str, *, by: str = "") -> None:
        user = self._existing(name)
        if user.role == Role.ADMINISTRATOR and self._admins() <= 1:
            raise UserError(f"{name!r} is the last administrator")
        with self.engine.begin() as conn:
            conn.execute(users_table.delete().where(users_table.c.name == name))
        self._audit(by, Action.USER_REMOVE, name, {"role": user.role.label})

    def set_password(self, name: str, password: str, *, by: str = "") -> None:
        self._existing(name)
        check_password(password)
        self._update(name, password_hash=hash_password(password), failed_count=0, locked_until=None)
        self._audit(by, Action.USER_PASSWD, name)

    def set_role(self, name: str, role: Role | str, *, by: str = "") -> None:
        user, role = self._existing(name), Role.parse(role)
        if user.role == Role.ADMINISTRATOR and role != Role.ADMINISTRATOR and self._admins() <= 1:
            raise UserError(f"{name!r} is the last administrator")
        self._update(name, role=role.label)
        self._audit(by, Action.USER_ROLE, name, {"from": user.role.label, "to": role.label})

    # ---- logging in
    def authenticate(self, name: str, password: str, *, audit_success: bool = True) -> AuthResult:
        """Check a password. Five wrong in a row lock the account for `lockout_s`; a locked or
        disabled account is refused without looking at the password. Audited."""
        name = name.strip()
        now = self._now_ms()
        with self.engine.connect() as conn:
            r = conn.execute(select(users_table).where(users_table.c.name == name)).first()
        if r is None:
            verify_password(password, _dummy_hash())
            self._audit(name, Action.LOGIN_FAILED, name, {"reason": "unknown user"})
            return AuthResult(None, "Wrong user name or password.")
        user = _user(r)
        if user.locked(now):
            self._audit(name, Action.LOGIN_FAILED, name, {"reason": "locked"})
            return AuthResult(None, "Account locked.", user.locked_until / 1000)
        if user.disabled:
            self._audit(name, Action.LOGIN_FAILED, name, {"reason": "disabled"})
            return AuthResult(None, "This account is disabled.")
        if not verify_password(password, r.password_hash):
            failed = user.failed_count + 1
            if failed >= self.max_failures:
                until = now + int(self.lockout_s * 1000)
                self._update(name, failed_count=0, locked_until=until)
                self._audit(name, Action.LOGIN_FAILED, name, {"reason": "wrong password", "failures": failed})
                self._audit(name, Action.ACCOUNT_LOCKED, name, {"failures": failed, "until": until})
                return AuthResult(None, "Account locked.", until / 1000)
            self._update(name, failed_count=failed)
            self._audit(name, Action.LOGIN_FAILED, name, {"reason": "wrong password", "failures": failed})
            left = self.max_failures - failed
            return AuthResult(
                None, f"Wrong user name or password. {left} attempt{'s' if left != 1 else ''} left."
            )
        if user.failed_count or user.locked_until is not None:
            self._update(name, failed_count=0, locked_until=None)
        if audit_success:
            self._audit(name, Action.LOGIN, name)
        return AuthResult(User(user.name, user.role, user.created, user.disabled))

    # ---- helpers
    def _existing(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise UserError(f"no user {name!r}")
        return user

    def _admins(self) -> int:
        return sum(1 for u in self.users() if u.role == Role.ADMINISTRATOR and not u.disabled)

    def _update(self, name: str, **values) -> None:
        with self.engine.begin() as conn:
            conn.execute(users_table.update().where(users_table.c.name == name).values(**values))


def _user(r) -> User:
    return User(
        r.name,
        Role.parse(r.role),
        int(r.created),
        bool(r.disabled),
        int(r.failed_count or 0),
        None if r.locked_until is None else int(r.locked_until),
    )


__all__ = [
    "LOCKOUT_S",
    "MAX_FAILURES",
    "MIN_PASSWORD",
    "PERMISSIONS",
    "AuthResult",
    "Permission",
    "Role",
    "User",
    "UserError",
    "UserStore",
    "can",
    "may_write",
    "write_role",
    "check_password",
    "hash_password",
    "required_role",
    "verify_password",
]
