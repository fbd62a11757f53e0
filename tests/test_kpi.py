"""EEMUA 191 alarm KPIs: hand-built journals with known answers, and a round trip through SQLite."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest

from app.reports.kpi import KpiReport, assess, compute
from storage.journal_reads import JournalRow, load_events

H = 3600.0
DAY = 86400.0


# ---------------------------------------------------------------- journal builders
def act(ts: float, key: str, priority: int = 3, kind: str = "H") -> JournalRow:
    return JournalRow(ts, key, key.split(":")[0], kind, priority, "UNACK", True, False)


def ack(ts: float, key: str, active: bool = True, priority: int = 3, user: str = "op1") -> JournalRow:
    state = "ACKED" if active else "NORMAL"
    return JournalRow(ts, key, key.split(":")[0], "H", priority, state, active, True, user)


def rtn(ts: float, key: str, acked: bool = False, priority: int = 3) -> JournalRow:
    state = "NORMAL" if acked else "RTN_UNACK"
    return JournalRow(ts, key, key.split(":")[0], "H", priority, state, False, acked)


def cycle(ts: float, key: str, priority: int = 3) -> list[JournalRow]:
    """Activation, acknowledgement after 5 s, return to normal after 10 s."""
    return [act(ts, key, priority), ack(ts + 5, key, priority=priority), rtn(ts + 10, key, True, priority)]


# ---------------------------------------------------------------- empty journal
def test_empty_journal_gives_zeros_and_none():
    r = compute([], 0.0, H)
    assert isinstance(r, KpiReport)
    assert r.span_s == H
    assert r.activations == 0
    assert r.per_10min_avg == r.per_10min_max == r.per_hour_avg == 0.0
    assert r.per_10min_series.tolist() == [0] * 6
    assert r.floods == [] and r.percent_time_in_flood == 0.0
    assert r.bad_actors == [] and r.chattering == [] and r.standing == []
    assert r.ack_mean_s is None and r.ack_p90_s is None
    assert r.unacked_at_end == 0
    assert r.priority_split == {1: 0.0, 2: 0.0, 3: 0.0, 4: 0.0}
    assert r.priority_split_eemua == {1: 0.0, 2: 0.0, 3: 0.0}
    assert r.target_per_hour == 6
    assert r.priority_target == {1: 0.05, 2: 0.15, 3: 0.80}
    assert r.assessment == "very likely acceptable"


def test_empty_span():
    r = compute([act(10.0, "A:H")], 10.0, 10.0)
    assert r.span_s == 0.0
    assert r.activations == 1
    assert r.per_10min_avg == 0.0 and r.per_10min_series.size == 0 and r.percent_time_in_flood == 0.0


def test_operators_must_be_positive():
    with pytest.raises(ValueError):
        compute([], 0.0, H, operators=0)


# ---------------------------------------------------------------- activation counting
def test_activation_counting_ignores_ack_rows():
    k = "GAS.CO.01:HH"
    rows = [
        act(100, k),
        ack(110, k),  # ack while active: not an activation
        rtn(120, k, acked=True),
        act(200, k),
        rtn(210, k),  # returns unacknowledged
        act(220, k),  # re-activation after RTN_UNACK: an activation
        ack(230, k),
        ack(240, k),  # a repeated ack row: neither activation nor a second ack
        rtn(300, k, acked=True),
        act(400, "B:COMM", priority=2, kind="COMM"),  # COMM alarms count like others
        ack(410, "B:COMM", priority=2),
    ]
    r = compute(rows, 0.0, H)
    assert r.activations == 4
    assert r.bad_actors == [(k, 3, 0.75), ("B:COMM", 1, 0.25)]
    # acks: 100->110, 220->230, 400->410
    assert r.ack_mean_s == pytest.approx(10.0)
    assert r.unacked_at_end == 0


def test_rows_outside_the_period_and_row_order():
    rows = [
        act(50, "A:H"),  # before t0: context only
        ack(150, "A:H"),  # ack in range of an alarm activated before t0: 100 s
        rtn(160, "A:H", acked=True),
        act(200, "B:H"),
        rtn(250, "B:H"),
        act(300, "C:H"),
        act(H + 10, "D:H"),  # after t1: ignored
    ]
    r = compute(rows, 100.0, H)
    assert r.activations == 2
    assert [k for k, *_ in r.bad_actors] == ["B:H", "C:H"]
    assert r.ack_mean_s == pytest.approx(100.0)
    assert r.unacked_at_end == 2  # B returned unacknowledged, C is still active and unacknowledged
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    r2 = compute(shuffled, 100.0, H)
    assert r2 == r
    assert np.array_equal(r2.per_10min_series, r.per_10min_series)


def test_unacked_at_end():
    rows = [act(10, "A:H"), act(20, "B:H"), rtn(30, "B:H"), *cycle(40, "C:H"), act(50, "D:H"), ack(60, "D:H")]
    assert compute(rows, 0.0, H).unacked_at_end == 2  # A active unacked, B returned unacked


# ---------------------------------------------------------------- rates
def test_rates_series_and_assessment_per_operator():
    rows = [r for i in range(12) for r in cycle(20.0 * i, f"T{i}:H")]
    rows += cycle(3000.0, "T0:H")  # slot 5
    r = compute(rows, 0.0, H, operators=2, chatter_count=99)
    assert r.activations == 13
    assert r.per_10min_series.tolist() == [12, 0, 0, 0, 0, 1]
    assert r.per_10min_avg == pytest.approx(13 / 6 / 2)
    assert r.per_10min_max == pytest.approx(6.0)
    assert r.per_hour_avg == pytest.approx(6.5)
    assert r.assessment == "manageable"
    # an activation exactly at t1 falls in the last slot; a partial last slot is its own slot
    r = compute([act(H, "A:H")], 0.0, H + 60)
    assert r.per_10min_series.tolist() == [0, 0, 0, 0, 0, 0, 1]


def test_assessment_bands():
    assert assess(0.0) == assess(1.0) == "very likely acceptable"
    assert assess(1.01) == assess(2.0) == "manageable"
    assert assess(2.5) == assess(5.0) == "over-demanding"
    assert assess(5.01) == assess(60.0) == "unacceptable"


# ---------------------------------------------------------------- floods
def test_flood_of_12_alarms_in_5_minutes():
    t0, t1 = 0.0, 2 * H
    burst = [act(1000.0 + 25.0 * i, f"F{i}:H") for i in range(12)]  # 12 alarms over 275 s
    quiet = [act(4000.0, "Q1:H"), act(6000.0, "Q2:H")]
    r = compute(burst + quiet, t0, t1)
    assert r.activations == 14
    # windows from the 1st (12 alarms) and 2nd (11 alarms) activation qualify; the 3rd holds 10
    assert r.floods == [(1000.0, 1025.0 + 600.0, 12)]
    assert r.percent_time_in_flood == pytest.approx(100.0 * 625.0 / t1)
    assert r.per_10min_series.tolist()[:3] == [0, 8, 4]  # the burst straddles the 1200 s slot edge


def test_ten_alarms_in_a_window_is_not_a_flood():
    rows = [act(100.0 + i, f"F{i}:H") for i in range(10)]
    assert compute(rows, 0.0, H).floods == []


def test_overlapping_flood_windows_merge_and_separate_ones_do_not():
    first = [act(0.0 + 10 * i, f"A{i}:H") for i in range(11)]  # 0..100
    second = [act(400.0 + 10 * i, f"B{i}:H") for i in range(11)]  # 400..500, overlaps the first window
    third = [act(3000.0 + i, f"C{i}:H") for i in range(11)]  # 3000..3010, separate
    r = compute(first + second + third, 0.0, 3300.0)
    assert r.floods == [(0.0, 400.0 + 600.0, 22), (3000.0, 3300.0, 11)]  # the last is clipped to t1
    assert r.percent_time_in_flood == pytest.approx(100.0 * (1000.0 + 300.0) / 3300.0)


# ---------------------------------------------------------------- bad actors, chattering
def test_bad_actors_top_10_with_shares():
    rows = []
    t = 0.0
    for i in range(12):  # key K{i} activates i + 1 times
        for _ in range(i + 1):
            rows += cycle(t, f"K{i:02d}:H")
            t += 100.0
    r = compute(rows, 0.0, t + 100, chatter_count=99)
    total = sum(range(1, 13))
    assert r.activations == total
    assert len(r.bad_actors) == 10
    assert r.bad_actors[0] == ("K11:H", 12, 12 / total)
    assert [k for k, *_ in r.bad_actors] == [f"K{i:02d}:H" for i in range(11, 1, -1)]
    assert sum(c for _, c, _ in r.bad_actors) == total - 1 - 2


def test_chattering_key():
    k = "PT.07:H"
    rows = []
    for t in (1000.0, 1016.0, 1033.0, 1050.0):  # 4 activations in 50 s
        rows += [act(t, k), rtn(t + 3, k)]
    rows += [r for t in (0.0, 100.0, 200.0) for r in cycle(t, "SLOW:H")]  # 3 activations, 100 s apart
    rows += [act(2000.0, "EDGE:H"), rtn(2001.0, "EDGE:H"), act(2060.0, "EDGE:H")]  # 60 s: not within
    rows += [r for t in (3000.0, 3029.0, 3059.0) for r in cycle(t, "THREE:H")]  # 3 in 59 s
    r = compute(rows, 0.0, H)
    assert r.chattering == [(k, 4), ("THREE:H", 3)]
    assert compute(rows, 0.0, H, chatter_count=4).chattering == [(k, 4)]
    # a 201 s window catches SLOW (0, 100, 200 s); EDGE (60 s apart) stays at 2
    assert compute(rows, 0.0, H, chatter_window_s=201).chattering == [(k, 4), ("SLOW:H", 3), ("THREE:H", 3)]


# ---------------------------------------------------------------- acknowledgement times
def test_ack_time_mean_and_p90_exact():
    rows = []
    for i, delay in enumerate((10.0, 20.0, 30.0, 40.0, 100.0)):
        t = 1000.0 * i + 100.0
        rows += [act(t, f"A{i}:H"), ack(t + delay, f"A{i}:H"), rtn(t + 200.0, f"A{i}:H", acked=True)]
    # an alarm that returned to normal before its acknowledgement: 500 s (excluded by t1 below)
    rows += [act(6000.0, "R:H"), rtn(6100.0, "R:H"), ack(6500.0, "R:H", active=False)]
    r = compute(rows, 0.0, 6400.0)
    assert r.ack_mean_s == pytest.approx(40.0)
    assert r.ack_p90_s == pytest.approx(76.0)  # linear: 40 + 0.6 * (100 - 40)
    r = compute(rows, 0.0, 7000.0)
    assert r.ack_mean_s == pytest.approx((200.0 + 500.0) / 6)
    assert r.ack_p90_s == pytest.approx(float(np.percentile([10, 20, 30, 40, 100, 500], 90)))
    assert r.unacked_at_end == 0
    # an acknowledgement before t0 is not counted
    assert compute(rows, 5000.0, 7000.0).ack_mean_s == pytest.approx(500.0)


# ---------------------------------------------------------------- priority split
def test_priority_split():
    prios = [1] + [2] * 3 + [3] * 14 + [4] * 2
    rows = [r for i, p in enumerate(prios) for r in cycle(100.0 * i, f"P{i}:H", priority=p)]
    r = compute(rows, 0.0, 2 * H)
    assert r.activations == 20
    assert r.priority_split == pytest.approx({1: 0.05, 2: 0.15, 3: 0.70, 4: 0.10})
    assert r.priority_split_eemua == pytest.approx({1: 0.05, 2: 0.15, 3: 0.80})
    assert r.priority_target == {1: 0.05, 2: 0.15, 3: 0.80}


# ---------------------------------------------------------------- standing alarms
def test_standing_alarm_active_for_25_hours():
    t0, t1 = 0.0, 26 * H
    rows = [
        act(1 * H, "STALE:L"),
        ack(1 * H + 60, "STALE:L"),  # acknowledged but still active at t1: 25 h
        act(2 * H, "SHORT:H"),  # active 23 h at t1: not standing
        act(-2 * H, "OLD:H"),  # activated before t0, cleared after 25.5 h inside the period
        rtn(23.5 * H, "OLD:H"),
        act(-30 * H, "GONE:H"),  # standing, but cleared before t0
        rtn(-1 * H, "GONE:H"),
        *cycle(3 * H, "BRIEF:H"),
    ]
    r = compute(rows, t0, t1)
    assert r.standing == [("OLD:H", -2 * H, 25.5 * H), ("STALE:L", 1 * H, 25 * H)]
    assert r.activations == 3  # STALE, SHORT, BRIEF; OLD and GONE activated before t0
    assert compute(rows, t0, t1, standing_s=24 * H).standing == r.standing
    assert [k for k, *_ in compute(rows, t0, t1, standing_s=22 * H).standing] == [
        "OLD:H",
        "STALE:L",
        "SHORT:H",
    ]


# ---------------------------------------------------------------- a month of journal
def test_month_of_journal_100k_rows():
    rng = np.random.default_rng(7)
    n_keys, episodes = 500, 67  # 3 rows per episode: 100,500 rows
    rows = []
    for k in range(n_keys):
        gaps = rng.uniform(600.0, 38000.0, size=(episodes, 3))
        gaps[:, 1:] = rng.uniform(1.0, 300.0, size=(episodes, 2))
        times = np.cumsum(gaps.ravel())
        key = f"TAG{k:04d}:{('HH', 'H', 'L', 'LL')[k % 4]}"
        prio = 1 + k % 4
        for e in range(episodes):
            ta, tk, tr = times[3 * e : 3 * e + 3]
            rows += [act(ta, key, prio), ack(tk, key, priority=prio), rtn(tr, key, True, prio)]
    assert len(rows) >= 100_000
    random.Random(1).shuffle(rows)
    t1 = max(r.ts for r in rows) + 1.0
    start = time.perf_counter()
    r = compute(rows, 0.0, t1)
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0, elapsed
    assert r.activations == n_keys * episodes
    assert r.unacked_at_end == 0 and r.standing == []
    assert r.priority_split == pytest.approx({1: 0.25, 2: 0.25, 3: 0.25, 4: 0.25})
    assert 1.0 <= r.ack_mean_s <= 300.0
    assert int(r.per_10min_series.sum()) == r.activations
    assert len(r.bad_actors) == 10 and all(c == episodes for _, c, _ in r.bad_actors)


# ---------------------------------------------------------------- SQLite round trip
def test_sqlite_round_trip(tmp_path):
    from storage.schema import alarm_events, create_schema, make_engine, sqlite_url

    engine = make_engine(sqlite_url(tmp_path / "journal.db"))
    try:
        create_schema(engine)
        base = 1_700_000_000.0
        t0, t1 = base, base + 26 * H
        journal = [
            act(base - 2 * H, "STALE:L", priority=1),  # standing since before t0
            ack(base - 1 * H, "STALE:L", priority=1),
            act(base - 3 * H, "OLD:H"),  # cleared before t0: no context needed
            rtn(base - 2.5 * H, "OLD:H", acked=True),
            act(base - 600.0, "LATE:H"),  # returned unacknowledged before t0, acked in range
            rtn(base - 300.0, "LATE:H"),
            ack(base + 300.0, "LATE:H", active=False, user="op2"),
            *[r for i in range(12) for r in cycle(base + 1000.0 + 20.0 * i, f"GAS.CO.{i:02d}:HH", 2)],
            act(base + 27 * H, "AFTER:H"),  # after t1
        ]
        with engine.begin() as conn:
            conn.execute(
                alarm_events.insert(),
                [
                    {
                        "ts": int(round(r.ts * 1000)),
                        "key": r.key,
                        "source": r.source,
                        "kind": r.kind,
                        "priority": r.priority,
                        "state": r.state,
                        "active": r.active,
                        "acked": r.acked,
                        "value": None,
                        "limit_value": None,
                        "message": r.key,
                        "user_name": r.user,
                        "comment": "",
                    }
                    for r in journal
                ],
            )
        rows = load_events(engine, t0, t1)
        assert all(isinstance(r, JournalRow) for r in rows)
        keys = [r.key for r in rows]
        assert "OLD:H" not in keys and "AFTER:H" not in keys
        assert keys[:4] == ["STALE:L", "STALE:L", "LATE:H", "LATE:H"]  # context, in journal order
        assert [r.ts for r in rows] == sorted(r.ts for r in rows)
        assert any(r.user == "op2" for r in rows)
        r = compute(rows, t0, t1)
    finally:
        engine.dispose()
    assert r.activations == 12
    assert r.floods == [(base + 1000.0, base + 1020.0 + 600.0, 12)]
    assert r.standing == [("STALE:L", base - 2 * H, 28 * H)]
    assert r.ack_mean_s == pytest.approx((12 * 5.0 + 900.0) / 13)
    assert r.unacked_at_end == 0
    assert r.priority_split[2] == 1.0
    assert r.chattering == []


def test_early_warnings_are_counted_apart_from_alarms():
    rows = [act(10, "A:H"), act(20, "T:FORECAST", 2, "FORECAST"), act(30, "Leak:RULE", 1, "RULE")]
    r = compute(rows, 0, 600)
    assert r.activations == 1 and r.warnings_raised == 2
    assert r.priority_split[3] == 1.0 and [k for k, *_ in r.bad_actors] == ["A:H"]
