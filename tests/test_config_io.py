"""Tags CSV import/export, saving with numbered versions, and the configuration diff."""

from __future__ import annotations

import os

import pytest

from app.config import load_config, parse_config_text
from app.config.io import changed_devices, config_diff, save_config, versions_of
from app.config.tag_rows import TAG_COLUMNS, export_tags_csv, import_tags_csv

PLANT = """
schema: 1
plant: {name: Test}
devices:
  - {name: plc, protocol: modbus-tcp, port: 15020}
  - {name: opc, protocol: opcua, endpoint: "opc.tcp://127.0.0.1:4840/"}
tags:
  - {name: A, device: plc, address: "hr:0", type: float32, alarms: {H: 10, HH: 20}}
"""


@pytest.fixture
def cfg():
    return parse_config_text(PLANT)


@pytest.fixture
def demo():
    from app.config import demo_config_path

    return load_config(demo_config_path())


def _csv(rows: list[str], header: str = "name,device,address,type,LL,L,H,HH,description") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_csv_round_trip_of_the_demo_plant(demo, tmp_path):
    path = tmp_path / "tags.csv"
    export_tags_csv(demo.tags, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    tags, errors = import_tags_csv(path, demo)
    assert errors == []
    assert tags == list(demo.tags)
    # and the text is the same when exported again
    assert export_tags_csv(tags) == export_tags_csv(demo.tags)


def test_gbk_file_with_chinese_descriptions(cfg, tmp_path):
    path = tmp_path / "gbk.csv"
    text = "name,description,unit,device,address,type\nBF.T1,高炉炉顶温度,°C,plc,hr:10,float32\nBF.P1,煤气压力,kPa,plc,hr:12,int16\n"
    path.write_bytes(text.encode("gbk"))
    tags, errors = import_tags_csv(path, cfg)
    assert errors == []
    assert [t.description for t in tags] == ["高炉炉顶温度", "煤气压力"]
    assert tags[0].unit == "°C"


def test_utf8_without_bom_and_semicolons(cfg):
    tags, errors = import_tags_csv(b"name;device;address\nX;plc;hr:5\n", cfg)
    assert errors == [] and tags[0].address == "hr:5"


def test_wrong_and_missing_columns(cfg):
    tags, errors = import_tags_csv(b"nam,device,adress\nA,plc,hr:1\n", cfg)
    assert tags == []
    assert "row 1, nam: unknown column" in errors[0]
    assert "row 1: missing column 'name'" in errors
    assert "row 1: missing column 'address'" in errors


def test_per_row_errors_and_nothing_applied(cfg):
    rows = [
        "T1,plc,hr:100,float32,,,,,",
        "T2,plc,hr100,float32,,,,,",  # row 3: bad address
        "T1,plc,hr:200,uint16,,,,,",  # row 4: duplicate name
        "T4,plc,hr:101,uint16,,,,,",  # row 5: inside T1's float32 (100-101)
        "T5,plc,hr:300,float32,1,2,4,3,",  # row 6: limit order
        "T6,nodev,hr:1,,,,,,",  # row 7: unknown device
        "T7,opc,ns=2;s=X,,,,x,,",  # row 8: not a number
        "T8,plc,co:1,,,,5,,",  # row 9: bool with limits
    ]
    tags, errors = import_tags_csv(_csv(rows), cfg)
    assert tags == []
    text = "\n".join(errors)
    assert "row 3, address: bad Modbus address 'hr100'" in text
    assert "row 4, name: duplicate tag name 'T1' (first on row 2)" in text
    assert (
        "row 5, address: hr:101, uint16, word 101 overlaps T1 (hr:100, float32, words 100-101) on row 2"
        in text
    )
    assert "row 6, HH: limits must rise LL < L < H < HH, but H=4 >= HH=3" in text
    assert "row 7, device: unknown device 'nodev'" in text
    assert "row 8, H: not a number: 'x'" in text
    assert "row 9, H: a bool tag takes 'state'" in text
    assert [int(e.split(",")[0].split()[1]) for e in errors] == sorted(
        int(e.split(",")[0].split()[1]) for e in errors
    )


def test_overlaps_count_each_types_words(cfg):
    ok = ["A,plc,hr:0,float32,,,,,", "B,plc,hr:2,float64,,,,,", "C,plc,hr:6,int16,,,,,"]
    ok += ["D,plc,hr:7.0,bool,,,,,", "E,plc,hr:7.1,bool,,,,,", "F,plc,ir:0,float32,,,,,", "G,plc,co:0,,,,,,"]
    tags, errors = import_tags_csv(_csv(ok), cfg)
    assert errors == [] and len(tags) == 7  # bits of one register and other tables are fine
    tags, errors = import_tags_csv(_csv(["A,plc,hr:0,float64,,,,,", "B,plc,hr:3,float32,,,,,"]), cfg)
    assert (
        tags == []
        and "row 3, address: hr:3, float32, words 3-4 overlaps A (hr:0, float64, words 0-3)" in errors[0]
    )
    tags, errors = import_tags_csv(_csv(["A,plc,hr:7.1,bool,,,,,", "B,plc,hr:7.1,bool,,,,,"]), cfg)
    assert tags == [] and "same bit as A" in errors[0]


def test_columns_are_documented_in_order():
    assert TAG_COLUMNS[:5] == ("name", "description", "unit", "device", "address")
    assert "priority_HH" in TAG_COLUMNS and "off_delay_s" in TAG_COLUMNS


def test_save_config_keeps_numbered_versions(cfg, tmp_path):
    path = tmp_path / "plant.yaml"
    assert save_config(cfg, path) is None
    first = path.read_text()
    new = cfg.model_copy(
        update={"devices": [cfg.devices[0].model_copy(update={"port": 15030}), cfg.devices[1]]}
    )
    copy = save_config(new, path)
    assert copy == tmp_path / "plant.yaml.1" and copy.read_text() == first
    assert load_config(path).devices[0].port == 15030
    save_config(cfg, path)
    assert [p.name for p in versions_of(path)] == ["plant.yaml.1", "plant.yaml.2"]
    assert load_config(tmp_path / "plant.yaml.2").devices[0].port == 15030
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_save_config_is_atomic(cfg, tmp_path, monkeypatch):
    path = tmp_path / "plant.yaml"
    save_config(cfg, path)
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_config(cfg.model_copy(update={"plant": cfg.plant.model_copy(update={"name": "Other"})}), path)
    assert path.read_bytes() == before  # the old file is whole
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_save_config_keeps_the_map_drawing_found(demo, tmp_path):
    path = tmp_path / "elsewhere" / "plant.yaml"
    save_config(demo, path)
    again = load_config(path)
    assert again.map_path().resolve() == demo.map_path().resolve()


def test_config_diff_lines_and_changed_devices(cfg):
    a = cfg.tags[0]
    new_tags = [
        a.model_copy(update={"alarms": a.alarms.model_copy(update={"H": 12.5})}),
        a.model_copy(update={"name": "X", "address": "hr:10"}),
    ]
    new = cfg.model_copy(
        update={
            "tags": new_tags,
            "devices": [cfg.devices[0].model_copy(update={"port": 15030}), cfg.devices[1]],
        }
    )
    lines = config_diff(cfg, new)
    assert "device plc: port 15020 → 15030" in lines
    assert "tag A: alarms.H 10 → 12.5" in lines
    assert "tag X added" in lines
    assert "tag X removed" in config_diff(new, cfg)
    assert changed_devices(cfg, new) == {"plc"}
    only_limits = cfg.model_copy(update={"tags": [new_tags[0]]})
    assert changed_devices(cfg, only_limits) == set()
    assert config_diff(cfg, cfg) == []


def test_config_diff_hides_passwords():
    text = PLANT.replace(
        'endpoint: "opc.tcp://127.0.0.1:4840/"}',
        'endpoint: "opc.tcp://127.0.0.1:4840/", allow_insecure_password: true, username: u, password: secret1}',
    )
    a = parse_config_text(text)
    b = parse_config_text(text.replace("secret1", "secret2"))
    lines = config_diff(a, b)
    assert lines == ["device opc: password (set) → (set)"]
    assert "secret" not in "".join(lines)
