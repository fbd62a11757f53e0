"""Secrets of several plants in one data directory: each plant's default names are its own, an
older flat name moves to the plant's on the next save, and values are read as written (text)."""

from __future__ import annotations

from pydantic import SecretStr

from app.config import load_config
from app.config.io import save_config
from app.config.secrets import SecretStore, secret_name_for

PLANT = """\
schema: 1
plant: {{name: {plant}}}
devices:
  - {{name: ua, protocol: opcua, endpoint: "opc.tcp://127.0.0.1:4840/", username: hmi, password: {password},
     allow_insecure_password: true}}
"""


def _plant(path, plant, password):
    path.write_text(PLANT.format(plant=plant, password=password), encoding="utf-8")
    return path


def test_saving_plant_b_leaves_plant_a_password_alone(tmp_path, data_dir):
    a = _plant(tmp_path / "a.yaml", "Works A", "password-of-a")
    b = _plant(tmp_path / "b.yaml", "Works B", "password-of-b")
    save_config(load_config(a), a)
    save_config(load_config(b), b)
    store = SecretStore.default()
    assert store.get("works-a/ua.password") == "password-of-a"
    assert store.get("works-b/ua.password") == "password-of-b"
    assert "secret:works-a/ua.password" in a.read_text(encoding="utf-8")
    assert load_config(a).devices[0].password.get_secret_value() == "password-of-a"
    assert load_config(b).devices[0].password.get_secret_value() == "password-of-b"


def test_a_flat_name_of_an_older_file_moves_to_the_plant_on_save(tmp_path, data_dir):
    store = SecretStore.default()
    store.set("ua.password", "shared-before")
    a = _plant(tmp_path / "a.yaml", "Works A", "secret:ua.password")
    b = _plant(tmp_path / "b.yaml", "Works B", "secret:ua.password")
    assert load_config(a).devices[0].password.get_secret_value() == "shared-before"  # still loads
    cfg_b = load_config(b)
    dev = cfg_b.devices[0].model_copy(update={"password": SecretStr("new-for-b")})
    save_config(cfg_b.model_copy(update={"devices": [dev]}), b)
    assert "secret:works-b/ua.password" in b.read_text(encoding="utf-8")
    assert store.get("works-b/ua.password") == "new-for-b"
    assert store.get("ua.password") == "shared-before"  # plant A still names it: untouched
    assert load_config(a).devices[0].password.get_secret_value() == "shared-before"
    assert load_config(b).devices[0].password.get_secret_value() == "new-for-b"


def test_values_are_read_as_text(data_dir):
    store = SecretStore.default()
    store.path.write_text(
        "octal: 0123\nbool: yes\nfloat: 1e3\nempty:\nnull_word: null\nquoted: '0123'\n", encoding="utf-8"
    )
    assert store.get("octal") == "0123" and store.get("bool") == "yes" and store.get("float") == "1e3"
    assert store.get("empty") == "" and store.get("null_word") == "null" and store.get("quoted") == "0123"
    store.set("pin", "0777")
    assert SecretStore.default().get("pin") == "0777" and SecretStore.default().get("octal") == "0123"


def test_default_names(data_dir):
    assert secret_name_for("BF OPC", plant="Demo Steel Works") == "demo-steel-works/BF_OPC.password"
    assert secret_name_for("bf_opc") == "bf_opc.password"
