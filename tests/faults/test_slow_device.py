"""A slow device (replies delayed beyond its timeout, or dropped) behind a TCP proxy: the other
devices keep their scan rate, the slow one goes bad and comes back when the link does."""

from __future__ import annotations

import time

import pytest

from app.config import parse_config_text
from app.runtime.engine import Engine
from core.samples import Quality
from tests.conftest import wait_until
from tests.faults.conftest import SCAN_MS, TIMEOUT_MS, Recorder, modbus_plant
from tests.faults.proxy import FaultyProxy

WINDOW_S = 3.0
NOMINAL = 1000 / SCAN_MS  # scans per second
WINDOW_SCANS = int(WINDOW_S * NOMINAL)  # a measuring window: this many scans of a healthy device


def rates(rec: Recorder, t0: float, t1: float) -> dict[str, float]:
    return {d: rec.good_scans(d, t0, t1) / (t1 - t0) for d in ("fast1", "fast2", "slow")}


@pytest.mark.parametrize("fault", ["delay", "drop"])
def test_slow_device_does_not_slow_the_others(modbus_servers, fault, record_property):
    servers = {name: modbus_servers() for name in ("fast1", "fast2", "slow")}
    for srv in servers.values():
        srv.set("hr", 0, [1, 2, 3, 4])
    with FaultyProxy(servers["slow"].port) as proxy:
        ports = {"fast1": servers["fast1"].port, "fast2": servers["fast2"].port, "slow": proxy.port}
        cfg = parse_config_text(modbus_plant(ports, tags_per_device=20))
        eng = Engine(cfg, backoff_cap=1.0)
        rec = Recorder(cfg)
        eng.add_listener(rec)
        slow_tag = cfg.tag_index()["slow.T0"]
        eng.start()
        try:
            wait_until(lambda: all(rec.good_scans(d, 0, 2e9) for d in ports))
            t0 = time.time()
            wait_until(lambda: rec.good_scans("fast1", t0, 2e9) >= WINDOW_SCANS, timeout=10)
            before = rates(rec, t0, time.time())
            proxy.set_mode(fault, delay_s=3 * TIMEOUT_MS / 1000)
            wait_until(lambda: eng.latest().quality[slow_tag] == Quality.BAD, timeout=5)
            t1 = time.time()
            wait_until(lambda: rec.good_scans("fast1", t1, 2e9) >= WINDOW_SCANS, timeout=10)
            during = rates(rec, t1, time.time())
            proxy.set_mode("pass")
            t2 = time.time()
            wait_until(lambda: rec.good_scans("slow", t2, time.time() + 1) >= 3, timeout=10)
        finally:
            eng.stop()
    record_property("rates_before", before)
    record_property("rates_during", during)
    print(f"\n{fault}: scans/s before {before}, with the slow device {during}")
    for d in ("fast1", "fast2"):
        assert before[d] >= 0.8 * NOMINAL, before
        assert during[d] >= 0.8 * NOMINAL, during
        assert during[d] >= 0.9 * before[d], (before, during)
    assert during["slow"] < 0.5 * NOMINAL
