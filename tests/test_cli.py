"""The command line against the real demo simulator: headless stores every tag, export reads it
back, check-config refuses broken files with their line."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import demo_config_path, dump_config
from demo.simulator import SimulatorProcess

ROOT = Path(__file__).resolve().parent.parent


def run(args, env=None, timeout=120):
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def simulator():
    sim = SimulatorProcess(demo_config_path(), speed=1.0, ephemeral_ports=True, seed=3)
    cfg = sim.start()
    try:
        yield sim, cfg
    finally:
        sim.stop()


@pytest.mark.slow
def test_headless_stores_samples_for_every_tag_then_export(simulator, tmp_path):
    _sim, cfg = simulator
    plant = tmp_path / "plant.yaml"
    text = dump_config(cfg).replace(
        "map: plant_map.svg", f"map: {demo_config_path().parent / 'plant_map.svg'}"
    )
    plant.write_text(text, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'h.db'}"
    r = run(
        ["headless", "--config", str(plant), "--db", db, "--duration", "6"],
        env={"FOREWARN_DATA_DIR": str(tmp_path)},
    )
    assert r.returncode == 0, r.stderr
    assert "devices: bf_plc=connected, steel_plc=connected, bof_opc=connected" in r.stdout, r.stdout
    out = tmp_path / "all.csv"
    r = run(["export", "--db", db, "--out", str(out)])
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    names = {row["tag"] for row in rows}
    assert names == {t.name for t in cfg.tags}
    good = {row["tag"] for row in rows if row["quality"] == "good"}
    assert good == names
    assert rows[0]["time"].endswith("Z") and len(rows[0]["time"]) == len("2026-01-01T00:00:00.000Z")
    # one tag, a time window
    one = tmp_path / "one.csv"
    r = run(["export", "--db", db, "--tag", "GAS.CO.01", "--since", "1h", "--out", str(one)])
    assert r.returncode == 0
    rows = list(csv.DictReader(one.open(encoding="utf-8")))
    assert rows and {row["tag"] for row in rows} == {"GAS.CO.01"}


def test_check_config_cli(tmp_path):
    assert run(["check-config", str(demo_config_path())]).returncode == 0
    bad = tmp_path / "bad.yaml"
    text = demo_config_path().read_text(encoding="utf-8").replace("device: steel_plc", "device: steel_plx", 1)
    bad.write_text(text, encoding="utf-8")
    r = run(["check-config", str(bad)])
    assert r.returncode == 2
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "steel_plx" in t)
    assert f"{bad}:{line}: tags[" in r.stderr and "unknown device 'steel_plx'" in r.stderr


def test_headless_with_a_broken_config_exits_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "schema: 1\ndevices: []\ntags:\n  - {name: A, device: x, address: 'hr:1'}\n", encoding="utf-8"
    )
    r = run(["headless", "--config", str(bad), "--duration", "1"])
    assert r.returncode == 2 and f"{bad}:4: tags[0].device" in r.stderr
