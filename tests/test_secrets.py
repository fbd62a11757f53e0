"""Device passwords live in the data directory's secret store, never in the YAML or the logs."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from app.config import ConfigError, load_config, parse_config_text
from app.config.io import config_data, config_diff, save_config, validate_config_data, versions_of
from app.config.secrets import SecretStore

PASSWORD = "Furn4ce-Sesame!"

PLANT = """\
schema: 1
plant: {name: Test}
devices:
  # the converter's OPC UA server
  - {name: opc, protocol: opcua, endpoint: "opc.tcp://127.0.0.1:4840/", allow_insecure_password: true, username: hmi, password: PASSWORD}
"""


@pytest.fixture
def store(data_dir):
    return SecretStore(data_dir / "secrets.yaml")


def _plain(tmp_path):
    path = tmp_path / "plant.yaml"
    path.write_text(PLANT.replace("PASSWORD", PASSWORD), encoding="utf-8")
    return path


def test_plain_password_loads_with_a_warning_and_the_next_save_moves_it(tmp_path, store, caplog):
    path = _plain(tmp_path)
    with caplog.at_level(logging.DEBUG):
        cfg = load_config(path)
    assert cfg.devices[0].password.get_secret_value() == PASSWORD
    warned = [r.getMessage() for r in caplog.records if "plain text" in r.getMessage()]
    assert warned and f"{path}:5" in warned[0] and "opc" in warned[0]
    assert PASSWORD not in caplog.text

    copy = save_config(cfg, path)
    text = path.read_text(encoding="utf-8")
    assert PASSWORD not in text and "password: secret:test/opc.password" in text
    assert "# the converter's OPC UA server" in text
    assert PASSWORD not in copy.read_text(encoding="utf-8")  # the numbered copy is scrubbed too
    assert store.get("test/opc.password") == PASSWORD
    if os.name == "posix":
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        again = load_config(path)
    assert again == cfg.model_copy(update={"source_path": again.source_path})
    assert "plain text" not in caplog.text


def test_settings_apply_writes_no_plaintext(tmp_path, store):
    path = tmp_path / "plant.yaml"
    path.write_text(PLANT.replace("PASSWORD", "secret:converter"), encoding="utf-8")
    store.set("converter", "old-one")
    cfg = load_config(path)
    assert cfg.devices[0].password.get_secret_value() == "old-one"
    data = config_data(cfg)  # what the settings dialog edits
    data["devices"][0]["password"] = PASSWORD
    new, errors = validate_config_data(data, cfg.source_path)
    assert errors == []
    assert config_diff(cfg, new) == ["device opc: password (set) → (set)"]
    save_config(new, path)
    for p in [path, *versions_of(path)]:
        assert PASSWORD not in p.read_text(encoding="utf-8")
    assert "password: secret:converter" in path.read_text(encoding="utf-8")  # the reference is kept
    assert store.get("converter") == PASSWORD
    assert load_config(path).devices[0].password.get_secret_value() == PASSWORD


def test_a_new_file_gets_references(tmp_path, store):
    cfg = parse_config_text(PLANT.replace("PASSWORD", PASSWORD))
    path = tmp_path / "new" / "plant.yaml"
    save_config(cfg, path)
    assert PASSWORD not in path.read_text(encoding="utf-8")
    assert load_config(path).devices[0].password.get_secret_value() == PASSWORD


def test_repr_and_logs_never_show_the_password(tmp_path, store, caplog):
    cfg = parse_config_text(PLANT.replace("PASSWORD", PASSWORD))
    dev = cfg.devices[0]
    log = logging.getLogger("test")
    with caplog.at_level(logging.DEBUG):
        log.info("device %s", dev)
        log.info("device %r", dev)
        log.info("config %r", cfg)
        log.info("dump %s", dev.model_dump())
        log.info("json %s", dev.model_dump_json())
        save_config(cfg, tmp_path / "plant.yaml")
    assert PASSWORD not in caplog.text and PASSWORD not in repr(cfg) and PASSWORD not in str(dev)


def test_unknown_secret_is_a_config_error_with_file_line_field(tmp_path, store):
    path = tmp_path / "plant.yaml"
    path.write_text(PLANT.replace("PASSWORD", "secret:nowhere"), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    (issue,) = exc.value.issues
    assert (issue.line, issue.field) == (5, "devices[0].password")
    assert str(issue).startswith(f"{path}:5: devices[0].password: unknown secret 'nowhere'")


def test_store_file(store):
    assert store.get("x") is None and store.names() == []
    store.set("a.password", "1")
    store.set("b", "two words: and # a hash")
    assert store.names() == ["a.password", "b"] and store.get("b") == "two words: and # a hash"
    assert store.remove("a.password") and not store.remove("a.password")
    if os.name == "posix":
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_older_numbered_copies_lose_their_plain_text_passwords(tmp_path, store):
    path = _plain(tmp_path)
    older = PLANT.replace("PASSWORD", "Old-Pass-1")
    (tmp_path / "plant.yaml.1").write_text(older, encoding="utf-8")  # made before the store existed
    (tmp_path / "plant.yaml.2").write_text(PLANT.replace("PASSWORD", PASSWORD), encoding="utf-8")
    save_config(load_config(path), path, secret_store=store)
    for copy in versions_of(path):
        assert PASSWORD not in copy.read_text(encoding="utf-8") and "Old-Pass-1" not in copy.read_text(
            encoding="utf-8"
        )
    # each copy still loads with the password it had
    first = load_config(tmp_path / "plant.yaml.1")
    second = load_config(tmp_path / "plant.yaml.2")
    assert first.devices[0].password.get_secret_value() == "Old-Pass-1"
    assert second.devices[0].password.get_secret_value() == PASSWORD
    assert "# the converter's OPC UA server" in (tmp_path / "plant.yaml.1").read_text(encoding="utf-8")
