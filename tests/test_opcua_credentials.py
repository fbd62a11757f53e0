"""An OPC UA password never crosses the network unencrypted unless the plant file says so
(`allow_insecure_password: true`), and then it is warned about: by check-config, at connect and
on the device's badge. Against real asyncua servers on 127.0.0.1 with a None endpoint and a
UserName token policy."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import parse_config_text
from app.runtime.engine import Engine
from core.samples import DeviceState, Quality
from devices.opcua import PLAIN_PASSWORD
from tests.conftest import wait_until
from tests.helpers import Recorder, plant_yaml
from tests.servers import SecuredUaServer

ROOT = Path(__file__).resolve().parent.parent
USER, PASSWORD = "hmi", "Lance-Water-7"
SERVER_URI = "urn:forewarn:test:password-server"


class Users:
    """The server's user manager: notes every credential that reaches it."""

    def __init__(self):
        self.seen: list[tuple[str | None, str | None]] = []

    def get_user(self, iserver, username=None, password=None, certificate=None):
        from asyncua.crypto.permission_rules import User, UserRole

        self.seen.append((username, password))
        return User(role=UserRole.User) if (username, password) == (USER, PASSWORD) else None


class PasswordServer(SecuredUaServer):
    """An asyncua server whose None endpoint takes user names. Without a certificate its UserName
    token policy is None (the password would go in plain text); with one and a SignAndEncrypt
    policy beside it, the token policy encrypts the password even on the None endpoint."""

    path = "/pw/"
    application_uri = SERVER_URI

    def __init__(self, cert: Path | None = None, key: Path | None = None):
        super().__init__()
        self.cert, self.key = cert, key
        self.users = Users()

    def server_kwargs(self) -> dict:
        return {"user_manager": self.users}

    async def configure(self, s) -> None:
        from asyncua import ua

        policies = [ua.SecurityPolicyType.NoSecurity]
        if self.cert is not None:
            policies.append(ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt)
            await s.load_certificate(str(self.cert))
            await s.load_private_key(str(self.key), format="pem")
        s.set_security_policy(policies)
        s.set_identity_tokens([ua.UserNameIdentityToken])


def plant(endpoint: str, allow: bool | None) -> str:
    flag = "" if allow is None else f", allow_insecure_password: {str(allow).lower()}"
    device = (
        f'{{name: ua, protocol: opcua, endpoint: "{endpoint}", scan_ms: 100, timeout_ms: 2000,'
        f" username: {USER}, password: {PASSWORD}{flag}}}"
    )
    return plant_yaml(
        '{name: X, device: ua, address: "nsu=urn:forewarn:test;s=X"}', devices=device, name="Passwords"
    )


def engine_config(endpoint: str, allow: bool):
    """The plant as the engine gets it; without the flag check-config refuses the file, so the
    driver's own guard is reached by clearing the flag after validation."""
    cfg = parse_config_text(plant(endpoint, True))
    dev = cfg.devices[0].model_copy(update={"allow_insecure_password": allow})
    return cfg.model_copy(update={"devices": [dev]})


def latest(engine, name):
    i = engine.config.tag_index()[name]
    snap = engine.latest()
    return snap.value[i], snap.quality[i]


@pytest.fixture
def plain_server():
    srv = PasswordServer().start()
    yield srv
    srv.close()


@pytest.mark.slow
def test_password_is_not_sent_in_clear_without_the_flag(plain_server, data_dir):
    eng = Engine(engine_config(plain_server.endpoint, allow=False), backoff_cap=0.5)
    rec = Recorder()
    eng.add_listener(rec)
    eng.start()
    try:
        wait_until(lambda: any(a.key == "ua:COMM" and a.active for a in rec.alarms), timeout=10)
        status = eng.device_status()["ua"]
        assert status.state == DeviceState.DISCONNECTED
        assert "InsecurePassword" in status.error and "allow_insecure_password" in status.error
        comm = next(a for a in rec.alarms if a.key == "ua:COMM")
        assert "unencrypted" in str(comm.message.args)
        assert latest(eng, "X")[1] == Quality.BAD
    finally:
        eng.stop()
    assert plain_server.users.seen == []  # no credential ever reached the server


@pytest.mark.slow
def test_with_the_flag_it_connects_and_warns(plain_server, data_dir, caplog):
    caplog.set_level(logging.INFO)
    eng = Engine(engine_config(plain_server.endpoint, allow=True), backoff_cap=0.5)
    eng.start()
    try:
        wait_until(lambda: latest(eng, "X") == (42.5, Quality.GOOD), timeout=10)
        wait_until(lambda: eng.device_status()["ua"].state == DeviceState.CONNECTED)
        status = eng.device_status()["ua"]
        assert status.warning == PLAIN_PASSWORD and "unencrypted" in status.warning_text
    finally:
        eng.stop()
    assert (USER, PASSWORD) in plain_server.users.seen
    ours = [r for r in caplog.records if r.name == "devices.base" and r.levelno == logging.WARNING]
    assert any("crossed the network unencrypted" in r.getMessage() for r in ours)
    # asyncua's own warning is not silenced
    assert any(
        "plain-text password" in r.getMessage() for r in caplog.records if r.name.startswith("asyncua")
    )
    assert PASSWORD not in caplog.text


@pytest.mark.slow
def test_a_token_policy_that_encrypts_the_password_needs_no_flag(tmp_path, data_dir, caplog):
    from tests.interop.certs import make_certificate

    cert, key = make_certificate(tmp_path, "server", SERVER_URI)
    srv = PasswordServer(cert, key).start()
    caplog.set_level(logging.INFO)
    try:
        eng = Engine(engine_config(srv.endpoint, allow=False), backoff_cap=0.5)
        eng.start()
        try:
            wait_until(lambda: latest(eng, "X") == (42.5, Quality.GOOD), timeout=15)
            assert eng.device_status()["ua"].warning == ""
        finally:
            eng.stop()
    finally:
        srv.close()
    assert (USER, PASSWORD) in srv.users.seen  # decrypted by the server
    assert "plain-text password" not in caplog.text


def check_config(path: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "check-config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "FOREWARN_DATA_DIR": str(tmp_path / "data")},
        cwd=ROOT,
    )


def test_check_config_refuses_a_password_over_none_and_warns_with_the_flag(tmp_path):
    path = tmp_path / "plant.yaml"
    text = plant("opc.tcp://127.0.0.1:4840/", None)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "password:" in t)
    path.write_text(text, encoding="utf-8")
    r = check_config(path, tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{path}:{line}: devices[0].password: over security_policy None" in r.stderr
    assert "allow_insecure_password: true" in r.stderr

    path.write_text(plant("opc.tcp://127.0.0.1:4840/", True), encoding="utf-8")
    r = check_config(path, tmp_path)
    assert r.returncode == 0, r.stderr
    assert "OK" in r.stdout
    assert f"{path}:{line}: devices[0].password: allow_insecure_password is set" in r.stderr
    assert PASSWORD not in r.stdout + r.stderr
