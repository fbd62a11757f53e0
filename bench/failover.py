"""Takeover of an active/standby pair after `kill -9` of the active, as JSON.

Two `main.py headless --standby` servers on a fresh PostgreSQL database (FOREWARN_TEST_PG_URL:
an account that may CREATE DATABASE; .ci/run sets it) and the demo plant's simulator in its own
process; RUNS times: an incident raises five alarms, the active server is killed with SIGKILL,
two causes return to normal while no server leads, the standby takes over and a new standby is
started behind it (tests/faults/failover_rig.py). Per run: seconds from the kill to the standby's
engine running (`takeover_s`) and to its first journal rows (`first_journal_s`), journal rows lost
and doubled against what the alarm logic must have journaled, and samples in which two servers
were connected to the devices at once. Target: takeover <= 10 s, 0 lost, 0 doubled, 10 of 10.

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
from tests.faults.failover_rig import FailoverRig  # noqa: E402

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


def main() -> int:
    if not os.environ.get(PG_URL_ENV):
        print(json.dumps({"error": f"{PG_URL_ENV} is not set (.ci/run starts PostgreSQL and sets it)"}))
        return 2
    with fresh_pg_database() as url, tempfile.TemporaryDirectory(prefix="fw-failover-") as tmp:
        bare = bare_handover(url, RUNS)
        runs = []
        with FailoverRig(Path(tmp), url) as rig:
            active = rig.spawn("active")
            for _ in range(RUNS):
                standby = rig.spawn("standby")
                runs.append(rig.takeover(active, standby))
                active = standby
    takeover = [r.takeover_s for r in runs]
    first = [r.first_journal_s for r in runs]
    ok = sum(r.takeover_s <= TARGET_S and r.lost == 0 and r.doubled == 0 and r.overlaps == 0 for r in runs)
    figures = {
        "runs": RUNS,
        "target": f"takeover <= {TARGET_S:g} s, 0 lost, 0 doubled, one poller",
        "runs_meeting_target": ok,
        "takeover_s": {
            "max": max(takeover),
            "median": round(statistics.median(takeover), 3),
            "per_run": takeover,
        },
        "first_journal_s": {
            "max": max(first),
            "median": round(statistics.median(first), 3),
            "per_run": first,
        },
        "lost_rows_per_run": [r.lost for r in runs],
        "doubled_rows_per_run": [r.doubled for r in runs],
        "two_pollers_samples_per_run": [r.overlaps for r in runs],
        "bare_advisory_lock_handover_s": {
            "max": round(max(bare), 3),
            "median": round(statistics.median(bare), 3),
        },
        "ratio_takeover_to_bare_median": round(statistics.median(takeover) / statistics.median(bare), 1),
    }
    print(json.dumps(figures))
    return 0 if ok == RUNS else 1


if __name__ == "__main__":
    sys.exit(main())
