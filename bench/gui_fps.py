"""GUI frame rate under acquisition load, as JSON.

A 16-pen live trend is redrawn as fast as the GUI thread can (each frame: every pen re-set on
its curve and the plot repainted) for a fixed time, twice with acquisition stopped and once
while 10,000 tags per second are acquired over Modbus TCP (4 devices x 2,500 float32 tags at
1 s, served by the simulator in a child process), evaluated and stored in SQLite by the same
process. gui_fps_ratio = fps under load / fps without.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.runtime.engine import Engine  # noqa: E402
from core.samples import Quality, SampleBatch  # noqa: E402
from demo.simulator import SimulatorProcess  # noqa: E402
from storage.history import History  # noqa: E402
from views.bridge import EngineBridge  # noqa: E402
from widgets.trend import TrendPlot  # noqa: E402

DEVICES, PER_DEVICE, PENS, MEASURE_S = 4, 2500, 16, 8.0


def plant_yaml(path: Path) -> None:
    lines = ["schema: 1", "plant: {name: Load test}", "devices:"]
    for d in range(DEVICES):
        lines.append(
            f"  - {{name: plc{d}, protocol: modbus-tcp, port: {15100 + d}, scan_ms: 1000, timeout_ms: 3000}}"
        )
    lines.append("tags:")
    for d in range(DEVICES):
        for i in range(PER_DEVICE):
            lines.append(
                f'  - {{name: P{d}.T{i:04d}, device: plc{d}, address: "hr:{2 * i}", type: float32, '
                f"range: [0, 100], alarms: {{H: 95, HH: 98}}}}"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure(app, plot, seconds: float) -> float:
    frames = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for pen in plot.pens.values():
            pen.dirty = True
        plot.redraw()
        plot.plot.viewport().repaint()
        app.processEvents()
        frames += 1
    return frames / seconds


def main() -> None:
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        plant_yaml(tmp / "plant.yaml")
        sim = SimulatorProcess(tmp / "plant.yaml", ephemeral_ports=True, seed=1)
        cfg = sim.start(timeout=120)
        try:
            hist = History(f"sqlite:///{tmp / 'h.db'}", cfg.tags)
            engine = Engine(cfg, hist)
            bridge = EngineBridge(engine)
            plot = TrendPlot(window_s=600.0)
            plot.resize(1200, 700)
            plot.show()
            bridge.samples.connect(plot.append)
            now = time.time()
            ts = now - 600 + np.arange(600.0)
            for k in range(PENS):
                tag = k * (len(cfg.tags) // PENS)
                plot.add_pen(tag, cfg.tags[tag].name, "", None, span=(0, 100))
                plot.append(
                    SampleBatch.build(
                        np.full(600, tag, np.int32), ts, 50 + 10 * np.sin(ts / 60 + k), Quality.GOOD
                    )
                )
            idle1 = measure(app, plot, MEASURE_S)
            engine.start()
            t_live = time.monotonic()
            while (engine.latest().quality == Quality.GOOD).mean() < 0.99:
                app.processEvents()
                if time.monotonic() - t_live > 60:
                    raise RuntimeError("acquisition did not come up")
            measure(app, plot, 2.0)  # warm-up under load
            n0, w0, t0 = engine.samples_in, hist.written, time.perf_counter()
            loaded = measure(app, plot, MEASURE_S)
            dt = time.perf_counter() - t0
            rate, stored = (engine.samples_in - n0) / dt, (hist.written - w0) / dt
            bridge.stop()
            engine.stop()
            idle2 = measure(app, plot, MEASURE_S)
            plot.close()
        finally:
            sim.stop()
    idle = (idle1 + idle2) / 2
    print(
        json.dumps(
            {
                "gui_fps_ratio": round(loaded / idle, 3),
                "fps_idle": round(idle, 1),
                "fps_under_load": round(loaded, 1),
                "acquired_tags_per_s": round(rate),
                "stored_rows_per_s": round(stored),
                "pens": PENS,
            }
        )
    )


if __name__ == "__main__":
    main()
