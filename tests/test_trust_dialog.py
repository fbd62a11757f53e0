"""The main window asks about an unknown OPC UA server certificate: one dialog per thumbprint,
Trust (engineer and up: moved to trusted/, audited, the device reconnects) or Reject."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QSettings, Qt

from app.accounts.users import Role, User
from app.config import parse_config_text
from app.runtime.engine import Engine
from core.samples import DeviceState, DeviceStatus
from devices.trust import TrustStore, certificate_info
from tests.helpers import plant_yaml
from tests.interop.certs import make_certificate
from views.main_window import MainWindow
from views.session import Session
from views.trust_dialog import TrustDialog

ENDPOINT = "opc.tcp://127.0.0.1:4999/plant/"
PLANT = plant_yaml(
    """
    - {name: X, device: ua, address: "ns=2;s=X"}
    """,
    devices=f"""
    - {{name: ua, protocol: opcua, endpoint: "{ENDPOINT}", security_policy: Basic256Sha256,
       security_mode: SignAndEncrypt, certificate: client.pem, private_key: client.key}}
    """,
    name="Trust test",
)


@pytest.fixture
def cert(tmp_path, data_dir):
    """A server certificate seen and not trusted: in <data>/pki/rejected/."""
    path, _ = make_certificate(tmp_path / "certs", "plant-server", "urn:plant:server")
    info = certificate_info(path.read_bytes())
    TrustStore(data_dir / "pki").add_rejected(info.der)
    return info


def make_window(qtbot, tmp_path, audit, role: Role):
    cfg = parse_config_text(PLANT)
    engine = Engine(cfg, warnings=False)  # not started: statuses are fed to the bridge below
    engine.reconnects = []
    engine.reconnect = lambda name, **kw: engine.reconnects.append(name) or True
    session = Session(None, audit, User("erin" if role >= Role.ENGINEER else "olga", role, 0))
    win = MainWindow(
        engine,
        cfg,
        QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat),
        session=session,
        lock_after_s=None,
    )
    qtbot.addWidget(win)
    return win


def refuse(win, sha: str) -> None:
    win.bridge.on_device(
        DeviceStatus(
            "ua",
            DeviceState.DISCONNECTED,
            time.time(),
            f"UntrustedCertificate: untrusted server certificate {sha}",
        )
    )
    win.bridge.flush()


def dialogs(win) -> list[TrustDialog]:
    return [d for d in win.findChildren(TrustDialog) if d.isVisible()]


def test_engineer_trusts_once_and_the_device_reconnects(qtbot, tmp_path, data_dir, audit, cert):
    win = make_window(qtbot, tmp_path, audit, Role.ENGINEER)
    refuse(win, cert.sha256)
    qtbot.waitUntil(lambda: len(dialogs(win)) == 1)
    dlg = dialogs(win)[0]
    assert dlg.fields["trustDevice"].text() == "ua"
    assert dlg.fields["trustEndpoint"].text() == ENDPOINT
    assert dlg.fields["trustSha256"].text() == cert.sha256_pretty
    assert "CN=plant-server" in dlg.fields["trustSubject"].text()
    assert "CN=plant-server" in dlg.fields["trustIssuer"].text()
    assert f"{cert.not_after:%Y-%m-%d}" in dlg.fields["trustValidity"].text()
    assert dlg.trust_button.isEnabled()
    for _ in range(3):  # the device keeps reporting it: no storm of dialogs
        refuse(win, cert.sha256)
    assert len(dialogs(win)) == 1
    qtbot.mouseClick(dlg.trust_button, Qt.MouseButton.LeftButton)
    assert (data_dir / "pki" / "trusted" / f"{cert.sha256}.der").is_file()
    assert not (data_dir / "pki" / "rejected" / f"{cert.sha256}.der").exists()
    assert win.engine.reconnects == ["ua"]
    rows = [e for e in audit.entries() if e.action == "certificate_trust"]
    assert len(rows) == 1 and rows[0].user == "erin" and rows[0].target == cert.sha256
    assert rows[0].detail["device"] == "ua" and rows[0].detail["endpoint"] == ENDPOINT
    qtbot.waitUntil(lambda: not dialogs(win))
    refuse(win, cert.sha256)
    assert not dialogs(win)


def test_reject_keeps_it_rejected_and_asks_no_more(qtbot, tmp_path, data_dir, audit, cert):
    win = make_window(qtbot, tmp_path, audit, Role.ENGINEER)
    refuse(win, cert.sha256)
    qtbot.waitUntil(lambda: len(dialogs(win)) == 1)
    qtbot.mouseClick(dialogs(win)[0].reject_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialogs(win))
    assert (data_dir / "pki" / "rejected" / f"{cert.sha256}.der").is_file()
    assert not (data_dir / "pki" / "trusted").exists() or not any((data_dir / "pki" / "trusted").iterdir())
    assert win.engine.reconnects == []
    assert [e.action for e in audit.entries()] == ["certificate_reject"]
    refuse(win, cert.sha256)
    assert not dialogs(win)


def test_operator_cannot_trust_until_an_engineer_logs_in(qtbot, tmp_path, data_dir, audit, cert):
    win = make_window(qtbot, tmp_path, audit, Role.OPERATOR)
    refuse(win, cert.sha256)
    qtbot.waitUntil(lambda: len(dialogs(win)) == 1)
    dlg = dialogs(win)[0]
    assert not dlg.trust_button.isEnabled()
    assert "engineer" in dlg.trust_button.toolTip() and "engineer" in dlg.note.text()
    win.trust_prompter._decided("ua", ENDPOINT, cert, True)  # even if asked: refused
    assert not (data_dir / "pki" / "trusted" / f"{cert.sha256}.der").exists()
    assert win.engine.reconnects == [] and audit.entries() == []
    # an engineer logs in at the same desk: the open dialog may trust now
    win.session.login(User("erin", Role.ENGINEER, 0), audited=True)
    assert dlg.trust_button.isEnabled()
    qtbot.mouseClick(dlg.trust_button, Qt.MouseButton.LeftButton)
    assert (data_dir / "pki" / "trusted" / f"{cert.sha256}.der").is_file()
    assert win.engine.reconnects == ["ua"]
