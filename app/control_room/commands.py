"""Commands from stations to the server: the signed envelope, its checks, and applying it.

A station sends an envelope as the one metric of a Sparkplug NCMD to the server's node: station
id, user, action, arguments, a random nonce and the time, with an HMAC-SHA256 over all of that
made with the station's own key. The server refuses an envelope whose MAC does not verify with
that station's key (forged, or altered on the way), a nonce it has already seen (replayed),
a time outside the window (an old envelope replayed once its nonce was forgotten). It then
looks the user up in the shared user table and allows the action only if the user's role may
do it, with the same permission table the HMI uses (app/accounts/users.py): nothing a station
sends changes a limit without the engineer role. The action is applied through the engine's
operator requests, audited with the user and the station, and its result published, refusals
included (audited too, but a flood of refusals does not fill the trail: `RefusalThrottle`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from app.accounts.users import Permission, can
from app.config.io import validate_config_data
from app.control_room import records
from storage.audit import Action

log = logging.getLogger(__name__)
WINDOW_S = 30.0  # an envelope's time may differ from the server's by this much
REFUSED = "command_refused"
HELLO = "hello"  # a station's heartbeat with its areas (app/control_room/areas.py)
REFUSAL_WINDOW_S = 60.0  # one refusal per station and reason audited in this long; the rest counted
MAX_REFUSAL_KEYS = 32  # stations x reasons followed in a window; past that, all counted together
LOGIN = "login"  # a station's login, checked here against the shared user table (lockouts, audit)
# an administrator's changes to the shared user table from a station (its database role only
# reads): made here by the server's user store, which audits each under the administrator's name
USER_ADD, USER_REMOVE, USER_ROLE = "user_add", "user_remove", "user_role"
USER_PASSWORD, USER_DISABLE = "user_password", "user_disable"
USER_ACTIONS = (USER_ADD, USER_REMOVE, USER_ROLE, USER_PASSWORD, USER_DISABLE)

# action -> (permission, audit action); None: no user needed
ACTIONS: dict[str, tuple[Permission | None, str | None]] = {
    "acknowledge": (Permission.ACKNOWLEDGE, Action.ACKNOWLEDGE),
    "shelve": (Permission.SHELVE, Action.SHELVE),
    "unshelve": (Permission.UNSHELVE, Action.UNSHELVE),
    "suppress": (Permission.SUPPRESS, Action.SUPPRESS),
    "out_of_service": (Permission.OUT_OF_SERVICE, Action.OUT_OF_SERVICE),
    "declare_state": (Permission.SUPPRESS, Action.OPERATING_STATE),  # as the HMI gates it
    "write": (Permission.WRITE, None),  # audited by the engine's device writes
    "set_limit": (Permission.CONFIGURE, Action.CONFIG_CHANGE),
    HELLO: (None, None),
    LOGIN: (None, None),  # audited by the user store's authenticate
    **{a: (Permission.MANAGE_USERS, None) for a in USER_ACTIONS},  # audited by the user store
}


class CommandRefused(Exception):
    """An envelope the server does not act on; the message says why (it is published and audited)."""


@dataclass(frozen=True)
class Command:
    station: str
    user: str
    action: str
    args: dict = field(default_factory=dict)
    nonce: str = ""
    time: float = 0.0

    def body(self) -> dict:
        return {
            "station": self.station,
            "user": self.user,
            "action": self.action,
            "args": self.args,
            "nonce": self.nonce,
            "time": self.time,
        }


def _canonical(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def mac(body: dict, key: bytes) -> str:
    return hmac.new(key, _canonical(body), hashlib.sha256).hexdigest()


def new_command(
    station: str, user: str, action: str, args: dict | None = None, now: float | None = None
) -> Command:
    return Command(
        station, user, action, dict(args or {}), secrets.token_hex(16), time.time() if now is None else now
    )


def sign(cmd: Command, key: bytes) -> str:
    """The envelope as sent: the command's fields and its MAC."""
    body = cmd.body()
    return json.dumps({**body, "mac": mac(body, key)}, ensure_ascii=False, default=str)


class Verifier:
    """Checks envelopes: MAC with the station's key, nonce never seen, time inside the window."""

    def __init__(
        self, keys: dict[str, bytes], *, window_s: float = WINDOW_S, clock: Callable[[], float] = time.time
    ):
        self.keys = keys
        self.window_s = window_s
        self.clock = clock
        self.seen: OrderedDict[str, float] = OrderedDict()  # nonce -> its envelope's time

    def check(self, text: str) -> Command:
        try:
            data = json.loads(text)
            body = {k: data[k] for k in ("station", "user", "action", "args", "nonce", "time")}
            given = str(data["mac"])
            cmd = Command(
                str(body["station"]),
                str(body["user"]),
                str(body["action"]),
                dict(body["args"]),
                str(body["nonce"]),
                float(body["time"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CommandRefused(f"malformed envelope: {exc}") from None
        key = self.keys.get(cmd.station)
        if key is None:
            raise CommandRefused(f"unknown station {cmd.station!r}")
        if not hmac.compare_digest(mac(body, key), given):
            raise CommandRefused("bad MAC: forged or altered")
        now = self.clock()
        if abs(now - cmd.time) > self.window_s:
            raise CommandRefused(f"outside the time window ({now - cmd.time:+.0f} s)")
        if not cmd.nonce or cmd.nonce in self.seen:
            raise CommandRefused("replayed: nonce already seen")
        self.seen[cmd.nonce] = cmd.time
        while self.seen and next(iter(self.seen.values())) < now - 2 * self.window_s:
            self.seen.popitem(last=False)
        return cmd


def reason_kind(reason: str) -> str:
    """A refusal's reason without its particulars (a name, a time): what the throttle counts by."""
    for stop in (":", "(", "'"):
        reason = reason.split(stop, 1)[0]
    return reason.strip()[:60]


class RefusalThrottle:
    """Which refusals reach the audit trail: the first per station and reason in a window of
    `window_s`; the others are counted, and when the window has passed `due()` gives the summary
    rows ("N more refused in 60 s"). A flood under many station names falls, past
    `max_keys` of them, into one count of its own."""

    def __init__(
        self, window_s: float = REFUSAL_WINDOW_S, *, max_keys: int = MAX_REFUSAL_KEYS, clock=time.monotonic
    ):
        self.window_s, self.max_keys, self.clock = window_s, max_keys, clock
        self.open: dict[tuple[str, str], list] = {}  # (station, kind) -> [window start, more]

    def admit(self, station: str, reason: str) -> bool:
        """True: audit this refusal (the first of its window); False: it is counted."""
        key = (station, reason_kind(reason))
        if key not in self.open and len(self.open) >= self.max_keys:
            key = ("*", "*")
        window = self.open.get(key)
        if window is None:
            shared = key == ("*", "*")  # no first of its own: every one of them is counted
            self.open[key] = [self.clock(), int(shared)]
            return not shared
        window[1] += 1
        return False

    def due(self, everything: bool = False) -> list[dict]:
        """The summaries of the windows that have passed (all of them with `everything`), closed."""
        now = self.clock()
        out = []
        for key, (start, more) in list(self.open.items()):
            if everything or now - start >= self.window_s:
                del self.open[key]
                if more:
                    station, kind = key
                    text = f"{more} more refused in {self.window_s:.0f} s"
                    out.append({"station": station, "reason": kind, "more": more, "summary": text})
        return out


class CommandProcessor:
    """Verifies, authorises, applies and audits station commands against one engine.

    `role_of(user)` gives a user's role from the shared user table (None: no such user, or
    disabled); `audit` is the server's audit trail (storage.audit.AuditLog) or None."""

    def __init__(
        self,
        engine,
        verifier: Verifier,
        role_of: Callable[[str], object],
        audit=None,
        on_hello=None,
        authenticate=None,
        refusal_window_s: float = REFUSAL_WINDOW_S,
        accounts=None,
    ):
        self.engine = engine
        self.verifier = verifier
        self.role_of = role_of
        self.audit = audit
        self.on_hello = on_hello  # (station, areas) -> None
        # (name, password) -> app.accounts.users.AuthResult (UserStore.authenticate: counts the
        # failures, locks, audits); None: stations cannot log in here
        self.authenticate = authenticate
        # the shared user table's store (app.accounts.users.UserStore, with the server's audit):
        # an administrator's user changes from a station; None: refused
        self.accounts = accounts
        self._hashing: ThreadPoolExecutor | None = None  # logins and passwords: scrypt, off the loop
        self.refusals = RefusalThrottle(refusal_window_s)

    def handle(self, text: str) -> tuple[dict, Future | None]:
        """(the result so far, a future of the engine's answer or None when refused or done)."""
        try:
            cmd = self.verifier.check(text)
        except CommandRefused as exc:
            station = _field(text, "station")
            self._refused(_field(text, "user") or "?", station, {"reason": str(exc)})
            return {"nonce": _field(text, "nonce"), "station": station, "ok": False, "error": str(exc)}, None
        result = {"nonce": cmd.nonce, "station": cmd.station, "action": cmd.action, "user": cmd.user}
        try:
            future = self._apply(cmd)
        except CommandRefused as exc:
            self._refused(cmd.user, cmd.station, {"action": cmd.action, "reason": str(exc)})
            return {**result, "ok": False, "error": str(exc)}, None
        return result, future

    def finished(self, result: dict, future: Future, text: str) -> dict:
        """The result once the engine answered; audited when done. A device write's WriteResult
        goes back whole (`answer`), refused or not: the station shows it as the engine's."""
        exc = future.exception()
        if exc is not None:
            return {**result, "ok": False, "error": str(exc)}
        answer = future.result()
        if result["action"] == LOGIN or result["action"] in USER_ACTIONS:
            return {**result, "ok": True, "error": "", "answer": answer}
        if result["action"] == "write" and dataclasses.is_dataclass(answer):
            fields = {f.name: records.text_out(getattr(answer, f.name)) for f in dataclasses.fields(answer)}
            return {**result, "ok": True, "error": "", "answer": fields}
        audit_action = ACTIONS[result["action"]][1]
        if audit_action is not None:
            self._record(result["user"], audit_action, result["station"], json.loads(text).get("args", {}))
        return {**result, "ok": True, "error": ""}

    def _refused(self, user: str, station: str, detail: dict) -> None:
        self.flush_refusals()
        if self.refusals.admit(station, detail["reason"]):
            self._record(user[:64], REFUSED, station[:64], detail)

    def flush_refusals(self, everything: bool = False) -> None:
        """Audit the summaries of the refusal windows that have passed (the server calls it
        now and then, and on its way out with `everything`)."""
        for summary in self.refusals.due(everything):
            self._record("?", REFUSED, summary.pop("station"), summary)

    def _record(self, user: str, action: str, station: str, detail: dict) -> None:
        if self.audit is None:
            return
        keys = detail.get("keys")
        target = (
            ",".join(map(str, keys))
            if isinstance(keys, list)
            else str(detail.get("tag") or detail.get("hazard") or "")
        )
        try:
            self.audit.append(user, action, target, {**detail, "station": station})
        except Exception:  # the command's answer must not depend on it; said in the log
            log.exception("a station command could not be audited")

    def _apply(self, cmd: Command) -> Future | None:
        if cmd.action not in ACTIONS:
            raise CommandRefused(f"unknown action {cmd.action!r}")
        permission, _ = ACTIONS[cmd.action]
        a, e = cmd.args, self.engine
        if cmd.action == HELLO:
            if self.on_hello is not None:
                self.on_hello(cmd.station, list(a.get("areas", [])))
            done: Future = Future()
            done.set_result(True)
            return done
        if cmd.action == LOGIN:
            return self._login(cmd)
        role = self.role_of(cmd.user)
        if role is None:
            raise CommandRefused(f"unknown or disabled user {cmd.user!r}")
        if not can(role, permission):
            raise CommandRefused(f"{cmd.user} ({role.label}) may not {cmd.action}")
        if cmd.action in USER_ACTIONS:
            return self._user_change(cmd)
        keys = None if a.get("keys") is None else [str(k) for k in a["keys"]]
        if cmd.action == "acknowledge":
            return e.acknowledge(keys, cmd.user, str(a.get("comment", "")))
        if cmd.action == "shelve":
            return e.shelve(keys, a.get("duration_s"), cmd.user, str(a.get("reason", "")))
        if cmd.action == "unshelve":
            return e.unshelve(keys, cmd.user)
        if cmd.action == "suppress":
            return e.suppress(keys, bool(a.get("on", True)), cmd.user, str(a.get("reason", "")))
        if cmd.action == "out_of_service":
            return e.set_out_of_service(keys, bool(a.get("on", True)), cmd.user, str(a.get("reason", "")))
        if cmd.action == "declare_state":
            return e.operator.declare_state(
                str(a["hazard"]), str(a["state"]), cmd.user, str(a.get("reason", "")), a.get("until")
            )
        if cmd.action == "write":
            from app.accounts.users import User

            user = User(cmd.user, role, 0)
            return e.write(str(a["tag"]), float(a["value"]), user)
        return e.submit_config(limit_changed(e.config, str(a["tag"]), str(a["limit"]), a.get("value")))

    def _off_loop(self, fn, *args) -> Future:
        """`fn(*args)` on the processor's own thread: a password's hash (scrypt, up to a second)
        must not hold up the publishing of the server's loop."""
        if self._hashing is None:
            self._hashing = ThreadPoolExecutor(1, thread_name_prefix="station-accounts")
        return self._hashing.submit(fn, *args)

    def close(self) -> None:
        if self._hashing is not None:
            self._hashing.shutdown(wait=True, cancel_futures=True)
            self._hashing = None

    def _login(self, cmd: Command) -> Future:
        """A station's login: the answer is the user's role; a refusal says only LOGIN_REFUSED
        (the store audited why). The password goes nowhere else: not in the result, not audited."""
        if self.authenticate is None:
            raise CommandRefused("this server does not take logins")

        def check(name: str, password: str) -> dict:
            outcome = self.authenticate(name, password)
            if not outcome.ok:
                raise CommandRefused(outcome.reason or "refused")
            return {"role": outcome.user.role.label}

        return self._off_loop(check, cmd.user, str(cmd.args.get("password", "")))

    def _user_change(self, cmd: Command) -> Future:
        """An administrator's change to the shared user table, by the server's user store (its
        checks: names, password length, the last administrator; audited under the administrator's
        name). A refusal is the store's message. No password goes into the result or the audit."""
        store = self.accounts
        if store is None:
            raise CommandRefused("this server does not manage users")
        a, by = cmd.args, cmd.user
        name = str(a.get("name", ""))

        def change() -> dict:
            from app.accounts.users import UserError

            try:
                if cmd.action == USER_ADD:
                    store.add(name, str(a.get("role", "")), str(a.get("password", "")), by=by)
                elif cmd.action == USER_REMOVE:
                    if name == by:
                        raise UserError("an administrator does not remove their own account")
                    store.remove(name, by=by)
                elif cmd.action == USER_ROLE:
                    store.set_role(name, str(a.get("role", "")), by=by)
                elif cmd.action == USER_PASSWORD:
                    store.set_password(name, str(a.get("password", "")), by=by)
                else:
                    store.set_disabled(name, bool(a.get("disabled", True)), by=by)
            except UserError as exc:
                raise CommandRefused(str(exc)) from None
            return {"name": name}

        return self._off_loop(change)


def limit_changed(cfg, tag: str, limit: str, value):
    """The plant configuration with one tag's alarm limit (HH, H, L, LL) set (None: removed)."""
    if limit not in ("HH", "H", "L", "LL"):
        raise CommandRefused(f"unknown limit {limit!r}")
    data = cfg.model_dump(mode="json")
    for t in data["tags"]:
        if t["name"] == tag:
            t["alarms"] = {**(t.get("alarms") or {}), limit: None if value is None else float(value)}
            break
    else:
        raise CommandRefused(f"unknown tag {tag!r}")
    new, errors = validate_config_data(data, cfg.source_path)
    if new is None:
        raise CommandRefused("; ".join(errors))
    return new


def _field(text: str, name: str) -> str:
    try:
        return str(json.loads(text).get(name, ""))
    except (ValueError, AttributeError):
        return ""
