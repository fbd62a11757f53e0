"""A station's login: the user table read from the shared database (read-only), the password
checked by the server.

A station's database role only reads (storage/station_role.py), so the writes a login makes on a
workstation (failed attempts counted, an account locked, the audit rows) cannot be made here:
`RemoteAccounts.authenticate` sends the login as a signed command, and the server's user store
checks it, counts, locks and audits as it does for its own logins (app/control_room/commands.py).
The password travels inside the envelope to the server's node only: use mqtts:// (TLS) and a
broker ACL that lets only the server read the node's NCMD. Nothing a station reads here is
trusted by the server: every command carries the user again and the server checks the role.

An administrator's changes to the users (add, remove, role, password, disable) go the same way:
signed commands the server's user store applies, under the administrator's name, after checking
that role itself (a refusal audited); they answer with futures, which the users dialog waits on
without holding up the screen.
"""

from __future__ import annotations

from concurrent.futures import Future

from app.accounts.users import LOGIN_REFUSED, AuthResult, Role, User, UserError, UserStore
from app.control_room.commands import LOGIN, USER_ADD, USER_DISABLE, USER_PASSWORD, USER_REMOVE, USER_ROLE
from app.control_room.station import CommandFailed

LOGIN_TIMEOUT_S = 10.0
NO_ANSWER = "no answer from the server"  # translated where it is shown (views/login.py)


class StationLoginError(RuntimeError):
    """What a station cannot do with accounts; the message says why."""


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
            return AuthResult(None, NO_ANSWER)
        role = Role.parse((answer.get("answer") or {}).get("role", ""))
        return AuthResult(User(name, role, 0))

    # ---- an administrator's changes: commands the server applies (it checks the role, audits)
    def add(self, name: str, role: Role | str, password: str, *, by: str = "") -> Future:
        args = {"name": name.strip(), "role": Role.parse(role).label, "password": password}
        return self._change(USER_ADD, by, args)

    def remove(self, name: str, *, by: str = "") -> Future:
        return self._change(USER_REMOVE, by, {"name": name})

    def set_role(self, name: str, role: Role | str, *, by: str = "") -> Future:
        return self._change(USER_ROLE, by, {"name": name, "role": Role.parse(role).label})

    def set_password(self, name: str, password: str, *, by: str = "") -> Future:
        return self._change(USER_PASSWORD, by, {"name": name, "password": password})

    def set_disabled(self, name: str, disabled: bool, *, by: str = "") -> Future:
        return self._change(USER_DISABLE, by, {"name": name, "disabled": bool(disabled)})

    def _change(self, action: str, by: str, args: dict) -> Future:
        """A future done when the server has applied it (None), or failing with a UserError that
        says why not (its refusal, or no connection to the server). The shared table, read
        here, shows the change once it is done."""
        if not by:
            raise StationLoginError("a change to the users is sent under an administrator's name")
        answer: Future = Future()

        def landed(sent: Future) -> None:
            exc = sent.exception()
            if exc is None:
                answer.set_result(None)
            else:
                answer.set_exception(UserError(str(exc)))

        self.remote.command(action, args, by).add_done_callback(landed)
        return answer
