"""Standing alarms survive a restart (or a standby taking over): the engine that starts on a journal
restores the alarms it leaves standing and journals only real changes, on SQLite and PostgreSQL."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from app.alarms.restore import NOT_CONFIRMED, RECONFIRM_S
from app.runtime.engine import Engine
from core.alarm_types import Condition, Kind
from core.samples import Quality, SampleBatch
from storage.history import History
from storage.schema import alarm_events as ev
from tests import helpers

TAGS = """\
- {name: P, device: d, address: "hr:0", alarms: {HH: 250, H: 230, deadband: 2}}
- {name: T, device: d, address: "hr:1", alarms: {H: 100}}
- {name: IL, device: d, address: "hr:2", type: bool, alarms: {state: false}}
"""
T0 = 1_700_000_000.0


def scan(t: float, p: float, temp: float, il: float) -> SampleBatch:
    return SampleBatch.build(np.arange(3), t, np.array([p, temp, il]), Quality.GOOD)


class HandClock:
    """The engine's clock, set by the test: operator actions happen at the time of the last scan."""

    accelerated = False
    speed = 1.0

    def __init__(self, t: float = T0):
        self.t = t

    def now(self) -> float:
        return self.t


def run(url: str, cfg, steps, clock: HandClock | None = None, warnings: bool = False) -> list:
    """An engine on the journal at `url`: restore what it leaves standing, apply `steps` (each
    a batch, the clock set to its time, or a callable of the engine), journal; the transitions
    it published."""
    clock = clock or HandClock()
    hist = History(url, cfg.tags)
    engine = Engine(cfg, hist, warnings=warnings, clock=clock)
    rec = helpers.Recorder()
    engine.add_listener(rec)
    hist.start()
    try:
        engine.restore_alarms()
        for step in steps:
            if callable(step):
                step(engine)
            else:
                clock.t = float(step.ts.max())
                engine.process(step)
    finally:
        hist.stop()
    return rec.snapshot()


def journal(url: str) -> list[tuple]:
    hist = History(url, [])
    try:
        with hist.engine.connect() as c:
            q = select(ev.c.key, ev.c.state, ev.c.ts, ev.c.comment).order_by(ev.c.ts, ev.c.id)
            return [(k, s, ts / 1000.0, comment) for k, s, ts, comment in c.execute(q)]
    finally:
        hist.stop()


@pytest.mark.slow
def test_restart_restores_standing_alarms_and_journals_no_doubles(db_url):
    cfg = helpers.plant(TAGS)
    first = run(
        db_url,
        cfg,
        [
            scan(T0, 260.0, 120.0, 0.0),  # HH and H of P, H of T, IL off: four raised
            lambda e: e.acknowledge(["T:H"], "ann").result(5),
            lambda e: e.shelve(["IL:STATE"], None, "bob", "known bypass").result(5),
        ],
    )
    assert {a.key for a in first} == {"P:HH", "P:H", "T:H", "IL:STATE"}
    before = journal(db_url)

    # the restart sees the same values: nothing to journal, every alarm as it stood
    second = run(db_url, cfg, [scan(T0 + 10, 261.0, 121.0, 0.0)])
    assert second == []
    assert journal(db_url) == before
    hist = History(db_url, cfg.tags)
    engine = Engine(cfg, hist, warnings=False, clock=HandClock(T0 + 10))
    hist.start()
    try:
        assert engine.restore_alarms() == 4
        standing = {a.key: a for a in engine.active_alarms()}
    finally:
        hist.stop()
    assert set(standing) == {"P:HH", "P:H", "T:H", "IL:STATE"}
    assert standing["T:H"].acked and not standing["P:HH"].acked
    assert standing["IL:STATE"].shelved and standing["P:HH"].since == T0
    assert standing["P:HH"].ts == T0  # the standing list shows since when

    # P came back to normal while no server ran: its clears journaled once, at the time seen
    third = run(db_url, cfg, [scan(T0 + 20, 200.0, 121.0, 0.0)])
    assert sorted((a.key, a.active, a.ts) for a in third) == [
        ("P:H", False, T0 + 20),
        ("P:HH", False, T0 + 20),
    ]
    fourth = run(db_url, cfg, [scan(T0 + 30, 200.0, 121.0, 0.0)])
    assert fourth == []
    rows = journal(db_url)
    assert [r for r in rows if r[0] == "P:HH"] == [
        ("P:HH", "UNACK", T0, ""),
        ("P:HH", "RTN_UNACK", T0 + 20, ""),
    ]
    # the one-shot shelve restored: IL's alarm ends it when it clears
    fifth = run(db_url, cfg, [scan(T0 + 40, 200.0, 121.0, 1.0)])
    assert [(a.key, a.state) for a in fifth] == [("IL:STATE", "RTN_UNACK")]


@pytest.mark.slow
def test_restored_detector_alarms_clear_unless_confirmed(tmp_path):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    cfg = helpers.plant(TAGS)

    def raise_two(e):
        for key in ("X:SYSTEM", "Y:SYSTEM"):
            c = Condition(key, key[0], Kind.SYSTEM, True, 2, T0, f"{key} faulted")
            e.publish([e.alarms.set_condition(c)])

    run(url, cfg, [raise_two])

    def confirm_one(e):  # restored at T0 + 1: due RECONFIRM_S later unless reported again
        c = Condition("X:SYSTEM", "X", Kind.SYSTEM, True, 2, T0 + 5, "X:SYSTEM faulted")
        assert e.alarms.set_condition(c) is None  # still standing: not a transition
        assert e.tick_alarms(T0 + RECONFIRM_S) == []

    def tick_late(e):
        e.tick_alarms(T0 + 1 + RECONFIRM_S)

    cleared = run(url, cfg, [confirm_one, tick_late], HandClock(T0 + 1))
    assert [(a.key, a.active, a.comment) for a in cleared] == [("Y:SYSTEM", False, NOT_CONFIRMED)]
    assert [r[:2] for r in journal(url)] == [
        ("X:SYSTEM", "UNACK"),
        ("Y:SYSTEM", "UNACK"),
        ("Y:SYSTEM", "RTN_UNACK"),
    ]


@pytest.mark.slow
def test_a_restart_under_maintenance_journals_nothing_again(tmp_path):
    """The operating states restored after the alarms record the alarms they suppress: those the
    journal holds as they stand are not journaled again, and a suppression that is the
    maintenance's stays by design (it ends with the maintenance), not by hand."""
    from tests.test_operating_states import T, cfg, values

    url = f"sqlite:///{tmp_path / 'h.db'}"
    config = cfg()

    def maintenance(e):
        e.operator.declare_state("Converter", "maintenance", "supervisor1", "relining", T0 + 3600).result(10)

    hot = SampleBatch.build(np.arange(4, dtype=np.int32), T0, values(t=110.0)(0), Quality.GOOD)
    run(url, config, [hot, maintenance], warnings=True)  # the risk journal keeps the declaration
    before = journal(url)
    assert ("T:H", "SUPPRESSED", T0, "suppressed by design: maintenance (relining)") in before
    hist = History(url, config.tags)
    engine = Engine(config, hist, clock=HandClock(T0 + 10))
    hist.start()  # what the restart would journal is written
    try:
        assert engine.restore_alarms() >= 2
        lv = engine.alarms.levels["H"]
        assert lv.active[T] and not lv.msup[T] and engine.alarms.by_state.alarms_off[T]
    finally:
        hist.stop()
    assert journal(url) == before
