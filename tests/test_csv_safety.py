"""CSV that cannot be abused: every export writes text a spreadsheet would run as a formula
with a leading apostrophe (numbers stay numbers), the tags CSV round-trips exactly, and a quoted
field that runs over lines (a stray quote) is refused with its line instead of swallowing rows."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.config import demo_config_path, load_config
from app.config.tag_rows import export_tags_csv, import_tags_csv
from app.reports import report_data
from core import csv_safe
from storage.schema import create_schema, make_engine
from widgets.trend_data import Series, csv_lines

ROOT = Path(__file__).resolve().parent.parent
EVIL = ['=HYPERLINK("http://x","y")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\tTAB", "\rCR", "'=cmd"]


@pytest.fixture(scope="module")
def demo():
    return load_config(demo_config_path())


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-cmd", "'-cmd"),
        ("@cmd", "'@cmd"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=cmd", "''=cmd"),
        ("-3.5", "-3.5"),
        ("+2", "+2"),
        ("-1e-3", "-1e-3"),
        ("-inf", "-inf"),
        (-3.5, "-3.5"),
        (358 * 0.1, "35.8"),
        (7, 7),
        (None, ""),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("'quoted", "'quoted"),
        ("", ""),
    ],
)
def test_safe_cell(value, written):
    assert csv_safe.safe_cell(value) == written
    if isinstance(value, str):
        assert csv_safe.unescape_cell(written) == value


def test_tags_csv_round_trips_formula_like_descriptions_and_keeps_numbers(demo, tmp_path):
    tags = [
        t.model_copy(update={"description": d}) for t, d in zip(demo.tags, EVIL[:5] + [EVIL[6]], strict=False)
    ]
    text = export_tags_csv(tags)
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert not any(c[:1] in "=+-@\t\r" and not csv_safe.is_number_text(c) for c in cells if c)
    assert "'=HYPERLINK" in text and "''=cmd" in text
    limits = [c for c in cells if csv_safe.is_number_text(c) and c.startswith("-")]
    assert all(not c.startswith("'") for c in limits)
    path = tmp_path / "tags.csv"
    export_tags_csv(tags, path)
    back, errors = import_tags_csv(path, demo)
    assert errors == []
    assert [t.description for t in back] == [t.description for t in tags]
    assert back == tags


def test_a_stray_quote_is_refused_with_its_line(demo):
    rows = [
        "name,device,address,description",
        "T1,bf_plc,hr:100,ok",
        'T2,bf_plc,hr:101,"oops',
        "T3,bf_plc,hr:102,x",
    ]
    rows += ["T4,bf_plc,hr:103,y"]
    tags, errors = import_tags_csv("\n".join(rows) + "\n", demo)
    assert tags == []
    assert (
        len(errors) == 1
        and "line 3" in errors[0]
        and "lines 3 to 5" in errors[0]
        and "stray quote" in errors[0]
    )


def test_a_quoted_line_break_is_refused_too(demo):
    text = 'name,device,address,description\nT1,bf_plc,hr:100,"two\nlines"\nT2,bf_plc,hr:101,z\n'
    tags, errors = import_tags_csv(text, demo)
    assert tags == [] and errors and errors[0].startswith("row 2, line 2:")


def _entry(comment: str, value: float | None = -3.5) -> report_data.JournalEntry:
    return report_data.JournalEntry(
        id=1, ts=1_800_000_000.25, key="T1:LL", source="T1", kind="LL", priority=1, state="active",
        active=True, acked=False, value=value, limit=-2.0, message="=msg", user="@olga", comment=comment,
    )  # fmt: skip


def test_the_alarm_journal_csv_is_safe(tmp_path):
    path = tmp_path / "journal.csv"
    report_data.write_csv([_entry("=cmd|' /C calc'!A0")], path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["comment"] == "'=cmd|' /C calc'!A0" and row["message"] == "'=msg" and row["user"] == "'@olga"
    assert row["value"] == "-3.5" and row["limit"] == "-2.0"


def test_the_trend_csv_is_safe():
    s = Series(np.array([1_800_000_000.0]), np.array([-3.5]), np.array([192], np.uint8))
    lines = list(csv_lines({"=evil": s, "plain,name": s}))
    assert lines[1] == "2027-01-15T08:00:00.000Z,'=evil,-3.5,192"
    assert lines[2] == '2027-01-15T08:00:00.000Z,"plain,name",-3.5,192'


def test_the_samples_export_is_safe(tmp_path, data_dir):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    engine = make_engine(url)
    create_schema(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO tags (id, name, unit, description) VALUES (1, '=evil', '', '')")
        conn.exec_driver_sql("INSERT INTO samples VALUES (1, 1800000000000, -3.5, 192)")
    engine.dispose()
    out = tmp_path / "out.csv"
    r = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "export", "--db", url, "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, "FOREWARN_DATA_DIR": str(data_dir)},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("2027-01-15T08:00:00.000Z,'=evil,-3.5,")


def test_the_replay_events_csv_is_safe(tmp_path):
    from app.evaluation.replay import write_events
    from core.alarm_types import Alarm

    a = Alarm("T1:LL", "-T1", 1, "LL", 1, True, False, 1_800_000_000.0, 1_800_000_000.0, -3.5, -2.0, "=msg")
    path = tmp_path / "events.csv"
    write_events([a], path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["tag"] == "'-T1" and row["message"] == "'=msg" and row["value"] == "-3.5"


def test_a_tag_starting_with_a_minus_exports_and_replays(tmp_path):
    """Tag names may start with '-': the export escapes it, and replay reads it back as the tag."""
    from collections import Counter

    from app.evaluation.replay import read_samples

    path = tmp_path / "samples.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv_safe.writer(f)
        w.writerow(["time", "tag", "value", "quality"])
        w.writerow(["2027-01-15T08:00:00.000Z", "-T1", "-3.5", "good"])
    assert "'-T1" in path.read_text(encoding="utf-8")
    unknown: Counter = Counter()
    batches = list(read_samples(path, {"-T1": 0}, unknown))
    assert not unknown and batches and float(batches[0].value[0]) == -3.5


def test_data_rows_skip_blank_rows_and_report_overlong_ones():
    rows = [["a", "b"], ["1", "2"], ["", " "], ["3", "4", "5"], ["6"]]
    errors: list[str] = []
    assert list(csv_safe.data_rows(rows, 2, errors)) == [(2, ["1", "2"]), (5, ["6"])]
    assert errors == ["row 4: 3 cells for 2 columns"]
