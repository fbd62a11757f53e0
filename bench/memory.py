"""Resident memory of the engine (no GUI) and of the main window, per 10,000 tags, as JSON.

A 10,000-tag plant (4 Modbus devices x 2,500 float32 tags at 1 s, bench/gui_fps.py's plant) is
served by the simulator in a child process. In this process, once every module is loaded and the
Qt application made: the resident set (psutil) before anything is built; after the engine with
its SQLite history has acquired, evaluated and stored for SETTLE_S; after the main window on that
engine has been shown (offscreen) and fed for SETTLE_S more. The engine's figure is the first
difference, the window's the second, both scaled to 10,000 tags. The bare numpy reference: the
arrays the engine keeps per tag (value, quality, time: 17 bytes) are a rounding error of it.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.runtime.engine import Engine  # noqa: E402
from bench.gui_fps import plant_yaml  # noqa: E402  (the 10,000-tag plant)
from core.samples import Quality  # noqa: E402
from demo.simulator import SimulatorProcess  # noqa: E402
from storage.history import History  # noqa: E402
from views.main_window import MainWindow  # noqa: E402

SETTLE_S = 15.0
PER = 10_000


def rss() -> int:
    gc.collect()
    return psutil.Process().memory_info().rss


def run_for(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main() -> None:
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        plant_yaml(tmp / "plant.yaml")
        sim = SimulatorProcess(tmp / "plant.yaml", ephemeral_ports=True, seed=1)
        cfg = sim.start(timeout=120)
        try:
            n = len(cfg.tags)
            before = rss()
            hist = History(f"sqlite:///{tmp / 'h.db'}", cfg.tags)
            engine = Engine(cfg, hist)
            engine.start()
            deadline = time.monotonic() + 60
            while (engine.latest().quality == Quality.GOOD).mean() < 0.99:
                if time.monotonic() > deadline:
                    raise RuntimeError("acquisition did not come up")
                time.sleep(0.1)
            run_for(app, SETTLE_S)
            with_engine = rss()
            win = MainWindow(engine, cfg, QSettings(str(tmp / "ui.ini"), QSettings.Format.IniFormat))
            win.resize(1600, 960)
            win.show()
            run_for(app, SETTLE_S)
            with_window = rss()
            sim_rss = psutil.Process(sim.pid).memory_info().rss
            win.close()
            win.deleteLater()
            engine.stop()
        finally:
            sim.stop()
    scale = PER / n / 2**20
    print(
        json.dumps(
            {
                "engine_mb_per_10k_tags": round((with_engine - before) * scale, 1),
                "window_mb_per_10k_tags": round((with_window - with_engine) * scale, 1),
                "rss_after_imports_mb": round(before / 2**20),
                "rss_total_mb": round(with_window / 2**20),
                "simulator_rss_mb": round(sim_rss / 2**20),
                "numpy_latest_arrays_mb_per_10k_tags": round(PER * 17 / 2**20, 2),
                "tags": n,
                "settle_s": SETTLE_S,
            }
        )
    )


if __name__ == "__main__":
    main()
