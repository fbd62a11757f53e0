"""A receiving regulator platform for the link's tests, written from the profile: a real HTTP(S)
server on 127.0.0.1 that checks the envelope's signature, decrypts the payload, checks its
fields, keeps every message once (by message id, answering a repeat as a duplicate) in arrival
order, and answers with the profile's codes. It can be told to refuse (a point, or everything),
to slow down, or to go away (its port closed) and come back on the same port."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.uplink.crypto import CryptoError, Sealer
from app.uplink.profile import ENVELOPE, FIELDS, Profile

KEY_HEX = "0123456789abcdeffedcba9876543210"
SALT_HEX = "00112233445566778899aabbccddeeff"
APP_ID, APP_SECRET = "forewarn-test", "s3cret-app"
SECRETS = {"app_id": APP_ID, "app_secret": APP_SECRET, "key": KEY_HEX, "salt": SALT_HEX}


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca_and_server(directory: Path) -> tuple[Path, Path, Path]:
    """A self-signed CA and a server certificate it signed for 127.0.0.1: (ca.pem, server.pem, server.key)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Forewarn test CA"))
        .issuer_name(_name("Forewarn test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("platform"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    paths = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths


class Platform:
    """See the module docstring. `received`: (kind, message id, record) in arrival order, once each."""

    def __init__(self, profile: Profile, cert_dir: Path | None = None):
        self.profile = profile
        self.sealer = Sealer(
            profile.encryption.algorithm,
            profile.encryption.iv,
            KEY_HEX,
            SALT_HEX,
            profile.signature.algorithm,
            APP_SECRET,
        )
        self.tls = None
        if cert_dir is not None:
            self.ca, cert, key = make_ca_and_server(cert_dir)
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(cert, key)
        self.lock = threading.Lock()
        self.received: list[tuple[str, str, object]] = []
        self.ids: set[str] = set()
        self.requests = 0
        self.duplicates = 0
        self.refused: list[str] = []
        self.refuse_point: str | None = None  # answer "refused" naming this point code
        self.refuse_all = False
        self.delay_s = 0.0  # before looking at a request
        self.answer_delay_s = 0.0  # after keeping it, before answering (an answer that may be lost)
        self.in_flight = 0
        self.max_in_flight = 0
        self.arrivals: list[float] = []  # monotonic time of each accepted message
        self.port = 0
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/api"

    def start(self) -> Platform:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go in two writes

            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802
                if (
                    platform.server is None or self.server is not platform.server
                ):  # gone: drop the kept-alive line
                    self.close_connection = True
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                code, msg, point = platform.handle(self.path, body)
                out = json.dumps({"code": code, "msg": msg, "pointCode": point}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        if self.tls is not None:
            self.server.socket = self.tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        return self

    def away(self) -> None:
        """Close the port: connections are refused until `back`."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(5)
            self.server = None

    def back(self) -> None:
        self.start()

    stop = away

    # ------------------------------------------------------------ the platform's checks
    def handle(self, path: str, raw: bytes) -> tuple[int, str, str]:
        with self.lock:
            self.requests += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay_s:
                time.sleep(self.delay_s)
            return self._check(path, raw)
        finally:
            with self.lock:
                self.in_flight -= 1

    def _check(self, path: str, raw: bytes) -> tuple[int, str, str]:
        p = self.profile
        names = p.envelope
        env = json.loads(raw)
        missing = [k for k in ENVELOPE if names[k] not in env]
        if missing:
            return 4001, f"missing {missing}", ""
        ours = {k: env[names[k]] for k in ENVELOPE}
        if not self.sealer.verify([ours[f] for f in p.signature.over], ours["sign"]):
            return 4002, "bad signature", ""
        if ours["app_id"] != APP_ID:
            return 4002, "unknown appId", ""
        kind = ours["kind"]
        if p.paths.get(kind) != path.removeprefix("/api"):
            return 4001, f"{kind} posted to {path}", ""
        try:
            record = json.loads(self.sealer.open(ours["data"]))
        except (CryptoError, ValueError) as exc:
            return 4001, f"cannot decrypt: {exc}", ""
        problem = self._fields(kind, record)
        if problem:
            return 4001, problem, ""
        codes = self._points(kind, record)
        if self.refuse_all or (self.refuse_point is not None and self.refuse_point in codes):
            self.refused.append(ours["message_id"])
            return 4003, "point refused", self.refuse_point or ""
        with self.lock:
            if ours["message_id"] in self.ids:
                self.duplicates += 1
                return p.answer.duplicate[0], "duplicate", ""
            self.ids.add(ours["message_id"])
            self.received.append((kind, ours["message_id"], record))
            self.arrivals.append(time.monotonic())
        if self.answer_delay_s:
            time.sleep(self.answer_delay_s)
        return p.answer.ok[0], "ok", ""

    def _fields(self, kind: str, record) -> str:
        p = self.profile
        want = {"points": "point"}.get(kind, kind)
        items = record if isinstance(record, list) else [record]
        for item in items:
            expected = {p.fields.get(want, {}).get(f, f) for f in FIELDS[want]}
            if set(item) != expected:
                return f"{kind}: fields {sorted(set(item) ^ expected)}"
            if kind == "realtime":
                inner = {p.fields["point_value"].get(f, f) for f in FIELDS["point_value"]}
                bad = [v for v in item[p.fields["realtime"]["points"]] if set(v) != inner]
                if bad:
                    return f"realtime: point fields {bad[0]}"
        return ""

    def _points(self, kind: str, record) -> set[str]:
        p = self.profile
        if kind == "realtime":
            code = p.fields["point_value"]["code"]
            return {v[code] for v in record[p.fields["realtime"]["points"]]}
        if kind in ("alarm", "response"):
            return {record[p.fields[kind]["point_code"]]}
        return set()

    def of_kind(self, kind: str) -> list[tuple[str, object]]:
        with self.lock:
            return [(m, r) for k, m, r in self.received if k == kind]
