"""Saving the plant YAML edits it in place: the engineer's comments and layout survive, and the
result reads back as the configuration that was applied."""

from __future__ import annotations

import pytest

from app.config import OpcUaDevice, load_config
from app.config.io import save_config, versions_of

PLANT = """\
# Test works: the engineer's notes
schema: 1
plant: {name: Test works}   # shown in the title bar
devices:
  # the blast furnace PLC, behind the gateway in room 12
  - {name: plc, protocol: modbus-tcp, host: 127.0.0.1, port: 15020}
tags:
  # ---- furnace top
  - {name: A, device: plc, address: "hr:0", type: float32, range: [0, 300], alarms: {H: 230, HH: 250}}  # agreed with process 2024-03
  - name: B
    device: plc
    address: "hr:2"   # spare thermocouple
    type: float32
    alarms:
      H: 40   # raised after the relining
hazard_sources:
  - {name: Furnace, kind: blast_furnace, tags: [A, B]}
"""


@pytest.fixture
def plant(tmp_path):
    path = tmp_path / "plant.yaml"
    path.write_text(PLANT, encoding="utf-8")
    return path


def _settings_apply(cfg, edit):
    """The settings dialog's path: its draft (plain data) edited, validated, then saved."""
    from app.config.io import config_data, validate_config_data

    data = config_data(cfg)
    edit(data)
    new, errors = validate_config_data(data, cfg.source_path)
    assert errors == []
    return new


def test_save_keeps_comments_and_reads_back(plant, data_dir):
    cfg = load_config(plant)

    def edit(data):
        data["tags"][0]["alarms"]["H"] = 235.0
        data["devices"].append(
            OpcUaDevice(name="opcua1", protocol="opcua", endpoint="opc.tcp://127.0.0.1:4840/").model_dump(
                mode="json"
            )
        )

    new = _settings_apply(cfg, edit)
    copy = save_config(new, plant)
    text = plant.read_text(encoding="utf-8")
    for comment in (
        "# Test works: the engineer's notes",
        "# shown in the title bar",
        "# the blast furnace PLC, behind the gateway in room 12",
        "# ---- furnace top",
        "# agreed with process 2024-03",
        "# spare thermocouple",
        "# raised after the relining",
    ):
        assert comment in text
    assert "H: 235," in text and "H: 230" not in text
    # untouched records keep their layout, the new device takes its neighbours' flow style
    assert "  - {name: plc, protocol: modbus-tcp, host: 127.0.0.1, port: 15020}\n" in text
    assert "  - {name: opcua1, protocol: opcua, endpoint: opc.tcp://127.0.0.1:4840/}\n" in text
    assert '    address: "hr:2"   # spare thermocouple\n' in text
    again = load_config(plant)
    assert again.model_copy(update={"source_path": None}) == new.model_copy(update={"source_path": None})
    assert again.tags[0].alarms.H == 235 and again.device("opcua1").endpoint == "opc.tcp://127.0.0.1:4840/"
    # the numbered previous version is the file as it was
    assert copy == versions_of(plant)[-1] and copy.read_text(encoding="utf-8") == PLANT


def test_save_removes_and_reorders_records(plant, data_dir):
    cfg = load_config(plant)

    def edit(data):
        data["tags"] = [data["tags"][1]]
        data["hazard_sources"][0]["tags"] = ["B"]

    new = _settings_apply(cfg, edit)
    save_config(new, plant)
    text = plant.read_text(encoding="utf-8")
    assert "name: A" not in text and "# raised after the relining" in text
    assert "# Test works: the engineer's notes" in text
    again = load_config(plant)
    assert [t.name for t in again.tags] == ["B"] and again.hazard_sources[0].tags == ["B"]


def test_unchanged_save_leaves_the_text_alone(plant, data_dir):
    save_config(load_config(plant), plant)
    assert plant.read_text(encoding="utf-8") == PLANT


@pytest.mark.slow
def test_demo_plant_survives_an_edit(tmp_path, data_dir):
    from app.config import demo_config_path

    src = demo_config_path()
    path = tmp_path / "demo.yaml"
    path.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "plant_map.svg").write_bytes((src.parent / "plant_map.svg").read_bytes())
    cfg = load_config(path)
    tag = cfg.tags[0]
    new = cfg.model_copy(
        update={
            "tags": [tag.model_copy(update={"alarms": tag.alarms.model_copy(update={"H": 231.5})})]
            + cfg.tags[1:]
        }
    )
    save_config(new, path)
    text = path.read_text(encoding="utf-8")
    assert "# Demo Steel Works" in text and "# ---- bf_plc (big-endian words)" in text
    assert "H: 231.5" in text
    assert load_config(path).model_copy(update={"source_path": None}) == new.model_copy(
        update={"source_path": None}
    )
