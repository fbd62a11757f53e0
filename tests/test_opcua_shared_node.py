"""Several tags on one OPC UA node: each of them gets every value and every quality change, in
subscription and poll modes, over a real asyncua server on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.config import parse_config_text
from app.runtime.engine import Engine
from core.samples import Quality
from tests.conftest import wait_until
from tests.helpers import plant_yaml
from tests.servers import OpcUaServer


def latest(engine, name):
    i = engine.config.tag_index()[name]
    snap = engine.latest()
    return snap.value[i], snap.quality[i]


def set_status(srv: OpcUaServer, name: str, value: float, status) -> None:
    from asyncua import ua

    now = datetime.now(UTC)
    dv = ua.DataValue(
        ua.Variant(float(value), ua.VariantType.Double),
        StatusCode=ua.StatusCode(status),
        SourceTimestamp=now,
        ServerTimestamp=now,
    )
    srv.lt.call(srv.vars[name].write_value(dv))


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["subscription", "poll"])
def test_two_tags_on_one_node_both_get_values_and_qualities(mode):
    from asyncua import ua

    srv = OpcUaServer(["A", "B"]).start()
    try:
        srv.set("A", 7.0)
        text = plant_yaml(
            f"""
            - {{name: A.RAW, device: ua, address: "nsu={srv.uri};s=A"}}
            - {{name: B, device: ua, address: "nsu={srv.uri};s=B"}}
            - {{name: A.SCALED, device: ua, address: "ns={srv.idx};s=A", scale: 10}}
            """,
            devices=f"""
            - {{name: ua, protocol: opcua, endpoint: "{srv.endpoint}", scan_ms: 100, mode: {mode},
               timeout_ms: 500}}
            """,
        )
        eng = Engine(parse_config_text(text), backoff_cap=0.5)
        eng.start()
        try:
            wait_until(lambda: latest(eng, "A.RAW") == (7.0, Quality.GOOD))
            wait_until(lambda: latest(eng, "A.SCALED") == (70.0, Quality.GOOD))
            srv.set("A", 8.0)
            wait_until(lambda: latest(eng, "A.RAW") == (8.0, Quality.GOOD))
            wait_until(lambda: latest(eng, "A.SCALED") == (80.0, Quality.GOOD))
            set_status(srv, "A", 9.0, ua.StatusCodes.UncertainLastUsableValue)
            wait_until(lambda: latest(eng, "A.RAW") == (9.0, Quality.UNCERTAIN))
            wait_until(lambda: latest(eng, "A.SCALED") == (90.0, Quality.UNCERTAIN))
            srv.lt.call(srv.server.stop())
            wait_until(lambda: latest(eng, "A.RAW")[1] == Quality.BAD, timeout=5)
            wait_until(lambda: latest(eng, "A.SCALED")[1] == Quality.BAD, timeout=5)
            assert latest(eng, "B")[1] == Quality.BAD
        finally:
            eng.stop()
    finally:
        srv.lt.close()
