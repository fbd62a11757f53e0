"""`python main.py simulate` on a port another program holds: the port and its holder are named,
exit 2, no traceback (through the real command line)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from demo.sim_servers import port_holder
from tests.helpers import plant_yaml

ROOT = Path(__file__).resolve().parent.parent


def plant(protocol: str, port: int) -> str:
    if protocol == "modbus-tcp":
        dev = f"{{name: plc, protocol: modbus-tcp, host: 127.0.0.1, port: {port}}}"
        tag = '{name: T, device: plc, address: "hr:0"}'
    else:
        dev = f'{{name: ua, protocol: opcua, endpoint: "opc.tcp://127.0.0.1:{port}/x/"}}'
        tag = '{name: T, device: ua, address: "ns=2;s=T"}'
    return plant_yaml(tag, devices=dev, name="Busy")


@pytest.mark.slow
@pytest.mark.parametrize("protocol", ["modbus-tcp", "opcua"])
def test_simulate_on_a_busy_port_names_it_and_exits_2(tmp_path, protocol):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        cfg = tmp_path / "plant.yaml"
        cfg.write_text(plant(protocol, port), encoding="utf-8")
        r = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "simulate", "--config", str(cfg)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "FOREWARN_DATA_DIR": str(tmp_path / "data")},
            cwd=ROOT,
        )
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert f"port {port}" in r.stderr and "already in use" in r.stderr
    # this test's own process holds it: found by psutil
    assert f"(pid {os.getpid()})" in r.stderr


def test_port_holder_falls_back_to_another_program():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]  # bound, not listening: nobody listens on it
    assert port_holder(free) == "another program"


def test_simulate_with_an_unknown_incident_names_the_known_ones_and_exits_2():
    r = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "simulate", "--incident", "no_such_thing"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "unknown incident 'no_such_thing'" in r.stderr and "gas_leak" in r.stderr
