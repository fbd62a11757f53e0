"""A station's login: the user table read from the shared database (read-only), the password
checked by the server.

A station's database role only reads (storage/station_role.py), so the writes a login makes on a
workstation (failed attempts counted, an account locked, the audit rows) cannot be made here:
`RemoteAccounts.authenticate` sends the login as a signed command, and the server's user store
checks it, counts, locks and audits as it does for its own logins (app/control_room/commands.py).
The password travels inside the envelope to the server's node only: use mqtts:// (TLS) and a
broker ACL that lets only the server read the node's NCMD. Nothing a station reads here is
trusted by the server: every command carries the user again and the server checks the role.
"""

from __future__ import annotations

from app.accounts.users import LOGIN_REFUSED, AuthResult, Role, User, UserStore
from app.control_room.commands import LOGIN
from app.control_room.station import CommandFailed

LOGIN_TIMEOUT_S = 10.0


class StationLoginError(RuntimeError):
    """What a station cannot do with accounts (create one); the message says why."""


class RemoteAccounts:
    """What the login dialog asks of a user store (app/accounts/users.py), on a station:
    `engine` the station's RemoteEngine (started), `db` the shared database's engine (read)
    or None."""

    def __init__(self, engine, db=None, *, timeout: float = LOGIN_TIMEOUT_S):
        self.remote = engine
        self.reader = None if db is None else UserStore(db)  # reads only: count, get, users
        self.engine = db
        self.audit = None  # the server audits
        self.timeout = timeout

    def count(self) -> int:
        return 1 if self.reader is None else self.reader.count()  # without a database: ask the server

    def get(self, name: str) -> User | None:
        return None if self.reader is None else self.reader.get(name)

    def users(self) -> list[User]:
        return [] if self.reader is None else self.reader.users()

    def authenticate(self, name: str, password: str, *, audit_success: bool = True) -> AuthResult:
        """The server's answer (it audits the attempt, successful or not)."""
        name = name.strip()
        try:
            answer = self.remote.command(LOGIN, {"password": password}, name).result(self.timeout)
        except CommandFailed as exc:
            reason = str(exc)
            return AuthResult(None, LOGIN_REFUSED if reason == LOGIN_REFUSED else reason)
        except TimeoutError:
            return AuthResult(None, "no answer from the server")
        role = Role.parse((answer.get("answer") or {}).get("role", ""))
        return AuthResult(User(name, role, 0))

    def add(self, *_a, **_k):
        raise StationLoginError("accounts are created on the server (main.py users add)")
