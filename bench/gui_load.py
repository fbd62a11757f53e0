"""GUI frame rate while 20,000 tags per second are acquired, evaluated and stored, as JSON.

bench/gui_fps.py's measurement (a 16-pen live trend redrawn as fast as the GUI thread can, in
alternating rounds with acquisition stopped and running; gui_fps_ratio = fps under load / fps
idle, the median of the loaded rounds each against the idle rounds either side of it) on twice its
plant: 8 Modbus devices x 2,500 float32 tags at 1 s, served by the simulator in a child process,
acquired, evaluated and stored in SQLite by the same process as the trend. `kept_up`: the
acquisition reached 95 % of its 20,000 tags/s (a starved engine flatters the ratio).

`--switch-ms MS` sets the interpreter's thread switch interval first (default 5 ms): the GUI
thread waits up to that long for the GIL each time it hands it to the acquisition or history
thread, which is what a lower interval shortens.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import gui_fps  # noqa: E402

DEVICES = 8  # x gui_fps.PER_DEVICE tags at 1 s: 20,000 tags/s


def main() -> None:
    if "--switch-ms" in sys.argv:
        sys.setswitchinterval(float(sys.argv[sys.argv.index("--switch-ms") + 1]) / 1000)
    gui_fps.DEVICES = DEVICES  # its plant_yaml builds DEVICES x PER_DEVICE tags
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        gui_fps.main()
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    figures["tags"] = tags = DEVICES * gui_fps.PER_DEVICE
    figures["kept_up"] = figures["acquired_tags_per_s"] >= 0.95 * tags
    figures["switch_interval_ms"] = round(sys.getswitchinterval() * 1000, 2)
    figures["load_average_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
