"""GUI frame rate of the trend, against bare pyqtgraph and under acquisition load, as JSON.

A frame is what the redraw timer does and what the screen then shows: every pen's data is set
again and the event loop runs until the plot's viewport has painted (its paint events counted);
the same on both sides.

1. The 16-pen live trend (`TrendPlot`, 600 samples per pen, 1200x700, the limit bands of the
   highlighted pen, forecast cones on four pens, the legend) against bare pyqtgraph: the same
   16 pens (colour, width, points) as plain `PlotCurveItem`s in a `PlotWidget` of the size of the
   trend's plot. Measured in alternating rounds; trend_vs_pyqtgraph_ratio = trend / bare fps.
2. The same with a one-hour window (3600 samples per pen): the absolute idle frame rate.
3. Under load: the 10-minute trend redrawn while 10,000 tags per second are acquired over
   Modbus TCP (4 devices x 2,500 float32 tags at 1 s, served by the simulator in a child
   process), evaluated and stored in SQLite by the same process, against the same trend with
   acquisition stopped: gui_fps_ratio = fps under load / fps without, in alternating rounds
   (idle, loaded, idle, ..., idle; each loaded round against the idle ones either side of it,
   the median of the rounds; `gui_fps_ratio_rounds` lists them). The compiled loops (the alarm
   pass, the detectors' window add and fits), which a large plant loads once per process 30 s
   into its run, are loaded first and measured apart: `kernels_load_s` and
   `gui_fps_ratio_kernel_load`, the frame rate meanwhile against idle.

The process is set up as the HMI's: Python's cycle collector runs on the GUI thread
(views/collector.py), and the start-up objects are kept out of its full passes once the engine is
built (core/long_lived.py), so the GUI thread also pays for collecting the engine's garbage.

`--trend-only` prints 1 and 2 without the load (no simulator). `--plant-nice N` runs the simulator
at niceness N (default 0, as this process): it stands in for PLCs out on the plant network, whose
CPU is not the workstation's.

Where the frames go (Linux, from each thread's schedstat): `gui_ms_per_frame` splits the GUI
thread's time per frame, idle and under load, into `run` (on a CPU), `cpu_wait` (runnable, waiting
for a CPU the machine's other work holds) and `blocked` (asleep: waiting for the GIL, mostly);
`cpu_pct_under_load` is what the other threads of this process and the simulator took meanwhile.
`history_backlog_samples` / `history_dropped_samples`: what the history writer had not yet
written at the end of a loaded round (the most) and what it let go, being too far behind.
"""

from __future__ import annotations

import glob
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.alarms.kernel_loader import KERNELS  # noqa: E402
from app.runtime.engine import Engine  # noqa: E402
from app.warning.compiled import WARNING_KERNELS  # noqa: E402
from core.long_lived import freeze_start_up  # noqa: E402
from core.samples import Quality, SampleBatch  # noqa: E402
from demo.simulator import SimulatorProcess  # noqa: E402
from storage.history import History  # noqa: E402
from views.bridge import EngineBridge  # noqa: E402
from views.collector import collect_on_gui_thread  # noqa: E402
from widgets.trend import PEN_COLORS, TrendPlot  # noqa: E402

DEVICES, PER_DEVICE, PENS = 4, 2500, 16
LOAD_ROUNDS, LOAD_ROUND_S = 5, 4.0  # loaded rounds, each between two idle ones (a median of five: steadier)
PLANT_NICE = 0  # the simulator's niceness unless --plant-nice says otherwise
SIZE = (1200, 700)
ROUNDS, ROUND_S = 3, 2.0  # alternating rounds of the trend and bare pyqtgraph
CONES = 4  # pens with a forecast cone
LIMITS = {"H": (57.0, 2), "HH": (59.0, 1), "L": (42.0, 3)}  # within the curves: the bands are in sight


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


class Paints(QObject):
    """Counts the paint events of a widget."""

    def __init__(self, widget):
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, _obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


class Frames:
    """One frame: `change()`, then the event loop until `viewport` has painted once."""

    def __init__(self, app, viewport, change):
        self.app, self.change, self.paints = app, change, Paints(viewport)

    def one(self) -> None:
        self.change()
        n, deadline = self.paints.count, time.perf_counter() + 1.0
        while self.paints.count == n and time.perf_counter() < deadline:
            self.app.processEvents()

    def fps(self, seconds: float) -> float:
        """Frames per second (a second paint a change causes is paid by the next frame)."""
        self.one()
        frames, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            self.one()
            frames += 1
        return frames / (time.perf_counter() - t0)


def series(n: int) -> tuple[np.ndarray, list[np.ndarray]]:
    ts = time.time() - n + np.arange(float(n))
    return ts, [50 + 10 * np.sin(ts / 60 + k) for k in range(PENS)]


def trend_frames(app, window_s: float, ts, values) -> tuple[TrendPlot, Frames]:
    """The live trend as the operator sees it: bands, cones, legend, following now."""
    plot = TrendPlot(window_s=window_s)
    plot.resize(*SIZE)
    plot.show()
    for k in range(PENS):
        plot.add_pen(k, f"T{k:02d}", "", None, span=(0, 100), limits=LIMITS)
        plot.append(SampleBatch.build(np.full(len(ts), k, np.int32), ts, values[k], Quality.GOOD))
    plot.highlight(0)  # its limits become the bands
    t = ts[-1] + np.linspace(0.0, window_s * 0.1, 20)
    for k in range(CONES):
        mid = values[k][-1] + 0.02 * (t - ts[-1])
        plot.set_forecast(k, (t, mid - 3, mid, mid + 3))
    return plot, redraws(app, plot)


def redraws(app, plot: TrendPlot) -> Frames:
    """Frames of a trend: every pen set on its curve again, as when new samples came."""

    def change() -> None:
        for pen in plot.pens.values():
            pen.dirty = True
        plot.redraw()

    return Frames(app, plot.plot.viewport(), change)


def bare_frames(app, size, ts, values) -> tuple[pg.PlotWidget, Frames]:
    """The same pens as plain `PlotCurveItem`s in a `PlotWidget` of the trend's plot size."""
    widget = pg.PlotWidget(background="#26282b")
    widget.resize(size)
    widget.show()
    curves = []
    for k in range(PENS):
        curve = pg.PlotCurveItem(pen=pg.mkPen(PEN_COLORS[k], width=1.5), skipFiniteCheck=True)
        widget.addItem(curve)
        curves.append(curve)

    def change() -> None:
        for curve, v in zip(curves, values, strict=True):
            curve.setData(ts, v)

    return widget, Frames(app, widget.viewport(), change)


def versus_pyqtgraph(app, window_s: float, samples: int) -> tuple[float, float]:
    """(trend fps, bare pyqtgraph fps), each the median of alternating rounds."""
    ts, values = series(samples)
    plot, ours = trend_frames(app, window_s, ts, values)
    app.processEvents()
    widget, bare = bare_frames(app, plot.plot.size(), ts, values)
    app.processEvents()
    mine, theirs = [], []
    for _ in range(ROUNDS):
        mine.append(ours.fps(ROUND_S))
        theirs.append(bare.fps(ROUND_S))
    plot.close()
    widget.close()
    return float(np.median(mine)), float(np.median(theirs))


def measure(app, plot, seconds: float) -> float:
    return redraws(app, plot).fps(seconds)


def schedstat() -> dict[str, tuple[float, float]]:
    """(s on a CPU, s runnable waiting for one) of this process's threads by name, the simulator's
    processes together as "simulator"; empty where Linux's schedstat is not there."""
    out: dict[str, tuple[float, float]] = {}
    for t in threading.enumerate():
        out[t.name] = _schedstat(f"/proc/self/task/{t.native_id}/schedstat")
    sim = [_schedstat(f"/proc/{pid}/task/{tid}/schedstat") for pid, tid in simulator_tasks()]
    sim = [x for x in sim if x is not None]
    out["simulator"] = (sum(r for r, _ in sim), sum(w for _, w in sim))
    return {name: v for name, v in out.items() if v is not None}


def simulator_tasks() -> list[tuple[str, str]]:
    """(pid, thread id) of every thread of the processes the main thread started (the simulator)."""
    me = threading.main_thread().native_id
    try:
        with open(f"/proc/self/task/{me}/children", encoding="ascii") as f:
            children = f.read().split()
    except OSError:
        return []
    return [(pid, path.rsplit("/", 1)[1]) for pid in children for path in glob.glob(f"/proc/{pid}/task/*")]


def plant_elsewhere(nice: int) -> None:
    """The simulator stands in for PLCs out on the plant network, whose CPU is not the
    workstation's: its threads yield the CPU to this process's (niceness `nice`), so the frame
    rate under load is charged for acquiring, evaluating and storing, not for serving the tags.
    The acquisition must still keep up (`kept_up` in bench/gui_load.py)."""
    for _pid, tid in simulator_tasks():
        try:
            os.setpriority(os.PRIO_PROCESS, int(tid), nice)
        except OSError:  # gone meanwhile, or not allowed: the plant stays as it is
            pass


def _schedstat(path: str) -> tuple[float, float] | None:
    try:
        with open(path, encoding="ascii") as f:
            run, wait, _slices = f.read().split()
    except (OSError, ValueError):
        return None
    return int(run) / 1e9, int(wait) / 1e9


def measured(app, plot, seconds: float) -> tuple[float, dict, dict]:
    """(fps, the GUI thread's ms per frame: run / cpu_wait / blocked, CPU % of every thread)."""
    before, t0 = schedstat(), time.perf_counter()
    fps = measure(app, plot, seconds)
    after, dt = schedstat(), time.perf_counter() - t0
    spent = {k: tuple(a - b for a, b in zip(after[k], before[k], strict=True)) for k in after if k in before}
    frames = max(fps * dt, 1.0)
    run, wait = spent.get("MainThread", (0.0, 0.0))
    per_frame = {
        "run": round(run / frames * 1000, 2),
        "cpu_wait": round(wait / frames * 1000, 2),
        "blocked": round(max(dt - run - wait, 0.0) / frames * 1000, 2),
    }
    cpu = {k: round(v[0] / dt * 100, 1) for k, v in spent.items() if k != "MainThread" and v[0] / dt >= 0.005}
    return fps, per_frame, cpu


def main() -> None:
    app = QApplication.instance() or QApplication([])
    collect_on_gui_thread(app)  # as views/launcher.py's make_app: cyclic garbage is the GUI thread's
    trend_fps, bare_fps = versus_pyqtgraph(app, 600.0, 600)
    trend_fps_1h, bare_fps_1h = versus_pyqtgraph(app, 3600.0, 3600)
    figures = {
        "trend_vs_pyqtgraph_ratio": round(trend_fps / bare_fps, 3),
        "trend_fps": round(trend_fps, 1),
        "pyqtgraph_fps": round(bare_fps, 1),
        "trend_fps_1h_idle": round(trend_fps_1h, 1),
        "pyqtgraph_fps_1h": round(bare_fps_1h, 1),
    }
    if "--trend-only" in sys.argv:  # without the acquisition load (no simulator)
        print(json.dumps(figures))
        return
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        plant_yaml(tmp / "plant.yaml")
        sim = SimulatorProcess(tmp / "plant.yaml", ephemeral_ports=True, seed=1)
        cfg = sim.start(timeout=120)
        nice = int(sys.argv[sys.argv.index("--plant-nice") + 1]) if "--plant-nice" in sys.argv else PLANT_NICE
        plant_elsewhere(nice)
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
            freeze_start_up()  # as the HMI does once live: the plant's objects out of full collections
            out = {**kernel_load(app, plot), **under_load(app, engine, hist, plot)}
            bridge.stop()
            plot.close()
        finally:
            sim.stop()
    print(json.dumps({**figures, **out, "pens": PENS, "plant_nice": nice}))


def kernel_load(app, plot: TrendPlot) -> dict:
    """A large plant's compiled loops (the alarm pass, app.alarms.kernel_loader; the detectors',
    app.warning.compiled) load once per process, in the background, 30 s into the run: importing
    numba and loading the kernels holds the interpreter for seconds, a start-up cost rather than
    load. Measured apart, before the rounds, which then see the steady state with the compiled
    loops in use: how long they took, and the frame rate meanwhile against idle just before."""
    idle = measure(app, plot, LOAD_ROUND_S)
    t0 = time.perf_counter()
    loaders = (KERNELS, WARNING_KERNELS)
    for loader in loaders:
        loader.request()
    chunks = []
    while any(x.kernel is None and x.error is None for x in loaders):
        chunks.append(measure(app, plot, 0.25))
    took = time.perf_counter() - t0
    return {
        "kernels_load_s": round(took, 2),
        "gui_fps_ratio_kernel_load": round(float(np.mean(chunks)) / idle, 3) if chunks else None,
    }


def under_load(app, engine: Engine, hist: History, plot: TrendPlot) -> dict:
    """Alternating rounds with acquisition stopped and running, idle first and last; each loaded
    round is set against the idle rounds either side of it, so the shared machine's other work,
    which comes and goes over a run, weighs on both alike. The median of the rounds' ratios."""
    idle, loaded, splits, cpu, backlog = [], [], [], [], []
    written = elapsed = 0.0
    streams: dict[int, list[float]] = {}  # a device's batches: samples after its first, seconds
    arrivals = Arrivals()
    engine.add_listener(arrivals)
    for r in range(LOAD_ROUNDS + 1):
        fps, split, _ = measured(app, plot, LOAD_ROUND_S)
        idle.append(fps)
        splits.append(("idle", split))
        if r == LOAD_ROUNDS:
            break
        start_acquisition(app, engine)
        measure(app, plot, 1.0)  # warm-up under load
        w0, t0 = hist.written, time.perf_counter()
        fps, split, used = measured(app, plot, LOAD_ROUND_S)
        t1 = time.perf_counter()
        elapsed, written = elapsed + t1 - t0, written + hist.written - w0
        backlog.append(hist.pending)
        came = [a for a in list(arrivals.seen) if t0 <= a[0] <= t1]
        for first in {f for _, f, _ in came}:  # per device (its batches' first tag): whole scans
            own = [(t, n) for t, f, n in came if f == first]
            if len(own) > 1:
                got = streams.setdefault(first, [0.0, 0.0])
                got[0] += sum(n for _, n in own[1:])
                got[1] += own[-1][0] - own[0][0]
        engine.stop()
        engine.warm_up_s = 0  # learned at the first start: a restart need not read the history again
        loaded.append(fps)
        splits.append(("loaded", split))
        cpu.append(used)
    return {
        **rounds_summary(idle, loaded, splits, cpu),
        "acquired_tags_per_s": round(sum(n / span for n, span in streams.values() if span)),
        "stored_rows_per_s": round(written / elapsed),
        "history_backlog_samples": max(backlog),  # handed to the writer, not yet written, at a round's end
        "history_dropped_samples": hist.dropped,  # the writer fell so far behind that it let them go
    }


def rounds_summary(idle: list, loaded: list, splits: list, cpu: list) -> dict:
    """The figures of alternating rounds (idle first and last): each loaded round's fps against
    the mean of the idle rounds either side of it, their median; the mean fps of each kind; the
    GUI thread's mean split per frame (`splits`: ("idle" | "loaded", split) of `measured`); the
    other threads' mean CPU % of the loaded rounds."""
    ratios = [f / ((a + b) / 2) for f, a, b in zip(loaded, idle, idle[1:], strict=False)]

    def mean_split(kind: str) -> dict:
        rows = [v for k, v in splits if k == kind]
        return {k: round(float(np.mean([r[k] for r in rows])), 2) for k in rows[0]}

    return {
        "gui_fps_ratio": round(float(np.median(ratios)), 3),
        "gui_fps_ratio_rounds": [round(x, 3) for x in ratios],
        "fps_idle": round(float(np.mean(idle)), 1),
        "fps_under_load": round(float(np.mean(loaded)), 1),
        "gui_ms_per_frame": {"idle": mean_split("idle"), "loaded": mean_split("loaded")},
        "cpu_pct_under_load": {k: round(float(np.mean([c.get(k, 0.0) for c in cpu])), 1) for k in cpu[0]},
    }


class Arrivals:
    """Engine listener noting when each batch came in, its first tag (which device's scan) and its
    size (the acquisition thread only appends)."""

    def __init__(self):
        self.seen: list[tuple[float, int, int]] = []  # (time, first tag, samples)

    def on_samples(self, batch: SampleBatch) -> None:
        if len(batch):
            self.seen.append((time.perf_counter(), int(batch.tag[0]), len(batch)))

    def on_alarm(self, _alarm) -> None:
        pass

    def on_device(self, _status) -> None:
        pass


def start_acquisition(app, engine: Engine) -> None:
    """Start the engine and wait until a whole scan of every device has come in."""
    n0, t0 = engine.samples_in, time.monotonic()
    engine.start()
    while engine.samples_in - n0 < engine.n or (engine.latest().quality == Quality.GOOD).mean() < 0.99:
        app.processEvents()
        if time.monotonic() - t0 > 60:
            raise RuntimeError("acquisition did not come up")


if __name__ == "__main__":
    main()
