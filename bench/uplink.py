"""Regulator link benchmark: the store-and-forward queue against a bare HTTPS client.

Both post to the same receiving platform (tests/uplink_platform.py: TLS, signature check, SM4
decryption, field checks, duplicate check) on 127.0.0.1, in one process:
  bare : http.client over one kept-alive TLS connection posting ready-made envelopes;
  ours : every message queued in SQLite (committed), then read, sealed, signed, posted and its
         answer recorded by the link's sender, backlog lane, rate limit out of the way.
Then the catch-up of an hour of data after an outage (one snapshot of every point a minute,
the demo catalogue's 129 points, plus alarms), at the shipped profile's bounded rate.
Prints one JSON object: messages/s of each, the ratio ours/bare, and the catch-up time.
"""

from __future__ import annotations

import http.client
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.uplink.transport import tls_context  # noqa: E402
from tests.helpers import Clock  # noqa: E402
from tests.uplink_fixtures import Rig  # noqa: E402

N = 400
HOUR_SNAPSHOTS, HOUR_ALARMS = 60, 40
DEMO_POINTS = 129


def snapshot(i: int, n_points: int) -> dict:
    return {
        "enterprise_code": "91530100TEST",
        "collect_time": 1_800_000_000_000 + 60_000 * i,
        "points": [{"code": f"P{k:04d}", "value": 20.0 + k + i / 10, "status": "0"} for k in range(n_points)],
    }


def drain(rig, n_before: int, n: int) -> float:
    t0 = time.perf_counter()
    while len(rig.platform.received) < n_before + n:
        wait = rig.link.sender.step()
        if wait > 0:
            time.sleep(min(wait, 0.01))
    return time.perf_counter() - t0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = Clock(1_800_000_000.0)
        rig = Rig(Path(tmp), clock)
        try:
            bodies = [snapshot(i, DEMO_POINTS) for i in range(N)]
            env = rig.link.envelope
            ready = [env.build("realtime", f"bare{i}", b) for i, b in enumerate(bodies)]
            path = "/api" + rig.profile.paths["realtime"]
            conn = http.client.HTTPSConnection(
                "127.0.0.1", rig.platform.port, context=tls_context(str(rig.ca))
            )
            t0 = time.perf_counter()
            for body in ready:
                conn.request("POST", path, body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                assert json.loads(resp.read())["code"] == 0
            bare_s = time.perf_counter() - t0
            conn.close()

            sender = rig.link.sender
            sender.set_rate(1e9)  # the rate limit out of the way: the queue's own cost
            before = len(rig.platform.received)
            t0 = time.perf_counter()
            for i, b in enumerate(bodies):
                rig.link.store.enqueue(f"ours{i}", "realtime", 1_800_000_000 + 60 * i, b, ())
            sender.catchup_to = rig.link.store.last_id()
            ours_s = time.perf_counter() - t0 + drain(rig, before, N)

            rate = rig.profile.catchup_per_s
            sender.set_rate(rate)
            before = len(rig.platform.received)
            for i in range(HOUR_SNAPSHOTS):
                rig.link.store.enqueue(
                    f"hour{i}", "realtime", 1_800_100_000 + 60 * i, snapshot(i, DEMO_POINTS), ()
                )
            for i in range(HOUR_ALARMS):
                body = {
                    "enterprise_code": "91530100TEST", "alarm_id": f"a{i}", "point_code": "P0001", "kind": "H",
                    "level": 2, "event": "start", "value": 30.0, "limit": 24.0, "time": 0, "message": "m",
                }  # fmt: skip
                rig.link.store.enqueue(f"halarm{i}", "alarm", 1_800_100_000 + 90 * i, body, ())
            sender.catchup_to = rig.link.store.last_id()
            catch_up_s = drain(rig, before, HOUR_SNAPSHOTS + HOUR_ALARMS)
        finally:
            rig.close()
    print(
        json.dumps(
            {
                "messages": N,
                "points_per_message": DEMO_POINTS,
                "bare_msgs_per_s": round(N / bare_s, 1),
                "ours_msgs_per_s": round(N / ours_s, 1),
                "ratio_ours_over_bare": round(bare_s / ours_s, 3),
                "hour_backlog_messages": HOUR_SNAPSHOTS + HOUR_ALARMS,
                "catch_up_rate_limit_per_s": rate,
                "hour_catch_up_s": round(catch_up_s, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
