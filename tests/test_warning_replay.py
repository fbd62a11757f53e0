"""Early warning end to end on the simulator's physics: an incident warns before it alarms, and
`main.py replay` writes warning and risk rows for recorded samples."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import demo_config_path, load_config
from core.times import iso_ms
from demo.plant_physics import PlantPhysics, Signature
from demo.scenarios import WARMUP_S, run_incident, samples

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cfg():
    return load_config(demo_config_path())


@pytest.mark.slow
def test_gas_leak_warns_well_before_its_first_alarm(cfg):
    r = run_incident(cfg, "gas_leak", seed=1, signature=Signature(rate=1.0, shape=1.0))  # as written
    assert r.alarm is not None and r.warning is not None
    assert r.warning < r.alarm and r.lead_fraction >= 0.6, r.as_dict()
    # the bank draws this seed's leak at about twice the written rate: still warned, with less lead
    fast = run_incident(cfg, "gas_leak", seed=1)
    assert fast.signature.rate > 1.5 and fast.alarm is not None and fast.warning is not None
    assert fast.warning < fast.alarm and fast.lead_fraction >= 0.5, fast.as_dict()


@pytest.mark.slow
def test_replay_writes_warning_and_risk_rows(cfg, tmp_path):
    physics = PlantPhysics(cfg, seed=3)
    names = [t.name for t in cfg.tags]
    path = tmp_path / "samples.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("time,tag,value,quality\n")
        for k, b in enumerate(samples(physics, WARMUP_S + 900.0)):
            if k == int(WARMUP_S):
                physics.inject("lance_leak")
            stamp = iso_ms(int(round(float(b.ts[0]) * 1000)))
            f.writelines(
                f"{stamp},{names[i]},{v!r},good\n"
                for i, v in zip(b.tag.tolist(), b.value.tolist(), strict=True)
            )
    out = tmp_path / "events.csv"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "replay",
            "--config",
            str(demo_config_path()),
            "--input",
            str(path),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    assert "warnings" in run.stdout and "risk changes" in run.stdout
    with open(out, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["time", "tag", "kind", "type", "priority", "state", "value", "limit", "message"]
    warnings = [r for r in rows if r["kind"] == "warning"]
    risk = [r for r in rows if r["kind"] == "risk"]
    assert {r["type"] for r in warnings} <= {"FORECAST", "ANOMALY", "RULE"}
    leak = [r for r in warnings if "BOF1" in r["tag"] or "BOF1" in r["message"]]
    assert leak, "the lance leak raised no warning"
    assert any(r["type"] == "FORECAST" and "predicted to reach" in r["message"] for r in warnings)
    hazards = {h.name for h in cfg.hazard_sources}
    assert risk and {r["tag"] for r in risk} <= hazards
    bof = [r for r in risk if r["tag"] == "Converter BOF1"]
    assert (
        bof
        and min(int(r["priority"]) for r in bof) <= 2
        and bof[-1]["state"] in {"RED", "ORANGE", "YELLOW", "BLUE"}
    )
    assert all(r["time"] <= s["time"] for r, s in zip(rows, rows[1:], strict=False))  # time order
