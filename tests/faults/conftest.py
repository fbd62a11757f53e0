"""Shared pieces of the fault tests: small plants over real sockets, a recorder of what the
engine publishes, and reads of what the history holds."""

from __future__ import annotations

import sqlite3
import time
from collections import defaultdict

import numpy as np
import pytest

from core.samples import Quality
from tests import helpers
from tests.servers import ModbusServer

SCAN_MS = 100
TIMEOUT_MS = 300


def modbus_plant(
    devices: dict[str, int],
    tags_per_device: int = 4,
    *,
    scan_ms: int = SCAN_MS,
    timeout_ms: int = TIMEOUT_MS,
    enabled: bool = True,
) -> str:
    """A plant YAML with one Modbus device per (name, port) and `tags_per_device` uint16 tags
    on consecutive holding registers, named DEVICE.Tn."""
    devs = [
        f"{{name: {name}, protocol: modbus-tcp, host: 127.0.0.1, port: {port}, unit: 1,"
        f" scan_ms: {scan_ms}, timeout_ms: {timeout_ms}, enabled: {str(enabled).lower()}}}"
        for name, port in devices.items()
    ]
    tags = [
        f'{{name: {name}.T{i}, device: {name}, address: "hr:{i}"}}'
        for name in devices
        for i in range(tags_per_device)
    ]
    return helpers.plant_yaml(tags, devices=devs, name="Fault test")


class Recorder(helpers.Recorder):
    """What the engine publishes, and per device its scans: (arrival, sample time, best quality)."""

    def __init__(self, config):
        super().__init__()
        self.device_of = np.array([t.device for t in config.tags])
        self.scans: dict[str, list[tuple[float, float, int]]] = defaultdict(list)

    def on_samples(self, b):
        now = time.time()
        with self.lock:
            for dev in set(self.device_of[b.tag].tolist()):
                sel = self.device_of[b.tag] == dev
                self.scans[dev].append((now, float(b.ts[sel].max()), int(b.quality[sel].max())))

    def good_scans(self, dev: str, t0: float, t1: float) -> int:
        with self.lock:
            return len({ts for _, ts, q in self.scans[dev] if t0 <= ts <= t1 and q == Quality.GOOD})


def history_rows(db_path, tag_prefix: str) -> list[tuple[float, float | None, int]]:
    """(time s, value, quality) of every stored sample of tags whose name starts with the prefix."""
    with sqlite3.connect(db_path, timeout=10) as c:
        rows = c.execute(
            "SELECT s.ts, s.value, s.quality FROM samples s JOIN tags t ON t.id = s.tag_id "
            "WHERE t.name LIKE ? ORDER BY s.ts",
            (tag_prefix + "%",),
        ).fetchall()
    return [(ts / 1000.0, v, q) for ts, v, q in rows]


@pytest.fixture
def modbus_servers():
    """Start pymodbus servers on demand; all closed at the end."""
    started: list[ModbusServer] = []

    def make() -> ModbusServer:
        srv = ModbusServer().start()
        started.append(srv)
        return srv

    yield make
    for srv in started:
        srv.close()
