"""End to end over real sockets: Modbus TCP and OPC UA servers -> engine -> alarms -> SQLite."""

from __future__ import annotations

import math
import time

import pytest

from app.config import parse_config_text
from app.runtime.engine import Engine
from core.samples import DeviceState, Quality
from devices.codec import encode
from devices.modbus_replies import HoldingRegisters, InputRegisters
from storage.history import History
from tests.conftest import wait_until
from tests.helpers import Recorder, plant_yaml
from tests.servers import ModbusServer, OpcUaServer


def modbus_config(port: int, order: str = "big") -> str:
    return plant_yaml(
        f"""
        - {{name: F32, device: plc, address: "hr:10", type: float32, range: [0, 300],
           alarms: {{HH: 250, H: 230, deadband: 2}}}}
        - {{name: F32.OTHER, device: plc, address: "hr:12", type: float32, word_order: {"little" if order == "big" else "big"}}}
        - {{name: I16, device: plc, address: "hr:14", type: int16, scale: 0.1}}
        - {{name: U16, device: plc, address: "hr:15"}}
        - {{name: I32, device: plc, address: "hr:16", type: int32}}
        - {{name: U32, device: plc, address: "hr:18", type: uint32}}
        - {{name: F64, device: plc, address: "hr:40", type: float64}}
        - {{name: BIT3, device: plc, address: "hr:44.3", type: bool, alarms: {{state: true}}}}
        - {{name: IR, device: plc, address: "ir:5", type: int16, scale: 2, offset: -10}}
        - {{name: COIL, device: plc, address: "co:3", type: bool}}
        - {{name: DI, device: plc, address: "di:7", type: bool}}
        """,
        devices=f"""
        - {{name: plc, protocol: modbus-tcp, host: 127.0.0.1, port: {port}, unit: 1, scan_ms: 100,
           timeout_ms: 300, word_order: {order}}}
        """,
        name="Test",
    )


@pytest.fixture
def modbus():
    with ModbusServer() as srv:
        yield srv


def latest(engine, name):
    i = engine.config.tag_index()[name]
    snap = engine.latest()
    return snap.value[i], snap.quality[i]


@pytest.mark.parametrize("order", ["big", "little"])
def test_modbus_types_word_orders_bits(modbus, tmp_path, order):
    other = "little" if order == "big" else "big"
    modbus.set("hr", 10, encode(123.5, "float32", order))
    modbus.set("hr", 12, encode(-7.25, "float32", other))
    modbus.set("hr", 14, encode(-123, "int16"))
    modbus.set("hr", 15, [54321])
    modbus.set("hr", 16, encode(-100000, "int32", order))
    modbus.set("hr", 18, encode(3_000_000_000, "uint32", order))
    modbus.set("hr", 40, encode(1.0e10 + 0.5, "float64", order))
    modbus.set("hr", 44, [0b1000])
    modbus.set("ir", 5, encode(60, "int16"))
    modbus.set("co", 3, [True])
    modbus.set("di", 7, [True])
    cfg = parse_config_text(modbus_config(modbus.port, order))
    eng = Engine(cfg)
    eng.start()
    try:
        wait_until(lambda: latest(eng, "DI")[1] == Quality.GOOD)
        assert latest(eng, "F32")[0] == pytest.approx(123.5)
        assert latest(eng, "F32.OTHER")[0] == pytest.approx(-7.25)
        assert latest(eng, "I16")[0] == pytest.approx(-12.3)
        assert latest(eng, "U16")[0] == 54321
        assert latest(eng, "I32")[0] == -100000
        assert latest(eng, "U32")[0] == 3_000_000_000
        assert latest(eng, "F64")[0] == 1.0e10 + 0.5
        assert latest(eng, "BIT3")[0] == 1.0
        assert latest(eng, "IR")[0] == 110.0
        assert latest(eng, "COIL")[0] == 1.0
        assert latest(eng, "DI")[0] == 1.0
        # all hr tags in one or two merged requests, not one per tag
        drv = eng.drivers[0]
        assert len([b for b in drv.blocks if b.table == "hr"]) <= 2
        # the register replies were decoded by ours (devices/modbus_replies.py), not pymodbus's
        table = drv.client.ctx.framer.decoder.pdu_table
        assert table[3][1] is HoldingRegisters and table[4][1] is InputRegisters
    finally:
        eng.stop()


def test_limit_alarm_deadband_ack_and_history(modbus, tmp_path):
    modbus.set("hr", 10, encode(100.0, "float32"))
    cfg = parse_config_text(modbus_config(modbus.port))
    hist = History(f"sqlite:///{tmp_path / 'h.db'}", cfg.tags, flush_s=0.1)
    eng = Engine(cfg, hist)
    rec = Recorder()
    eng.add_listener(rec)
    eng.start()
    try:
        wait_until(lambda: latest(eng, "F32")[0] == 100.0)
        modbus.set("hr", 10, encode(240.0, "float32"))
        wait_until(lambda: any(a.key == "F32:H" and a.active for a in rec.alarms))
        assert not any(a.key == "F32:HH" for a in rec.alarms)
        # inside the deadband: stays active
        modbus.set("hr", 10, encode(229.0, "float32"))
        wait_until(lambda: latest(eng, "F32")[0] == 229.0)
        assert [a.state for a in eng.active_alarms() if a.key == "F32:H"] == ["UNACK"]
        # below limit - deadband: returns to normal, still unacknowledged
        modbus.set("hr", 10, encode(227.0, "float32"))
        wait_until(lambda: any(a.key == "F32:H" and a.state == "RTN_UNACK" for a in rec.alarms))
        out = eng.acknowledge(["F32:H"], user="op1").result(5)  # run in the acquisition loop
        assert [a.state for a in out] == ["NORMAL"]
        assert not [a for a in eng.active_alarms() if a.key == "F32:H"]
        wait_until(lambda: 227.0 in hist.read(0, time.time() - 60, time.time() + 1).value)
    finally:
        eng.stop()
    # journal and samples are in the SQLite file
    h2 = History(f"sqlite:///{tmp_path / 'h.db'}", cfg.tags)
    with h2.engine.connect() as c:
        states = [
            r[0] for r in c.exec_driver_sql("SELECT state FROM alarm_events WHERE key='F32:H' ORDER BY id")
        ]
        users = [
            r[0]
            for r in c.exec_driver_sql("SELECT user_name FROM alarm_events WHERE key='F32:H' ORDER BY id")
        ]
    assert states == ["UNACK", "RTN_UNACK", "NORMAL"]
    assert users[-1] == "op1"
    rows = h2.read(0, time.time() - 60, time.time() + 1)
    # stored on change: one row per distinct value, not one per scan
    assert rows.value.tolist() == [100.0, 240.0, 229.0, 227.0]
    h2.stop()


@pytest.mark.slow
def test_device_loss_turns_tags_bad_and_reconnects(modbus):
    modbus.set("hr", 10, encode(50.0, "float32"))
    cfg = parse_config_text(modbus_config(modbus.port))
    eng = Engine(cfg, backoff_cap=0.5)
    rec = Recorder()
    eng.add_listener(rec)
    eng.start()
    try:
        wait_until(lambda: latest(eng, "F32")[1] == Quality.GOOD)
        port = modbus.port
        modbus.stop_server()
        wait_until(lambda: latest(eng, "F32")[1] == Quality.BAD, timeout=3)
        assert math.isnan(latest(eng, "F32")[0])
        wait_until(lambda: any(a.key == "plc:COMM" and a.active for a in rec.alarms))
        assert eng.device_status()["plc"].state in (DeviceState.DISCONNECTED, DeviceState.CONNECTING)
        modbus.start(port)
        modbus.set("hr", 10, encode(51.0, "float32"))
        wait_until(lambda: latest(eng, "F32") == (51.0, Quality.GOOD), timeout=5)
        wait_until(lambda: any(a.key == "plc:COMM" and not a.active for a in rec.alarms))
        assert eng.device_status()["plc"].state == DeviceState.CONNECTED
    finally:
        eng.stop()


def test_short_or_exception_reply_is_bad_quality_not_a_crash(modbus):
    # hr:990 + float64 runs past the server's 1000 registers: exception reply for that block
    text = modbus_config(modbus.port) + '  - {name: PAST, device: plc, address: "hr:998", type: float64}\n'
    cfg = parse_config_text(text.replace("max_gap", "max_gap"))
    eng = Engine(cfg)
    eng.start()
    try:
        wait_until(lambda: latest(eng, "F32")[1] == Quality.GOOD)
        wait_until(lambda: latest(eng, "PAST")[1] == Quality.BAD)
        assert eng.device_status()["plc"].state == DeviceState.CONNECTED
    finally:
        eng.stop()


@pytest.mark.slow
def test_opcua_subscription_resolves_namespace_uri():
    with OpcUaServer(["A", "B"]) as srv:
        srv.set("A", 12.5)
        text = plant_yaml(
            f"""
            - {{name: A, device: ua, address: "nsu={srv.uri};s=A", alarms: {{H: 50}}}}
            - {{name: B, device: ua, address: "ns={srv.idx};s=B"}}
            - {{name: MISSING, device: ua, address: "nsu=urn:nowhere;s=X"}}
            """,
            devices=f"""
            - {{name: ua, protocol: opcua, endpoint: "{srv.endpoint}", scan_ms: 100}}
            """,
        )
        eng = Engine(parse_config_text(text))
        rec = Recorder()
        eng.add_listener(rec)
        eng.start()
        try:
            assert srv.idx not in (0, 1)
            wait_until(lambda: latest(eng, "A") == (12.5, Quality.GOOD))
            srv.set("B", -3.0)
            wait_until(lambda: latest(eng, "B") == (-3.0, Quality.GOOD))
            assert latest(eng, "MISSING")[1] == Quality.BAD
            srv.set("A", 60.0)
            wait_until(lambda: any(a.key == "A:H" and a.active for a in rec.alarms))
        finally:
            eng.stop()


@pytest.mark.slow
def test_opcua_poll_mode_and_server_loss():
    srv = OpcUaServer(["A"]).start()
    try:
        srv.set("A", 1.0)
        text = plant_yaml(
            f"""
            - {{name: A, device: ua, address: "nsu={srv.uri};s=A"}}
            """,
            devices=f"""
            - {{name: ua, protocol: opcua, endpoint: "{srv.endpoint}", scan_ms: 100, mode: poll, timeout_ms: 500}}
            """,
        )
        eng = Engine(parse_config_text(text), backoff_cap=0.5)
        eng.start()
        try:
            wait_until(lambda: latest(eng, "A") == (1.0, Quality.GOOD))
            srv.lt.call(srv.server.stop())
            wait_until(lambda: latest(eng, "A")[1] == Quality.BAD, timeout=5)
            assert eng.device_status()["ua"].state != DeviceState.CONNECTED
        finally:
            eng.stop()
    finally:
        srv.lt.close()


def test_operator_actions_are_journaled(modbus, tmp_path):
    modbus.set("hr", 10, encode(240.0, "float32"))
    cfg = parse_config_text(modbus_config(modbus.port))
    hist = History(f"sqlite:///{tmp_path / 'h.db'}", cfg.tags, flush_s=0.05)
    eng = Engine(cfg, hist)
    rec = Recorder()
    eng.add_listener(rec)
    eng.start()
    try:
        wait_until(lambda: any(a.key == "F32:H" for a in rec.alarms))
        assert [a.state for a in eng.shelve(["F32:H"], 3600, "op1", "known, WO-17").result(5)] == ["SHELVED"]
        assert [a.state for a in eng.unshelve(["F32:H"], "op1").result(5)] == ["UNACK"]
        assert [a.state for a in eng.set_out_of_service(["F32:H"], True, "eng1", "replacing").result(5)] == [
            "OOS"
        ]
        with pytest.raises(ValueError):
            eng.shelve(["F32:H"], None, "op1", "").result(5)  # the error comes back in the future
    finally:
        eng.stop()
    with hist.engine.connect() as c:
        rows = c.exec_driver_sql(
            "SELECT state, user_name, comment FROM alarm_events WHERE key='F32:H' ORDER BY id"
        ).all()
    assert [tuple(r) for r in rows] == [
        ("UNACK", "", ""),
        ("SHELVED", "op1", "known, WO-17"),
        ("UNACK", "op1", "unshelved"),
        ("OOS", "eng1", "replacing"),
    ]


@pytest.mark.slow
def test_stop_leaves_no_coroutine_behind_even_mid_reconnect_or_with_the_server_gone(monkeypatch):
    import gc
    import sys
    import threading

    leaked = []
    monkeypatch.setattr(
        sys, "unraisablehook", lambda u: leaked.append(f"{u.exc_type.__name__}: {u.object!r}")
    )
    srv = OpcUaServer(["A"]).start()
    try:
        text = plant_yaml(
            f"""
            - {{name: A, device: ua, address: "nsu={srv.uri};s=A"}}
            """,
            devices=f"""
            - {{name: ua, protocol: opcua, endpoint: "{srv.endpoint}", scan_ms: 100, timeout_ms: 500}}
            """,
        )
        eng = Engine(parse_config_text(text), backoff_cap=0.5)
        eng.start()
        wait_until(lambda: latest(eng, "A")[1] == Quality.GOOD)
        srv.lt.call(srv.server.stop())  # the subscription cannot be deleted on the server any more
        loop = eng._loop
        assert eng.reconnect("ua", wait=False)  # a reconnect asked for just before the stop
        eng.stop()
        assert loop.is_closed() and not any(t.name == "acquisition" for t in threading.enumerate())
    finally:
        srv.lt.close()
    gc.collect()
    assert leaked == []
