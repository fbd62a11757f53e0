"""A real Mosquitto for tests: plain or TLS, with a password file and an ACL, on an ephemeral
127.0.0.1 port, its configuration in tmp_path; stopped (and restartable on the same port).

    from tests.broker import Mosquitto, make_tls
    broker = Mosquitto(tmp_path).start()           # mqtt://127.0.0.1:PORT, anonymous
    tls = make_tls(tmp_path)                        # CA, broker certificate, client certificate
    broker = Mosquitto(tmp_path, tls=tls, users={"serve": "pw"}, acl=ACL).start()

The fixtures `mosquitto` and `mosquitto_tls` give a started broker and stop it afterwards.
"""

from __future__ import annotations

import datetime
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
MOSQUITTO_PASSWD = shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd"


@dataclass(frozen=True)
class TlsFiles:
    ca: Path
    cert: Path  # the broker's
    key: Path
    client_cert: Path
    client_key: Path


def _key_and_cert(name: str, issuer=None, issuer_key=None, *, ca: bool = False, san: str | None = None):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer or subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if san:
        import ipaddress

        b = b.add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(san)), x509.DNSName("localhost")]
            ),
            critical=False,
        )
    cert = b.sign(issuer_key or key, hashes.SHA256())
    return key, cert


def _write(path: Path, key, cert) -> tuple[Path, Path]:
    from cryptography.hazmat.primitives import serialization

    path.with_suffix(".key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    path.with_suffix(".crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path.with_suffix(".crt"), path.with_suffix(".key")


def make_tls(directory: Path) -> TlsFiles:
    """A CA, a broker certificate for 127.0.0.1 and a client certificate, made with cryptography."""
    d = Path(directory) / "tls"
    d.mkdir(exist_ok=True)
    ca_key, ca_cert = _key_and_cert("forewarn test CA", ca=True)
    ca, _ = _write(d / "ca", ca_key, ca_cert)
    k, c = _key_and_cert("127.0.0.1", ca_cert.subject, ca_key, san="127.0.0.1")
    cert, key = _write(d / "broker", k, c)
    k, c = _key_and_cert("station", ca_cert.subject, ca_key)
    client_cert, client_key = _write(d / "client", k, c)
    return TlsFiles(ca, cert, key, client_cert, client_key)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mosquitto:
    """One Mosquitto process; `start()`, `stop()`, `start()` again on the same port."""

    def __init__(
        self,
        directory: Path,
        *,
        tls: TlsFiles | None = None,
        users: dict[str, str] | None = None,
        acl: str | None = None,
        require_certificate: bool = False,
    ):
        self.dir = Path(directory) / f"mosquitto-{id(self):x}"
        self.dir.mkdir(parents=True)
        self.tls, self.users, self.acl = tls, users, acl
        self.require_certificate = require_certificate
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = self.dir / "mosquitto.log"

    @property
    def url(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://127.0.0.1:{self.port}"

    def _config(self) -> Path:
        lines = [
            f"listener {self.port} 127.0.0.1",
            "persistence false",
            f"log_dest file {self.log}",
            "log_type all",
        ]
        if os.geteuid() == 0:  # started as root it would drop to user mosquitto, who cannot read tmp_path
            lines.append("user root")
        if self.users:
            pw = self.dir / "passwords"
            pw.write_text("")
            for name, password in self.users.items():
                subprocess.run(
                    [MOSQUITTO_PASSWD, "-b", str(pw), name, password], check=True, capture_output=True
                )
            lines += ["allow_anonymous false", f"password_file {pw}"]
        else:
            lines.append("allow_anonymous true")
        if self.acl is not None:
            (self.dir / "acl").write_text(self.acl)
            lines.append(f"acl_file {self.dir / 'acl'}")
        if self.tls:
            lines += [f"cafile {self.tls.ca}", f"certfile {self.tls.cert}", f"keyfile {self.tls.key}"]
            lines.append(f"require_certificate {'true' if self.require_certificate else 'false'}")
        conf = self.dir / "mosquitto.conf"
        conf.write_text("\n".join(lines) + "\n")
        return conf

    def start(self, timeout: float = 10.0) -> Mosquitto:
        if not Path(MOSQUITTO).is_file():
            pytest.skip("Mosquitto is not installed (apt-get install mosquitto; .ci/run installs it)")
        conf = self._config()
        self.proc = subprocess.Popen(
            [MOSQUITTO, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"mosquitto exited: {self.proc.stderr.read().decode(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError("mosquitto did not listen in time")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()
        self.proc = None


@pytest.fixture
def mosquitto(tmp_path):
    broker = Mosquitto(tmp_path).start()
    yield broker
    broker.stop()


@pytest.fixture
def mosquitto_tls(tmp_path):
    """A TLS broker with a password file; users `serve` and `station` (password `secret-<name>`),
    no ACL (tests that need one build their own Mosquitto)."""
    tls = make_tls(tmp_path)
    broker = Mosquitto(
        tmp_path, tls=tls, users={"serve": "secret-serve", "station": "secret-station"}
    ).start()
    yield broker
    broker.stop()
