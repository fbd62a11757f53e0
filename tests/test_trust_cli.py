"""`python main.py trust list|accept|reject|remove` for nodes without a window: the same trust
list as the HMI, every change audited."""

from __future__ import annotations

from devices.trust import TrustStore, certificate_info
from main import main
from storage.audit import AuditLog
from storage.schema import make_engine
from tests.interop.certs import make_certificate


def test_list_accept_remove(tmp_path, data_dir, capsys):
    path, _ = make_certificate(tmp_path / "certs", "ua-server", "urn:plant:ua")
    info = certificate_info(path.read_bytes())
    TrustStore(data_dir / "pki").add_rejected(info.der)
    db = f"sqlite:///{tmp_path / 'plant.db'}"

    assert main(["trust", "list"]) == 0
    out = capsys.readouterr().out
    assert f"rejected  {info.sha256}" in out and "CN=ua-server" in out and "urn:plant:ua" in out

    assert main(["trust", "accept", info.sha1[:10], "--db", db]) == 0  # SHA-1 prefix, as tools show
    assert f"trusted: {info.sha256}" in capsys.readouterr().out
    assert (data_dir / "pki" / "trusted" / f"{info.sha256}.der").is_file()
    assert main(["trust", "list"]) == 0
    assert f"trusted   {info.sha256}" in capsys.readouterr().out

    assert main(["trust", "remove", info.sha256_pretty, "--db", db]) == 0
    assert not any((data_dir / "pki" / "trusted").iterdir())
    assert main(["trust", "accept", info.sha256, "--db", db]) == 1
    assert "no certificate" in capsys.readouterr().err

    engine = make_engine(db)
    try:
        rows = [(e.action, e.target) for e in AuditLog(engine).entries()]
    finally:
        engine.dispose()
    assert rows == [("certificate_trust", info.sha256), ("certificate_remove", info.sha256)]
