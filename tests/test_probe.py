"""Commissioning probes against real servers on 127.0.0.1 ephemeral ports."""

from __future__ import annotations

import asyncio

import pytest

from app.config import ModbusDevice, OpcUaDevice
from devices import probe
from devices.codec import encode
from devices.probe import browse_opcua, probe_modbus
from tests.servers import ModbusServer, OpcUaServer


@pytest.fixture
def modbus():
    with ModbusServer() as s:
        yield s


def _dev(port: int) -> ModbusDevice:
    return ModbusDevice(name="plc", protocol="modbus-tcp", host="127.0.0.1", port=port, timeout_ms=1000)


def test_modbus_connection_ok_with_round_trip(modbus):
    ok, ms, msg = asyncio.run(probe.test_connection(_dev(modbus.port)))
    assert ok and ms is not None and 0 < ms < 1000
    assert f"127.0.0.1:{modbus.port}" in msg and "hr:0" in msg


def test_modbus_exception_code_is_named(modbus):
    ok, ms, msg = asyncio.run(probe.test_connection(_dev(modbus.port), address="hr:5000"))
    assert not ok and ms is None
    assert msg == "unit 1 answered hr:5000 with exception code 2 (illegal data address)"


def test_refused_port_gives_the_exact_error():
    with ModbusServer() as s:
        port = s.port
    ok, ms, msg = asyncio.run(probe.test_connection(_dev(port)))
    assert not ok and ms is None
    assert msg == f"connection refused by 127.0.0.1:{port} (nothing listens on that port)"


def test_probe_decodes_float32_in_both_word_orders(modbus):
    modbus.set("hr", 10, encode(12.5, "float32", "big") + encode(-3.25, "float32", "little"))
    big = asyncio.run(probe_modbus(_dev(modbus.port), "hr:10"))
    assert big.registers[:2] == encode(12.5, "float32", "big")
    assert big.decoded[("float32", "big")] == 12.5
    assert big.decoded[("float32", "little")] != 12.5
    little = asyncio.run(probe_modbus(_dev(modbus.port), "hr:12", count=2))
    assert little.decoded[("float32", "little")] == -3.25
    assert ("float64", "big") not in little.decoded  # two words cannot hold one
    assert little.round_trip_ms > 0


def test_probe_reads_bits(modbus):
    modbus.set("co", 3, [True])
    r = asyncio.run(probe_modbus(_dev(modbus.port), "co:3"))
    assert r.bits == [True] and r.registers == []


@pytest.mark.slow
def test_opcua_connection_and_browse():
    with OpcUaServer(["BF.TEMP", "BF.PRESS"]) as s:
        dev = OpcUaDevice(name="opc", protocol="opcua", endpoint=s.endpoint, timeout_ms=4000)
        ok, ms, msg = asyncio.run(probe.test_connection(dev))
        assert ok and ms > 0 and "urn:forewarn:test" in msg
        top = asyncio.run(browse_opcua(s.endpoint))
        folder = next(e for e in top if e.browse_name == "Test")
        assert folder.node_id.startswith("nsu=urn:forewarn:test;") and folder.has_children
        children = asyncio.run(browse_opcua(dev, folder.node_id))
        temp = next(e for e in children if e.browse_name == "BF.TEMP")
        assert temp.node_id == "nsu=urn:forewarn:test;s=BF.TEMP"
        assert temp.node_class == "Variable" and temp.data_type == "Double"
        port = s.port
    ok, _ms, msg = asyncio.run(
        probe.test_connection(
            OpcUaDevice(name="opc", protocol="opcua", endpoint=f"opc.tcp://127.0.0.1:{port}/"), 2.0
        )
    )
    assert not ok and msg == f"connection refused by 127.0.0.1:{port} (no OPC UA server there)"
