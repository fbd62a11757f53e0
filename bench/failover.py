"""Takeover of an active/standby pair after `kill -9` of the active, as JSON.

Two `main.py headless --standby` servers on a fresh PostgreSQL database (FOREWARN_TEST_PG_URL:
an account that may CREATE DATABASE; .ci/run sets it) and the demo plant's simulator in its own
process; RUNS times: an incident raises five alarms, the active server is killed with SIGKILL,
two causes return to normal while no server leads, the standby takes over and a new standby is
started behind it (tests/faults/failover_rig.py). Per run: seconds from the kill to the standby's
engine running (`takeover_s`) and to its first journal rows (`first_journal_s`), journal rows lost
and doubled against what the alarm logic must have journaled, and samples in which two servers
were connected to the devices at once. Target: takeover <= 10 s, 0 lost, 0 doubled, 10 of 10.

The serve pair: the same with two `main.py serve --standby` servers on a Mosquitto of its own and
a station (RemoteEngine) in this process: per run, seconds from the kill to the first live value
the station shows from the new active (`station_live_s`), and the same journal checks.
`--pair headless|serve|both` (default both) picks what runs.

The library reference: the same kill -9 of a bare psycopg process holding the advisory lock,
and a second connection polling `pg_try_advisory_lock` every 50 ms: what the lock alone costs.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import PG_URL_ENV, fresh_pg_database  # noqa: E402
from tests.faults.failover_rig import FailoverRig, serve_command, stations_live  # noqa: E402

RUNS = 10
TARGET_S = 10.0
BARE_HOLDER = """\
import sys, psycopg
conn = psycopg.connect(sys.argv[1], autocommit=True)
conn.execute("SELECT pg_advisory_lock(42)")
print("held", flush=True)
sys.stdin.read()
"""


def bare_handover(url: str, runs: int) -> list[float]:
    """Seconds from kill -9 of a bare lock holder to a second connection holding the lock."""
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    out = []
    with psycopg.connect(plain, autocommit=True) as conn:
        for _ in range(runs):
            holder = subprocess.Popen(
                [sys.executable, "-c", BARE_HOLDER, plain],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            assert holder.stdout.readline().strip() == "held"
            t0 = time.monotonic()
            os.kill(holder.pid, signal.SIGKILL)
            while not conn.execute("SELECT pg_try_advisory_lock(42)").fetchone()[0]:
                time.sleep(0.05)
            out.append(time.monotonic() - t0)
            conn.execute("SELECT pg_advisory_unlock(42)")
            holder.wait(10)
            holder.stdin.close()
            holder.stdout.close()
    return out


def pair_runs(tmp: Path, url: str, command=None, stations=()) -> tuple[list, list[float]]:
    """RUNS takeovers of one pair (a new standby behind each new active); with stations, the
    seconds from each kill to every station's first live value of the new active."""
    tmp.mkdir(parents=True, exist_ok=True)
    seen: list[float] = []
    runs = []
    options = {} if command is None else {"command": command}
    with FailoverRig(tmp, url, **options) as rig:
        active = rig.spawn("active")
        live = []
        for make in stations:
            live.append(make(rig.plant))
        for _ in range(RUNS):
            standby = rig.spawn("standby")
            runs.append(rig.takeover(active, standby, stations_live(live, seen) if live else None))
            active = standby
        for s in live:
            s.stop()
    return runs, seen


def clean(r) -> bool:
    """No journal row lost or doubled, never two pollers."""
    return r.lost == 0 and r.doubled == 0 and r.overlaps == 0


def spread(values: list[float]) -> dict:
    return {"max": max(values), "median": round(statistics.median(values), 3), "per_run": values}


def serve_pair(tmp: Path, url: str) -> dict:
    """The serve pair's runs and what its station saw, as JSON figures."""
    from app.config import load_config
    from app.control_room.station import RemoteEngine
    from tests.broker import Mosquitto
    from transport.mqtt import BrokerUrl

    broker = Mosquitto(tmp / "broker").start()

    def station(plant: Path) -> RemoteEngine:
        s = RemoteEngine(load_config(plant), BrokerUrl.parse(broker.url), "plant1", station="bench", key=b"k")
        s.start()
        return s

    try:
        runs, live = pair_runs(tmp / "serve", url, serve_command(broker.url, "plant1"), [station])
    finally:
        broker.stop()
    ok = sum(t <= TARGET_S and clean(r) for r, t in zip(runs, live, strict=True))
    return {
        "runs_meeting_target": ok,
        "station_live_s": spread(live),
        "takeover_s": spread([r.takeover_s for r in runs]),
        "lost_rows_per_run": [r.lost for r in runs],
        "doubled_rows_per_run": [r.doubled for r in runs],
        "two_pollers_samples_per_run": [r.overlaps for r in runs],
    }


def main() -> int:
    pair = sys.argv[sys.argv.index("--pair") + 1] if "--pair" in sys.argv else "both"
    if not os.environ.get(PG_URL_ENV):
        print(json.dumps({"error": f"{PG_URL_ENV} is not set (.ci/run starts PostgreSQL and sets it)"}))
        return 2
    figures: dict = {"runs": RUNS, "target": f"takeover <= {TARGET_S:g} s, 0 lost, 0 doubled, one poller"}
    ok = True
    with fresh_pg_database() as url, tempfile.TemporaryDirectory(prefix="fw-failover-") as tmp:
        if pair in ("headless", "both"):
            bare = bare_handover(url, RUNS)
            runs, _ = pair_runs(Path(tmp) / "headless", url)
            takeover = [r.takeover_s for r in runs]
            good = sum(r.takeover_s <= TARGET_S and clean(r) for r in runs)
            ok = ok and good == RUNS
            figures |= {
                "runs_meeting_target": good,
                "takeover_s": spread(takeover),
                "first_journal_s": spread([r.first_journal_s for r in runs]),
                "lost_rows_per_run": [r.lost for r in runs],
                "doubled_rows_per_run": [r.doubled for r in runs],
                "two_pollers_samples_per_run": [r.overlaps for r in runs],
                "bare_advisory_lock_handover_s": {
                    "max": round(max(bare), 3),
                    "median": round(statistics.median(bare), 3),
                },
                "ratio_takeover_to_bare_median": round(
                    statistics.median(takeover) / statistics.median(bare), 1
                ),
            }
        if pair in ("serve", "both"):
            with fresh_pg_database() as serve_url:
                figures["serve_pair"] = serve = serve_pair(Path(tmp), serve_url)
            ok = ok and serve["runs_meeting_target"] == RUNS
    print(json.dumps(figures))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
