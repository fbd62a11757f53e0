"""An active/standby pair on a real PostgreSQL, the demo plant's simulator in its own process,
and `kill -9` of the active server: what tests/faults/test_failover.py and bench/failover.py run.

An incident raises five alarms (three discrete, a temperature's H and HH) through the simulator;
once the active server journaled them it is killed; while no server leads, two of the causes
return to normal; the standby takes over, restores the standing alarms from the journal and
journals those two returns once; then the rest return to normal. Each takeover is checked
against what the alarm logic must have journaled (each alarm raised once, cleared once), for
doubled rows anywhere in the journal, and for two servers polling the devices at once (the
servers' TCP connections to the simulator's ports, sampled every 50 ms).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import psutil
import yaml
from sqlalchemy import create_engine, func, select

from app.config import demo_config_path, dump_config
from core.alarm_types import KINDS, Kind
from demo.simulator import SimulatorProcess
from storage.schema import alarm_events as ev

ROOT = Path(__file__).resolve().parents[2]
# tag -> (normal value, value in alarm); the alarms each raises
INCIDENT = {
    "BF1.BLEEDER.OPEN": (0.0, 1.0),
    "BF1.BLAST.TEMP": (1200.0, 1350.0),
    "GAS.DET.UPS.ON_BATTERY": (0.0, 1.0),
    "PCI1.EXPLOSION.VENT.OPEN": (0.0, 1.0),
}
ALARMS = {
    "BF1.BLEEDER.OPEN": ["BF1.BLEEDER.OPEN:STATE"],
    "BF1.BLAST.TEMP": ["BF1.BLAST.TEMP:H", "BF1.BLAST.TEMP:HH"],
    "GAS.DET.UPS.ON_BATTERY": ["GAS.DET.UPS.ON_BATTERY:STATE"],
    "PCI1.EXPLOSION.VENT.OPEN": ["PCI1.EXPLOSION.VENT.OPEN:STATE"],
}
IN_GAP = ("BF1.BLEEDER.OPEN", "BF1.BLAST.TEMP")  # back to normal while no server leads
EXPECTED = ["UNACK", "RTN_UNACK"]  # the journal of each incident alarm in one takeover
WAIT_S = 30.0


HEADLESS = ("headless", "--standby")


class Server:
    """A `main.py headless --standby` process (or `command`: `serve --standby ...`) and the lines
    it printed (monotonic time, text)."""

    def __init__(self, plant: Path, db_url: str, data: Path, command: tuple[str, ...] = HEADLESS):
        data.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), *command, "--config", str(plant)] + ["--db", db_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
            env={**os.environ, "FOREWARN_DATA_DIR": str(data)},
        )
        self.lines: list[tuple[float, str]] = []
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            with self._changed:
                self.lines.append((time.monotonic(), line.rstrip("\n")))
                self._changed.notify_all()

    def wait_line(self, prefix: str, after: float = 0.0, timeout: float = WAIT_S) -> float:
        """The time of the first line starting with `prefix` printed after `after`; fails after
        `timeout` or when the process ends first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for t, line in self.lines:
                    if t >= after and line.startswith(prefix):
                        return t
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise AssertionError(f"no {prefix!r} line (exit {self.proc.poll()}): {self.lines[-5:]}")
                self._changed.wait(min(left, 0.2))

    def kill9(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc.stdout.close()


@dataclass
class Takeover:
    """One kill -9 and what followed."""

    takeover_s: float  # kill -> the standby's engine running
    first_journal_s: float  # kill -> the returns during the gap journaled by the new active
    lost: int  # rows the alarm logic must have journaled and the journal lacks
    doubled: int  # rows journaled more than once (incident alarms) or repeated (any alarm)
    overlaps: int  # samples in which two servers were connected to the devices
    journal: dict = field(default_factory=dict)


class FailoverRig:
    """The simulator, the plant file and the servers of one PostgreSQL database."""

    def __init__(self, tmp: Path, db_url: str, seed: int = 7, command: tuple[str, ...] = HEADLESS):
        """`command`: how a server is started (`main.py COMMAND --config PLANT --db URL`)."""
        self.tmp, self.db_url, self.command = tmp, db_url, command
        self.sim = SimulatorProcess(demo_config_path(), speed=1.0, ephemeral_ports=True, seed=seed)
        self.servers: list[Server] = []
        self.db = create_engine(db_url)
        self.overlaps = 0
        self._done = threading.Event()

    def __enter__(self) -> FailoverRig:
        cfg = self.sim.start()
        for tag, (normal, _) in INCIDENT.items():
            self.sim.set_value(tag, normal)
        text = dump_config(cfg).replace(
            "map: plant_map.svg", f"map: {demo_config_path().parent / 'plant_map.svg'}"
        )
        self.plant = self.tmp / "plant.yaml"
        self.plant.write_text(yaml.safe_dump(yaml.safe_load(text), sort_keys=False), encoding="utf-8")
        self.ports = {
            d.port if d.protocol == "modbus-tcp" else urlparse(d.endpoint).port for d in cfg.devices
        }
        self._watch = threading.Thread(target=self._watch_polling, daemon=True)
        self._watch.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        for s in self.servers:
            s.stop()
        self._watch.join(5)
        self.sim.stop()
        self.db.dispose()

    def spawn(self, role: str) -> Server:
        """A new server, once it says it is `role` (active: its engine runs; standby: its engine is
        made, ready to start)."""
        s = Server(self.plant, self.db_url, self.tmp / f"data{len(self.servers)}", self.command)
        self.servers.append(s)
        s.wait_line("headless:" if role == "active" else "ready:", timeout=60)
        return s

    def polling(self, s: Server) -> bool:
        """Whether a server holds a connection to one of the simulator's devices."""
        try:
            proc = psutil.Process(s.proc.pid)
            conns = getattr(proc, "net_connections", proc.connections)(kind="tcp")  # psutil < 6: connections
        except psutil.Error:  # gone
            return False
        return any(c.raddr and c.raddr.port in self.ports and c.status == "ESTABLISHED" for c in conns)

    def _watch_polling(self) -> None:
        while not self._done.wait(0.05):
            live = [s for s in list(self.servers) if s.proc.poll() is None]
            if sum(self.polling(s) for s in live) > 1:
                self.overlaps += 1

    def rows(self, after_id: int) -> list[tuple]:
        """(id, key, state, active, acked, priority, comment) of the alarm and communication rows
        after `after_id` (early warnings left out: a moved prediction repeats a row), in journal order."""
        q = select(ev.c.id, ev.c.key, ev.c.state, ev.c.active, ev.c.acked, ev.c.priority, ev.c.comment)
        q = q.where(ev.c.id > after_id, ev.c.kind.in_([*KINDS, Kind.COMM])).order_by(ev.c.ts, ev.c.id)
        with self.db.connect() as c:
            return [tuple(r) for r in c.execute(q)]

    def last_id(self) -> int:
        with self.db.connect() as c:
            return c.execute(select(func.max(ev.c.id))).scalar_one() or 0

    def wait_rows(self, after_id: int, want: dict[str, str]) -> None:
        """Until each key has journaled a row in state `want[key]` after `after_id`."""
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            seen = {(r[1], r[2]) for r in self.rows(after_id)}
            if all((k, s) in seen for k, s in want.items()):
                return
            time.sleep(0.1)
        raise AssertionError(f"journal rows {want} not seen within {WAIT_S} s")

    def takeover(self, active: Server, standby: Server, on_kill=None) -> Takeover:
        """Raise the incident on `active`, kill it, return part of it to normal in the gap, let
        `standby` take over, return the rest; what the journal says about it. `on_kill(killed)`
        (the monotonic time of the kill) runs once the standby's engine runs, before the rest
        returns to normal: what else a test checks of the takeover."""
        mark = self.last_id()
        overlaps0 = self.overlaps
        for tag, (_, bad) in INCIDENT.items():
            self.sim.set_value(tag, bad)
        self.wait_rows(mark, {k: "UNACK" for keys in ALARMS.values() for k in keys})
        killed = time.monotonic()
        active.kill9()
        for tag in IN_GAP:
            self.sim.set_value(tag, INCIDENT[tag][0])
        running = standby.wait_line("headless:", after=killed)
        if on_kill is not None:
            on_kill(killed)
        self.wait_rows(mark, {k: "RTN_UNACK" for tag in IN_GAP for k in ALARMS[tag]})
        journaled = time.monotonic()
        rest = [t for t in INCIDENT if t not in IN_GAP]
        for tag in rest:
            self.sim.set_value(tag, INCIDENT[tag][0])
        self.wait_rows(mark, {k: "RTN_UNACK" for tag in rest for k in ALARMS[tag]})
        rows = self.rows(mark)
        per_key: dict[str, list[str]] = {}
        for r in rows:
            per_key.setdefault(r[1], []).append(r[2])
        lost = doubled = 0
        for keys in ALARMS.values():
            for k in keys:
                got = per_key.get(k, [])
                lost += sum(max(0, EXPECTED.count(s) - got.count(s)) for s in set(EXPECTED))
                doubled += max(0, len(got) - len(EXPECTED))
        doubled += repeated(rows, exclude={k for keys in ALARMS.values() for k in keys})
        return Takeover(
            round(running - killed, 3),
            round(journaled - killed, 3),
            lost,
            doubled,
            self.overlaps - overlaps0,
            {k: per_key.get(k, []) for keys in ALARMS.values() for k in keys},
        )


def repeated(rows: list[tuple], exclude: set[str]) -> int:
    """Rows of an alarm identical to the alarm's row before (state, active, acked, priority,
    comment): a transition journaled twice."""
    last: dict[str, tuple] = {}
    n = 0
    for r in rows:
        if r[1] in exclude:
            continue
        if last.get(r[1]) == r[2:]:
            n += 1
        last[r[1]] = r[2:]
    return n


def serve_command(broker_url: str, node: str, *extra: str) -> tuple[str, ...]:
    """The rig's server command for a pair of `serve --standby` on the broker at `broker_url`."""
    return ("serve", "--standby", "--broker", broker_url, "--node", node, *extra)


def live_after(station, wall: float) -> bool:
    """Whether a station (app.control_room.station.RemoteEngine) is linked to the server and
    shows values measured after `wall` (UNIX s) of good quality."""
    from core.samples import Quality

    b = station.latest()
    return station.connected and bool(((b.quality == Quality.GOOD) & (b.ts > wall)).any())


def stations_live(stations: list, seen: list[float], timeout: float = WAIT_S):
    """A `takeover` hook: waits until every station shows live values measured after the kill,
    and appends the seconds from the kill to `seen`."""

    def hook(killed: float) -> None:
        wall = time.time() - (time.monotonic() - killed)
        deadline = time.monotonic() + timeout
        while not all(live_after(s, wall) for s in stations):
            if time.monotonic() > deadline:
                raise AssertionError(f"no live value on every station within {timeout} s of the kill")
            time.sleep(0.02)
        seen.append(round(time.monotonic() - killed, 3))

    return hook
