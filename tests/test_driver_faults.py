"""Devices that answer, but not as they should, over real sockets on 127.0.0.1: junk bytes,
undecodable frames, Modbus exception replies, short replies, replies with another function
code. None of them is stored as good data, none goes unlogged, none makes the communication
alarm chatter, and pymodbus's frame errors print no traceback."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import struct

import pytest

from app.config import parse_config_text
from app.runtime.engine import Engine
from core.samples import DeviceState, DeviceStatus, Quality
from devices.base import RESTORE_AFTER
from storage.history import History
from tests.conftest import wait_until
from tests.helpers import Recorder, plant_yaml
from tests.servers import TcpServer

JUNK = (
    b"\xde\xad\xbe\xef junk junk\r\n",  # not even an MBAP header: pymodbus drops it, the read times out
    None,  # an MBAP frame with an unknown function code: pymodbus's framer raises in data_received
    None,  # a frame whose byte count runs past its length: the same
)


class RawModbusServer(TcpServer):
    """A TCP server that writes raw MBAP frames: good registers (value 7), an exception, a short
    reply, another function code, or junk, as `mode` says at the time of each request."""

    def __init__(self):
        super().__init__()
        self.mode = "good"
        self.exception_code = 2
        self.connections = 0
        self.connected_at: list[float] = []
        self.requests = 0
        self.good_served = 0  # good replies since the mode last changed

    def set_mode(self, mode: str) -> None:
        self.mode, self.good_served = mode, 0

    def _reply(self, tid: int, unit: int, fc: int, count: int, conn: int) -> bytes:
        def frame(pdu: bytes) -> bytes:
            return struct.pack(">HHHB", tid, 0, len(pdu) + 1, unit) + pdu

        if self.mode == "good":
            self.good_served += 1
            return frame(bytes([fc, 2 * count]) + b"\x00\x07" * count)
        if self.mode == "exception":
            return frame(bytes([fc | 0x80, self.exception_code]))
        if self.mode == "short":
            return frame(bytes([fc, 2 * (count - 1)]) + b"\x00\x07" * (count - 1))
        if self.mode == "wrongfc":
            return frame(bytes([4 if fc == 3 else 3, 2 * count]) + b"\x00\x07" * count)
        kind = conn % len(JUNK)  # junk: a different kind on each connection
        if kind == 0:
            return JUNK[0]
        if kind == 1:
            return frame(bytes([0x63, 1]))
        return frame(bytes([fc, 200, 0]))

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        import time

        self.connections += 1
        self.connected_at.append(time.monotonic())
        conn = self.connections
        self._writers.add(writer)
        try:
            while True:
                tid, _pid, length, unit = struct.unpack(">HHHB", await reader.readexactly(7))
                pdu = await reader.readexactly(length - 1)
                self.requests += 1
                _addr, count = struct.unpack(">HH", pdu[1:5])
                writer.write(self._reply(tid, unit, pdu[0], count, conn))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()


@pytest.fixture
def raw_server():
    srv = RawModbusServer().start()
    yield srv
    srv.close()


def plant(port: int) -> str:
    return plant_yaml(
        """
        - {name: A, device: plc, address: "hr:0"}
        - {name: B, device: plc, address: "hr:1"}
        """,
        devices=f"""
        - {{name: plc, protocol: modbus-tcp, host: 127.0.0.1, port: {port}, unit: 1, scan_ms: 100,
           timeout_ms: 300}}
        """,
    )


def latest(engine, name):
    i = engine.config.tag_index()[name]
    snap = engine.latest()
    return snap.value[i], snap.quality[i]


class StatusLog(Recorder):
    """A recorder that also notes how many good replies the server had sent at each status."""

    def __init__(self, srv: RawModbusServer):
        super().__init__()
        self.srv = srv
        self.good_at_connected: list[int] = []

    def on_device(self, s):
        super().on_device(s)
        if s.state == DeviceState.CONNECTED:
            self.good_at_connected.append(self.srv.good_served)


def comm_rows(db) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute(
            "SELECT state, active FROM alarm_events WHERE key = 'plc:COMM' ORDER BY id"
        ).fetchall()


@pytest.mark.slow
def test_junk_server_raises_comm_once_backs_off_and_prints_no_traceback(raw_server, tmp_path, caplog, capfd):
    caplog.set_level(logging.INFO)
    raw_server.set_mode("junk")
    cfg = parse_config_text(plant(raw_server.port))
    db = tmp_path / "h.db"
    hist = History(f"sqlite:///{db}", cfg.tags, flush_s=0.05)
    eng = Engine(cfg, hist, backoff_cap=2.0)
    rec = Recorder()
    eng.add_listener(rec)
    eng.start()
    try:
        # every kind of junk, several times over; the backoff grows to its cap meanwhile
        wait_until(lambda: raw_server.connections >= 6, timeout=40)
        status = eng.device_status()["plc"]
        assert status.state == DeviceState.DISCONNECTED and status.error
        assert latest(eng, "A")[1] == Quality.BAD
    finally:
        eng.stop()
    # raised once, never cleared: a TCP connect is not a reply
    assert [a.active for a in rec.alarms if a.key == "plc:COMM"] == [True]
    assert len(comm_rows(db)) <= 2
    assert comm_rows(db)[0][1] == 1
    # the backoff was not reset by the connects: the gaps grow (0.5, 1, 2 s + the read timeout)
    t = raw_server.connected_at
    gaps = [b - a for a, b in zip(t, t[1:], strict=False)]
    assert max(gaps[2:]) > 1.8 and max(gaps[2:]) > 1.5 * gaps[0], gaps
    # frame errors are ours, at WARNING, and no traceback anywhere
    assert any(r.levelno == logging.WARNING and "undecodable reply" in r.getMessage() for r in caplog.records)
    assert "Traceback" not in caplog.text
    assert not any(r.exc_info for r in caplog.records if r.name == "asyncio")
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mode", "mark", "text"),
    [
        ("exception", "EXC 02", "hr:0+2: exception reply 2 (illegal data address)"),
        ("short", "SHORT", "hr:0+2: wrong reply length: 1 registers for 2"),
        ("wrongfc", "FC 04", "function code 4 to a request with function code 3"),
    ],
)
def test_unusable_replies_are_bad_logged_once_and_shown_on_the_badge(raw_server, caplog, mode, mark, text):
    caplog.set_level(logging.INFO)
    raw_server.set_mode(mode)
    eng = Engine(parse_config_text(plant(raw_server.port)), backoff_cap=0.5)
    rec = Recorder()
    eng.add_listener(rec)
    eng.start()
    try:
        wait_until(lambda: eng.device_status()["plc"].warning == mark)
        status = eng.device_status()["plc"]
        assert status.state == DeviceState.CONNECTED and text in status.warning_text
        start = raw_server.requests
        wait_until(lambda: raw_server.requests >= start + 10)  # ten more scans
        assert latest(eng, "A")[1] == Quality.BAD and latest(eng, "B")[1] == Quality.BAD
        raw_server.set_mode("good")
        wait_until(lambda: latest(eng, "A") == (7.0, Quality.GOOD))
        wait_until(lambda: eng.device_status()["plc"].warning == "")
    finally:
        eng.stop()
    warned = [r for r in caplog.records if r.levelno == logging.WARNING and text in r.getMessage()]
    assert len(warned) == 1  # once per change, not per scan
    assert any("usable again" in r.getMessage() for r in caplog.records)
    assert not [a for a in rec.alarms if a.key == "plc:COMM"]  # the device does answer
    assert all(s.state != DeviceState.DISCONNECTED for s in rec.status)


@pytest.mark.slow
def test_comm_alarm_clears_only_after_good_replies_have_held(raw_server):
    eng = Engine(parse_config_text(plant(raw_server.port)), backoff_cap=0.5)
    rec = StatusLog(raw_server)
    eng.add_listener(rec)
    eng.start()
    try:
        wait_until(lambda: latest(eng, "A") == (7.0, Quality.GOOD))
        assert rec.good_at_connected == [1]  # the first reply connects a device that never failed
        raw_server.set_mode("junk")
        wait_until(lambda: any(a.key == "plc:COMM" and a.active for a in rec.alarms), timeout=5)
        raw_server.set_mode("good")
        wait_until(lambda: any(a.key == "plc:COMM" and not a.active for a in rec.alarms), timeout=10)
        assert eng.device_status()["plc"].state == DeviceState.CONNECTED
    finally:
        eng.stop()
    assert rec.good_at_connected[1] >= RESTORE_AFTER
    assert [a.active for a in rec.alarms if a.key == "plc:COMM"] == [True, False]


def test_badge_shows_the_mark_in_amber_with_the_text_in_its_tooltip(qtbot):
    from widgets.status import DeviceBadge

    badge = DeviceBadge("plc1")
    qtbot.addWidget(badge)
    badge.set_status(
        DeviceStatus(
            "plc1",
            DeviceState.CONNECTED,
            1.0,
            warning="EXC 02",
            warning_text="hr:0: exception 2 (illegal ...)",
        )
    )
    assert badge.property("state") == "warn" and "EXC 02" in badge.text()
    assert "exception 2" in badge.toolTip()
    badge.set_status(DeviceStatus("plc1", DeviceState.CONNECTED, 2.0))
    assert badge.property("state") == "ok" and "EXC" not in badge.text() + badge.toolTip()
    badge.set_status(DeviceStatus("plc1", DeviceState.DISCONNECTED, 3.0, "timeout", warning="EXC 02"))
    assert badge.property("state") == "fail"  # a lost link outranks a bad reply


def test_connection_test_of_a_junk_device_fails_without_a_traceback(raw_server, caplog, capfd):
    from devices.probe import test_connection

    raw_server.set_mode("junk")  # the first connection gets a frame with an unknown function code
    device = parse_config_text(plant(raw_server.port)).devices[0]
    ok, _ms, message = asyncio.run(test_connection(device))
    assert not ok and message
    assert any("undecodable Modbus reply" in r.getMessage() for r in caplog.records)
    assert "Traceback" not in caplog.text and "Traceback" not in capfd.readouterr().err


def test_connection_test_refuses_a_reply_with_another_function_code(raw_server):
    from devices.probe import test_connection

    raw_server.set_mode("wrongfc")
    device = parse_config_text(plant(raw_server.port)).devices[0]
    ok, _ms, message = asyncio.run(test_connection(device))
    assert not ok and "function code 4 to a request with function code 3" in message
