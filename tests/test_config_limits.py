"""The plant file refuses what would blind the system: non-finite or degenerate settings, tag names
the rules could not read, overlapping Modbus reads, expressions and rules beyond the compiler's
limits, YAML alias bombs; and `check-config` answers every file with exit 0 or 2, never a
traceback or a hang."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.config import ConfigError, demo_config_path, load_config, parse_config_text

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
