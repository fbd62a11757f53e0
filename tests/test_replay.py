"""Replay: recorded samples through the alarm engine gives the alarms the live run gave."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np

from app.alarms.engine import AlarmEngine
from app.config import parse_config_text
from app.evaluation.replay import replay
from core.samples import Quality, SampleBatch
from core.times import iso_ms
from tests.helpers import plant, plant_yaml

ROOT = Path(__file__).resolve().parent.parent
PLANT = plant_yaml(
    """
    - {name: CO1, device: d, address: "hr:0", unit: ppm, alarms: {H: 24, HH: 160, deadband: 2, on_delay_s: 2}}
    - {name: IL, device: d, address: "hr:1.0", type: bool, alarms: {state: false}}
    """,
)


def write_input(path: Path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["time", "tag", "value", "quality"])
        for t, tag, v, q in rows:
            w.writerow([iso_ms(int(t * 1000)), tag, "" if np.isnan(v) else v, q])


def test_replay_matches_the_live_engine(tmp_path):
    cfg = parse_config_text(PLANT)
    rng = np.random.default_rng(4)
    t0 = 1_700_000_000.0
    co = np.clip(np.cumsum(rng.normal(0.5, 3, 3600)), 0, None)
    rows = []
    live = AlarmEngine(cfg)
    live_events = []
    for k in range(3600):
        il = 0.0 if 1000 <= k < 1010 else 1.0
        q = "bad" if 2000 <= k < 2005 else "good"
        v = np.nan if q == "bad" else round(float(co[k]), 3)
        rows += [(t0 + k, "CO1", v, q), (t0 + k, "IL", il, "good")]
        qual = Quality.BAD if q == "bad" else Quality.GOOD
        live_events += live.evaluate(SampleBatch.build([0, 1], t0 + k, [v, il], [qual, Quality.GOOD]))
    inp = tmp_path / "samples.csv"
    write_input(inp, rows + [(t0, "NOT.IN.PLANT", 1.0, "good")])
    result = replay(cfg, inp)
    assert result.samples == 7200 and result.unknown_tags["NOT.IN.PLANT"] == 1
    assert [(a.key, a.state, a.ts) for a in result.events] == [(a.key, a.state, a.ts) for a in live_events]
    assert any(a.key == "IL:STATE" for a in result.events) and any(a.key == "CO1:HH" for a in result.events)


def test_replay_command_writes_events_and_compares(tmp_path):
    (tmp_path / "a.yaml").write_text(PLANT, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(PLANT.replace("H: 24", "H: 50"), encoding="utf-8")
    t0 = 1_700_000_000.0
    rows = [(t0 + k, "CO1", 30.0 if k % 20 < 10 else 10.0, "good") for k in range(200)]
    write_input(tmp_path / "in.csv", rows)
    out = tmp_path / "events.csv"
    r = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "replay",
            "--config",
            str(tmp_path / "a.yaml"),
            "--input",
            str(tmp_path / "in.csv"),
            "--out",
            str(out),
            "--compare",
            str(tmp_path / "b.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert r.returncode == 0, r.stderr
    events = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(events[0]) == [
        "time",
        "tag",
        "kind",
        "type",
        "priority",
        "state",
        "value",
        "limit",
        "message",
    ]
    assert {e["type"] for e in events} == {"H"} and {e["kind"] for e in events} == {"alarm"}
    assert sum(e["state"] == "UNACK" for e in events) == 10
    assert "activations: A 10, B 0" in r.stdout


def test_replay_bad_input_names_the_line(tmp_path):
    (tmp_path / "a.yaml").write_text(PLANT, encoding="utf-8")
    bad = tmp_path / "in.csv"
    bad.write_text("time,tag,value\n2023-11-14T22:13:20Z,CO1,1\nyesterday-ish,CO1,2\n", encoding="utf-8")
    r = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "replay",
            "--config",
            str(tmp_path / "a.yaml"),
            "--input",
            str(bad),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert r.returncode == 2 and f"{bad}:3: cannot read row" in r.stderr
    (tmp_path / "nocols.csv").write_text("when,name\n", encoding="utf-8")
    r = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "replay",
            "--config",
            str(tmp_path / "a.yaml"),
            "--input",
            str(tmp_path / "nocols.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert r.returncode == 2 and "missing column(s) time, tag, value" in r.stderr


def test_scan_hold_rebuilds_the_scans_between_stored_samples():
    from app.evaluation.scan_hold import ScanHold

    cfg = plant(
        """
        - {name: A, device: d, address: 'hr:0', history: {max_interval_s: 60}}
        - {name: B, device: d, address: 'hr:1', history: {max_interval_s: 60}}
        """,
        devices="{name: d, protocol: modbus-tcp, scan_ms: 1000}",
    )
    hold = ScanHold(cfg)
    b1 = hold.fill(SampleBatch.build([0, 1, 1], [0.0, 0.0, 5.0], [1.0, 7.0, 8.0], Quality.GOOD))
    a = b1.take(b1.tag == 0)
    assert a.ts.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] and set(a.value.tolist()) == {1.0}
    b = b1.take(b1.tag == 1)
    assert b.ts.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] and b.value.tolist() == [7.0] * 5 + [8.0]
    assert (np.diff(b1.ts) >= 0).all()  # time order across tags
    b2 = hold.fill(SampleBatch.build([0], [10.0], [2.0], Quality.GOOD))
    a = b2.take(b2.tag == 0)
    assert a.ts.tolist() == [6.0, 7.0, 8.0, 9.0, 10.0] and a.value.tolist() == [1.0] * 4 + [2.0]
    assert b2.take(b2.tag == 1).ts.tolist() == [6.0, 7.0, 8.0, 9.0, 10.0]
    # nothing stored for far longer than max_interval_s (and no bad sample): not our on-change
    # history there (sampled data, or nothing was watching), so nothing is made up over the gap
    b3 = hold.fill(SampleBatch.build([0], [200.0], [3.0], Quality.GOOD))
    a = b3.take(b3.tag == 0)
    assert a.ts.tolist() == [200.0]
    # a tag whose next sample is not known yet is held up to max_interval_s, as the live run saw it
    b = b3.take(b3.tag == 1)
    assert b.ts[0] == 11.0 and b.ts[-1] == 64.0
