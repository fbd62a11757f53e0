"""Our OPC UA driver against a node-opcua server (interop/node_opcua_server.js): every data
type by namespace URI, moving values, bad status, security None and Basic256Sha256 Sign /
SignAndEncrypt with certificates, user and password, a pinned server certificate, and the
trust list: an unknown server certificate is refused until it is trusted."""

from __future__ import annotations

import math

import pytest

from core.samples import DeviceState, Quality
from devices.trust import TrustStore, certificate_info
from tests.conftest import wait_until
from tests.helpers import plant_yaml
from tests.interop.conftest import OPCUA_USER, latest, running, write

NS = "urn:forewarn:interop:node-opcua"

EXPECTED = {
    "Bool": 1.0,
    "Int16": -12345.0,
    "UInt16": 54321.0,
    "Int32": -100000.0,
    "UInt32": 3_000_000_000.0,
    "Float": 123.5,
    "Double": 1.0e10 + 0.5,
    "Byte": 200.0,
    "SByte": -100.0,
    "Int64": 1234567.0,
    "NumericString": 42.5,  # a String that reads as a number is taken as that number
}


@pytest.fixture(autouse=True)
def trust_list(data_dir, opcua_certs) -> TrustStore:
    """The data directory's trust list, with the node-opcua server's certificate on it."""
    store = TrustStore(data_dir / "pki")
    store.trust(opcua_certs["server_cert"].read_bytes())
    return store


def opcua_config(srv, certs, policy="None", mode="None", mode_scan="subscription", **extra) -> str:
    fields = {
        "name": "ua",
        "protocol": "opcua",
        "endpoint": f'"{srv.endpoint}"',
        "scan_ms": 100,
        "timeout_ms": 3000,
        "mode": mode_scan,
        "security_policy": policy,
        "security_mode": mode,
    }
    if policy != "None":
        fields["certificate"] = f'"{certs["client_cert"]}"'
        fields["private_key"] = f'"{certs["client_key"]}"'
    fields.update({k: f'"{v}"' for k, v in extra.items()})
    dev = ", ".join(f"{k}: {v}" for k, v in fields.items())
    tags = [
        f'{{name: {n}, device: ua, address: "nsu={NS};s={n}"}}'
        for n in [*EXPECTED, "String", "Counter", "Ramp", "BadSensor"]
    ]
    tags.append('{name: Missing, device: ua, address: "nsu=urn:forewarn:nowhere;s=X"}')
    return plant_yaml(tags, devices=f"{{{dev}}}", name="Interop")


def check_values(eng, rec) -> None:
    wait_until(lambda: all(latest(eng, n)[1] == Quality.GOOD for n in EXPECTED), timeout=15)
    for name, v in EXPECTED.items():
        assert latest(eng, name)[0] == pytest.approx(v), name
    # moving every 100 ms: several distinct, rising values arrive
    counter = eng.config.tag_index()["Counter"]
    wait_until(lambda: len(set(rec.values(counter))) >= 4)
    seen = rec.values(counter)
    assert seen == sorted(seen)
    wait_until(lambda: latest(eng, "Ramp")[1] == Quality.GOOD)
    # a bad status code, a text that is no number, an unknown namespace: bad quality
    wait_until(lambda: latest(eng, "BadSensor")[1] == Quality.BAD)
    wait_until(lambda: latest(eng, "String")[1] == Quality.BAD)
    assert math.isnan(latest(eng, "String")[0])
    assert latest(eng, "Missing")[1] == Quality.BAD
    assert eng.device_status()["ua"].state == DeviceState.CONNECTED
    assert not rec.comm_alarm("ua", True)


@pytest.mark.parametrize(
    "policy,mode",
    [("None", "None"), ("Basic256Sha256", "Sign"), ("Basic256Sha256", "SignAndEncrypt")],
    ids=["none", "sign", "sign-encrypt"],
)
def test_every_type_by_namespace_uri(opcua_server, opcua_certs, policy, mode):
    # the server's namespace is not at index 2: only the URI finds it
    assert opcua_server.namespace != 2
    with running(opcua_config(opcua_server, opcua_certs, policy, mode)) as (eng, rec):
        check_values(eng, rec)


def test_poll_mode(opcua_server, opcua_certs):
    with running(opcua_config(opcua_server, opcua_certs, mode_scan="poll")) as (eng, rec):
        check_values(eng, rec)


def test_user_and_password_over_sign_and_encrypt(opcua_server, opcua_certs):
    user, password = OPCUA_USER
    text = opcua_config(
        opcua_server, opcua_certs, "Basic256Sha256", "SignAndEncrypt", username=user, password=password
    )
    with running(text) as (eng, _rec):
        wait_until(lambda: latest(eng, "Double") == (1.0e10 + 0.5, Quality.GOOD))


def test_wrong_password_is_a_comm_failure(opcua_server, opcua_certs):
    user, _ = OPCUA_USER
    text = opcua_config(
        opcua_server, opcua_certs, "Basic256Sha256", "SignAndEncrypt", username=user, password="wrong"
    )
    with running(text, backoff_cap=0.5) as (eng, rec):
        wait_until(lambda: rec.comm_alarm("ua", True))
        assert latest(eng, "Double")[1] == Quality.BAD
        status = eng.device_status()["ua"]
        assert status.state != DeviceState.CONNECTED and status.error


def test_pinned_server_certificate(opcua_server, opcua_certs):
    text = opcua_config(
        opcua_server,
        opcua_certs,
        "Basic256Sha256",
        "SignAndEncrypt",
        server_certificate=opcua_certs["server_cert"],
    )
    with running(text) as (eng, _rec):
        wait_until(lambda: latest(eng, "Int16") == (-12345.0, Quality.GOOD))


def test_pinned_certificate_of_another_server_fails(opcua_server, opcua_certs):
    text = opcua_config(
        opcua_server,
        opcua_certs,
        "Basic256Sha256",
        "SignAndEncrypt",
        server_certificate=opcua_certs["other_cert"],
    )
    with running(text, backoff_cap=0.5) as (eng, rec):
        wait_until(lambda: rec.comm_alarm("ua", True))
        assert latest(eng, "Int16")[1] == Quality.BAD
        assert eng.device_status()["ua"].state != DeviceState.CONNECTED


def test_unknown_server_certificate_is_refused_until_trusted(opcua_server, opcua_certs, trust_list, data_dir):
    sha = certificate_info(opcua_certs["server_cert"].read_bytes()).sha256
    trust_list.remove(sha)
    text = opcua_config(opcua_server, opcua_certs, "Basic256Sha256", "SignAndEncrypt")
    with running(text, backoff_cap=0.5) as (eng, rec):
        wait_until(lambda: rec.comm_alarm("ua", True))
        status = eng.device_status()["ua"]
        assert status.state != DeviceState.CONNECTED
        assert f"untrusted server certificate {sha}" in status.error
        assert latest(eng, "Int16")[1] == Quality.BAD
        assert (data_dir / "pki" / "rejected" / f"{sha}.der").is_file()
        trust_list.trust(sha)
        assert eng.reconnect("ua")
        wait_until(lambda: latest(eng, "Int16") == (-12345.0, Quality.GOOD))
        assert eng.device_status()["ua"].state == DeviceState.CONNECTED


# written with the variable's own type, read back through the subscription
WRITES = {
    "W.Double": 12.5,
    "W.Float": 0.1,  # held as float32
    "W.Int16": -12345.0,
    "W.UInt32": 3_000_000_000.0,
    "W.Boolean": 1.0,
}


@pytest.mark.parametrize(
    "policy,mode,user",
    [("None", "None", False), ("Basic256Sha256", "SignAndEncrypt", True)],
    ids=["none", "user"],
)
def test_writes_with_the_variables_type_read_back(opcua_server, opcua_certs, audit_log, policy, mode, user):
    extra = dict(zip(("username", "password"), OPCUA_USER, strict=True)) if user else {}
    text = opcua_config(opcua_server, opcua_certs, policy, mode, **extra)
    text += "".join(
        f'  - {{name: {n}, device: ua, address: "nsu={NS};s={n}", writable: true}}\n'
        for n in [*WRITES, "RO.Double"]
    )
    with running(text, audit=audit_log) as (eng, _rec):
        wait_until(lambda: all(latest(eng, n)[1] == Quality.GOOD for n in WRITES), timeout=15)
        for name, value in WRITES.items():
            res = write(eng, name, value)
            assert res.ok and res.written == pytest.approx(value, rel=1e-7), res
        for name, value in WRITES.items():
            wait_until(lambda n=name, v=value: latest(eng, n)[0] == pytest.approx(v, rel=1e-7))
        res = write(eng, "W.Int16", 12.6)  # rounded for an Int16, and says so
        assert res.ok and res.written == 13.0
        wait_until(lambda: latest(eng, "W.Int16")[0] == 13.0)
        res = write(eng, "W.Int16", 70000)
        assert not res.ok and "does not fit the variable's type Int16" in res.message, res
        res = write(eng, "RO.Double", 1.0)  # the server's own access level says no
        assert not res.ok and "BadNotWritable" in res.message, res
        assert latest(eng, "RO.Double")[0] == 9.5
    results = [e.detail["result"] for e in audit_log.entries()]
    assert results == ["ok"] * (len(WRITES) + 1) + ["failed", "failed"]
