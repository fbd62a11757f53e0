"""Bad-quality alarms by plant default (`alarm_defaults: {bad_quality: members}`), a tag's own
setting first; and no flood when a device drops out: its one COMM alarm stands for its tags'
bad-quality alarms, which are suppressed by design while it stands."""

from __future__ import annotations

import sqlite3
import time

import numpy as np
import pytest

from app.alarms.engine import BAD_CONFIRM_S, BAD_SUPPRESSED, AlarmEngine, bad_quality_tags
from app.config import demo_config_path, load_config, parse_config_text
from app.runtime.engine import Engine
from core.samples import DeviceState, Quality, SampleBatch
from demo.simulator import SILENT_DEVICE, SimulatorProcess
from storage.history import History
from tests import helpers
from tests.conftest import wait_until
from tests.helpers import plant_yaml

PLANT = plant_yaml(
    """
    - {name: A.LIMIT, device: a, address: "hr:0", alarms: {H: 10}}
    - {name: A.MEMBER, device: a, address: "hr:1"}
    - {name: A.INTERLOCK, device: a, address: "hr:2.0", type: bool}
    - {name: A.PLAIN, device: a, address: "hr:3"}
    - {name: A.OPTOUT, device: a, address: "hr:4", alarms: {H: 10, bad_quality: false}}
    - {name: A.OPTIN, device: a, address: "hr:5", alarms: {bad_quality: true}}
    - {name: B.LIMIT, device: b, address: "hr:0", alarms: {H: 10}}
    - {name: OFF.LIMIT, device: spare, address: "hr:0", alarms: {H: 10}}
    """,
    devices="""
    - {name: a, protocol: modbus-tcp, host: 127.0.0.1, port: 15020}
    - {name: b, protocol: modbus-tcp, host: 127.0.0.1, port: 15021}
    - {name: spare, protocol: modbus-tcp, host: 127.0.0.1, port: 15022, enabled: false}
    """,
    name="Bad quality test",
    extra="""
    DEFAULTS
    hazard_sources:
      - {name: Furnace, tags: [A.MEMBER], interlocks: [A.INTERLOCK]}
    """,
)
NAMES = ["A.LIMIT", "A.MEMBER", "A.INTERLOCK", "A.PLAIN", "A.OPTOUT", "A.OPTIN", "B.LIMIT", "OFF.LIMIT"]
A_TAGS = [0, 1, 2, 3, 4, 5]
B_LIMIT, OFF_LIMIT = 6, 7


def plant(default: str | None):
    return parse_config_text(
        PLANT.replace("DEFAULTS", f"alarm_defaults: {{bad_quality: {default}}}" if default else "")
    )


def on(cfg) -> list[str]:
    return [n for n, b in zip(NAMES, bad_quality_tags(cfg), strict=True) if b]


def test_the_plant_default_picks_members_and_tags_with_limits_a_tag_setting_wins():
    assert on(plant(None)) == ["A.OPTIN"]  # the default is none: opt-in only, as before
    assert on(plant("none")) == ["A.OPTIN"]
    assert on(plant("members")) == ["A.LIMIT", "A.MEMBER", "A.INTERLOCK", "A.OPTIN", "B.LIMIT", "OFF.LIMIT"]
    assert on(plant("all")) == [n for n in NAMES if n != "A.OPTOUT"]


def test_the_demo_plant_alarms_bad_quality_of_its_safety_tags():
    cfg = load_config(demo_config_path())
    assert cfg.alarm_defaults.bad_quality == "members"
    on = dict(zip([t.name for t in cfg.tags], bad_quality_tags(cfg), strict=True))
    for h in cfg.hazard_sources:
        assert all(on[n] for n in (*h.tags, *h.interlocks)), h.name
    assert on["GH1.CO.01"] and on["BF1.BLEEDER.INTERLOCK"]


def bad(eng: AlarmEngine, tags, t: float):
    return eng.evaluate(SampleBatch.build(tags, t, np.full(len(tags), np.nan), Quality.BAD))


def good(eng: AlarmEngine, tags, t: float, v: float = 1.0):
    return eng.evaluate(SampleBatch.build(tags, t, np.full(len(tags), v), Quality.GOOD))


def test_only_tags_with_a_bad_quality_alarm_raise_one():
    eng = AlarmEngine(plant(None))
    good(eng, list(range(8)), 0.0)
    bad(eng, A_TAGS, 1.0)
    out = bad(eng, A_TAGS, 1.0 + BAD_CONFIRM_S)
    assert [a.key for a in out] == ["A.OPTIN:BAD"]  # A.PLAIN and the others have none


def test_a_bad_value_alarms_after_the_confirmation_time_even_without_a_new_sample():
    eng = AlarmEngine(plant("members"))
    good(eng, list(range(7)), 0.0)
    assert bad(eng, [1], 1.0) == []  # sent once (an OPC UA status change), then nothing
    assert good(eng, [B_LIMIT], 1.5) == []
    out = good(eng, [B_LIMIT], 1.0 + BAD_CONFIRM_S)  # another device's scan moves time on
    assert [(a.key, a.active, a.ts) for a in out] == [("A.MEMBER:BAD", True, 1.0 + BAD_CONFIRM_S)]
    out = good(eng, [1], 3.0)
    assert [(a.key, a.active) for a in out] == [("A.MEMBER:BAD", False)]


def test_a_device_that_drops_out_raises_one_comm_alarm_not_a_bad_alarm_per_tag():
    eng = AlarmEngine(plant("members"))
    good(eng, list(range(7)), 0.0)
    # the driver turns every tag of the device bad, then reports the device lost
    assert bad(eng, A_TAGS, 1.0) == []
    comm = eng.set_comm("a", True, 1.0, "timeout")
    assert comm.key == "a:COMM" and comm.active
    out = []
    for k in range(1, 20):  # reconnect attempts turn them bad again; the other device scans on
        out += bad(eng, A_TAGS, 1.0 + k)
        out += good(eng, [B_LIMIT], 1.0 + k)
    assert out == []
    bad_alarms = eng.standing(20.0)
    assert [a for a in bad_alarms if a.kind == "BAD"] == []
    # back: the COMM alarm clears, the values are good, nothing left to show
    out = good(eng, A_TAGS, 21.0)
    assert eng.set_comm("a", False, 21.5) is not None
    out += good(eng, A_TAGS, 22.0)
    out += good(eng, A_TAGS, 23.0)
    assert [a for a in out if a.kind == "BAD"] == []
    # a tag that is still bad afterwards alarms as usual
    out = bad(eng, [1], 24.0) + bad(eng, [1], 24.0 + BAD_CONFIRM_S)
    assert [(a.key, a.active, a.suppressed) for a in out] == [("A.MEMBER:BAD", True, False)]


def test_a_standing_bad_alarm_is_suppressed_by_design_while_its_device_is_lost():
    eng = AlarmEngine(plant("members"))
    bad(eng, [1], 0.0)
    raised = bad(eng, [1], BAD_CONFIRM_S)
    assert [(a.key, a.state) for a in raised] == [("A.MEMBER:BAD", "UNACK")]
    eng.set_comm("a", True, 2.0, "timeout")
    out = good(eng, [B_LIMIT], 2.5)
    assert [(a.key, a.state, a.comment) for a in out] == [("A.MEMBER:BAD", "SUPPRESSED", BAD_SUPPRESSED)]
    eng.set_comm("a", False, 3.0)
    out = good(eng, [B_LIMIT], 3.5)
    assert [(a.key, a.state) for a in out] == [("A.MEMBER:BAD", "UNACK")]


def test_a_disabled_device_raises_no_bad_alarms():
    eng = AlarmEngine(plant("members"))
    out = bad(eng, [OFF_LIMIT], 0.0) + bad(eng, [OFF_LIMIT], 5.0) + good(eng, [B_LIMIT], 6.0)
    assert out == []


def test_a_reconfiguration_keeps_a_lost_device_suppressed():
    cfg = plant("members")
    old = AlarmEngine(cfg)
    old.set_comm("a", True, 1.0, "timeout")
    new = AlarmEngine(cfg)
    n = len(cfg.tags)
    new.adopt(old, np.arange(n), np.ones(n, dtype=bool))
    assert bad(new, A_TAGS, 2.0) + bad(new, A_TAGS, 5.0) == []


# ---------------------------------------------------------------- the demo plant, end to end


class Recorder(helpers.Recorder):
    """Per sample batch: when it came, the devices it holds, whether all of it is BAD."""

    def __init__(self, cfg):
        super().__init__()
        self.device_of = np.array([t.device for t in cfg.tags])

    def on_samples(self, b):
        with self.lock:
            self.batches.append(
                (time.time(), set(self.device_of[b.tag].tolist()), bool((b.quality == Quality.BAD).all()))
            )


@pytest.fixture
def demo():
    sim = SimulatorProcess(demo_config_path(), ephemeral_ports=True, seed=3)
    cfg = sim.start()
    try:
        yield sim, cfg
    finally:
        sim.stop()


@pytest.mark.slow
def test_device_silent_raises_one_comm_alarm_not_dozens_of_bad_quality_alarms(demo, tmp_path):
    sim, cfg = demo
    db = tmp_path / "h.db"
    eng = Engine(cfg, History(f"sqlite:///{db}", cfg.tags, flush_s=0.1), warnings=False)
    eng.warm_up_s = 0
    rec = Recorder(cfg)
    eng.add_listener(rec)
    silent = [i for i, t in enumerate(cfg.tags) if t.device == SILENT_DEVICE]
    assert np.isfinite(eng.alarms.levels["BAD"].limit[silent]).sum() >= 20  # they do have BAD alarms
    comm_key = f"{SILENT_DEVICE}:COMM"

    def comm(active: bool):
        with rec.lock:
            return [a for a in rec.alarms if a.key == comm_key and a.active == active]

    eng.start()
    try:
        wait_until(lambda: all(s.state == DeviceState.CONNECTED for s in eng.device_status().values()), 20)
        wait_until(lambda: (eng.latest().quality[silent] != Quality.BAD).all(), 10)
        sim.inject("device_silent")
        wait_until(lambda: comm(True), 15)
        t_lost = time.time()

        def retried_and_time_moved_on():
            with rec.lock:
                lost = [
                    t
                    for t, devs, all_bad in rec.batches
                    if devs == {SILENT_DEVICE} and all_bad and t > t_lost
                ]
                others = [t for t, devs, _ in rec.batches if SILENT_DEVICE not in devs]
            return len(lost) >= 2 and others and others[-1] > t_lost + 2 * BAD_CONFIRM_S

        wait_until(retried_and_time_moved_on, 20)
        sim.silence(SILENT_DEVICE, False)
        wait_until(lambda: comm(False), 30)
    finally:
        eng.stop()
    silent_names = {cfg.tags[i].name for i in silent}
    shown = [a for a in rec.alarms if a.kind == "BAD" and a.source in silent_names and not a.hidden]
    assert shown == []
    assert len(comm(True)) == 1
    with sqlite3.connect(db, timeout=10) as c:
        rows = c.execute("SELECT key, active FROM alarm_events WHERE kind IN ('BAD', 'COMM')").fetchall()
    assert [r for r in rows if r[0].endswith(":BAD") and r[0].rsplit(":", 1)[0] in silent_names] == []
    assert (comm_key, 1) in rows


# ---------------------------------------------------------------- settings


def test_the_alarms_page_shows_the_bad_quality_alarm_in_force_and_sets_it(qtbot, tmp_path):
    from app.config.io import save_config
    from views.settings import SettingsDialog

    path = tmp_path / "plant.yaml"
    save_config(plant("members"), path)
    dlg = SettingsDialog(load_config(path))
    qtbot.addWidget(dlg)
    page = dlg.alarms_page

    def show(name):
        page.select(name)
        return page.bad_quality.currentData(), page.bad_quality_effect.text()

    assert show("A.MEMBER") == ("", "In force: on (plant default: member of a hazard source)")
    assert show("A.LIMIT") == ("", "In force: on (plant default: tag with an alarm limit)")
    assert show("A.PLAIN") == (
        "",
        "In force: off (plant default: hazard-source members and tags with limits only)",
    )
    assert show("A.OPTOUT") == ("false", "In force: off (this tag's own setting)")
    page.select("A.LIMIT")
    page.bad_quality.setCurrentIndex(page.bad_quality.findData("false"))
    assert page.bad_quality_effect.text() == "In force: off (this tag's own setting)"
    cfg, errors = dlg.draft.build()
    assert errors == []
    assert on(cfg) == ["A.MEMBER", "A.INTERLOCK", "A.OPTIN", "B.LIMIT", "OFF.LIMIT"]
    assert cfg.alarm_defaults.bad_quality == "members"
    dlg.runner.wait()


def test_the_engine_clock_raises_a_bad_value_sent_once_when_no_other_sample_comes():
    cfg = plant("members")
    eng = Engine(cfg, warnings=False)
    rec = Recorder(cfg)
    eng.add_listener(rec)
    t = time.time()
    eng.process(SampleBatch.build([1], t, [np.nan], Quality.BAD))
    assert eng.tick_alarms(t + BAD_CONFIRM_S / 2) == []
    out = eng.tick_alarms(t + BAD_CONFIRM_S)
    assert [(a.key, a.active) for a in out] == [("A.MEMBER:BAD", True)]
    assert [a.key for a in rec.alarms] == ["A.MEMBER:BAD"]
