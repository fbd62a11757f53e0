"""Our Modbus TCP driver against modbus-serial's ServerTCP (interop/node_modbus_server.js)."""

from __future__ import annotations

import logging
import math

import pytest

from core.samples import DeviceState, Quality
from tests.conftest import wait_until
from tests.interop.conftest import latest, running, write
from tests.interop.test_modbus_libmodbus import config, device, tag


def test_types_word_orders_bits_and_any_unit_id(node_modbus_server):
    srv = node_modbus_server()  # the library's default: answer every unit id
    d = "plc"
    text = config(
        device(d, srv.port, unit=7),
        tag("I16", d, "hr:0", "int16")
        + tag("U16", d, "hr:1")
        + tag("F32.ABCD", d, "hr:2", "float32")
        + tag("F32.CDAB", d, "hr:4", "float32", ", word_order: little")
        + tag("U32", d, "hr:6", "uint32")
        + tag("BIT0", d, "hr:8.0")
        + tag("BIT7", d, "hr:8.7")
        + tag("BIT15", d, "hr:8.15")
        + tag("IR0", d, "ir:0")
        + tag("IR99", d, "ir:99", "uint16")
        + "".join(tag(f"CO{i}", d, f"co:{i}") for i in range(7))
        + "".join(tag(f"DI{i}", d, f"di:{i}") for i in (0, 1, 62, 63)),
    )
    with running(text) as (eng, _rec):
        wait_until(lambda: latest(eng, "DI63")[1] == Quality.GOOD and latest(eng, "I16")[1] == Quality.GOOD)
        values = {
            "I16": -2,
            "U16": 65535,
            "F32.ABCD": -1.5,
            "F32.CDAB": -1.5,
            "U32": 4294967295,
            "BIT0": 1,
            "BIT7": 0,
            "BIT15": 1,
            "IR0": 1000,
            "IR99": 1099,
            **{f"CO{i}": float(i % 3 == 0) for i in range(7)},
            **{f"DI{i}": float(i % 2 == 1) for i in (0, 1, 62, 63)},
        }
        for name, v in values.items():
            assert latest(eng, name) == (pytest.approx(v), Quality.GOOD), name


def test_counter_moves_and_out_of_range_is_exception_04(node_modbus_server, caplog):
    caplog.set_level(logging.DEBUG, logger="devices.modbus")
    srv = node_modbus_server()
    d = "plc"
    text = config(
        device(d, srv.port),
        tag("COUNT", d, "hr:10") + tag("MS", d, "hr:11", "uint32") + tag("PAST", d, "hr:98", "float64"),
    )
    with running(text) as (eng, rec):
        idx = eng.config.tag_index()
        wait_until(lambda: len(set(rec.values(idx["MS"]))) >= 4 and len(set(rec.values(idx["COUNT"]))) >= 2)
        ms = rec.values(idx["MS"])
        assert ms == sorted(ms)
        # hr:98-101 runs past hr:99: the library answers exception 04, the tag is bad, the link stays
        wait_until(lambda: latest(eng, "PAST")[1] == Quality.BAD)
        wait_until(lambda: "hr:98+4: exception reply 4" in caplog.text)
        assert math.isnan(latest(eng, "PAST")[0])
        assert eng.device_status()[d].state == DeviceState.CONNECTED
        assert not rec.comm_alarm(d, True)


def test_unknown_unit_id_is_silently_dropped_then_recovers(node_modbus_server):
    """A server bound to one unit id ignores requests for another: no exception, no reply.
    The driver's timeout turns the device bad with a COMM alarm; it recovers once the ids agree."""
    srv = node_modbus_server(unit=3)
    d = "plc"
    text = config(device(d, srv.port, unit=5), tag("U16", d, "hr:1"))
    with running(text, backoff_cap=0.3) as (eng, rec):
        wait_until(lambda: rec.comm_alarm(d, True), timeout=10)
        assert latest(eng, "U16")[1] == Quality.BAD
        status = eng.device_status()[d]
        assert status.state in (DeviceState.DISCONNECTED, DeviceState.CONNECTING)
        assert status.error  # the timeout is named for the operator's tooltip
        print("COMM error shown:", status.error)
        srv.send("unit 5")
        srv.wait_line("UNIT 5", 10)
        wait_until(lambda: latest(eng, "U16") == (65535.0, Quality.GOOD), timeout=10)
        wait_until(lambda: rec.comm_alarm(d, False))
        assert eng.device_status()[d].state == DeviceState.CONNECTED


def test_writes_read_back_and_mask_write_is_refused_clearly(node_modbus_server, audit_log):
    srv = node_modbus_server()
    d = "plc"
    writes = {
        "W.I16": ("hr:20", "int16", "", -2.0),
        "W.F32.ABCD": ("hr:22", "float32", "", -1.5),
        "W.F32.CDAB": ("hr:24", "float32", ", word_order: little", 1.0e-3),
        "W.U32": ("hr:26", "uint32", "", 4_294_967_295.0),
        "W.F64.CDAB": ("hr:30", "float64", ", word_order: little", 1.0e10 + 0.5),
        "W.CO5": ("co:5", "bool", "", 1.0),  # was off (5 % 3)
        "W.CO6": ("co:6", "bool", "", 0.0),  # was on
    }
    tags = "".join(tag(n, d, a, t, x + ", writable: true") for n, (a, t, x, _v) in writes.items())
    tags += tag("REG", d, "hr:40", "uint16", ", writable: true") + tag(
        "BIT3", d, "hr:40.3", None, ", writable: true"
    )
    with running(config(device(d, srv.port), tags), audit=audit_log) as (eng, _rec):
        wait_until(lambda: all(latest(eng, n)[1] == Quality.GOOD for n in writes))
        for name, (*_x, value) in writes.items():
            res = write(eng, name, value)
            assert res.ok, res
        for name, (*_x, value) in writes.items():
            wait_until(lambda n=name, v=value: latest(eng, n)[0] == pytest.approx(v, rel=1e-7))
        assert write(eng, "REG", 0x8001).ok
        # modbus-serial has no function 22: a clear refusal, the register untouched, the link up
        res = write(eng, "BIT3", 1)
        assert not res.ok and "exception 1 (illegal function)" in res.message, res
        wait_until(lambda: latest(eng, "REG")[0] == 0x8001)
        assert latest(eng, "BIT3")[0] == 0.0
        assert eng.device_status()[d].state == DeviceState.CONNECTED
    results = [e.detail["result"] for e in audit_log.entries()]
    assert results == ["ok"] * (len(writes) + 1) + ["failed"]
