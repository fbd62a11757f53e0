"""Leadership of a plant on a real PostgreSQL (storage.leadership) and the active/standby loop on it
(app.redundancy.active_standby): one holder at a time, a killed holder hands over within seconds,
a lost connection is leadership lost at once, and the journal writer's fence refuses a server that
no longer leads. SQLite refuses leadership with a clear message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, func, select

from app.redundancy.active_standby import ActiveStandby, Role
from core.samples import Quality, SampleBatch
from main import main
from storage.history import History
from storage.leadership import Leadership, LeadershipLost, LeadershipRefused, plant_lock_key
from storage.schema import alarm_events
from tests import helpers
from tests.conftest import wait_until

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]

HOLDER = """\
import sys, time
from storage.leadership import Leadership
lead = Leadership(sys.argv[1], "Plant A")
while not lead.try_acquire():
    time.sleep(0.1)
print("held", flush=True)
while True:
    time.sleep(0.5)
    lead.check()
"""


class CountingLeadership(Leadership):
    """Leadership that counts its attempts to take the lead."""

    attempts = 0

    def try_acquire(self) -> bool:
        self.attempts += 1
        return super().try_acquire()


def terminate_session(url: str, lead: Leadership) -> None:
    """End the leader's database session from outside (a server restart, a network cut)."""
    admin = create_engine(url)
    try:
        with admin.begin() as c:
            pid = c.exec_driver_sql(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'forewarn-leadership' AND datname = current_database() "
                "AND pid = ANY(SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)"
            ).scalar_one()
            c.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
    finally:
        admin.dispose()


def test_sqlite_refuses_leadership(tmp_path, capsys):
    with pytest.raises(LeadershipRefused, match="needs a shared PostgreSQL"):
        Leadership(f"sqlite:///{tmp_path / 'h.db'}", "Plant A")
    assert plant_lock_key("Plant A") == plant_lock_key("Plant A") != plant_lock_key("Plant B")
    for db in (f"sqlite:///{tmp_path / 'h.db'}", None):  # given, or the default SQLite file
        assert main(["headless", "--standby", "--duration", "1"] + (["--db", db] if db else [])) == 2
        assert "needs a shared PostgreSQL database" in capsys.readouterr().err
    assert not (tmp_path / "h.db").exists()  # refused before anything was opened


def test_one_holder_and_a_release_hands_over(pg_url):
    a, b, other = Leadership(pg_url, "Plant A"), Leadership(pg_url, "Plant A"), Leadership(pg_url, "Plant B")
    try:
        assert a.try_acquire() and a.held
        assert not b.try_acquire() and not b.held
        assert other.try_acquire()  # another plant, another lock
        assert a.check() and not b.check()
        a.release()
        assert not a.held
        assert b.try_acquire() and b.check()
        assert not a.try_acquire()
    finally:
        for lead in (a, b, other):
            lead.release()


def test_a_killed_holder_hands_over_within_seconds(pg_url):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, pg_url],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    standby = Leadership(pg_url, "Plant A")
    try:
        assert holder.stdout.readline().strip() == "held"
        assert not standby.try_acquire()
        killed = time.monotonic()
        os.kill(holder.pid, signal.SIGKILL)
        wait_until(standby.try_acquire, timeout=10, interval=0.1)
        assert time.monotonic() - killed < 3.0
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait(10)
        holder.stdout.close()
        standby.release()


def test_a_lost_connection_is_leadership_lost_and_fenced(pg_url):
    lead = Leadership(pg_url, "Plant A")
    cfg = helpers.plant('{name: P, device: d, address: "hr:0"}')
    hist = History(pg_url, cfg.tags)
    hist.fence = lead.fence
    try:
        assert lead.try_acquire()
        row = helpers.alarm("P:H", ts=1_800_000_000.0)
        hist.write_now(SampleBatch.build(np.arange(1), 1_800_000_000.0, np.ones(1), Quality.GOOD), [row])
        terminate_session(pg_url, lead)
        assert not lead.check()  # the first check after the session ended
        assert not lead.held and "connection lost" in lead.lost_reason
        with hist.engine.connect() as c, pytest.raises(LeadershipLost):
            lead.fence(c)
        with pytest.raises(RuntimeError, match="LeadershipLost"):
            hist.write_now(SampleBatch.build(np.arange(1), 1_800_000_001.0, np.ones(1), Quality.GOOD), [row])
        with hist.engine.connect() as c:
            assert c.execute(select(func.count()).select_from(alarm_events)).scalar_one() == 1
        # a second server leads now; the first, were it to think it still led, is fenced out
        other = Leadership(pg_url, "Plant A")
        assert other.try_acquire()
        lead._pid = 1  # a stale belief: the fence asks the server, not the belief
        with hist.engine.connect() as c, pytest.raises(LeadershipLost):
            lead.fence(c)
        lead._pid = None
        other.release()
    finally:
        lead.release()
        hist.stop()


def test_active_standby_stops_at_once_when_the_lease_is_lost_and_takes_it_again(pg_url):
    calls: list[tuple[str, float]] = []
    states = []
    lead = CountingLeadership(pg_url, "Plant A")
    pair = ActiveStandby(
        lead,
        lambda: calls.append(("start", time.monotonic())),
        lambda: calls.append(("stop", time.monotonic())),
        prepare=lambda: calls.append(("prepare", time.monotonic())),
        on_change=states.append,
    )
    rival = Leadership(pg_url, "Plant A")
    stopping = threading.Event()
    loop = threading.Thread(target=pair.run, args=(stopping,))
    try:
        assert rival.try_acquire()  # somebody else leads: standby, nothing started
        loop.start()
        wait_until(lambda: lead.attempts >= 3)  # tried, and tried again: standby
        assert [c for c, _ in calls] == ["prepare"] and pair.state.role == Role.STANDBY
        rival.release()
        wait_until(lambda: pair.state.role == Role.ACTIVE and len(calls) == 2)
        assert [c for c, _ in calls] == ["prepare", "start"]
        lost_at = time.monotonic()
        terminate_session(pg_url, lead)
        wait_until(lambda: len(calls) >= 3)
        assert calls[2][0] == "stop" and calls[2][1] - lost_at < 2.0
        wait_until(lambda: pair.state.role == Role.ACTIVE and pair.state.activations == 2)
        assert [s.role for s in states][-4:] == [Role.ACTIVE, Role.LOST, Role.STANDBY, Role.ACTIVE]
        assert "connection lost" in states[-3].detail
    finally:
        stopping.set()
        loop.join(10)
        rival.release()
    assert [c for c, _ in calls] == ["prepare", "start", "stop", "prepare", "start", "stop"]
    assert not lead.held


def test_a_start_longer_than_the_lease_keeps_leadership(pg_url):
    """The lease is checked while the active part starts (a warm-up on a long history): the
    leadership session never idles out, so no second server takes over meanwhile."""
    lead = Leadership(pg_url, "Plant A", lease_s=1.0)  # idle_session_timeout: 1 s
    rival = CountingLeadership(pg_url, "Plant A")
    started = threading.Event()

    def slow_start():
        wait_until(lambda: not rival.try_acquire() and rival.attempts >= 8, timeout=10, interval=0.3)
        started.set()

    pair = ActiveStandby(lead, slow_start, lambda: None, check_s=0.2)
    stopping = threading.Event()
    loop = threading.Thread(target=pair.run, args=(stopping,))
    loop.start()
    try:
        assert started.wait(15)  # 8 attempts 0.3 s apart: 2 s and more, twice the lease
        wait_until(lambda: pair.state.role == Role.ACTIVE and lead.check())
        assert pair.state.activations == 1
    finally:
        stopping.set()
        loop.join(10)
        rival.release()


def test_a_frozen_holder_loses_the_lock_after_its_lease(pg_url):
    """A holder that stops checking (stopped, swapping) is ended by idle_session_timeout."""
    frozen, standby = Leadership(pg_url, "Plant A", lease_s=1.0), Leadership(pg_url, "Plant A")
    try:
        assert frozen.try_acquire()
        t0 = time.monotonic()
        wait_until(standby.try_acquire, timeout=10, interval=0.2)
        assert 1.0 <= time.monotonic() - t0 < 4.0
        assert not frozen.check() and "idle-session timeout" in frozen.lost_reason
    finally:
        frozen.release()
        standby.release()
