"""Numbers in every CSV export are written as the operator reads them: 35.8, not
35.800000000000004 (scaling arithmetic) nor 35.79999923706055 (a float32 register), through one
function (`core.formatting.csv_number`), and never quoted or escaped by the formula guard."""

from __future__ import annotations

import csv
import io
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.reports import report_data
from core import csv_safe
from core.formatting import csv_number
from storage.schema import create_schema, make_engine
from widgets.trend_data import Series, csv_lines

ROOT = Path(__file__).resolve().parent.parent
NOISY = 358 * 0.1  # 35.800000000000004: a raw count times its scale
FLOAT32 = struct.unpack("<f", struct.pack("<f", 35.8))[0]  # 35.79999923706055: a float32 register


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (NOISY, "35.8"),
        (FLOAT32, "35.8"),
        (0.1 + 0.2, "0.3"),
        (np.float32(0.1), "0.1"),
        (np.float64(2.5), "2.5"),
        (-3.5, "-3.5"),
        (290.0, "290.0"),
        (7, "7"),
        (1234567890123.0, "1234567890123.0"),
        (123456.703125, "123456.7"),  # float32 of 123456.7
        (1e20, "1e+20"),
        (1e-7, "1e-07"),
        (1 / 3, "0.333333333333333"),
        (0.0, "0.0"),
        (None, ""),
        (float("nan"), ""),
        (float("inf"), ""),
    ],
)
def test_csv_number_is_the_shortest_text_without_noise(value, text):
    assert csv_number(value) == text


def test_a_float64_that_is_not_noise_keeps_its_digits():
    """Rounding to 15 significant digits takes the noise only: a value with 15 digits reads back."""
    for v in (123.456789012345, 0.000123456789012345, 98765.4321):
        assert float(csv_number(v)) == v


def test_numbers_are_never_escaped_by_the_formula_guard():
    assert csv_safe.safe_cell(-NOISY) == "-35.8"
    assert csv_safe.safe_cell(-1e-7) == "-1e-07"
    assert csv_safe.csv_line(["=x", -NOISY, 3]) == "'=x,-35.8,3"


def _entry(value: float, limit: float) -> report_data.JournalEntry:
    return report_data.JournalEntry(
        id=1, ts=1_800_000_000.25, key="GAS.CO:H", source="GAS.CO", kind="H", priority=2, state="UNACK",
        active=True, acked=False, value=value, limit=limit, message="CO high", user="", comment="",
    )  # fmt: skip


def test_the_journal_csv_writes_values_and_limits_as_read(tmp_path):
    path = tmp_path / "journal.csv"
    report_data.write_csv([_entry(NOISY, FLOAT32), _entry(-NOISY, 0.1 * 3)], path)
    text = path.read_text(encoding="utf-8-sig")
    assert "35.800000000000004" not in text and "35.79999923706055" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["value"], r["limit"]) for r in rows] == [("35.8", "35.8"), ("-35.8", "0.3")]


def test_the_trend_csv_writes_values_as_read():
    s = Series(np.array([1_800_000_000.0]), np.array([NOISY]), np.array([192], np.uint8))
    assert list(csv_lines({"T": s}))[1] == "2027-01-15T08:00:00.000Z,T,35.8,192"


def test_the_replay_events_csv_writes_values_as_read(tmp_path):
    from app.evaluation.replay import write_events
    from core.alarm_types import Alarm

    a = Alarm("T1:H", "T1", 1, "H", 1, True, False, 1_800_000_000.0, 1_800_000_000.0, NOISY, FLOAT32, "m")
    path = tmp_path / "events.csv"
    write_events([a], path)
    row = next(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert row["value"] == "35.8" and row["limit"] == "35.8"


def test_the_samples_export_command_writes_values_as_read(tmp_path, data_dir):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    engine = make_engine(url)
    create_schema(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO tags (id, name, unit, description) VALUES (1, 'GAS.CO', 'ppm', '')")
        conn.exec_driver_sql(f"INSERT INTO samples VALUES (1, 1800000000000, {NOISY!r}, 192)")
        conn.exec_driver_sql(f"INSERT INTO samples VALUES (1, 1800000001000, {FLOAT32!r}, 192)")
    engine.dispose()
    out = tmp_path / "out.csv"
    r = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "export", "--db", url, "--out", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, "FOREWARN_DATA_DIR": str(data_dir)},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    values = [line.split(",")[2] for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert values == ["35.8", "35.8"]
