"""Server certificates checked against the trust list in the data directory: an unknown one is
refused (bad quality, communication alarm, kept in rejected/, a reason the HMI recognises);
once trusted the device connects at once. Against an asyncua server with Basic256Sha256."""

from __future__ import annotations

import datetime as dt

import pytest

from core.samples import DeviceState, Quality
from devices.trust import (
    CertificateNotValid,
    TrustStore,
    UntrustedCertificate,
    certificate_info,
    check_server_certificate,
    untrusted_thumbprint,
)
from tests.conftest import wait_until
from tests.helpers import plant_yaml
from tests.interop.certs import make_certificate
from tests.interop.conftest import latest, running
from tests.servers import SecuredUaServer

SERVER_URI = "urn:forewarn:test:secure-server"
CLIENT_URI = "urn:forewarn:test:client"


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    d = tmp_path_factory.mktemp("ua-certs")
    server_cert, server_key = make_certificate(d, "server", SERVER_URI)
    client_cert, client_key = make_certificate(d, "client", CLIENT_URI)
    old_cert, _ = make_certificate(d, "old", "urn:forewarn:test:old", valid_from_days=-60, valid_days=30)
    future_cert, _ = make_certificate(d, "future", "urn:forewarn:test:future", valid_from_days=5)
    return {
        "server_cert": server_cert,
        "server_key": server_key,
        "client_cert": client_cert,
        "client_key": client_key,
        "old_cert": old_cert,
        "future_cert": future_cert,
    }


class SecureServer(SecuredUaServer):
    """An asyncua server offering Basic256Sha256 Sign and SignAndEncrypt, one Double variable."""

    path = "/secure/"
    application_uri = SERVER_URI

    def __init__(self, certs):
        super().__init__()
        self.certs = certs

    async def configure(self, s) -> None:
        from asyncua import ua

        s.set_security_policy(
            [
                ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt,
                ua.SecurityPolicyType.Basic256Sha256_Sign,
            ]
        )
        await s.load_certificate(str(self.certs["server_cert"]))
        await s.load_private_key(str(self.certs["server_key"]), format="pem")


@pytest.fixture(scope="module")
def server(certs):
    srv = SecureServer(certs).start()
    yield srv
    srv.close()


def config(srv, certs, mode="SignAndEncrypt", **extra) -> str:
    pinned = "".join(f', {k}: "{v}"' for k, v in extra.items())
    device = (
        f'{{name: ua, protocol: opcua, endpoint: "{srv.endpoint}", scan_ms: 100, timeout_ms: 3000, '
        f"security_policy: Basic256Sha256, security_mode: {mode}, "
        f'certificate: "{certs["client_cert"]}", private_key: "{certs["client_key"]}"{pinned}}}'
    )
    return plant_yaml(
        '{name: X, device: ua, address: "nsu=urn:forewarn:test;s=X"}', devices=device, name="Trust"
    )


def server_sha(certs) -> str:
    return certificate_info(certs["server_cert"].read_bytes()).sha256


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["Sign", "SignAndEncrypt"])
def test_unknown_certificate_is_refused_then_trusted(server, certs, data_dir, mode):
    sha = server_sha(certs)
    store = TrustStore(data_dir / "pki")
    with running(config(server, certs, mode), backoff_cap=0.5) as (eng, rec):
        wait_until(lambda: rec.comm_alarm("ua", True))
        status = eng.device_status()["ua"]
        assert status.state != DeviceState.CONNECTED
        assert f"untrusted server certificate {sha}" in status.error
        assert untrusted_thumbprint(status.error) == sha
        assert latest(eng, "X")[1] == Quality.BAD
        assert (data_dir / "pki" / "rejected" / f"{sha}.der").is_file()
        assert not store.is_trusted(certs["server_cert"].read_bytes())

        store.trust(sha[:12])  # a unique prefix is enough
        assert (data_dir / "pki" / "trusted" / f"{sha}.der").is_file()
        assert not (data_dir / "pki" / "rejected" / f"{sha}.der").exists()
        assert eng.reconnect("ua")
        wait_until(lambda: latest(eng, "X") == (42.5, Quality.GOOD))
        assert eng.device_status()["ua"].state == DeviceState.CONNECTED
        wait_until(lambda: rec.comm_alarm("ua", False))


@pytest.mark.slow
def test_pinned_certificate_counts_as_trusted(server, certs, data_dir):
    with running(config(server, certs, server_certificate=certs["server_cert"])) as (eng, _rec):
        wait_until(lambda: latest(eng, "X") == (42.5, Quality.GOOD))
    assert not (data_dir / "pki" / "rejected").exists()


def test_expired_and_future_certificates_are_named(certs, tmp_path):
    store = TrustStore(tmp_path / "pki")
    old = certs["old_cert"].read_bytes()
    store.trust(old)
    with pytest.raises(CertificateNotValid, match=r"server certificate [0-9a-f]{64} expired on \d{4}-"):
        check_server_certificate(store, old)
    with pytest.raises(CertificateNotValid, match="not valid before"):
        check_server_certificate(store, certs["future_cert"].read_bytes(), pinned=True)
    with pytest.raises(UntrustedCertificate):
        check_server_certificate(store, certs["future_cert"].read_bytes())


def test_store_list_find_reject_remove(certs, tmp_path):
    store = TrustStore(tmp_path / "pki")
    a = store.add_rejected(certs["server_cert"].read_bytes())
    b = store.trust(certs["client_cert"].read_bytes())
    assert [(e.status, e.info.sha256) for e in store.entries()] == [
        ("trusted", b.info.sha256),
        ("rejected", a.info.sha256),
    ]
    assert store.find(a.info.sha1).info.sha256 == a.info.sha256  # SHA-1, as other tools show it
    assert store.find(a.info.sha256_pretty).path == a.path  # AB:CD:... as viewers show it
    assert store.find("00" * 32) is None
    store.reject(b.info.sha256)
    assert store.find(b.info.sha256).status == "rejected"
    store.remove(a.info.sha256)
    assert store.find(a.info.sha256) is None
    with pytest.raises(LookupError):
        store.remove(a.info.sha256)
    # a certificate copied in by hand, PEM, under any name, is trusted too
    (store.trusted_dir / "plant-server.pem").write_bytes(certs["server_cert"].read_bytes())
    assert store.is_trusted(certs["server_cert"].read_bytes())
    info = a.info
    assert info.subject.startswith("O=Forewarn,CN=server") or "CN=server" in info.subject
    assert info.application_uri == SERVER_URI
    assert info.not_after > dt.datetime.now(dt.UTC)
