"""The demo plant and its simulator, over real sockets: Modbus TCP and OPC UA servers in a child
process, read with the raw client libraries and decoded with devices/codec.py."""

from __future__ import annotations

import asyncio
import math
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from pymodbus.client import AsyncModbusTcpClient

from app.config import (
    REGISTER_WORDS,
    ModbusDevice,
    demo_config_path,
    load_config,
    parse_modbus_address,
    tag_type,
)
from demo.simulator import INCIDENTS, SimulatorProcess
from devices.codec import decode_one
from tests.conftest import wait_until

DEMO = demo_config_path()
URI = "urn:forewarn:demo-steel"
ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- helpers


async def _client(dev: ModbusDevice) -> AsyncModbusTcpClient:
    c = AsyncModbusTcpClient(dev.host, port=dev.port, timeout=2, retries=0, reconnect_delay=0)
    assert await c.connect(), f"cannot connect to {dev.name} on port {dev.port}"
    return c


async def _read_tag(c: AsyncModbusTcpClient, cfg, tag) -> float:
    """One tag's engineering value, read and decoded as a client would."""
    dev = cfg.device(tag.device)
    a = parse_modbus_address(tag.address)
    unit = dev.unit
    if a.table == "co":
        return float((await c.read_coils(a.offset, count=1, device_id=unit)).bits[0])
    if a.table == "di":
        return float((await c.read_discrete_inputs(a.offset, count=1, device_id=unit)).bits[0])
    ty = tag_type(cfg, tag)
    n = 1 if a.bit is not None else REGISTER_WORDS[ty]
    read = c.read_holding_registers if a.table == "hr" else c.read_input_registers
    r = await read(a.offset, count=n, device_id=unit)
    assert not r.isError(), r
    if a.bit is not None:
        return float((r.registers[0] >> a.bit) & 1)
    raw = decode_one(r.registers, ty, tag.word_order or dev.word_order)
    return raw * tag.scale + tag.offset


def _read_tags(cfg, names: list[str]) -> dict[str, float]:
    async def go():
        out = {}
        clients = {}
        try:
            for n in names:
                t = next(t for t in cfg.tags if t.name == n)
                if t.device not in clients:
                    clients[t.device] = await _client(cfg.device(t.device))
                out[n] = await _read_tag(clients[t.device], cfg, t)
        finally:
            for c in clients.values():
                c.close()
        return out

    return asyncio.run(go())


def _f32(x: float) -> float:
    return float(np.float32(x))


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def plant():
    """One simulator at speed 1 shared by the read-mostly tests of this module."""
    sim = SimulatorProcess(DEMO, speed=1.0, seed=7)
    try:
        cfg = sim.start()
        yield sim, cfg
    finally:
        sim.stop()
    assert not sim.alive


@pytest.fixture
def fast_plant():
    sim = SimulatorProcess(DEMO, speed=200.0, seed=11)
    try:
        yield sim, sim.start()
    finally:
        sim.stop()


# ---------------------------------------------------------------- the demo configuration


def test_demo_yaml_covers_the_plant():
    cfg = load_config(DEMO)
    assert len(cfg.tags) >= 150
    by_dev = {d.name: [t for t in cfg.tags if t.device == d.name] for d in cfg.devices}
    assert {d.protocol for d in cfg.devices} == {"modbus-tcp", "opcua"}
    opc = [t for d in cfg.devices if d.protocol == "opcua" for t in by_dev[d.name]]
    assert len(opc) >= 25
    assert all(t.address.startswith(f"nsu={URI};s=") for t in opc)
    types = {tag_type(cfg, t) for t in cfg.tags if cfg.device(t.device).protocol == "modbus-tcp"}
    assert types >= {"int16", "uint16", "int32", "uint32", "float32", "float64", "bool"}
    tables = {parse_modbus_address(t.address).table for t in cfg.tags if not t.address.startswith("nsu=")}
    assert tables == {"hr", "ir", "co", "di"}
    assert any(
        parse_modbus_address(t.address).bit is not None for t in cfg.tags if t.address.startswith("hr:")
    )
    assert {d.word_order for d in cfg.devices if d.protocol == "modbus-tcp"} == {"big", "little"}
    assert {t.word_order for t in cfg.tags} >= {"big", "little"}

    svg = (DEMO.parent / "plant_map.svg").read_text(encoding="utf-8")
    vx, vy, vw, vh = (float(v) for v in re.search(r'viewBox="([^"]+)"', svg).group(1).split())
    assert cfg.map_path() is not None and cfg.map_path().exists()

    def inside(p):
        return vx <= p[0] <= vx + vw and vy <= p[1] <= vy + vh

    gas_co = [t for t in cfg.tags if t.name.startswith("GAS.CO.")]
    assert len(gas_co) >= 12
    for t in gas_co:
        assert t.unit == "ppm" and t.map is not None and inside(t.map), t.name
        assert (t.alarms.H, t.alarms.HH) == (24, 160), t.name
    assert all(inside(t.map) for t in cfg.tags if t.map is not None)

    kinds = {h.kind for h in cfg.hazard_sources}
    assert kinds >= {
        "blast_furnace",
        "converter",
        "gas_recovery",
        "gas_holder",
        "gas_area",
        "oxygen_station",
        "pci",
        "hot_stove",
        "caster",
        "crane",
    }
    assert sum(h.kind == "converter" for h in cfg.hazard_sources) == 2
    for h in cfg.hazard_sources:
        assert h.tags and len(h.area) >= 3, h.name
        assert all(inside(p) for p in h.area), h.name
    hearth = [t for t in cfg.tags if re.match(r"BF1\.(HEARTH|STAVE)\.", t.name)]
    assert len(hearth) >= 8


# ---------------------------------------------------------------- Modbus


@pytest.mark.slow
def test_modbus_values_lie_in_their_ranges(plant):
    sim, cfg = plant
    names = [t.name for t in cfg.tags if isinstance(cfg.device(t.device), ModbusDevice)]
    values = _read_tags(cfg, names)
    checked = {}
    for t in cfg.tags:
        if t.name not in values:
            continue
        v = values[t.name]
        assert math.isfinite(v), t.name
        if tag_type(cfg, t) == "bool":
            assert v in (0.0, 1.0), t.name
            continue
        assert t.range is not None, t.name
        assert t.range[0] <= v <= t.range[1], (t.name, v, t.range)
        checked[(tag_type(cfg, t), t.word_order or cfg.device(t.device).word_order)] = t.name
    # every data type, in both word orders for 32-bit floats
    assert {ty for ty, _ in checked} >= {"int16", "uint16", "int32", "uint32", "float32", "float64"}
    assert ("float32", "big") in checked and ("float32", "little") in checked
    # the normal plant is quiet: steady values sit inside their alarm limits
    assert 180 < values["BF1.TOP.PRESSURE"] < 230
    assert all(values[n] < 24 for n in values if n.startswith("GAS.CO."))
    assert values["BF1.BLEEDER.INTERLOCK"] == 1.0


@pytest.mark.slow
def test_set_value_round_trips_exactly(plant):
    sim, cfg = plant
    forced = {
        "BF1.TOP.PRESSURE": 123.456,  # float32, big (device default)
        "BF1.STAVE.TC05": 87.25,  # float32, little (tag override on a big device)
        "PCI1.FILTER.TEMP.01": 71.7,  # float32, little (device default)
        "O2.HEADER.PRESSURE": 1.8765,  # float64, big (tag override on a little device)
        "GAS.CO.01": 87.3,  # int16, scale 0.1
        "O2.AMB.01": 20.87,  # uint16, scale 0.01
        "GH1.PISTON.TILT": 15.7,  # int32, scale 0.1
        "BF1.BLEEDER.INTERLOCK": 0.0,  # bit 3 of hr:50
        "GAS.ALARM.HORN": 1.0,  # coil
        "PCI1.EXPLOSION.VENT.OPEN": 1.0,  # discrete input
    }
    try:
        for name, v in forced.items():
            sim.set_value(name, v)
        got = _read_tags(cfg, [*forced, "BF1.TOP.PRESSURE.AUTO"])
        for name in ("BF1.TOP.PRESSURE", "BF1.STAVE.TC05", "PCI1.FILTER.TEMP.01"):
            assert got[name] == _f32(forced[name]), name
        assert got["O2.HEADER.PRESSURE"] == forced["O2.HEADER.PRESSURE"]
        for name in ("GAS.CO.01", "O2.AMB.01", "GH1.PISTON.TILT"):
            assert got[name] == pytest.approx(forced[name], abs=1e-9), name
        assert got["BF1.BLEEDER.INTERLOCK"] == 0.0
        assert got["BF1.TOP.PRESSURE.AUTO"] == 1.0  # the other bits of the word are untouched
        assert got["GAS.ALARM.HORN"] == 1.0
        assert got["PCI1.EXPLOSION.VENT.OPEN"] == 1.0
    finally:
        for name in forced:
            sim.set_value(name, None)
    released = _read_tags(cfg, ["BF1.BLEEDER.INTERLOCK", "GAS.ALARM.HORN", "PCI1.EXPLOSION.VENT.OPEN"])
    assert released == {"BF1.BLEEDER.INTERLOCK": 1.0, "GAS.ALARM.HORN": 0.0, "PCI1.EXPLOSION.VENT.OPEN": 0.0}


@pytest.mark.slow
def test_unknown_names_are_refused(plant):
    sim, _ = plant
    with pytest.raises(ValueError):
        sim.inject("meteor_strike")
    with pytest.raises(ValueError):
        sim.set_value("NO.SUCH.TAG", 1.0)
    with pytest.raises(ValueError):
        sim.silence("no_such_device")
    assert sim.alive
    assert set(INCIDENTS) == {
        "gas_leak",
        "lance_leak",
        "hearth_creep",
        "dust_smoulder",
        "detector_frozen",
        "detector_fault",
        "device_silent",
        "piston_tilt_growth",
        "detector_drift",
        "detector_spikes",
        "detector_dropout",
        "water_seal_blowthrough",
        "tuyere_leak",
        "hearth_bottom_creep",
        "stove_shell_hot_spot",
    }


# ---------------------------------------------------------------- OPC UA


@pytest.mark.slow
def test_opcua_namespace_and_values(plant):
    from asyncua import Client, ua

    sim, cfg = plant
    dev = cfg.device("bof_opc")
    sim.set_value("BOF2.LANCE.FLOW_IN", 201.5)

    async def go():
        c = Client(dev.endpoint, timeout=5)
        await c.connect()
        try:
            idx = await c.get_namespace_index(URI)
            assert idx not in (1, 2)
            flow = await c.get_node(ua.NodeId("BOF1.LANCE.FLOW_IN", idx)).read_data_value()
            forced = await c.get_node(ua.NodeId("BOF2.LANCE.FLOW_IN", idx)).read_value()
            lock = await c.get_node(ua.NodeId("BOF1.INTERLOCK.LANCE_RAISE", idx)).read_value()
            o2 = await c.get_node(ua.NodeId("BOF1.GAS.O2", idx)).read_value()
            return idx, flow, forced, lock, o2
        finally:
            await c.disconnect()

    try:
        idx, flow, forced, lock, o2 = asyncio.run(go())
    finally:
        sim.set_value("BOF2.LANCE.FLOW_IN", None)
    assert flow.Value.VariantType == ua.VariantType.Double
    assert 180 < flow.Value.Value < 400
    assert flow.SourceTimestamp is not None
    assert forced == 201.5
    assert lock is True
    assert 0 <= o2 < 1.6  # below the recovery-stop warning in normal operation
    assert dev.endpoint.startswith("opc.tcp://127.0.0.1:") and not dev.endpoint.startswith(
        "opc.tcp://127.0.0.1:0/"
    )


# ---------------------------------------------------------------- silence and incidents


@pytest.mark.slow
def test_silence_closes_connections_and_restarts_on_the_same_port(fast_plant):
    from asyncua import Client

    sim, cfg = fast_plant
    bf = cfg.device("bf_plc")
    opc = cfg.device("bof_opc")
    tag = next(t for t in cfg.tags if t.name == "BF1.TOP.PRESSURE")

    async def modbus_cycle():
        c = await _client(bf)
        try:
            assert 0 < await _read_tag(c, cfg, tag) < 300
            await asyncio.to_thread(sim.silence, "bf_plc")
            with pytest.raises(Exception):  # noqa: B017 - the open connection fails, whichever way
                r = await c.read_holding_registers(100, count=2, device_id=bf.unit)
                assert not r.isError()
        finally:
            c.close()
        fresh = AsyncModbusTcpClient(bf.host, port=bf.port, timeout=1, retries=0, reconnect_delay=0)
        assert not await fresh.connect()
        fresh.close()
        await asyncio.to_thread(sim.silence, "bf_plc", False)
        c = await _client(bf)  # same port as before
        try:
            assert 0 < await _read_tag(c, cfg, tag) < 300
        finally:
            c.close()

    async def opc_connects() -> bool:
        c = Client(opc.endpoint, timeout=2)
        try:
            await c.connect()
        except (TimeoutError, OSError):
            return False
        await c.disconnect()
        return True

    asyncio.run(modbus_cycle())
    sim.silence("bof_opc")
    assert not asyncio.run(opc_connects())
    sim.silence("bof_opc", False)
    assert asyncio.run(opc_connects())

    # the device_silent incident takes the steel-plant PLC off the network
    steel = cfg.device("steel_plc")
    sim.inject("device_silent")

    async def steel_connects() -> bool:
        c = AsyncModbusTcpClient(steel.host, port=steel.port, timeout=1, retries=0, reconnect_delay=0)
        ok = await c.connect()
        c.close()
        return ok

    assert not asyncio.run(steel_connects())
    sim.silence("steel_plc", False)
    assert asyncio.run(steel_connects())


@pytest.mark.slow
def test_gas_leak_spreads_over_neighbouring_detectors(fast_plant):
    sim, cfg = fast_plant
    detectors = [t.name for t in cfg.tags if t.unit == "ppm" and t.map is not None and "TUYERE" not in t.name]
    before = _read_tags(cfg, detectors)
    assert max(before.values()) < 24
    sim.inject("gas_leak")

    def risen():
        now = _read_tags(cfg, detectors)
        high = [n for n, v in now.items() if v >= 24]
        return high if len(high) >= 3 else None

    high = wait_until(risen, timeout=30, interval=0.2)
    assert len(high) >= 3


@pytest.mark.slow
def test_child_exits_when_its_parent_dies(tmp_path):
    import psutil

    code = (
        "import sys\n"
        "from demo.simulator import SimulatorProcess\n"
        f"sim = SimulatorProcess({str(DEMO)!r})\n"
        "sim.start()\n"
        "print(sim.pid, flush=True)\n"
        "sys.stdin.read()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env=env,
        text=True,
    )
    child_pid = None
    try:
        child_pid = int(parent.stdout.readline())
        child = psutil.Process(child_pid)
        assert child.is_running()
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)

        def gone():
            try:
                return not child.is_running() or child.status() == psutil.STATUS_ZOMBIE
            except psutil.NoSuchProcess:
                return True

        wait_until(gone, timeout=15, interval=0.1)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(5)
        if child_pid is not None:
            try:
                leftover = psutil.Process(child_pid)
                if leftover.is_running() and leftover.status() != psutil.STATUS_ZOMBIE:
                    leftover.kill()
            except psutil.NoSuchProcess:
                pass
        for f in (parent.stdin, parent.stdout):
            f.close()


def test_stop_is_idempotent_and_start_reports_bad_config(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "schema: 1\ndevices: []\ntags:\n  - {name: X, device: nowhere, address: 'hr:1'}\n", encoding="utf-8"
    )
    sim = SimulatorProcess(bad)
    with pytest.raises(Exception, match="bad.yaml"):
        sim.start()
    sim.stop()
    sim.stop()
    assert not sim.alive
    t0 = time.monotonic()
    with pytest.raises(ValueError):
        SimulatorProcess(DEMO, incidents=["volcano"])
    assert time.monotonic() - t0 < 1


# ---------------------------------------------------------------- the physics alone (no sockets)


def _alarm_hits(cfg, values) -> list[str]:
    hits = []
    for t, v in zip(cfg.tags, values, strict=True):
        a = t.alarms
        if a is None:
            continue
        if a.state is not None:
            if bool(v >= 0.5) == a.state:
                hits.append(t.name)
        elif (
            (a.HH is not None and v >= a.HH)
            or (a.H is not None and v >= a.H)
            or (a.LL is not None and v <= a.LL)
            or (a.L is not None and v <= a.L)
        ):
            hits.append(t.name)
    return hits


def test_normal_plant_is_quiet_for_a_simulated_shift():
    from demo.plant_physics import PlantPhysics

    cfg = load_config(DEMO)
    phys = PlantPhysics(cfg, seed=5)
    for _ in range(8 * 3600 // 10):
        hits = _alarm_hits(cfg, phys.step(10.0))
        assert not hits, (phys.t, hits)


@pytest.mark.slow
@pytest.mark.parametrize(
    "incident, tag",
    [
        ("gas_leak", "GAS.CO.13"),
        ("lance_leak", "BOF1.LANCE.FLOW_DIFF"),
        ("hearth_creep", "BF1.HEARTH.TC04"),
        ("dust_smoulder", "PCI1.FILTER.CO"),
    ],
)
def test_incidents_start_below_the_limit_and_grow_past_it(incident, tag):
    from demo.plant_physics import PlantPhysics

    cfg = load_config(DEMO)
    limit = next(t for t in cfg.tags if t.name == tag).alarms.H
    phys = PlantPhysics(cfg, seed=3)
    phys.step(60.0)
    phys.inject(incident)
    i = phys.index[tag]
    first = phys.step(10.0)[i]
    assert first < 0.8 * limit
    crossed = None
    for k in range(1, 6 * 60):  # one simulated hour in 10 s steps
        if phys.step(10.0)[i] >= limit:
            crossed = k * 10.0
            break
    assert crossed is not None and crossed >= 180.0, crossed  # minutes, not seconds
