"""The regulator link against a real receiving platform over HTTPS on 127.0.0.1: exactly once and
in order after an outage, refusals raise a SYSTEM alarm naming the point, a slow platform gets
one request at a time at a bounded rate with live data first, and a crash mid-send loses and
doubles nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from app.uplink.link import LINK_ALARM_KEY, refused_key
from storage.uplink_queue import QueueState, UplinkQueue
from tests.uplink_fixtures import T0, Rig, rig_fixtures, wait_until

clock, rig = rig_fixtures()


def _run(rig, clock, t_end: float, step_s: float = 10.0, on=None) -> None:
    """Feed samples every `step_s` of plant time and let the link take its rounds."""
    while clock.t < t_end:
        clock.t += step_s
        if on is not None:
            on(clock.t)
        rig.samples(clock.t)
        rig.link.step()


@pytest.mark.slow
def test_an_hour_long_outage_arrives_exactly_once_in_order(rig, clock):
    """Two hours of plant time on an accelerated clock, the platform gone for the middle hour."""
    rig.link.queue_static()
    outage = (T0 + 30 * 60, T0 + 90 * 60)

    def cut(t):
        if t == outage[0]:
            rig.platform.away()
        elif t == outage[1]:
            rig.platform.back()  # the link notices within its retry time (real seconds)
            wait_until(lambda: rig.link.step() is not None and rig.link.sender.up, what="the link up again")

    _run(rig, clock, T0 + 7200, on=cut)
    rig.link.start()
    wait_until(lambda: rig.link.store.backlog()[0] == 0, what="the backlog delivered")

    got = rig.platform.of_kind("realtime")
    times = [r["cjsj"] / 1000 for _, r in got]
    assert len(times) == 120 == len(set(times))  # every minute of the two hours, once
    assert len({m for m, _ in got}) == 120
    late = [t for t in times if outage[0] <= t <= outage[1]]
    on_time = [t for t in times if not outage[0] <= t <= outage[1]]
    assert late == sorted(late) and on_time == sorted(on_time)  # each lane in order
    assert len(late) == 61  # 0:30 to 1:30: queued before the link was up again
    assert rig.platform.duplicates == 0

    health = rig.link.health(T0 + 1, T0 + 7201)  # the boundaries 00:01 .. 02:00
    assert health.backlog == 0
    for p in health.points:
        assert p.expected == 120 and p.delivered == 120
        assert p.completeness == 1.0
        assert p.online_rate == pytest.approx(59 / 120)  # the outage's hour was late
    assert health.online_rate == pytest.approx(59 / 120)


def test_refused_point_raises_a_system_alarm_naming_it_and_clears_when_accepted(rig, clock):
    rig.platform.refuse_point = "530100GA0001"
    _run(rig, clock, T0 + 60)
    assert rig.platform.refused
    raised = [c for c in rig.link.alarms if c.key == refused_key("530100GA0001")]
    assert raised and raised[-1].active and raised[-1].kind == "SYSTEM"
    assert "GAS.CO.01" in raised[-1].message and raised[-1].tag == 1
    rig.link.step()  # the other points of the refused snapshot, sent again
    assert rig.link.store.backlog()[0] == 0  # refused is an answer, not a drop: kept as refused
    assert rig.link.store.refused(T0, T0 + 3600)
    rig.platform.refuse_point = None
    _run(rig, clock, T0 + 120)
    assert not rig.link.alarms[-1].active and rig.link.alarms[-1].key == refused_key("530100GA0001")


def test_a_snapshot_refused_for_one_point_is_resent_with_the_others(rig, clock):
    rig.platform.refuse_point = "530100GA0001"
    _run(rig, clock, T0 + 60)
    rig.link.step()  # the resend, queued as the refusal came
    (snap,) = [r for _, r in rig.platform.of_kind("realtime")]
    assert snap["cjsj"] / 1000 == T0 + 60  # the refused minute, for the others
    assert sorted(v["cgqbm"] for v in snap["data"]) == ["530100BF0001", "530100GA0002"]
    assert rig.link.store.backlog()[0] == 0
    health = {p.code: p for p in rig.link.health(T0 + 1, T0 + 61).points}
    assert health["530100GA0001"].delivered == 0
    assert health["530100BF0001"].delivered == health["530100GA0002"].delivered == 1


def test_bad_signature_is_refused_and_alarmed(tmp_path, clock):
    rig = Rig(tmp_path, clock)
    try:
        rig.link.envelope.sealer.secret = b"not the issued secret"
        _run(rig, clock, T0 + 60)
        assert not rig.platform.received
        assert any(c.active and "bad signature" in c.message for c in rig.link.alarms)
    finally:
        rig.close()


def test_link_down_longer_than_its_limit_alarms(rig, clock):
    rig.platform.away()
    _run(rig, clock, T0 + 9 * 60)
    assert not any(c.key == LINK_ALARM_KEY for c in rig.link.alarms)
    _run(rig, clock, T0 + 12 * 60)
    assert [c.active for c in rig.link.alarms if c.key == LINK_ALARM_KEY] == [True]
    rig.platform.back()
    wait_until(lambda: rig.link.step() is not None and rig.link.store.backlog()[0] == 0, what="delivery")
    assert [c.active for c in rig.link.alarms if c.key == LINK_ALARM_KEY] == [True, False]


@pytest.mark.slow
def test_slow_platform_one_request_at_a_time_bounded_catch_up_live_first(tmp_path, clock):
    rig = Rig(tmp_path, clock, extra="  catchup_per_s: 20\n")
    try:
        rig.platform.away()
        _run(rig, clock, T0 + 40 * 60, step_s=20)  # 40 snapshots wait
        n_backlog = rig.link.store.backlog()[0]
        assert n_backlog == 40
        rig.platform.delay_s = 0.01
        rig.platform.back()
        rig.link.start()
        wait_until(lambda: len(rig.platform.received) >= 5, what="catch-up under way")
        clock.t += 60
        rig.samples(clock.t)  # live data during the catch-up
        wait_until(lambda: rig.link.store.backlog()[0] == 0, what="catch-up done")
        times = [r["cjsj"] / 1000 for _, r in rig.platform.of_kind("realtime")]
        live = times.index(T0 + 41 * 60)
        assert live < len(times) - 5  # live went ahead of the rest of the backlog
        assert rig.platform.max_in_flight == 1
        arrivals = rig.platform.arrivals[1:]  # the first went as the probe
        rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
        assert rate <= 20 * 1.25
    finally:
        rig.close()


CHILD = """
import sys, time
from app.config import parse_config_text
from app.config.secrets import SecretStore
from app.uplink.build import build_uplink
from storage.schema import make_engine
cfg = parse_config_text(open(sys.argv[1]).read())
link = build_uplink(cfg, make_engine(sys.argv[2]), secret_store=SecretStore(sys.argv[3]), retry_s=0.02, retry_cap_s=0.1)
link.start()
print("started", flush=True)
time.sleep(60)
"""


@pytest.mark.slow
def test_a_crash_mid_send_loses_nothing_and_doubles_nothing(tmp_path, clock):
    from tests.uplink_fixtures import uplink_yaml

    rig = Rig(tmp_path, clock)
    try:
        queue = UplinkQueue(rig.db)
        ids = [
            queue.enqueue(f"m{i:03d}", "response", T0 + i, _response(i), ["530100GA0001"]) for i in range(30)
        ]
        rig.link.queue_static()  # base data and catalogue queued: the child queues none
        (tmp_path / "plant.yaml").write_text(uplink_yaml(rig.platform.url, rig.ca))
        rig.platform.answer_delay_s = 0.05  # kept, then the answer: a kill lands between them
        script = tmp_path / "child.py"
        script.write_text(textwrap.dedent(CHILD))
        args = [
            sys.executable,
            str(script),
            str(tmp_path / "plant.yaml"),
            str(rig.db.url),
            str(tmp_path / "secrets.yaml"),
        ]
        env = {**os.environ, "PYTHONPATH": os.getcwd()}
        child = subprocess.Popen(args, stdout=subprocess.PIPE, env=env)
        wait_until(lambda: len(rig.platform.received) >= 10, what="half the queue received")
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        child.stdout.close()
        sent_before = len(rig.platform.received)
        assert sent_before < len(ids) + 2
        rig.platform.answer_delay_s = 0.0
        link = rig.build()
        link.start()
        try:
            wait_until(lambda: queue.backlog()[0] == 0, what="the rest delivered")
        finally:
            link.stop()
        got = [m for _, m, _ in rig.platform.received if m.startswith("m")]
        assert got == [f"m{i:03d}" for i in range(30)]  # once each, in order
        assert rig.platform.duplicates <= 1  # the message whose answer the kill cut off
        with rig.db.connect() as conn:
            states = [r[0] for r in conn.exec_driver_sql("SELECT state FROM uplink_queue")]
        assert set(states) <= {QueueState.DELIVERED, QueueState.DUPLICATE}
    finally:
        rig.close()


def _response(i: int) -> dict:
    return {
        "enterprise_code": "91530100TEST", "alarm_id": f"a{i}", "point_code": "530100GA0001", "cause": "c",
        "measure": "m", "person": "op", "time": int((T0 + i) * 1000),
    }  # fmt: skip


def test_untrusted_certificate_is_not_talked_to(tmp_path, clock):
    from tests.uplink_platform import make_ca_and_server

    rig = Rig(tmp_path, clock)
    try:
        other_ca, _, _ = make_ca_and_server(tmp_path / "other")
        cfg = rig.cfg.model_copy(
            update={"uplink": rig.cfg.uplink.model_copy(update={"ca_file": str(other_ca)})}
        )
        rig.cfg = cfg
        rig.link.stop()
        rig.link = rig.build()
        _run(rig, clock, T0 + 60)
        assert rig.platform.requests == 0
        assert "CERTIFICATE_VERIFY_FAILED" in rig.link.sender.last_error
    finally:
        rig.close()


def test_the_link_refuses_plain_http_beyond_this_machine():
    from app.uplink.transport import HttpTransport

    with pytest.raises(ValueError, match="https"):
        HttpTransport("http://192.0.2.1/api")
    _ = time  # monotonic waits only


def test_a_refusal_reaches_the_engine_as_a_system_alarm(tmp_path, clock):
    from app.runtime.engine import Engine

    rig = Rig(tmp_path, clock)
    try:
        engine = Engine(rig.cfg, clock=None)
        rig.link.engine = engine
        rig.platform.refuse_point = "530100BF0001"
        _run(rig, clock, T0 + 60)
        (a,) = [a for a in engine.active_alarms() if a.key == refused_key("530100BF0001")]
        assert a.kind == "SYSTEM" and a.active and a.source == "BF1.T.01" and "BF1.T.01" in a.message
    finally:
        rig.close()
