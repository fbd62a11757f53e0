"""An on- or off-delay ends on a value that holds: a device that reports changes only (an OPC UA
subscription) or sends a value once and nothing after it still raises its alarm when the delay
has run out, stamped at the moment it ran out; a sample stamped before that moment, still on its
way, cancels it as before."""

from __future__ import annotations

import numpy as np
import pytest

from app.alarms.engine import AlarmEngine
from app.config import parse_config_text
from app.runtime.engine import Engine
from core.samples import Quality, SampleBatch
from tests.conftest import wait_until
from tests.helpers import plant, plant_yaml
from tests.servers import OpcUaServer

TAGS = """
- {name: T, device: d, address: "hr:0", alarms: {H: 5, deadband: 0.5, on_delay_s: 3, off_delay_s: 2}}
- {name: U, device: d, address: "hr:1"}
"""


def sample(eng: AlarmEngine, tag: int, t: float, v: float):
    return eng.evaluate(SampleBatch.build(np.array([tag], dtype=np.int32), t, np.array([v]), Quality.GOOD))


def test_an_on_delay_ends_on_the_held_value_at_the_moment_it_ran_out():
    eng = AlarmEngine(plant(TAGS))
    assert sample(eng, 0, 100.0, 6.0) == []  # above H: the on-delay starts
    assert sample(eng, 1, 102.0, 1.0) == []  # time passes on another tag: not due yet
    assert eng.tick(103.5) == []  # due at 103, but a sample stamped before 103 may still come
    (a,) = eng.tick(104.0)
    assert (a.key, a.active, a.ts, a.since) == ("T:H", True, 103.0, 103.0)


def test_a_sample_before_the_end_of_the_delay_still_cancels_it():
    eng = AlarmEngine(plant(TAGS))
    sample(eng, 0, 100.0, 6.0)
    assert sample(eng, 0, 102.5, 4.0) == []  # back below H before the delay ran out
    assert eng.tick(110.0) == []


def test_an_off_delay_ends_on_the_held_value_too():
    eng = AlarmEngine(plant(TAGS))
    sample(eng, 0, 100.0, 6.0)
    sample(eng, 0, 103.0, 6.0)  # the scan that ends the on-delay
    assert [a.active for a in eng.tick(103.0)] == []
    assert sample(eng, 0, 104.0, 3.0) == []  # cleared below H - deadband: the off-delay starts
    (a,) = eng.tick(107.0)
    assert (a.key, a.active, a.ts) == ("T:H", False, 106.0)


@pytest.mark.slow
def test_a_constant_value_of_an_opc_ua_subscription_raises_its_delayed_alarm():
    """Over a real asyncua server: the value crosses H once and stays; the subscription reports
    that one change and nothing after it; the alarm comes when the on-delay has run out."""
    srv = OpcUaServer(["A"]).start()
    try:
        srv.set("A", 1.0)
        text = plant_yaml(
            f"""
            - {{name: A, device: ua, address: "nsu={srv.uri};s=A",
               alarms: {{H: 5, deadband: 0.5, on_delay_s: 1}}}}
            """,
            devices=f"""
            - {{name: ua, protocol: opcua, endpoint: "{srv.endpoint}", scan_ms: 100, mode: subscription,
               timeout_ms: 500}}
            """,
        )
        eng = Engine(parse_config_text(text), backoff_cap=0.5)
        eng.start()
        try:
            wait_until(lambda: eng.latest().value[0] == 1.0)
            srv.set("A", 7.0)
            wait_until(lambda: eng.latest().value[0] == 7.0)
            wait_until(lambda: any(a.key == "A:H" for a in eng.active_alarms()), timeout=10)
        finally:
            eng.stop()
    finally:
        srv.lt.close()
