"""The plant file refuses what would blind the system: non-finite or degenerate settings, tag names
the rules could not read, overlapping Modbus reads, expressions and rules beyond the compiler's
limits, YAML alias bombs; and `check-config` answers every file with exit 0 or 2, never a
traceback or a hang."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.config import ConfigError, check_yaml_limits, demo_config_path, load_config, parse_config_text

ROOT = Path(__file__).resolve().parent.parent

HEAD = """\
schema: 1
devices:
  - {name: d, protocol: modbus-tcp}
  - {name: u, protocol: opcua, endpoint: "opc.tcp://127.0.0.1:4840/"}
tags:
  - {name: A, device: d, address: "hr:1", type: float32}
  - {name: B, device: d, address: "hr:10"}
"""


def check_cli(tmp_path, text: str | bytes, timeout: float = 60) -> subprocess.CompletedProcess:
    p = tmp_path / "plant.yaml"
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "check-config", str(p)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def refused(tmp_path, text: str, line: int, field: str, *words: str) -> str:
    """Run the CLI on `text`: it must exit 2 naming `file:line: field:` and `words`."""
    r = check_cli(tmp_path, text)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    where = f"{tmp_path / 'plant.yaml'}:{line}: {field}: "
    hit = [ln for ln in r.stderr.splitlines() if ln.startswith(where)]
    assert hit, r.stderr
    for w in words:
        assert w in hit[0], hit[0]
    return hit[0]


# ---------------------------------------------------------------- non-finite and degenerate settings


@pytest.mark.parametrize(
    "extra, field, words",
    [
        ("alarms: {H: .nan}", "tags[2].alarms.H", ["finite"]),
        ("alarms: {HH: .inf}", "tags[2].alarms.HH", ["finite"]),
        ("alarms: {H: 5, on_delay_s: .inf}", "tags[2].alarms.on_delay_s", ["finite"]),
        ("scale: .nan", "tags[2].scale", ["finite"]),
        ("scale: 0", "tags[2].scale", ["must not be 0"]),
        ("scale: -.inf", "tags[2].scale", ["finite"]),
        ("map: [.nan, .inf]", "tags[2].map[0]", ["finite"]),
        ("range: [0, .inf]", "tags[2].range[1]", ["finite"]),
        ("warning: {forecast: {window_s: .inf}}", "tags[2].warning.forecast.window_s", ["finite"]),
    ],
)
def test_non_finite_or_degenerate_tag_settings_are_refused(tmp_path, extra, field, words):
    text = HEAD + f"  - {{name: C, device: d, address: 'hr:20', {extra}}}\n"
    refused(tmp_path, text, 8, field, *words)


def test_non_finite_rule_time_and_zero_port_are_refused(tmp_path):
    text = HEAD + "rules:\n  - {name: r, when: A > 1, for_s: .inf}\n"
    refused(tmp_path, text, 9, "rules[0].for_s", "finite")
    text = HEAD.replace("protocol: modbus-tcp}", "protocol: modbus-tcp, port: 0}")
    refused(tmp_path, text, 3, "devices[0].port", "greater than or equal to 1")
    text = HEAD.replace("protocol: modbus-tcp}", "protocol: modbus-tcp, port: 65536}")
    refused(tmp_path, text, 3, "devices[0].port", "65535")


@pytest.mark.parametrize("name", ["true", "false", "and", "or", "not", "True", "False"])
def test_tag_named_like_a_word_of_the_rule_language_is_refused(tmp_path, name):
    text = HEAD + f"  - {{name: '{name}', device: d, address: 'hr:20'}}\n"
    refused(tmp_path, text, 8, "tags[2].name", "could not be read by a rule")


def test_names_that_only_contain_a_word_are_fine(tmp_path):
    text = (
        HEAD
        + "  - {name: not.READY, device: d, address: 'hr:20'}\n  - {name: TRUE_1, device: d, address: 'hr:21'}\n"
    )
    text += "rules:\n  - {name: r, when: not.READY > 0 and TRUE_1 < 1}\n"
    assert check_cli(tmp_path, text).returncode == 0


def test_demo_plant_still_loads():
    cfg = load_config(demo_config_path())
    assert cfg.tags and cfg.rules


# ---------------------------------------------------------------- YAML shape: alias bombs, recursion, depth


def billion_laughs(levels: int = 9) -> str:
    out = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for c in "bcdefghijklmnop"[: levels - 1]:
        out.append(f"{c}: &{c} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = c
    return "\n".join(out) + "\n"


def test_alias_bomb_is_refused_within_a_second_or_two(tmp_path):
    text = billion_laughs()
    assert len(text.encode()) < 1000
    t0 = time.monotonic()
    r = check_cli(tmp_path, "schema: 1\n" + text, timeout=30)
    took = time.monotonic() - t0
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"{tmp_path / 'plant.yaml'}:9: YAML aliases would expand the file by" in r.stderr
    assert took < 2.0, took


def test_recursive_alias_is_refused_with_its_line(tmp_path):
    r = check_cli(tmp_path, "schema: 1\nplant:\n  name: x\nx: &a [1, *a]\n")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"{tmp_path / 'plant.yaml'}:4: recursive YAML alias" in r.stderr
    r = check_cli(tmp_path, "schema: 1\nx: &m {k: *m}\n")
    assert r.returncode == 2 and f"{tmp_path / 'plant.yaml'}:2: recursive YAML alias" in r.stderr


@pytest.mark.parametrize(
    "body",
    [
        "x: " + "[" * 100_000 + "]" * 100_000,
        "x:\n  " + "- " * 100_000 + "a",
        "x: " + "{a: " * 60 + "1" + "}" * 60,
    ],
    ids=["flow", "block", "mapping"],
)
def test_deep_yaml_is_refused_quickly_without_crashing(tmp_path, body):
    """libyaml's composer recurses in C (100,000 levels crash the process) and its scanner is
    quadratic in the depth: the depth is bounded on the token stream first."""
    t0 = time.monotonic()
    r = check_cli(tmp_path, "schema: 1\n" + body + "\n", timeout=30)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "YAML nested more than 50 levels deep" in r.stderr
    assert re.search(rf"{re.escape(str(tmp_path / 'plant.yaml'))}:[23]: ", r.stderr)
    assert time.monotonic() - t0 < 2.0


def test_small_aliases_still_work(tmp_path):
    text = HEAD.replace("  - {name: d, protocol: modbus-tcp}", "  - &plc {name: d, protocol: modbus-tcp}")
    text += "  - {name: C, device: d, address: 'hr:30', alarms: &lim {H: 5, HH: 9}}\n"
    text += "  - {name: D, device: d, address: 'hr:31', alarms: *lim}\n"
    cfg = parse_config_text(text)
    assert cfg.tags[3].alarms == cfg.tags[2].alarms


def test_saving_over_an_alias_bomb_writes_afresh(tmp_path, caplog):
    """The settings dialog saves through config_io.save_config, which edits the previous file in
    place: a previous file that is an alias bomb is not loaded for editing, it is replaced."""
    from app.config_io import save_config

    cfg = parse_config_text(HEAD)
    path = tmp_path / "plant.yaml"
    path.write_text("schema: 1\n" + billion_laughs(), encoding="utf-8")
    t0 = time.monotonic()
    with caplog.at_level("WARNING"):
        save_config(cfg, path, secret_store=None)
    assert time.monotonic() - t0 < 5.0
    assert load_config(path).tags == cfg.tags
    assert "YAML aliases would expand" in caplog.text


def test_the_yaml_guard_rejects_without_building(tmp_path):
    with pytest.raises(ConfigError) as ei:
        check_yaml_limits("schema: 1\n" + billion_laughs(), "p.yaml")
    assert str(ei.value.issues[0]).startswith("p.yaml:9: YAML aliases")
    check_yaml_limits(demo_config_path().read_text(encoding="utf-8"))


# ---------------------------------------------------------------- overlapping Modbus reads


def test_overlapping_modbus_registers_are_refused_naming_the_other_tag(tmp_path):
    text = HEAD + "  - {name: C, device: d, address: 'hr:2', type: int16}\n"  # inside A's float32 (1-2)
    refused(
        tmp_path,
        text,
        8,
        "tags[2].address",
        "hr:2, int16, word 2 overlaps A (hr:1, float32, words 1-2)",
        "tags[0]",
    )
    text = HEAD + "  - {name: C, device: d, address: 'hr:0', type: float64}\n"  # 0-3 covers A
    refused(tmp_path, text, 8, "tags[2].address", "overlaps", "A")


def test_same_bit_twice_is_refused_distinct_bits_and_other_tables_are_fine(tmp_path):
    ok = HEAD + "  - {name: C, device: d, address: 'hr:7.0', type: bool}\n"
    ok += "  - {name: D, device: d, address: 'hr:7.1', type: bool}\n"
    ok += "  - {name: E, device: d, address: 'hr:7'}\n"  # the whole register and its bits
    ok += "  - {name: F, device: d, address: 'ir:1', type: float32}\n"  # another table
    ok += "  - {name: G, device: d, address: 'co:1'}\n"
    assert check_cli(tmp_path, ok).returncode == 0
    bad = ok + "  - {name: H, device: d, address: 'hr:7.1', type: bool}\n"
    refused(tmp_path, bad, 13, "tags[7].address", "same bit as D (hr:7.1)")
    bad = ok + "  - {name: H, device: d, address: 'co:1'}\n"
    refused(tmp_path, bad, 13, "tags[7].address", "overlaps G")


def test_two_tags_on_one_opcua_node_are_allowed_in_yaml_csv_and_the_shared_check():
    from app.config_checks import find_overlaps
    from app.tag_rows import import_tags_csv

    text = (
        HEAD
        + "  - {name: C, device: u, address: 'ns=2;s=X'}\n  - {name: D, device: u, address: 'ns=2;s=X'}\n"
    )
    cfg = parse_config_text(text)
    devices = {d.name: d for d in cfg.devices}
    assert find_overlaps(cfg.tags, devices) == []
    csv = "name,device,address\nC,u,ns=2;s=X\nD,u,ns=2;s=X\n"
    tags, errors = import_tags_csv(csv, cfg)
    assert errors == [] and [t.name for t in tags] == ["C", "D"]


def test_yaml_and_csv_refuse_the_same_overlap_with_the_same_words():
    from app.tag_rows import import_tags_csv

    text = HEAD + "  - {name: C, device: d, address: 'hr:2', type: int16}\n"
    with pytest.raises(ConfigError) as ei:
        parse_config_text(text, "p.yaml")
    (issue,) = [i for i in ei.value.issues if i.field == "tags[2].address"]
    cfg = parse_config_text(HEAD)
    _, errors = import_tags_csv("name,device,address,type\nA,d,hr:1,float32\nC,d,hr:2,int16\n", cfg)
    assert errors == [f"row 3, address: {issue.message.removesuffix(' at tags[0]')} on row 2"]
