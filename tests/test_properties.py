"""Property tests: whatever an engineer types or a file holds, the readers answer with a result or
their own located error, never another exception.

- plant YAML (random structures, and mutations of the demo plant) -> PlantConfig or ConfigError
  whose every issue names the file, a line and (for schema problems) the field;
- replay CSV (random rows) -> batches or ReplayError naming file and line;
- rule text (random token soups around real tag and function names) -> CompiledRule or RuleError;
- tags CSV import (random cells) -> (tags, []) or ([], errors), each error naming its row.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.config import ConfigError, PlantConfig, demo_config_path, load_config, parse_config_text, tag_rows
from app.evaluation.replay import ReplayError, read_samples
from app.rules.engine import CompiledRule, RuleError, compile_rule

FAST = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

DEMO_TEXT = demo_config_path().read_text(encoding="utf-8")
DEMO_LINES = DEMO_TEXT.splitlines()


@pytest.fixture(scope="module")
def demo():
    return load_config(demo_config_path())


# ---------------------------------------------------------------- plant YAML

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["modbus-tcp", "opcua", "hr:100", "hr:1.3", "co:2", "float32", "bool", "big", "x"]),
)
keys = st.one_of(
    st.sampled_from(
        [
            "schema",
            "plant",
            "name",
            "devices",
            "tags",
            "protocol",
            "host",
            "port",
            "unit",
            "scan_ms",
            "timeout_ms",
            "endpoint",
            "device",
            "address",
            "type",
            "scale",
            "range",
            "alarms",
            "HH",
            "H",
            "L",
            "LL",
            "deadband",
            "hazard_sources",
            "rules",
            "when",
            "warnings",
            "map",
            "area",
            "retention",
        ]
    ),
    st.text(max_size=6),
)
yaml_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)


def check_config_outcome(text: str, path: str = "plant.yaml") -> PlantConfig | None:
    try:
        return parse_config_text(text, path)
    except ConfigError as exc:
        assert exc.issues, "a ConfigError without issues"
        for issue in exc.issues:
            shown = str(issue)
            assert shown.startswith(f"{path}:"), shown
            assert isinstance(issue.line, int) and issue.line >= 1, shown
            assert issue.message, shown
            assert re.match(rf"^{re.escape(path)}:\d+: ", shown), shown
        return None


@FAST
@given(yaml_values)
def test_random_yaml_structures_load_or_name_line_and_field(data):
    text = yaml.safe_dump(data, allow_unicode=True) if not isinstance(data, str) else data
    check_config_outcome(text)


@FAST
@given(
    st.dictionaries(keys, yaml_values, max_size=6).map(
        lambda d: {"schema": 1, "devices": [], "tags": [], **d}
    )
)
def test_plant_shaped_documents_load_or_name_line_and_field(data):
    check_config_outcome(yaml.safe_dump(data, allow_unicode=True))


MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "duplicate", "char", "insert", "value", "indent"]),
        st.integers(0, len(DEMO_LINES) - 1),
        st.integers(0, 200),
        st.one_of(
            st.sampled_from(list(":{}[],\"'#-&*!|>%@` \t0x")),
            st.sampled_from(["-1", "0", "1e309", "nan", "''", "null", "[]", "{}", "hr:x", "99999"]),
            st.text(max_size=30),
        ),
    ),
    min_size=1,
    max_size=3,
)


def mutate(ops) -> str:
    """The demo plant's text with each (operation, line, column, text) applied."""
    lines = list(DEMO_LINES)
    for op, i, j, text in ops:
        i %= len(lines)
        line = lines[i]
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "char" and line:
            j %= len(line)
            lines[i] = line[:j] + text[:1] + line[j + 1 :]
        elif op == "insert":
            lines.insert(i, text)
        elif op == "value":  # one scalar after a key becomes something else
            found = list(re.finditer(r"(\w+): ([^,{}\[\]]+)", line))
            if found:
                k = found[j % len(found)]
                lines[i] = line[: k.start(2)] + text + line[k.end(2) :]
        elif op == "indent":
            lines[i] = "  " + line if j % 2 else line.lstrip()
        lines = lines or [""]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(MUTATIONS)
def test_mutated_demo_plant_loads_or_names_line_and_field(ops):
    check_config_outcome(mutate(ops))


@FAST
@given(st.binary(max_size=200))
def test_config_file_of_any_bytes(tmp_path_factory, raw):
    p = tmp_path_factory.getbasetemp() / "any.yaml"
    p.write_bytes(raw)
    try:
        load_config(p)
    except ConfigError as exc:
        assert all(str(i).startswith(str(p)) for i in exc.issues)


# ---------------------------------------------------------------- replay CSV

cells = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10),
    st.sampled_from(
        [
            "GAS.CO.01",
            "BF1.TOP.PRESSURE",
            "2026-01-01T00:00:00Z",
            "2026-13-01T00:00:00",
            "1700000000.5",
            "1e999",
            "-1e999",
            "nan",
            "inf",
            "1h",
            "99999999999999999999d",
            "good",
            "bad",
            "uncertain",
            "GOOD",
            "",
        ]
    ),
)


@FAST
@given(
    st.sampled_from(["time,tag,value,quality", "time,tag,value", "tag,value", "TIME, Tag ,value", ""]),
    st.lists(st.lists(cells, min_size=0, max_size=5), max_size=8),
)
def test_replay_reader_yields_batches_or_names_the_line(demo, header, rows):
    buf = io.StringIO()
    if header:
        buf.write(header + "\r\n")
    w = csv.writer(buf)
    for r in rows:
        w.writerow(r)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "samples.csv"
        path.write_text(buf.getvalue(), encoding="utf-8")
        try:
            n = sum(len(b) for b in read_samples(path, demo.tag_index(), Counter()))
            assert n <= len(rows)
        except ReplayError as exc:
            assert re.match(rf"^{re.escape(str(path))}:\d+: ", str(exc)), str(exc)


@FAST
@given(st.binary(max_size=120))
def test_replay_reader_of_any_bytes(demo, raw):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "samples.csv"
        path.write_bytes(b"time,tag,value\n" + raw)
        try:
            list(read_samples(path, demo.tag_index(), Counter()))
        except ReplayError as exc:
            assert str(exc).startswith(f"{path}:"), str(exc)


# ---------------------------------------------------------------- rule language

rule_tokens = st.sampled_from(
    [
        "GAS.CO.01",
        "BF1.TOP.PRESSURE",
        "BOF1.BLOWING",
        "BF1.HEARTH.TC01",
        "NO.SUCH.TAG",
        "rising",
        "falling",
        "rate",
        "mean",
        "max",
        "min",
        "count_rising",
        "count_above",
        "cluster_rising",
        "offline",
        "held",
        "abs",
        "and",
        "or",
        "not",
        "(",
        ")",
        ",",
        "+",
        "-",
        "*",
        "/",
        "**",
        "%",
        ">",
        ">=",
        "<",
        "<=",
        "==",
        "!=",
        "=",
        '"GAS.CO.*"',
        '"*"',
        "'x",
        "0",
        "1",
        "300",
        "1.5",
        "1e308",
        "1e999",
        ".5",
        "-",
        "lambda",
        "[",
        "]",
        ":",
        "True",
        "None",
        "__import__",
        "x.y",
        "if",
        "else",
    ]
)


def check_rule(text: str, cfg: PlantConfig) -> None:
    try:
        rule = compile_rule(text, cfg)
    except RuleError as exc:
        assert str(exc)
        return
    assert isinstance(rule, CompiledRule)


@settings(max_examples=150, deadline=None, database=None)
@given(st.lists(rule_tokens, min_size=1, max_size=12).map(" ".join))
def test_rule_token_soup_compiles_or_rule_error(demo, text):
    check_rule(text, demo)


@FAST
@given(st.text(max_size=40))
def test_rule_of_any_text_compiles_or_rule_error(demo, text):
    check_rule(text, demo)


@FAST
@given(
    st.sampled_from(["rising", "falling", "mean", "max", "min", "count_rising", "cluster_rising", "held"]),
    st.lists(
        st.one_of(
            st.sampled_from(["GAS.CO.01", '"GAS.CO.*"', "BOF1.BLOWING", "GAS.CO.01 > 5"]),
            st.floats(allow_nan=False).map(repr),
            st.integers(-(10**30), 10**30).map(str),
        ),
        max_size=5,
    ),
)
def test_rule_function_arguments_compile_or_rule_error(demo, fn, args):
    check_rule(f"{fn}({', '.join(args)})", demo)


# ---------------------------------------------------------------- tags CSV import

csv_cells = st.one_of(
    st.text(max_size=8),
    st.sampled_from(
        [
            "bf_plc",
            "bof_opc",
            "hr:100",
            "hr:7.3",
            "co:1",
            "ir:65535",
            "hr:65535",
            "nsu=urn:x;s=A",
            "float32",
            "float64",
            "bool",
            "int16",
            "big",
            "little",
            "1e999",
            "nan",
            "-0",
            "true",
            "yes",
            "0",
            "1",
            "T.1",
            "T.2",
        ]
    ),
)


@FAST
@given(
    st.lists(st.sampled_from(list(tag_rows.TAG_COLUMNS)), min_size=1, max_size=8),
    st.lists(st.lists(csv_cells, max_size=9), max_size=6),
    st.sampled_from([",", ";", "\t"]),
)
def test_tags_csv_import_returns_tags_or_row_errors(demo, header, rows, delimiter):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    tags, errors = tag_rows.import_tags_csv(buf.getvalue(), demo)
    assert not (tags and errors)
    for e in errors:
        assert isinstance(e, str) and e


@FAST
@given(st.binary(max_size=200))
def test_tags_csv_import_of_any_bytes(demo, raw):
    tags, errors = tag_rows.import_tags_csv(raw, demo)
    assert not (tags and errors)


@settings(max_examples=30, deadline=None, database=None)
@given(st.data())
def test_tags_csv_round_trip_with_one_cell_changed(demo, data):
    text = tag_rows.export_tags_csv(demo.tags[:20])
    rows = list(csv.reader(io.StringIO(text)))
    r = data.draw(st.integers(1, len(rows) - 1))
    c = data.draw(st.integers(0, len(rows[0]) - 1))
    rows[r][c] = data.draw(csv_cells)
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    tags, errors = tag_rows.import_tags_csv(buf.getvalue(), demo)
    assume(True)
    assert bool(tags) != bool(errors) or (not tags and not errors and len(rows) == 1)
    for e in errors:
        assert re.match(r"^row \d+", e), e
