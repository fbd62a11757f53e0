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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


@pytest.mark.slow
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
        # finite but so large the alarm would never sound
        ("alarms: {H: 5, on_delay_s: 1e300}", "tags[2].alarms.on_delay_s", ["3600"]),
        ("alarms: {H: 5, off_delay_s: 86400}", "tags[2].alarms.off_delay_s", ["3600"]),
        ("alarms: {stale_s: 1e12}", "tags[2].alarms.stale_s", ["604800"]),
        ("alarms: {H: 5, realarm_s: 1e9}", "tags[2].alarms.realarm_s", ["86400"]),
    ],
)
def test_non_finite_or_degenerate_tag_settings_are_refused(tmp_path, extra, field, words):
    text = HEAD + f"  - {{name: C, device: d, address: 'hr:20', {extra}}}\n"
    refused(tmp_path, text, 8, field, *words)


def test_non_finite_rule_time_and_zero_port_are_refused(tmp_path):
    text = HEAD + "rules:\n  - {name: r, when: A > 1, for_s: .inf}\n"
    refused(tmp_path, text, 9, "rules[0].for_s", "finite")
    text = HEAD + "rules:\n  - {name: r, when: A > 1, for_s: 1e300}\n"
    refused(tmp_path, text, 9, "rules[0].for_s", "604800")
    text = HEAD.replace("protocol: modbus-tcp}", "protocol: modbus-tcp, port: 0}")
    refused(tmp_path, text, 3, "devices[0].port", "greater than or equal to 1")
    text = HEAD.replace("protocol: modbus-tcp}", "protocol: modbus-tcp, port: 65536}")
    refused(tmp_path, text, 3, "devices[0].port", "65535")


@pytest.mark.slow
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


@pytest.mark.slow
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
    from app.config.io import save_config

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


@pytest.mark.slow
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
    from app.config.checks import find_overlaps
    from app.config.tag_rows import import_tags_csv

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
    from app.config.tag_rows import import_tags_csv

    text = HEAD + "  - {name: C, device: d, address: 'hr:2', type: int16}\n"
    with pytest.raises(ConfigError) as ei:
        parse_config_text(text, "p.yaml")
    (issue,) = [i for i in ei.value.issues if i.field == "tags[2].address"]
    cfg = parse_config_text(HEAD)
    _, errors = import_tags_csv("name,device,address,type\nA,d,hr:1,float32\nC,d,hr:2,int16\n", cfg)
    assert errors == [f"row 3, address: {issue.message.removesuffix(' at tags[0]')} on row 2"]


# ---------------------------------------------------------------- limits of expressions and rules

RULES_HEAD = HEAD + "  - {name: C, device: d, address: 'hr:20', alarms: {H: 5, suppress_when: 'B > 0'}}\n"


def rule_file(when: str) -> str:
    return HEAD + "rules:\n  - name: r\n    when: " + when + "\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    "when, words",
    [
        ("A > 1e400", ["a number in", "too large"]),
        ("A > " + "9" * 400, ["too large"]),
        ("mean(A, 1e400) > 1", ["mean: a number is too large"]),
        ("mean(A, 1e308 * 10) > 1", ["mean: a number is too large"]),
        ("mean(A, 1e9) > 1", ["seconds must be positive and at most 604800"]),
        ("held(A > 1, 0) ", ["seconds must be positive"]),
        ("cluster_rising('A', 40, 1e9, 60) >= 1", ["count must be a whole number from 1 to 100000"]),
        ("cluster_rising('A', -5, 2, 60) >= 1", ["distance must be positive"]),
        ("not " * 2000 + "A > 1", ["characters long (at most 4,000)"]),
        ("not " * 100 + "A > 1", ["nested too deeply"]),
        ("A > " + "-" * 300 + "1", ["nested too deeply"]),
        ("A > 1" + " + 1" * 500, ["nested too deeply"]),
        ("(" * 150 + "A > 1" + ")" * 150, ["nested too deeply"]),
        ("A" + " > 1 and A" * 1000, ["characters long"]),
    ],
    ids=lambda v: None if isinstance(v, list) else (v if len(v) < 40 else f"{v[:20]}...{len(v)}"),
)
def test_rules_beyond_the_compilers_limits_are_refused_when_loaded(tmp_path, when, words):
    refused(tmp_path, rule_file(repr(when)), 10, "rules[0].when", *words)


@pytest.mark.slow
@pytest.mark.parametrize(
    "expr, words",
    [
        ("not " * 2000 + "A", ["characters long"]),
        ("not " * 200 + "A", ["nested too deeply"]),
        ("-" * 5000 + "A > 1", ["characters long"]),
        ("A > " + "-" * 500 + "1", ["nested too deeply"]),
        ("A > 1e400", ["too large"]),
        ("A > " + "9" * 400, ["too large"]),
    ],
    ids=lambda v: None if isinstance(v, list) else (v if len(v) < 40 else f"{v[:20]}...{len(v)}"),
)
def test_suppress_when_beyond_the_limits_is_refused_when_loaded(tmp_path, expr, words):
    text = (
        HEAD
        + f"  - name: C\n    device: d\n    address: 'hr:20'\n    alarms:\n      H: 5\n      suppress_when: {expr!r}\n"
    )
    refused(tmp_path, text, 13, "tags[2].alarms.suppress_when", *words)


def test_the_expression_reads_numbers_with_exponents():
    """`1e3` was read as 1 followed by a tag named e3."""
    import numpy as np

    from app.rules.expression import compile_expression

    f, used = compile_expression("A > 1.5e3 and B < .5", {"A": 0, "B": 1})
    assert used == [0, 1] and f(np.array([2000.0, 0.1])) and not f(np.array([1000.0, 0.1]))


def test_the_nesting_bound_never_falls_below_the_real_depth():
    import ast

    from app.rules.expression import nesting_bound

    def depth(node) -> int:
        kids = [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]
        return 1 + max((depth(c) for c in kids), default=0)

    for src in [
        "a and b or c and d",
        "not not not a",
        "f(a)(b)(c)",
        "x[1][2][3]",
        "1 + 2 * 3 - 4 / 5",
        "(1 + (2 + (3 + (4))))",
        "mean(a, 60) > 1 and max(b, 5 * 60) > -2",
        "a if b else c if d else e",
        "a.b.c.d",
        "- - - + 1",
        "lambda: lambda: 1",
    ]:
        assert nesting_bound(src) >= depth(ast.parse(src, mode="eval")), src


def test_limits_leave_every_demo_rule_and_expression_far_inside():
    from app.rules.expression import MAX_NESTING, nesting_bound

    cfg = load_config(demo_config_path())
    texts = [r.when for r in cfg.rules] + [
        t.alarms.suppress_when for t in cfg.tags if t.alarms and t.alarms.suppress_when
    ]
    assert texts and max(nesting_bound(t) for t in texts) <= MAX_NESTING // 2


def test_a_rule_word_is_a_word_tags_may_not_take():
    from app.rules.language import KEYWORDS
    from core.schema.base import RESERVED_WORDS

    assert set(KEYWORDS) == RESERVED_WORDS


# ---------------------------------------------------------------- the rule tokeniser is linear


def test_tokenising_is_linear_in_the_rule_length():
    """A 1.65 MB rule took 18 s to tokenise (every word sliced the rest of the text)."""
    from app.rules.language import Compiler

    cfg = parse_config_text(HEAD)

    def cost(n: int) -> float:
        c = Compiler(" and ".join(["A > 1 and mean(B, 60) < 2.5e3"] * n), cfg, 5.0)
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            out = c.tokenise()
            best = min(best, time.perf_counter() - t0)
        assert out.count("_T0") == n
        return best

    small, large = cost(2_000), cost(20_000)  # ~70 kB and ~700 kB
    assert large < 20 * small + 0.05, (small, large)
    assert large < 2.0


def test_a_huge_rule_in_the_plant_file_is_refused_at_once_with_its_line(tmp_path):
    when = " and ".join(["A > 1"] * 160_000)  # 1.6 MB
    t0 = time.monotonic()
    line = refused(tmp_path, rule_file(when), 10, "rules[0].when", "characters long (at most 4,000)")
    assert time.monotonic() - t0 < 5.0
    assert len(line) < 400  # the message quotes the start of the rule, not all of it


# ---------------------------------------------------------------- check-config answers every file

HOSTILE = st.sampled_from(
    [
        "x: &a [*a]",
        "x: &a {k: *a}",
        billion_laughs(5),
        "x: " + "[" * 80 + "]" * 80,
        "  " + "- " * 80 + "1",
        "x: " + "a" * 20_000,
        "    when: '" + "not " * 50 + "A'",
        "    when: '" + "(" * 300 + "'",
        "    suppress_when: '1e400 > 1'",
        "    H: .nan",
        "    scale: 0",
        "<<: *nothing",
        "? [a, b]\n: c",
        "x: !!python/object:os.system {}",
        "x: !!binary AAAA",
        "%YAML 1.1\n---",
        "---\n...\n---",
        "\t- tab",
        "x: \ud7ff\ue000",
        "x: 0x1F",
        "port: 99999999999999999999999999",
        "    address: 'hr:65535'\n    type: float64",
    ]
)


def hostile_mutation(ops, inserts) -> str:
    from tests.test_properties import mutate

    lines = mutate(ops).splitlines()
    for i, fragment in inserts:
        lines.insert(i % (len(lines) + 1), fragment)
    return "\n".join(lines) + "\n"


def _fuzz_cases():
    from tests.test_properties import MUTATIONS

    return st.builds(
        hostile_mutation, MUTATIONS, st.lists(st.tuples(st.integers(0, 10_000), HOSTILE), max_size=2)
    )


@pytest.mark.slow
@settings(max_examples=80, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(text=_fuzz_cases())
def test_check_config_answers_any_mutated_file_with_0_or_2(tmp_path_factory, text):
    """In process, through main(): exit 0 or 2, no traceback, no internal error, in bounded time."""
    import contextlib
    import io

    import main as cli

    p = tmp_path_factory.getbasetemp() / "fuzz.yaml"
    p.write_text(text, encoding="utf-8", errors="surrogatepass")
    out, err = io.StringIO(), io.StringIO()
    t0 = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(["check-config", str(p)])
    took = time.monotonic() - t0
    shown = out.getvalue() + err.getvalue()
    assert rc in (0, 2), shown
    assert "Traceback" not in shown and "internal error" not in shown, shown
    assert (rc == 0) == (": OK: plant" in out.getvalue())
    assert took < 3.0, took


@pytest.mark.slow
@settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(text=_fuzz_cases())
def test_check_config_cli_process_answers_mutated_files(tmp_path_factory, text):
    """The same through a real process, which would also show a crash or a hang."""
    r = check_cli(tmp_path_factory.mktemp("cli"), text.encode("utf-8", "surrogatepass"), timeout=20)
    assert r.returncode in (0, 2), r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr


def test_an_unexpected_failure_of_the_checks_is_reported_not_raised(tmp_path, monkeypatch, caplog):
    """A unit test of cli.commands.check_config: whatever the loader raises, the answer is one
    line naming the file, exit 2, and a log record."""
    import io

    from cli import commands

    def broken(path):
        raise RuntimeError("checker bug\nsecond line")

    monkeypatch.setattr(commands, "load_config", broken)
    err = io.StringIO()
    with caplog.at_level("ERROR"):
        rc = commands.check_config("plant.yaml", io.StringIO(), err)
    assert rc == 2
    assert err.getvalue() == "plant.yaml: internal error while checking: RuntimeError: checker bug\n"
    assert "internal error while checking" in caplog.text


def test_a_list_as_a_mapping_key_is_a_located_yaml_error(tmp_path):
    """Found by the fuzz test: a complex key (`? [a, b]`) ended in a TypeError."""
    r = check_cli(tmp_path, "schema: 1\n? [a, b]\n: c\n")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"{tmp_path / 'plant.yaml'}:2: YAML syntax: a key must be a single value" in r.stderr
