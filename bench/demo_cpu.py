"""CPU use and start-up time of the demo HMI (`python main.py`), as JSON.

Starts the HMI on the demo plant in a child process (offscreen unless DISPLAY is set and
QT_QPA_PLATFORM=xcb), waits for it to warm up, then samples the CPU of the HMI process and of
its simulator child with psutil. Also times `--screenshot` start-up to live data.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


def main(warmup: float = 10.0, window: float = 30.0) -> None:
    env = {**os.environ}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as d:
        env["FOREWARN_DATA_DIR"] = d
        t0 = time.monotonic()
        r = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "--screenshot", str(Path(d) / "s.png")],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        total_s = time.monotonic() - t0
        m = re.search(r"live data on screen ([\d.]+) s", r.stderr)
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py")], env=env)
        try:
            time.sleep(warmup)
            hmi = psutil.Process(proc.pid)
            kids = hmi.children(recursive=True)
            for p in [hmi, *kids]:
                p.cpu_percent(None)
            time.sleep(window)
            hmi_cpu = hmi.cpu_percent(None)
            sim_cpu = sum(p.cpu_percent(None) for p in kids)
            rss = hmi.memory_info().rss + sum(p.memory_info().rss for p in kids)
            threads = hmi.num_threads()
        finally:
            proc.terminate()
            proc.wait(30)
    print(
        json.dumps(
            {
                "startup_to_live_data_s": float(m.group(1)) if m else None,
                "screenshot_run_total_s": round(total_s, 2),
                "hmi_cpu_percent_of_one_core": round(hmi_cpu, 1),
                "simulator_cpu_percent_of_one_core": round(sim_cpu, 1),
                "total_cpu_percent_of_machine": round((hmi_cpu + sim_cpu) / psutil.cpu_count(), 1),
                "rss_mb": round(rss / 2**20),
                "hmi_threads": threads,
                "platform": env["QT_QPA_PLATFORM"],
            }
        )
    )


if __name__ == "__main__":
    main()
