"""Operator accounts: roles, what each role may do, password hashing, lockout. No Qt.

Roles rise operator < supervisor < safety manager < engineer < administrator; a role may do
everything the roles below it may. `PERMISSIONS` is the table (data, not code) of the lowest role
allowed each action; following ISA-18.2, an operator may acknowledge and shelve (with a reason and
an expiry), while suppressing or taking an alarm out of service needs a supervisor. Work permits
and the inspection round need a supervisor; the rest of dual prevention (hidden dangers, the risk
inventory, generating inspection tasks) the safety manager (安全管理员), who configures nothing else.
A role is stored and audited by its name (`Role.label`), never by its number, so a role added
between two others leaves every database as it was.

Passwords are hashed with scrypt (memory-hard, in the standard library): a 16-byte random salt and
the parameters are stored with the hash in one string, `scrypt$n=131072,r=8,p=1$<salt>$<hash>`
(base64). n = 2^17 with r = 8 needs 128 MiB per hash (about 0.5 to 1 s); a hash made with
older parameters is replaced at the owner's next successful login.

`UserStore` keeps the accounts in the `users` table of the plant's database (through
`storage.accounts.UserTable`). Five wrong passwords
in a row lock an account for `lockout_s` (default 15 min); logins, failures and lockouts go to the
audit trail when one is given. Every refused login gets the same message and takes as long,
whether the name is unknown, the password wrong or the account locked or disabled, so the
login does not tell which names exist. A name that is not an account is never stored in the
trail as typed (it is often a password typed into the wrong field): only its length and a
keyed fingerprint. Every change of a user's role or password is audited with a keyed
fingerprint of the new hash, so `expected_users` can replay the trail and `users_problems`
name a change made to the table behind Forewarn's back.
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

from storage.accounts import UserRow, UserTable
from storage.audit import Action, AuditLog

MIN_PASSWORD = 8
MAX_NAME = 64  # a user name, and anything typed that reaches the audit trail as a name
STORED_NAME = 100  # the users table's column: older accounts may have names up to this long
MAX_FAILURES = 5
LOCKOUT_S = 15 * 60
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
# the one answer to every refused login (unknown name, wrong password, locked, disabled)
LOGIN_REFUSED = "Wrong user name or password, or the account is locked."


class Role(IntEnum):
    OPERATOR = 1
    SUPERVISOR = 2
    SAFETY_MANAGER = 3  # dual prevention: hidden dangers, the risk inventory, inspection tasks
    ENGINEER = 4
    ADMINISTRATOR = 5

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
    PERMIT = "permit"  # issue, suspend, resume and end work permits
    DUAL_PREVENTION = "dual_prevention"  # hidden dangers, the risk inventory, generating inspections
    INSPECT = "inspect"  # an inspection round: a task done, a finding reported, a handheld's CSV


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
    Permission.PERMIT: Role.SUPERVISOR,
    Permission.DUAL_PREVENTION: Role.SAFETY_MANAGER,
    Permission.INSPECT: Role.SUPERVISOR,
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


def hash_password(password: str, *, n: int | None = None, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    n = SCRYPT_N if n is None else n
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, n, r, p, KEY_BYTES)
    return f"scrypt$n={n},r={r},p={p}${_b64(salt)}${_b64(key)}"


def scrypt_maxmem(n: int, r: int, p: int) -> int:
    """Bytes scrypt needs (OpenSSL: 128·r·(n + 2) for V plus 128·r·p for B), plus 1 MiB spare:
    128 MiB + 1 MiB at n = 2^17, r = 8 (OpenSSL's default limit is 32 MiB)."""
    return 128 * r * (n + 2 + p) + 2**20


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=scrypt_maxmem(n, r, p), dklen=dklen
    )


def hash_params(stored: str) -> tuple[int, int, int] | None:
    """(n, r, p) of a stored hash, None when it is not one of ours."""
    try:
        algo, params, _salt, _key = stored.split("$")
        kv = dict(item.split("=", 1) for item in params.split(","))
        return (int(kv["n"]), int(kv["r"]), int(kv["p"])) if algo == "scrypt" else None
    except (ValueError, KeyError):
        return None


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash was made with other parameters than today's."""
    return hash_params(stored) != (SCRYPT_N, SCRYPT_R, SCRYPT_P)


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
    if not name or len(name) > MAX_NAME or any(c.isspace() or not c.isprintable() for c in name):
        raise UserError(f"a user name is 1 to {MAX_NAME} printable characters without spaces")
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password has at least {MIN_PASSWORD} characters")


class UserStore:
    """The accounts in a database whose schema is up to date (see storage.schema.create_schema);
    `engine` is that database's (storage.schema.make_engine), kept for whoever closes it."""

    def __init__(
        self,
        engine,
        audit: AuditLog | None = None,
        *,
        lockout_s: float = LOCKOUT_S,
        max_failures: int = MAX_FAILURES,
        clock: Callable[[], float] = time.time,
    ):
        self.engine, self.audit = engine, audit
        self.table = UserTable(engine)
        self.lockout_s, self.max_failures, self.clock = lockout_s, max_failures, clock

    def _now_ms(self) -> int:
        return int(round(self.clock() * 1000))

    def _audit(self, user: str, action: Action, target: str = "", detail=None) -> None:
        if self.audit is not None:
            self.audit.append(user, action, target, detail)

    def _hash_id(self, password_hash: str) -> dict:
        """The audit detail naming a stored hash: its keyed fingerprint (none without a trail)."""
        return {} if self.audit is None else {"hash_id": self.audit.fingerprint(password_hash)}

    def _unknown(self, name: str) -> str:
        """How a typed name that is no account appears in the trail: never as typed."""
        tag = self.audit.fingerprint("user name|" + name, 8) if self.audit is not None else ""
        return f"unknown user ({len(name)} chars{', #' + tag if tag else ''})"

    # ---- queries
    def count(self) -> int:
        return self.table.count()

    def users(self) -> list[User]:
        return [_user(r) for r in self.table.rows()]

    def get(self, name: str) -> User | None:
        r = self.table.get(name)
        return _user(r) if r is not None else None

    # ---- changes (each audited under `by`)
    def add(self, name: str, role: Role | str, password: str, *, by: str = "") -> User:
        name, role = check_name(name), Role.parse(role)
        check_password(password)
        if self.get(name) is not None:
            raise UserError(f"user {name!r} exists")
        digest = hash_password(password)
        row = UserRow(name, role.label, digest, self._now_ms())
        self.table.insert(row)
        self._audit(by or name, Action.USER_ADD, name, {"role": role.label, **self._hash_id(digest)})
        return User(name, role, row.created)

    def remove(self, name: str, *, by: str = "") -> None:
        user = self._existing(name)
        if user.role == Role.ADMINISTRATOR and self._admins() <= 1:
            raise UserError(f"{name!r} is the last administrator")
        self.table.delete(name)
        self._audit(by, Action.USER_REMOVE, name, {"role": user.role.label})

    def set_password(self, name: str, password: str, *, by: str = "") -> None:
        self._existing(name)
        check_password(password)
        digest = hash_password(password)
        self.table.update(name, password_hash=digest, failed_count=0, locked_until=None)
        self._audit(by, Action.USER_PASSWD, name, self._hash_id(digest) or None)

    def set_role(self, name: str, role: Role | str, *, by: str = "") -> None:
        user, role = self._existing(name), Role.parse(role)
        if user.role == Role.ADMINISTRATOR and role != Role.ADMINISTRATOR and self._admins() <= 1:
            raise UserError(f"{name!r} is the last administrator")
        self.table.update(name, role=role.label)
        self._audit(by, Action.USER_ROLE, name, {"from": user.role.label, "to": role.label})

    def set_disabled(self, name: str, disabled: bool, *, by: str = "") -> None:
        """Disable an account (every login refused, its rows kept) or enable it again."""
        user = self._existing(name)
        if disabled and user.role == Role.ADMINISTRATOR and not user.disabled and self._admins() <= 1:
            raise UserError(f"{name!r} is the last administrator")
        self.table.update(name, disabled=bool(disabled))
        self._audit(by, Action.USER_DISABLE, name, {"disabled": bool(disabled)})

    # ---- logging in
    def authenticate(self, name: str, password: str, *, audit_success: bool = True) -> AuthResult:
        """Check a password. Five wrong in a row lock the account for `lockout_s`; a locked or
        disabled account is refused even with the right password. Every refusal says the same
        (`LOGIN_REFUSED`) after the same work (one scrypt), so nobody learns which names exist.
        A hash made with older parameters is replaced on success. Audited."""
        name = name.strip()
        now = self._now_ms()
        r = None
        if 0 < len(name) <= STORED_NAME:  # accounts named before the 64-character cap still log in
            r = self.table.get(name)
        if r is None:
            verify_password(password, _dummy_hash())
            who = self._unknown(name)
            self._audit(who, Action.LOGIN_FAILED, who, {"reason": "unknown user"})
            return AuthResult(None, LOGIN_REFUSED)
        user = _user(r)
        matches = verify_password(password, r.password_hash)  # always: a refusal takes as long
        if user.locked(now):
            self._audit(name, Action.LOGIN_FAILED, name, {"reason": "locked"})
            return AuthResult(None, LOGIN_REFUSED)
        if user.disabled:
            self._audit(name, Action.LOGIN_FAILED, name, {"reason": "disabled"})
            return AuthResult(None, LOGIN_REFUSED)
        if not matches:
            failed = user.failed_count + 1
            if failed >= self.max_failures:
                until = now + int(self.lockout_s * 1000)
                self.table.update(name, failed_count=0, locked_until=until)
                self._audit(name, Action.LOGIN_FAILED, name, {"reason": "wrong password", "failures": failed})
                self._audit(name, Action.ACCOUNT_LOCKED, name, {"failures": failed, "until": until})
                return AuthResult(None, LOGIN_REFUSED)
            self.table.update(name, failed_count=failed)
            self._audit(name, Action.LOGIN_FAILED, name, {"reason": "wrong password", "failures": failed})
            return AuthResult(None, LOGIN_REFUSED)
        if user.failed_count or user.locked_until is not None:
            self.table.update(name, failed_count=0, locked_until=None)
        if needs_rehash(r.password_hash):
            digest = hash_password(password)
            self.table.update(name, password_hash=digest)
            self._audit(name, Action.USER_PASSWD, name, {"rehash": True, **self._hash_id(digest)})
        if audit_success:
            self._audit(name, Action.LOGIN, name)
        return AuthResult(User(user.name, user.role, user.created, user.disabled))

    def password_hashes(self) -> dict[str, str]:
        """{name: stored hash}, to compare with the audit trail (see users_problems)."""
        return self.table.password_hashes()

    # ---- helpers
    def _existing(self, name: str) -> User:
        user = self.get(name)
        if user is None:
            raise UserError(f"no user {name!r}")
        return user

    def _admins(self) -> int:
        return sum(1 for u in self.users() if u.role == Role.ADMINISTRATOR and not u.disabled)


def _user(r: UserRow) -> User:
    return User(r.name, Role.parse(r.role), r.created, r.disabled, r.failed_count, r.locked_until)


@dataclass
class ExpectedUser:
    """A user's state as the audit trail tells it."""

    role: str
    hash_id: str | None = None  # keyed fingerprint of the current password hash, when audited
    since: int = 0  # id of the row that added the user
    disabled: bool = False


def expected_users(entries) -> dict[str, ExpectedUser]:
    """Replay the user-management rows of the audit trail: {name: expected state}."""
    out: dict[str, ExpectedUser] = {}
    for e in entries:
        d = e.detail if isinstance(e.detail, dict) else {}
        if e.action == Action.USER_ADD:
            out[e.target] = ExpectedUser(str(d.get("role", "")), d.get("hash_id"), e.id)
        elif e.action == Action.USER_REMOVE:
            out.pop(e.target, None)
        elif e.action == Action.USER_ROLE and e.target in out:
            out[e.target].role = str(d.get("to", out[e.target].role))
        elif e.action == Action.USER_PASSWD and e.target in out:
            out[e.target].hash_id = d.get("hash_id")
        elif e.action == Action.USER_DISABLE and e.target in out:
            out[e.target].disabled = bool(d.get("disabled"))
    return out


def users_problems(store: UserStore, entries, fingerprint: Callable[[str], str] | None) -> list[str]:
    """Users whose state in the `users` table differs from what the audit trail says: added,
    removed, given another role, another password, disabled or enabled behind Forewarn's back (by SQL).
    `fingerprint` is the audit key's (AuditLog.fingerprint); without it passwords are not compared."""
    expected = expected_users(entries)
    hashes = store.password_hashes()
    problems = []
    for u in store.users():
        want = expected.get(u.name)
        if want is None:
            problems.append(
                f"user {u.name!r} ({u.role.label}) is in the users table but was never added "
                "through Forewarn (no user_add in the audit trail)"
            )
            continue
        if want.role != u.role.label:
            problems.append(
                f"user {u.name!r} has the role {u.role.label} in the users table, but the audit trail "
                f"gives {want.role or '?'} (changed outside Forewarn)"
            )
        if want.hash_id and fingerprint is not None and fingerprint(hashes.get(u.name, "")) != want.hash_id:
            problems.append(f"the password of user {u.name!r} was changed outside Forewarn")
        if u.disabled != want.disabled:
            problems.append(f"user {u.name!r} was {'disabled' if u.disabled else 'enabled'} outside Forewarn")
    for name in sorted(set(expected) - {u.name for u in store.users()}):
        problems.append(f"user {name!r} was removed from the users table outside Forewarn")
    return problems


__all__ = [
    "LOCKOUT_S",
    "LOGIN_REFUSED",
    "MAX_NAME",
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
    "expected_users",
    "needs_rehash",
    "users_problems",
    "hash_password",
    "required_role",
    "verify_password",
]
