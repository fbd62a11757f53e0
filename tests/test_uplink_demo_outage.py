"""The regulator link on the demo plant: the simulator in its own process at x120, the real
engine with a fresh SQLite history and the link attached with the demo catalogue
(resources/uplink/), the test platform over HTTPS with a CA made here. The platform is cut for a
plant hour and comes back: every message arrives once, each lane in order, the alarms raised
during the outage arrive after it, and the online rate shows the hour's gap.

x120 keeps the run under a minute of wall time (5 + 60 + 5 plant minutes = 35 s) while a
snapshot still comes every half wall second, well apart from the link's round trips; the
engine scans the simulator every 100 ms (accelerated_config's floor)."""

from __future__ import annotations

import json

import pytest
import yaml
from sqlalchemy import select

from app.config import demo_config_path, dump_config, load_config
from app.runtime.engine import Engine
from app.uplink.build import attach_uplink, detach_uplink
from app.uplink.profile import UPLINK_RESOURCES, load_profile
from cli.commands import plant_clock
from demo.simulator import SimulatorProcess, accelerated_config
from storage.history import History
from storage.uplink_queue import DONE, uplink_queue
from tests.uplink_fixtures import secret_store, wait_until
from tests.uplink_platform import Platform

SPEED = 120.0
BEFORE_S, OUTAGE_S, AFTER_S = 5 * 60, 60 * 60, 5 * 60  # plant seconds
HOT = "BF1.BLAST.TEMP"  # raised to H and HH during the outage; DEMOBF10005 in the catalogue
HOT_CODE = "DEMOBF10005"


def demo_plant_with_link(sim_cfg, platform: Platform, tmp_path):
    """The simulator's demo plant (its ports) with the shipped demo link, enabled towards `platform`."""
    data = yaml.safe_load(dump_config(sim_cfg))
    link = yaml.safe_load((UPLINK_RESOURCES / "demo_uplink.yaml").read_text(encoding="utf-8"))["uplink"]
    link |= {
        "enabled": True, "endpoint": platform.url, "ca_file": str(platform.ca),
        "points_csv": str(UPLINK_RESOURCES / "demo_points.csv"),
    }  # fmt: skip
    data["uplink"] = link
    data["plant"]["map"] = str(demo_config_path().parent / "plant_map.svg")
    path = tmp_path / "plant.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return accelerated_config(load_config(path), SPEED)


def queued(db) -> list[dict]:
    with db.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(uplink_queue).order_by(uplink_queue.c.id))]


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_an_hour_cut_on_the_demo_plant_arrives_once_in_order_and_shows_in_the_online_rate(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("FOREWARN_DATA_DIR", str(tmp_path))
    secret_store(tmp_path, "demo")  # the names demo_uplink.yaml gives
    platform = Platform(load_profile("steel"), tmp_path / "certs").start()
    sim = SimulatorProcess(demo_config_path(), speed=SPEED, ephemeral_ports=True, seed=5)
    history = engine = link = None
    try:
        cfg = demo_plant_with_link(sim.start(), platform, tmp_path)
        sim.set_value(HOT, 1200.0)
        clock = plant_clock(sim)
        history = History(f"sqlite:///{tmp_path / 'history.db'}", cfg.tags)
        engine = Engine(cfg, history, clock=clock)
        engine.start()
        link = attach_uplink(cfg, engine, history, retry_s=0.05, retry_cap_s=0.5)
        assert link is not None
        t_start = clock.now()

        def plant_at(t: float) -> None:
            wait_until(lambda: clock.now() >= t, timeout=(t - clock.now()) / SPEED + 10, what=f"plant {t}")

        plant_at(t_start + BEFORE_S)
        wait_until(lambda: link.store.backlog()[0] == 0, what="the link delivering before the cut")
        platform.away()
        cut = clock.now()
        plant_at(cut + 10 * 60)
        sim.set_value(HOT, 1350.0)  # H and HH while the platform is gone
        wait_until(
            lambda: {a.key for a in engine.active_alarms() if a.active} >= {f"{HOT}:H", f"{HOT}:HH"},
            what="the hot-blast alarms",
        )
        plant_at(cut + 30 * 60)
        sim.set_value(HOT, 1200.0)
        plant_at(cut + OUTAGE_S)
        arrived_before = len(platform.received)
        platform.back()
        back = clock.now()
        plant_at(back + AFTER_S)
        wait_until(lambda: link.store.backlog()[0] == 0, what="the outage caught up")
        health = link.health(t_start, clock.now())
        caught_up_to = link.sender.catchup_to  # the last message queued before the link was up again
    finally:
        if engine is not None:
            detach_uplink(engine, link)
            engine.stop()
        if history is not None:
            history.stop()
        sim.stop()
        platform.stop()

    rows = queued(history.engine)
    assert rows and all(r["state"] in DONE for r in rows)
    got = [m for _, m, _ in platform.received]
    assert sorted(got) == sorted(r["msg_id"] for r in rows)  # every message, once
    assert len(got) == len(set(got)) and platform.duplicates == 0 and not platform.refused
    order = {m: i for i, m in enumerate(got)}

    # the lanes: queued before the link was up again (the backlog), and after (live)
    backlog = [r for r in rows if r["id"] <= caught_up_to]
    live = [r for r in rows if r["id"] > caught_up_to]
    for lane in (backlog, live):
        assert [order[r["msg_id"]] for r in lane] == sorted(order[r["msg_id"]] for r in lane)
    away = [r for r in rows if cut * 1000 <= r["created"] < back * 1000]
    snaps = [r for r in away if r["kind"] == "realtime"]
    assert OUTAGE_S / 60 - 2 <= len(snaps) <= OUTAGE_S / 60 + 1  # a snapshot a minute of the hour

    alarms = [json.loads(r["body"]) for r in away if r["kind"] == "alarm"]
    hot = [(a["alarm_id"], a["event"]) for a in alarms if a["point_code"] == HOT_CODE]
    assert {e for _, e in hot} == {"start", "end"} and len(
        {i for i, _ in hot}
    ) == 2  # H and HH, begun and ended
    assert all(order[r["msg_id"]] >= arrived_before for r in away)  # none reached it while it was away

    # the online rate: the hour's snapshots were delivered, late
    late = [r for r in rows if r["kind"] == "realtime" and r["sent"] - r["data_ts"] > 120_000]
    assert len(snaps) - 2 <= len(late) <= len(snaps) + 2
    n = health.points[0].expected
    reporting = [p for p in health.points if p.delivered >= n - 2]  # held frozen, HOT went to fault
    assert len(reporting) > 100
    for p in reporting:
        assert p.delivered - p.on_time >= len(snaps) - 2  # the outage's snapshots came late
    rate = sum(p.online_rate for p in reporting) / len(reporting)
    assert rate == pytest.approx((n - len(snaps)) / n, abs=3 / n)  # about 10 minutes in 70 on time
    assert health.online_rate < health.completeness - 0.5 * len(snaps) / n
