"""Two `headless --standby` servers on one PostgreSQL and the demo plant's simulator in its own
process: `kill -9` of the active makes the standby active within 10 s, with no alarm transition
lost or journaled twice and the devices polled by one server at a time (tests/faults/failover_rig.py)."""

from __future__ import annotations

import pytest

from tests.faults.failover_rig import EXPECTED, FailoverRig

pytestmark = pytest.mark.slow
TAKEOVER_S = 10.0


def test_kill9_of_the_active_hands_over_without_a_lost_or_doubled_transition(
    pg_url, tmp_path, record_property
):
    with FailoverRig(tmp_path, pg_url) as rig:
        first = rig.spawn("active")
        second = rig.spawn("standby")
        assert rig.polling(first) and not rig.polling(second)
        runs = [rig.takeover(first, second)]
        third = rig.spawn("standby")  # a new standby behind the new active, killed in its turn
        assert not rig.polling(third)
        runs.append(rig.takeover(second, third))
    record_property("failover", [vars(r) for r in runs])
    print(f"\nfailover: {[vars(r) for r in runs]}")
    for r in runs:
        assert r.takeover_s <= TAKEOVER_S, r
        assert r.lost == 0 and r.doubled == 0, r
        assert all(states == EXPECTED for states in r.journal.values()), r
        assert r.overlaps == 0, r
