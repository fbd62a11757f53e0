"""Soak: the demo plant, accelerated, through the engine and history for a simulated day, as JSON.

The simulator runs `--speed` times real time in a child process; the engine reads it over Modbus
TCP and OPC UA and writes the history (SQLite in a temporary directory). Every simulated minute
the process's RSS, thread count and open file descriptors are sampled. After the warm-up (the
first `--warm-up` share of the run: caches, history pages and detector windows fill) growth
should be flat:

memory_growth_pct   RSS at the end against RSS after the warm-up (target < 5 %)
threads_growth      threads at the end minus after the warm-up (target 0)
fds_growth          open file descriptors at the end minus after the warm-up (target 0)

python bench/soak.py [--hours 24] [--speed 240] [--warm-up 0.2]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import demo_config_path  # noqa: E402
from app.runtime.engine import Engine  # noqa: E402
from demo.simulator import SimulatorProcess  # noqa: E402
from storage.history import History  # noqa: E402


def soak(hours: float = 24.0, speed: float = 240.0, warm_up: float = 0.2, seed: int = 7) -> dict:
    """Run the soak; returns the figures (and the samples taken) as a dict."""
    proc = psutil.Process()
    wall_s = hours * 3600.0 / speed
    every_s = 60.0 / speed  # one simulated minute
    samples: list[dict] = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        SimulatorProcess(demo_config_path(), speed=speed, seed=seed) as sim,
    ):
        cfg = sim.config
        hist = History(f"sqlite:///{Path(tmp) / 'soak.db'}", cfg.tags, retention=cfg.retention)
        eng = Engine(cfg, hist)
        eng.start()
        try:
            t0 = time.monotonic()
            stop = threading.Event()
            while not stop.wait(max(0.0, t0 + (len(samples) + 1) * every_s - time.monotonic())):
                elapsed = time.monotonic() - t0
                samples.append(
                    {
                        "t_s": round(elapsed, 2),
                        "rss_mb": proc.memory_info().rss / 2**20,
                        "threads": proc.num_threads(),
                        "fds": proc.num_fds(),
                    }
                )
                if elapsed >= wall_s:
                    break
            status = {n: s.state.name.lower() for n, s in eng.device_status().items()}
            samples_in, written, dropped = eng.samples_in, hist.written, hist.dropped
        finally:
            eng.stop()
    base = next(s for s in samples if s["t_s"] >= warm_up * wall_s)
    end = samples[-1]
    return {
        "simulated_hours": hours,
        "speed": speed,
        "wall_s": round(wall_s, 1),
        "tags": len(cfg.tags),
        "samples_in": samples_in,
        "written": written,
        "dropped": dropped,
        "devices": status,
        "rss_mb_after_warm_up": round(base["rss_mb"], 1),
        "rss_mb_end": round(end["rss_mb"], 1),
        "rss_mb_max": round(max(s["rss_mb"] for s in samples), 1),
        "memory_growth_pct": round(100.0 * (end["rss_mb"] - base["rss_mb"]) / base["rss_mb"], 2),
        "threads_growth": end["threads"] - base["threads"],
        "fds_growth": end["fds"] - base["fds"],
        "threads_max_growth": max(s["threads"] for s in samples if s["t_s"] >= base["t_s"]) - base["threads"],
        "fds_max_growth": max(s["fds"] for s in samples if s["t_s"] >= base["t_s"]) - base["fds"],
        "qt_timers": None,  # no QApplication in this soak
        "samples": len(samples),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--hours", type=float, default=24.0, help="simulated hours (default 24)")
    p.add_argument("--speed", type=float, default=240.0, help="simulator acceleration (default 240)")
    p.add_argument("--warm-up", type=float, default=0.2, help="share of the run before the baseline")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(soak(args.hours, args.speed, args.warm_up), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
