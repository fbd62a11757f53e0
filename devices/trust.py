"""The trust list of OPC UA server certificates, kept in the data directory. No Qt.

    <data>/pki/trusted/<sha256>.der    servers an engineer has trusted
    <data>/pki/rejected/<sha256>.der   servers seen and not trusted (yet)

A secured connection (policy other than None) goes ahead only when the certificate the server
presents is in `trusted/` (or is the device's pinned `server_certificate`); an unknown one is
saved into `rejected/` and the connection is refused with the reason
"untrusted server certificate <sha256>", which the HMI recognises to ask an engineer. Files are
named by their SHA-256 thumbprint; certificates copied in by hand under any name, PEM or DER,
count too. Thumbprints are given as SHA-256 or SHA-1, in hex, with or without colons.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

TRUSTED, REJECTED = "trusted", "rejected"
CERT_SUFFIXES = (".der", ".pem", ".crt", ".cer")
UNTRUSTED_RE = re.compile(r"untrusted server certificate ([0-9a-f]{64})")


@dataclass(frozen=True)
class CertificateInfo:
    """What a person needs to decide whether to trust a certificate."""

    der: bytes
    sha256: str  # lower-case hex
    sha1: str
    subject: str
    issuer: str
    not_before: dt.datetime  # UTC
    not_after: dt.datetime
    application_uri: str | None

    @property
    def sha256_pretty(self) -> str:
        """AB:CD:... as certificate viewers show it."""
        return pretty(self.sha256)

    def validity_problem(self, now: dt.datetime | None = None) -> str | None:
        """Why the certificate is not valid now (expired, not yet valid), or None."""
        now = now or dt.datetime.now(dt.UTC)
        if now > self.not_after:
            return f"expired on {self.not_after:%Y-%m-%d %H:%M} UTC"
        if now < self.not_before:
            return f"not valid before {self.not_before:%Y-%m-%d %H:%M} UTC"
        return None


def pretty(thumbprint: str) -> str:
    t = thumbprint.upper()
    return ":".join(t[i : i + 2] for i in range(0, len(t), 2))


def normalise(thumbprint: str) -> str:
    """Lower-case hex without separators; ValueError when it is not a thumbprint at all."""
    t = re.sub(r"[\s:]", "", thumbprint).lower()
    if not t or not re.fullmatch(r"[0-9a-f]+", t):
        raise ValueError(f"not a certificate thumbprint: {thumbprint!r}")
    return t


def untrusted_thumbprint(error: str) -> str | None:
    """The thumbprint in a device error "untrusted server certificate <sha256>", or None."""
    m = UNTRUSTED_RE.search(error or "")
    return m.group(1) if m else None


def first_certificate(data: bytes) -> bytes:
    """The first certificate of a DER chain (servers may send their CA's after their own)."""
    if len(data) < 2 or data[0] != 0x30:
        return data
    n = data[1]
    if n < 0x80:
        return data[: 2 + n]
    k = n & 0x7F
    return data[: 2 + k + int.from_bytes(data[2 : 2 + k], "big")]


def to_der(data: bytes) -> bytes:
    if b"-----BEGIN" in data:
        from cryptography.hazmat.primitives.serialization import Encoding

        return x509.load_pem_x509_certificate(data).public_bytes(Encoding.DER)
    return first_certificate(data)


def certificate_info(data: bytes) -> CertificateInfo:
    """Read a PEM or DER certificate; ValueError when it is neither."""
    der = to_der(data)
    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        uris = san.get_values_for_type(x509.UniformResourceIdentifier)
    except x509.ExtensionNotFound:
        uris = []
    return CertificateInfo(
        der=der,
        sha256=hashlib.sha256(der).hexdigest(),
        sha1=hashlib.sha1(der).hexdigest(),  # noqa: S324 - the thumbprint OPC UA tools show
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        application_uri=uris[0] if uris else None,
    )


class UntrustedCertificate(ConnectionError):
    """The server presented a certificate that is not on the trust list."""

    def __init__(self, info: CertificateInfo):
        super().__init__(f"untrusted server certificate {info.sha256}")
        self.info = info


class CertificateNotValid(ConnectionError):
    """The server's certificate is expired or not yet valid."""


@dataclass(frozen=True)
class Entry:
    status: str  # TRUSTED or REJECTED
    info: CertificateInfo
    path: Path


class TrustStore:
    """The `trusted/` and `rejected/` folders under `root` (default `<data>/pki`)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.trusted_dir = self.root / TRUSTED
        self.rejected_dir = self.root / REJECTED

    @classmethod
    def default(cls) -> TrustStore:
        from core.paths import data_dir

        return cls(data_dir() / "pki")

    def _dir(self, status: str) -> Path:
        return self.trusted_dir if status == TRUSTED else self.rejected_dir

    def entries(self, status: str | None = None) -> list[Entry]:
        """Every readable certificate, trusted first, each folder by file name."""
        out = []
        for st in (TRUSTED, REJECTED) if status is None else (status,):
            d = self._dir(st)
            if not d.is_dir():
                continue
            for p in sorted(d.iterdir()):
                if p.suffix.lower() not in CERT_SUFFIXES or not p.is_file():
                    continue
                try:
                    out.append(Entry(st, certificate_info(p.read_bytes()), p))
                except (ValueError, OSError):
                    continue  # not a certificate: ignored, as OPC UA stacks do
        return out

    def status_of(self, der: bytes) -> str | None:
        sha = hashlib.sha256(to_der(der)).hexdigest()
        for st in (TRUSTED, REJECTED):
            if (self._dir(st) / f"{sha}.der").is_file():
                return st
        for e in self.entries():
            if e.info.sha256 == sha:
                return e.status
        return None

    def is_trusted(self, der: bytes) -> bool:
        return self.status_of(der) == TRUSTED

    def find(self, thumbprint: str) -> Entry | None:
        """The certificate with this SHA-256 or SHA-1 thumbprint (or a unique prefix of at least
        8 hex digits); None when there is none; ValueError when the prefix is ambiguous."""
        t = normalise(thumbprint)
        hits = [e for e in self.entries() if t in (e.info.sha256, e.info.sha1)]
        if not hits and len(t) >= 8:
            hits = [e for e in self.entries() if e.info.sha256.startswith(t) or e.info.sha1.startswith(t)]
            if len({e.info.sha256 for e in hits}) > 1:
                raise ValueError(f"{thumbprint!r} matches {len(hits)} certificates: give more digits")
        return hits[0] if hits else None

    def _write(self, status: str, info: CertificateInfo) -> Path:
        d = self._dir(status)
        d.mkdir(parents=True, exist_ok=True)
        path = d / f"{info.sha256}.der"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(info.der)
        tmp.replace(path)
        return path

    def _drop(self, status: str, sha256: str) -> None:
        for e in self.entries(status):
            if e.info.sha256 == sha256:
                e.path.unlink(missing_ok=True)

    def add_rejected(self, der: bytes) -> Entry:
        """Keep a certificate seen and not trusted (nothing changes when it is trusted)."""
        info = certificate_info(der)
        st = self.status_of(info.der)
        if st is not None:
            return Entry(st, info, self._dir(st) / f"{info.sha256}.der")
        return Entry(REJECTED, info, self._write(REJECTED, info))

    def trust(self, what: str | bytes) -> Entry:
        """Trust a certificate given by thumbprint (one already seen) or by its bytes."""
        info = self._info(what)
        path = self._write(TRUSTED, info)
        self._drop(REJECTED, info.sha256)
        return Entry(TRUSTED, info, path)

    def reject(self, what: str | bytes) -> Entry:
        """Take a certificate off the trust list (it stays known, as rejected)."""
        info = self._info(what)
        path = self._write(REJECTED, info)
        self._drop(TRUSTED, info.sha256)
        return Entry(REJECTED, info, path)

    def remove(self, thumbprint: str) -> Entry:
        """Forget a certificate altogether (trusted or rejected); LookupError when unknown."""
        e = self.find(thumbprint)
        if e is None:
            raise LookupError(f"no certificate {thumbprint!r} in {self.root}")
        self._drop(TRUSTED, e.info.sha256)
        self._drop(REJECTED, e.info.sha256)
        return e

    def _info(self, what: str | bytes) -> CertificateInfo:
        if isinstance(what, bytes):
            return certificate_info(what)
        e = self.find(what)
        if e is None:
            raise LookupError(f"no certificate {what!r} in {self.root}")
        return e.info


def check_server_certificate(store: TrustStore, data: bytes, pinned: bool = False) -> CertificateInfo:
    """Let a secured connection go ahead or raise: UntrustedCertificate (kept as rejected) when
    the certificate is not on the trust list and not pinned, CertificateNotValid when it is
    expired or not yet valid."""
    info = certificate_info(data)
    if not pinned and not store.is_trusted(info.der):
        store.add_rejected(info.der)
        raise UntrustedCertificate(info)
    problem = info.validity_problem()
    if problem:
        raise CertificateNotValid(f"server certificate {info.sha256} {problem}")
    return info
