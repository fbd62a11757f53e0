"""Posting one sealed message to the platform and reading its answer.

`HttpTransport` speaks HTTP/1.1 through `http.client` over TLS whose context checks the
certificate chain and the host name (`ssl.create_default_context`, optionally with the plant's
CA bundle); plain `http://` is for a platform on the loopback only. The link only sends: it
opens no port and takes no command from the answer. `Envelope` builds what is posted: the sealed
payload in the profile's envelope, signed; `read_answer` sorts the answer into
accepted / duplicate / refused / retry."""

from __future__ import annotations

import http.client
import json
import ssl
import time
import uuid
from enum import Enum
from urllib.parse import urlsplit

from app.uplink.crypto import Sealer
from app.uplink.profile import Profile


class Outcome(Enum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REFUSED = "refused"  # bad field, bad signature: never retried
    RETRY = "retry"  # outage, busy platform: later


class LinkError(OSError):
    """The platform cannot be reached or answered with a server error."""


def tls_context(ca_file: str | None = None) -> ssl.SSLContext:
    """A client context that checks the certificate chain and the host name."""
    ctx = ssl.create_default_context(cafile=ca_file)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


class HttpTransport:
    """One kept-alive connection to the platform; reconnects after an error."""

    def __init__(self, base_url: str, *, ca_file: str | None = None, timeout: float = 10.0, context=None):
        parts = urlsplit(base_url)
        if parts.scheme not in ("https", "http"):
            raise ValueError(f"not an http(s) address: {base_url}")
        if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("plain http only to a platform on this machine; use https")
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self.context = (
            context if context is not None else (tls_context(ca_file) if self.scheme == "https" else None)
        )
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            if self.scheme == "https":
                self._conn = http.client.HTTPSConnection(
                    self.host, self.port, timeout=self.timeout, context=self.context
                )
            else:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        """POST JSON; (HTTP status, answer body). LinkError when the platform cannot be reached."""
        conn = self._connection()
        try:
            conn.request(
                "POST", self.prefix + path, body, {"Content-Type": "application/json; charset=utf-8"}
            )
            resp = conn.getresponse()
            return resp.status, resp.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise LinkError(f"{type(exc).__name__}: {exc}") from None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class Envelope:
    """Seals and signs records as the profile says."""

    def __init__(self, profile: Profile, sealer: Sealer, app_id: str, enterprise_code: str):
        self.profile = profile
        self.sealer = sealer
        self.app_id = app_id
        self.enterprise_code = enterprise_code

    def record(self, kind: str, body) -> object:
        """A record with the platform's field names."""
        p = self.profile
        if kind == "realtime":
            return p.rename(
                "realtime", {**body, "points": [p.rename("point_value", v) for v in body["points"]]}
            )
        if kind == "points":
            return [p.rename("point", r) for r in body]
        return p.rename(kind, body)

    def build(self, kind: str, message_id: str, body, now: float | None = None) -> bytes:
        plain = json.dumps(self.record(kind, body), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        ours = {
            "app_id": self.app_id,
            "timestamp": str(int((time.time() if now is None else now) * 1000)),
            "nonce": uuid.uuid4().hex[:16],
            "message_id": message_id,
            "kind": kind,
            "data": self.sealer.seal(plain),
        }
        ours["sign"] = self.sealer.sign([ours[f] for f in self.profile.signature.over])
        names = self.profile.envelope
        return json.dumps({names[k]: v for k, v in ours.items()}, ensure_ascii=False).encode("utf-8")


def read_answer(profile: Profile, status: int, raw: bytes) -> tuple[Outcome, str, str]:
    """(outcome, the platform's message, the point it names if any)."""
    a = profile.answer
    try:
        doc = json.loads(raw.decode("utf-8")) if raw else {}
    except (UnicodeDecodeError, ValueError):
        doc = {}
    if not isinstance(doc, dict):
        doc = {}
    text = str(doc.get(a.message, "") or raw[:200].decode("utf-8", "replace"))
    point = str(doc.get(a.point, "") or "") if a.point else ""
    code = doc.get(a.code)
    if isinstance(code, int) and not isinstance(code, bool):
        if code in a.ok:
            return Outcome.ACCEPTED, text, point
        if code in a.duplicate:
            return Outcome.DUPLICATE, text, point
        if code in a.refused:
            return Outcome.REFUSED, f"{code}: {text}", point
        if code in a.busy:
            return Outcome.RETRY, f"{code}: {text}", point
    if status >= 500 or status in (408, 429):
        return Outcome.RETRY, f"HTTP {status}: {text}", point
    if 400 <= status < 500:
        return Outcome.REFUSED, f"HTTP {status}: {text}", point
    if status == 200 and code is None:
        return Outcome.RETRY, f"an answer without a {a.code!r}: {text}", point
    return Outcome.REFUSED, f"HTTP {status}, code {code}: {text}", point
