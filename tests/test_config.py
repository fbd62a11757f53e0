"""Plant configuration: valid files load, broken ones name the file, line and field."""

from __future__ import annotations

import pytest

from app.config import ConfigError, dump_config, load_config, parse_config_text, parse_modbus_address
from cli.commands import check_config

GOOD = """\
schema: 1
plant: {name: Demo Steel Works, map: plant_map.svg}
devices:
  - {name: bf1_plc, protocol: modbus-tcp, host: 127.0.0.1, port: 15020, unit: 1,
     scan_ms: 1000, timeout_ms: 1000, word_order: big}
  - {name: bof_opc, protocol: opcua, endpoint: "opc.tcp://127.0.0.1:48401/", scan_ms: 1000}
tags:
  - {name: BF1.TOP.PRESSURE, description: Blast furnace 1 top pressure, unit: kPa,
     device: bf1_plc, address: "hr:100", type: float32, scale: 1.0, offset: 0.0,
     range: [0, 300], alarms: {HH: 250, H: 230, deadband: 2, on_delay_s: 3}}
  - {name: BF1.COIL.SPARE, device: bf1_plc, address: "co:3", type: bool}
  - {name: BOF1.LANCE.FLOW_DIFF, device: bof_opc, address: "ns=1;s=Demo.Temperature",
     unit: "m³/h"}
  - {name: GH1.LEVEL, device: bof_opc, address: "nsu=urn:forewarn:demo-steel;s=GH1.LEVEL"}
  - {name: GH1.CO.01, device: bf1_plc, address: "hr:200.3", type: bool}
hazard_sources:
  - {name: Gas holder 1, kind: gas_holder, tags: [GH1.LEVEL, GH1.CO.01], area: [[1, 2], [30, 4], [5, 60]]}
"""


def write(tmp_path, text, name="plant.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def errors_of(tmp_path, text):
    p = write(tmp_path, text)
    with pytest.raises(ConfigError) as ei:
        load_config(p)
    return [str(i) for i in ei.value.issues], p


def test_good_file_loads_and_round_trips(tmp_path):
    cfg = load_config(write(tmp_path, GOOD))
    assert [t.name for t in cfg.tags][:2] == ["BF1.TOP.PRESSURE", "BF1.COIL.SPARE"]
    assert cfg.tags[0].alarms.HH == 250
    assert cfg.map_path() == (tmp_path / "plant_map.svg").resolve()
    again = parse_config_text(dump_config(cfg))
    assert again.tags == cfg.tags and again.devices == cfg.devices


@pytest.mark.parametrize(
    "old, new, line, field, words",
    [
        (
            'device: bf1_plc, address: "co:3"',
            'device: bf9_plc, address: "co:3"',
            11,
            "tags[1].device",
            "unknown device",
        ),
        ("name: BF1.COIL.SPARE", "name: BF1.TOP.PRESSURE", 11, "tags[1].name", "duplicate tag"),
        ('address: "hr:100"', 'address: "hr100"', 9, "tags[0].address", "bad Modbus address"),
        ("type: float32", "type: float33", 9, "tags[0].type", "Input should be"),
        ('address: "co:3", type: bool', 'address: "co:3", type: int16', 11, "tags[1].type", "single bit"),
        ("HH: 250, H: 230", "HH: 220, H: 230", 10, "tags[0].alarms", "LL < L < H < HH"),
        (
            "scan_ms: 1000, timeout_ms: 1000",
            "scan_ms: fast, timeout_ms: 1000",
            5,
            "devices[0].scan_ms",
            "integer",
        ),
        ("unit: 1,", "unit: 1, colour: red,", 4, "devices[0].colour", "unknown field"),
        (
            "tags: [GH1.LEVEL, GH1.CO.01]",
            "tags: [GH1.LEVEL, GH1.CO.99]",
            17,
            "hazard_sources[0].tags[1]",
            "unknown tag",
        ),
        ('"ns=1;s=Demo.Temperature"', '"ns=1;q=Demo"', 12, "tags[2].address", "OPC UA node id"),
    ],
)
def test_broken_file_names_line_and_field(tmp_path, old, new, line, field, words):
    assert old in GOOD
    errs, p = errors_of(tmp_path, GOOD.replace(old, new, 1))
    assert any(e.startswith(f"{p}:{line}: {field}:") and words in e for e in errs), errs


def test_yaml_syntax_error_has_line(tmp_path):
    errs, p = errors_of(tmp_path, GOOD.replace("tags:\n", "tags:\n  - {name: [unclosed\n", 1))
    assert errs[0].startswith(f"{p}:") and "YAML syntax" in errs[0]


def test_duplicate_yaml_key_is_refused(tmp_path):
    errs, _ = errors_of(tmp_path, GOOD.replace("schema: 1\n", "schema: 1\nschema: 1\n"))
    assert "duplicate key 'schema'" in errs[0]


def test_check_config_exit_codes(tmp_path, capsys):
    assert check_config(str(write(tmp_path, GOOD))) == 0
    assert "OK" in capsys.readouterr().out
    bad = write(tmp_path, GOOD.replace('bf1_plc, address: "co:3"', 'nope, address: "co:3"'), "bad.yaml")
    assert check_config(str(bad)) == 2
    err = capsys.readouterr().err
    assert f"{bad}:11: tags[1].device: unknown device 'nope'" in err
    assert check_config(str(tmp_path / "missing.yaml")) == 2


def test_modbus_addresses():
    a = parse_modbus_address("hr:100.3")
    assert (a.table, a.offset, a.bit) == ("hr", 100, 3)
    assert parse_modbus_address("di:7").is_bit_table
    for bad in ("hr:100.16", "co:3.1", "xx:1", "hr:-1", "hr:70000"):
        with pytest.raises(ValueError):
            parse_modbus_address(bad)
