"""Our Modbus TCP driver against a libmodbus server (interop/libmodbus_server.c)."""

from __future__ import annotations

import logging
import math
import sys

import pytest

from core.samples import DeviceState, Quality
from tests.conftest import wait_until
from tests.helpers import plant_yaml
from tests.interop.conftest import latest, running, write


def device(name: str, port: int, unit: int = 1, order: str = "big", extra: str = "") -> str:
    return (
        f"  - {{name: {name}, protocol: modbus-tcp, host: 127.0.0.1, port: {port}, unit: {unit},"
        f" scan_ms: 100, timeout_ms: 500, word_order: {order}{extra}}}\n"
    )


def config(devices: str, tags: str) -> str:
    return plant_yaml(tags, devices=devices, name="Interop")


def tag(name: str, dev: str, address: str, type_: str | None = None, extra: str = "") -> str:
    t = f", type: {type_}" if type_ else ""
    return f'  - {{name: {name}, device: {dev}, address: "{address}"{t}{extra}}}\n'


# every value the server holds, read through a big-endian (ABCD) and a little-endian (CDAB)
# device; per-tag word_order overrides the device's
EXPECTED = {
    "I16": -12345,
    "U16": 54321,
    "I32.ABCD": -100000,
    "I32.CDAB": -100000,
    "U32.ABCD": 3_000_000_000,
    "U32.CDAB": 3_000_000_000,
    "F32.ABCD": 123.5,
    "F32.CDAB": -7.25,
    "F64.ABCD": 1.0e10 + 0.5,
    "F64.CDAB": -2.75e-3,
    "BIT0": 1,
    "BIT1": 0,
    "BIT2": 1,
    "BIT13": 1,
    "BIT14": 0,
    "BIT15": 1,
    "FAR": 777,
    "IR.I16": -321,
    "IR.F32.ABCD": 2.5,
    "IR.F32.CDAB": -2.5,
    "CO0": 1,
    "CO1": 0,
    "CO3": 1,
    "CO7": 1,
    "CO40": 1,
    "DI0": 0,
    "DI1": 1,
    "DI4": 1,
    "DI63": 1,
}


def every_type_tags(dev: str, order: str) -> str:
    """Tags for EXPECTED on a device whose word order is `order`: tags stored in the other
    order carry a per-tag override."""
    other = "little" if order == "big" else "big"

    def wo(stored: str) -> str:
        return "" if stored == order else f", word_order: {other}"

    p = f"{dev}."
    return "".join(
        [
            tag(p + "I16", dev, "hr:0", "int16"),
            tag(p + "U16", dev, "hr:1", "uint16"),
            tag(p + "I32.ABCD", dev, "hr:2", "int32", wo("big")),
            tag(p + "I32.CDAB", dev, "hr:4", "int32", wo("little")),
            tag(p + "U32.ABCD", dev, "hr:6", "uint32", wo("big")),
            tag(p + "U32.CDAB", dev, "hr:8", "uint32", wo("little")),
            tag(p + "F32.ABCD", dev, "hr:10", "float32", wo("big")),
            tag(p + "F32.CDAB", dev, "hr:12", "float32", wo("little")),
            tag(p + "F64.ABCD", dev, "hr:14", "float64", wo("big")),
            tag(p + "F64.CDAB", dev, "hr:18", "float64", wo("little")),
            *(tag(f"{p}BIT{b}", dev, f"hr:22.{b}") for b in (0, 1, 2, 13, 14, 15)),
            tag(p + "FAR", dev, "hr:150"),
            tag(p + "IR.I16", dev, "ir:0", "int16"),
            tag(p + "IR.F32.ABCD", dev, "ir:1", "float32", wo("big")),
            tag(p + "IR.F32.CDAB", dev, "ir:3", "float32", wo("little")),
            *(tag(f"{p}CO{i}", dev, f"co:{i}") for i in (0, 1, 3, 7, 40)),
            *(tag(f"{p}DI{i}", dev, f"di:{i}") for i in (0, 1, 4, 63)),
        ]
    )


def test_every_type_both_word_orders_bits_and_blocks(libmodbus_server):
    port = libmodbus_server.port
    text = config(
        device("abcd", port, order="big") + device("cdab", port, order="little"),
        every_type_tags("abcd", "big") + every_type_tags("cdab", "little"),
    )
    with running(text) as (eng, _rec):
        names = [f"{d}.{k}" for d in ("abcd", "cdab") for k in EXPECTED]
        wait_until(lambda: all(latest(eng, n)[1] == Quality.GOOD for n in names))
        for d in ("abcd", "cdab"):
            for k, v in EXPECTED.items():
                assert latest(eng, f"{d}.{k}")[0] == pytest.approx(v, rel=1e-12), f"{d}.{k}"
        # hr:0-22 and hr:150 are two requests; two clients were served side by side
        for drv in eng.drivers:
            hr = [(b.start, b.count) for b in drv.blocks if b.table == "hr"]
            assert hr == [(0, 23), (150, 1)]
            assert {b.table for b in drv.blocks} == {"hr", "ir", "co", "di"}
        assert {s.state for s in eng.device_status().values()} == {DeviceState.CONNECTED}


def test_counters_move_between_scans(libmodbus_server):
    dev = "plc"
    text = config(
        device(dev, libmodbus_server.port),
        tag("COUNT", dev, "hr:30") + tag("MS", dev, "hr:31", "uint32") + tag("IR.COUNT", dev, "ir:10"),
    )
    with running(text) as (eng, rec):
        idx = eng.config.tag_index()
        wait_until(lambda: all(len(set(rec.values(idx[n]))) >= 3 for n in ("COUNT", "MS", "IR.COUNT")))
        for name in ("COUNT", "MS", "IR.COUNT"):
            seen = [v for v in rec.values(idx[name]) if not math.isnan(v)]
            assert len(set(seen)) >= 3, (name, seen)
            assert seen == sorted(seen), f"{name} went backwards: {seen}"
        ms = rec.values(idx["MS"])
        # one scan per 100 ms: consecutive reads are about a scan apart, never the same value
        steps = [b - a for a, b in zip(ms, ms[1:], strict=False)]
        assert all(s > 0 for s in steps), steps


def test_exception_reply_is_bad_quality_link_stays_up(libmodbus_server, caplog):
    caplog.set_level(logging.DEBUG, logger="devices.modbus")
    dev = "plc"
    text = config(
        device(dev, libmodbus_server.port),
        tag("OK", dev, "hr:0", "int16")
        + tag("PAST.END", dev, "hr:199", "float32")  # hr:199-200, the map ends at 199
        + tag("DI.OK", dev, "di:0")
        + tag("DI.PAST", dev, "di:2000"),
    )
    with running(text) as (eng, rec):
        wait_until(lambda: latest(eng, "OK") == (-12345.0, Quality.GOOD))
        wait_until(lambda: latest(eng, "PAST.END")[1] == Quality.BAD)
        wait_until(lambda: latest(eng, "DI.PAST")[1] == Quality.BAD)
        assert latest(eng, "DI.OK")[1] == Quality.GOOD
        wait_until(lambda: "hr:199+2: exception reply 2" in caplog.text)  # illegal data address
        assert math.isnan(latest(eng, "PAST.END")[0])
        assert eng.device_status()[dev].state == DeviceState.CONNECTED
        assert not rec.comm_alarm(dev, True)
        # and it keeps scanning: many more requests, still connected
        drv = eng.drivers[0]
        n = drv.requests
        wait_until(lambda: drv.requests >= n + 8)
        assert eng.device_status()[dev].state == DeviceState.CONNECTED


def test_short_and_empty_replies_are_bad_quality(libmodbus_server):
    dev = "plc"
    text = config(
        device(dev, libmodbus_server.port),
        tag("OK", dev, "hr:1")
        + tag("SHORT", dev, "hr:900", "float32")  # answered with 1 register of 2
        + tag("EMPTY", dev, "hr:950", "uint16"),  # answered with a byte count of 0
    )
    with running(text) as (eng, rec):
        wait_until(lambda: latest(eng, "OK") == (54321.0, Quality.GOOD))
        wait_until(lambda: latest(eng, "SHORT")[1] == Quality.BAD and latest(eng, "EMPTY")[1] == Quality.BAD)
        drv = eng.drivers[0]
        n = drv.requests
        wait_until(lambda: drv.requests >= n + 6)
        assert latest(eng, "OK") == (54321.0, Quality.GOOD)
        assert latest(eng, "SHORT")[1] == Quality.BAD and latest(eng, "EMPTY")[1] == Quality.BAD
        assert eng.device_status()[dev].state == DeviceState.CONNECTED
        assert not rec.comm_alarm(dev, True)


def test_any_unit_id_is_answered(libmodbus_server):
    """libmodbus over TCP answers every unit id: a wrong `unit` in the plant file goes unnoticed."""
    text = config(device("plc", libmodbus_server.port, unit=42), tag("U16", "plc", "hr:1"))
    with running(text) as (eng, _rec):
        wait_until(lambda: latest(eng, "U16") == (54321.0, Quality.GOOD))


@pytest.mark.skipif(sys.byteorder != "little", reason="the swap shows on little-endian hosts")
def test_libmodbus_float_helpers_swap_bytes(libmodbus_server):
    """modbus_set_float_abcd/cdab of libmodbus 3.1.6 put 123.5 (0x42F70000) on the wire as
    F7 42 00 00 (BADC) and -7.25 (0xC0E80000) as 00 00 E8 C0 (DCBA): a device built on them
    needs a byte swap that neither word order gives."""
    dev = "plc"
    text = config(
        device(dev, libmodbus_server.port),
        tag("W40", dev, "hr:40")
        + tag("W41", dev, "hr:41")
        + tag("W42", dev, "hr:42")
        + tag("W43", dev, "hr:43"),
    )
    with running(text) as (eng, _rec):
        wait_until(lambda: latest(eng, "W43")[1] == Quality.GOOD)
        words = [int(latest(eng, f"W{i}")[0]) for i in (40, 41, 42, 43)]
    assert words == [0xF742, 0x0000, 0x0000, 0xE8C0]


# written to the free area hr:60-99 / co:48-63 (the values above stay as the server set them)
WRITES = [
    ("W.I16", "hr:60", "int16", "", -1234.0),
    ("W.U16", "hr:61", "uint16", ", scale: 0.5", 30000.5),
    ("W.I32.ABCD", "hr:62", "int32", "", -100000.0),
    ("W.I32.CDAB", "hr:64", "int32", ", word_order: little", -100000.0),
    ("W.U32.ABCD", "hr:66", "uint32", "", 3_000_000_000.0),
    ("W.U32.CDAB", "hr:68", "uint32", ", word_order: little", 3_000_000_000.0),
    ("W.F32.ABCD", "hr:70", "float32", "", 123.5),
    ("W.F32.CDAB", "hr:72", "float32", ", word_order: little", -7.25),
    ("W.F64.ABCD", "hr:74", "float64", "", 1.0e10 + 0.5),
    ("W.F64.CDAB", "hr:78", "float64", ", word_order: little", -2.75e-3),
    ("W.CO", "co:50", "bool", "", 1.0),
]


def test_writes_of_every_type_and_word_order_read_back(libmodbus_server, audit_log):
    dev = "plc"
    tags = "".join(tag(n, dev, a, t, x + ", writable: true") for n, a, t, x, _v in WRITES)
    # the words on the wire, read back raw: encoded by us, stored by libmodbus (through a second
    # device entry on the same server: one device's tags may not read overlapping registers)
    tags += "".join(tag(f"R{i}", "raw", f"hr:{i}") for i in (70, 71, 72, 73))
    devices = device(dev, libmodbus_server.port) + device("raw", libmodbus_server.port)
    with running(config(devices, tags), audit=audit_log) as (eng, _rec):
        wait_until(lambda: all(latest(eng, n)[1] == Quality.GOOD for n, *_ in WRITES))
        for name, *_x, value in WRITES:
            res = write(eng, name, value)
            assert res.ok and res.audited, res
        for name, *_x, value in WRITES:
            wait_until(lambda n=name, v=value: latest(eng, n) == (pytest.approx(v, rel=1e-12), Quality.GOOD))
        # 123.5 = 0x42F70000 high word first; -7.25 = 0xC0E80000 low word first
        wait_until(lambda: [latest(eng, f"R{i}")[0] for i in (70, 71, 72, 73)] == [0x42F7, 0, 0, 0xC0E8])
        assert write(eng, "W.CO", 0).ok
        wait_until(lambda: latest(eng, "W.CO")[0] == 0.0)
    rows = [e for e in audit_log.entries() if e.action == "write"]
    assert len(rows) == len(WRITES) + 1 and all(r.detail["result"] == "ok" for r in rows)


def test_bit_writes_use_mask_write_and_keep_the_other_bits(libmodbus_server, audit_log):
    dev = "plc"
    tags = (
        tag("REG", dev, "hr:82", "uint16", ", writable: true")
        + tag("BIT3", dev, "hr:82.3", None, ", writable: true")
        + tag("BIT15", dev, "hr:82.15", None, ", writable: true")
        + tag("PAST", dev, "hr:250", "uint16", ", writable: true")
    )
    with running(config(device(dev, libmodbus_server.port), tags), audit=audit_log) as (eng, _rec):
        wait_until(lambda: latest(eng, "REG")[1] == Quality.GOOD)
        assert write(eng, "REG", 0xA005).ok
        assert write(eng, "BIT3", 1).ok
        wait_until(lambda: latest(eng, "REG")[0] == 0xA00D)
        assert write(eng, "BIT15", 0).ok
        wait_until(lambda: latest(eng, "REG")[0] == 0x200D and latest(eng, "BIT3")[0] == 1.0)
        res = write(eng, "PAST", 1)  # the map ends at hr:199
        assert not res.ok and "exception 2 (illegal data address)" in res.message, res
        assert eng.device_status()[dev].state == DeviceState.CONNECTED
    assert [e.detail["result"] for e in audit_log.entries()] == ["ok", "ok", "ok", "failed"]
