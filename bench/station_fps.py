"""A station's frame rate while the server publishes 20,000 tags per second, as JSON.

The station's main window (views/station.py: `MainWindow` on a `RemoteEngine`, the server-link
banner, offscreen, 1600x960) with a 16-pen live trend, its frames measured as bench/gui_fps.py
measures them (every pen set again and the event loop run until the plot has painted), in
alternating rounds with the server quiet and publishing bench/control_room.py's load (20 devices x
1,000 tags, each a batch a second, through Engine.process and ControlRoomServer), idle first and
last; gui_fps_ratio = fps loaded / the idle rounds either side of it, the median of the rounds
(target >= 0.8). The broker, the server and the three other stations run in a child process
(`--node`), so this process is the station alone, as on its own workstation; `kept_up`: the station
took in 95 % of the 20,000 tags/s during the loaded rounds. `gui_ms_per_frame` and
`cpu_pct_under_load` are gui_fps's split of the GUI thread's time and the other threads' CPU
(`station`: the RemoteEngine's receiving thread; `node_process`: the child).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from bench import control_room as cr  # noqa: E402
from bench import gui_fps  # noqa: E402
from core.samples import Quality, SampleBatch  # noqa: E402

LOAD_ROUNDS, LOAD_ROUND_S = 3, 4.0
STATION = "s0"  # the measured one; the node's process runs the others


def node() -> None:
    """The child: broker, engine, server and the other stations; prints the broker's URL, then
    answers "load" / "quiet" on stdin (one line each, "ok" when done) until end of input."""
    from app.accounts.users import Role
    from app.control_room.commands import CommandProcessor, Verifier
    from app.control_room.server import ControlRoomServer
    from app.control_room.station import RemoteEngine
    from app.runtime.engine import Engine
    from tests.broker import Mosquitto
    from transport import mqtt

    cfg, rng = cr.plant(), np.random.default_rng(1)
    with tempfile.TemporaryDirectory() as tmp:
        broker = Mosquitto(Path(tmp)).start()
        url = mqtt.BrokerUrl.parse(broker.url)
        engine = Engine(cfg, None, warnings=False)
        processor = CommandProcessor(engine, Verifier(cr.KEYS), lambda _u: Role.OPERATOR)
        lt, task = cr.start_node(ControlRoomServer(engine, url, "bench", processor=processor))
        others = [
            RemoteEngine(cfg, url, "bench", station=name, key=key, user="op")
            for name, key in cr.KEYS.items()
            if name != STATION
        ]
        for s in others:
            s.start()
        print(json.dumps({"url": broker.url}), flush=True)
        stop, feeder = threading.Event(), None
        for line in sys.stdin:
            if line.strip() == "load" and feeder is None:
                stop.clear()
                feeder = threading.Thread(target=cr.feed, args=(engine, rng, stop), daemon=True)
                feeder.start()
            elif line.strip() == "quiet" and feeder is not None:
                stop.set()
                feeder.join(5)
                feeder = None
            print("ok", flush=True)
        stop.set()
        for s in others:
            s.stop()
        cr.stop_node(lt, task)
        broker.stop()


class Node:
    """The child process running `node()`."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--node"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.url = json.loads(self.proc.stdout.readline())["url"]

    def say(self, what: str) -> None:
        self.proc.stdin.write(what + "\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "ok"

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)


def until(app, done, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        app.processEvents()
        if time.monotonic() > deadline:
            raise RuntimeError(what)
        time.sleep(0.005)


def settled(app, engine, quiet_s: float = 0.5) -> None:
    """The event loop run until the station has taken in nothing for `quiet_s` (its queue drained)."""
    last, since = engine.samples_in, time.monotonic()
    while time.monotonic() - since < quiet_s:
        app.processEvents()
        time.sleep(0.005)
        if engine.samples_in != last:
            last, since = engine.samples_in, time.monotonic()


def station_window(app, engine, cfg, tmp: Path):
    """The station's main window with 16 pens of 10 minutes each."""
    from PySide6.QtCore import QSettings

    from views.main_window import MainWindow
    from views.station import attach_station

    settings = QSettings(str(tmp / "station.ini"), QSettings.Format.IniFormat)
    win = MainWindow(engine, cfg, settings, user="op", sets_dir=tmp / "sets", lock_after_s=None)
    attach_station(win, engine)
    win.resize(1600, 960)
    win.show()
    ts = time.time() - 600 + np.arange(600.0)
    for k in range(gui_fps.PENS):
        tag = k * (cr.N // gui_fps.PENS)
        win.add_pen(tag)
        win.trend.plot.append(
            SampleBatch.build(np.full(600, tag, np.int32), ts, 50 + 10 * np.sin(ts / 60 + k), Quality.GOOD)
        )
    return win


def rounds(app, engine, plot, node: Node) -> dict:
    """Idle and loaded rounds alternated, idle first and last; a loaded round begins once a second's
    tags have reached the station and ends with its queue drained."""
    idle, loaded, splits, cpu, rates = [], [], [], [], []
    for r in range(LOAD_ROUNDS + 1):
        fps, split, _ = gui_fps.measured(app, plot, LOAD_ROUND_S)
        idle.append(fps)
        splits.append(("idle", split))
        if r == LOAD_ROUNDS:
            break
        n0 = engine.samples_in
        node.say("load")
        until(app, lambda n0=n0: engine.samples_in - n0 >= cr.N, 30, "the load did not reach the station")
        gui_fps.measure(app, plot, 1.0)  # warm-up under load
        n0, t0 = engine.samples_in, time.perf_counter()
        fps, split, used = gui_fps.measured(app, plot, LOAD_ROUND_S)
        rates.append((engine.samples_in - n0) / (time.perf_counter() - t0))
        node.say("quiet")
        settled(app, engine)
        loaded.append(fps)
        splits.append(("loaded", split))
        cpu.append(used)
    out = gui_fps.rounds_summary(idle, loaded, splits, cpu)
    out["cpu_pct_under_load"] = {  # gui_fps calls the child process "simulator"
        ("node_process" if k == "simulator" else k): v for k, v in out["cpu_pct_under_load"].items()
    }
    return {
        **out,
        "station_tags_per_s": round(float(np.mean(rates))),
        "kept_up": float(np.mean(rates)) >= 0.95 * cr.N,
    }


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from app.control_room.station import RemoteEngine
    from transport import mqtt

    app = QApplication.instance() or QApplication([])
    cfg = cr.plant()
    child = Node()
    try:
        with tempfile.TemporaryDirectory() as d:
            engine = RemoteEngine(
                cfg,
                mqtt.BrokerUrl.parse(child.url),
                "bench",
                station=STATION,
                key=cr.KEYS[STATION],
                user="op",
            )
            win = station_window(app, engine, cfg, Path(d))
            engine.start()
            until(app, lambda: engine.connected, 30, "the station did not connect")
            settled(app, engine)
            out = rounds(app, engine, win.trend.plot, child)
            win.close()
            engine.stop()
    finally:
        child.close()
    print(
        json.dumps(
            {
                "bench": "station_fps",
                **out,
                "tags_per_s": cr.N,
                "stations": cr.STATIONS,
                "pens": gui_fps.PENS,
                "load_average_1min": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    if "--node" in sys.argv:
        node()
    else:
        main()
