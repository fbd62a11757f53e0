"""Start-up of the demo HMI (`python main.py`) to the first live value on screen, as JSON.

Starts `main.py --new-db` on the demo plant (its simulator in a child process) in a fresh data
directory, offscreen unless QT_QPA_PLATFORM says otherwise, with FOREWARN_STARTUP_PROBE set: the
HMI then prints its milestones on stdout (views/launcher.py, `startup EVENT EPOCH_SECONDS`), and
the run is ended at the first good value the bridge hands the widgets. Each figure is seconds
from the spawn of the process:

  modules      the application is made and the window's modules are loaded (all imports)
  plant        the demo plant's simulator serves its devices (it starts beside the imports)
  window       the main window is built and shown
  first_value  the first good value is on the widgets

The library reference is a bare `python -c "import PySide6.QtWidgets"` (and `python -c pass`),
timed the same way. Medians over RUNS runs, each run's figures listed.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
EVENTS = ("modules", "plant", "window", "first-value")
TIMEOUT_S = 60.0


def wall(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - t0


def one_start(env: dict) -> dict[str, float]:
    """Seconds from spawn to each milestone of one start in a fresh data directory."""
    with tempfile.TemporaryDirectory() as d:
        env = {**env, "FOREWARN_DATA_DIR": d, "FOREWARN_STARTUP_PROBE": "1"}
        err = open(Path(d) / "stderr.txt", "w+", encoding="utf-8")  # noqa: SIM115 - read back on failure
        t0 = time.time()
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "--new-db"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
        seen: dict[str, float] = {}
        try:
            deadline = time.monotonic() + TIMEOUT_S
            for line in proc.stdout:
                parts = line.split()
                if len(parts) == 3 and parts[0] == "startup":
                    seen[parts[1]] = float(parts[2]) - t0
                if "first-value" in seen or time.monotonic() > deadline:
                    break
        finally:
            proc.terminate()  # SIGTERM: the HMI closes cleanly and stops its simulator
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
            err.seek(0)
            tail = err.read()[-2000:]
            err.close()
        if "first-value" not in seen:
            raise RuntimeError(f"no live value within {TIMEOUT_S:g} s; the HMI said:\n{tail}")
        return seen


def main(runs: int = RUNS) -> None:
    env = {**os.environ}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    bare = [wall([sys.executable, "-c", "pass"]) for _ in range(3)]
    qt = [wall([sys.executable, "-c", "import PySide6.QtWidgets"]) for _ in range(3)]
    starts = [one_start(env) for _ in range(runs)]
    med = {ev: round(statistics.median(s[ev] for s in starts), 2) for ev in EVENTS}
    print(
        json.dumps(
            {
                "first_value_s": med["first-value"],
                "split_s": {"modules": med["modules"], "plant": med["plant"], "window": med["window"]},
                "first_value_runs_s": [round(s["first-value"], 2) for s in starts],
                "python_bare_s": round(statistics.median(bare), 3),
                "import_pyside6_qtwidgets_s": round(statistics.median(qt), 3),
                "runs": runs,
                "platform": env["QT_QPA_PLATFORM"],
                "load_average_1min": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
