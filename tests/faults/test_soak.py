"""A short soak: the demo plant at 30x for ten simulated minutes through the engine and history;
after the warm-up no threads or file descriptors are gained (bench/soak.py runs the full day)."""

from __future__ import annotations

from bench.soak import soak


def test_short_soak_no_thread_or_fd_growth(record_property):
    r = soak(hours=10 / 60, speed=30.0, warm_up=0.3)
    record_property("soak", {k: v for k, v in r.items() if k != "samples"})
    print(f"\nshort soak: {r}")
    assert set(r["devices"].values()) == {"connected"}
    assert r["samples_in"] > 0 and r["dropped"] == 0
    assert r["threads_growth"] == 0 and r["threads_max_growth"] <= 1
    assert r["fds_growth"] <= 0
