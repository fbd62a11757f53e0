"""A device server killed mid-run and restarted on the same port: its tags turn bad within one
scan period plus the timeout, a communication alarm is raised, the driver is back within the
backoff cap once the server is, samples resume, and the outage is never stored as good data."""

from __future__ import annotations

import time

from app.config import parse_config_text
from app.runtime.engine import Engine
from core.samples import DeviceState, Quality
from storage.history import History
from tests.conftest import wait_until
from tests.faults.conftest import SCAN_MS, TIMEOUT_MS, Recorder, history_rows, modbus_plant

BACKOFF_CAP = 1.0
OUTAGE_S = 3.0  # long enough for the backoff to reach its cap


def test_server_restart_bad_quality_comm_alarm_reconnect_no_false_good(
    modbus_servers, tmp_path, record_property
):
    plc, other = modbus_servers(), modbus_servers()
    for srv in (plc, other):
        srv.set("hr", 0, [1, 2, 3, 4])
    cfg = parse_config_text(modbus_plant({"plc": plc.port, "other": other.port}))
    db = tmp_path / "h.db"
    hist = History(f"sqlite:///{db}", cfg.tags, flush_s=0.1)
    eng = Engine(cfg, hist, backoff_cap=BACKOFF_CAP)
    rec = Recorder(cfg)
    eng.add_listener(rec)
    i = cfg.tag_index()["plc.T0"]
    eng.start()
    try:
        wait_until(lambda: eng.latest().quality[i] == Quality.GOOD)
        wait_until(lambda: rec.good_scans("plc", 0, 2e9) >= 3)  # a few good scans before the failure
        port = plc.port
        t_stop = time.time()
        plc.stop_server()
        wait_until(lambda: eng.latest().quality[i] == Quality.BAD, timeout=5)
        t_bad = time.time()
        wait_until(lambda: any(a.key == "plc:COMM" and a.active for a in rec.alarms), timeout=2)
        wait_until(lambda: time.time() >= t_stop + OUTAGE_S, timeout=OUTAGE_S + 5)  # the outage lasts
        t_restart = time.time()
        plc.start(port)
        wait_until(lambda: eng.device_status()["plc"].state == DeviceState.CONNECTED, timeout=10)
        t_back = time.time()
        wait_until(lambda: rec.good_scans("plc", t_back, time.time() + 1) >= 5, timeout=5)
        wait_until(lambda: any(a.key == "plc:COMM" and not a.active for a in rec.alarms), timeout=2)
        wait_until(lambda: any(q == Quality.GOOD and t > t_restart for t, _, q in history_rows(db, "plc.")))
    finally:
        eng.stop()

    to_bad, reconnect = t_bad - t_stop, t_back - t_restart
    record_property("to_bad_s", round(to_bad, 3))
    record_property("reconnect_s", round(reconnect, 3))
    print(
        f"\nserver restart: tags bad after {to_bad:.3f} s, reconnected {reconnect:.3f} s after the server was back"
    )
    assert to_bad <= (SCAN_MS + TIMEOUT_MS) / 1000 + 0.25
    assert reconnect <= BACKOFF_CAP * 1.1 + TIMEOUT_MS / 1000 + 0.3

    # what the operator saw and what the history holds: bad for the outage, never a good value inside it
    assert not [s for s in rec.scans["plc"] if t_stop < s[1] < t_restart and s[2] == Quality.GOOD]
    rows = history_rows(db, "plc.")
    assert not [r for r in rows if t_stop < r[0] < t_restart and r[2] == Quality.GOOD]
    bad = [r for r in rows if t_stop <= r[0] <= t_back and r[2] == Quality.BAD]
    assert bad and all(r[1] is None for r in bad)
    assert min(r[0] for r in bad) <= t_stop + (SCAN_MS + TIMEOUT_MS) / 1000 + 0.25
    assert [r for r in rows if r[0] > t_restart and r[2] == Quality.GOOD]
    # the other device never noticed
    assert not [s for s in rec.scans["other"] if s[2] != Quality.GOOD]
    with hist.engine.connect() as c:
        states = [
            (r[0], r[1])
            for r in c.exec_driver_sql(
                "SELECT key, active FROM alarm_events WHERE key = 'plc:COMM' ORDER BY id"
            )
        ]
    assert states[0] == ("plc:COMM", True) and ("plc:COMM", False) in states
