"""EEMUA 191 alarm-system performance KPIs computed from the alarm journal.

`compute` works on plain `JournalRow` records (pure Python + numpy, vectorised, no database code):
a month of journal (about 100,000 rows) takes a fraction of a second. `storage.journal_reads.load_events`
reads the journal rows of a period, plus the context needed to know the state of every alarm at the
start of the period.

Journal semantics (see `app.alarms.engine.Alarm`): every transition of an alarm writes one row.

- activation: ``active=True, acked=False`` and the previous row of the same key was not active
  (or there is no previous row); acknowledgement rows written while the alarm is active are not
  activations;
- acknowledgement: ``acked=True`` after a row of the same key with ``acked=False``;
- return to normal: ``active=False``.

Rows before ``t0`` are used only as context (state and activation time of alarms already standing
or unacknowledged at ``t0``); rows after ``t1`` are ignored. Communication alarms count like any
other alarm.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from core.alarm_types import WARNING_KINDS
from core.messages import QT_TRANSLATE_NOOP, word
from storage.journal_reads import JournalRow

SLOT_S = 600.0  # 10 minutes: the EEMUA 191 reference interval
TOP_BAD_ACTORS = 10

# EEMUA 191 priority distribution: ~5 % high, ~15 % medium, ~80 % low (I -> high, II -> medium,
# III and IV -> low).
PRIORITY_TARGET = {1: 0.05, 2: 0.15, 3: 0.80}
TARGET_PER_HOUR = 6.0  # <= 1 alarm per 10 minutes per operator in steady operation

# Average alarm rate per 10 minutes per operator -> assessment (EEMUA 191 benchmark)
ASSESSMENT = (
    (1.0, word("kpi", QT_TRANSLATE_NOOP("kpi", "very likely acceptable"))),
    (2.0, word("kpi", QT_TRANSLATE_NOOP("kpi", "manageable"))),
    (5.0, word("kpi", QT_TRANSLATE_NOOP("kpi", "over-demanding"))),
    (math.inf, word("kpi", QT_TRANSLATE_NOOP("kpi", "unacceptable"))),
)


@dataclass(frozen=True)
class KpiReport:
    """EEMUA 191 KPIs of one period ``[t0, t1]``.

    Rates (``per_10min_avg``, ``per_10min_max``, ``per_hour_avg``) are per operator position:
    divided by the number of operators. ``per_10min_series`` holds the raw activation counts of
    consecutive 10-minute slots from ``t0`` (for plotting); the last slot may be partial.

    ``floods``: ``(start, end, count)`` periods where more than ``flood_threshold`` activations
    fall within ``flood_window_s``. A flood window starts at an activation; overlapping windows
    are merged, so a period runs from its first activation to the end of its last window (clipped
    to ``t1``) and ``count`` is the number of activations in it.

    ``bad_actors``: top 10 keys by activation count, as ``(key, count, share of activations)``.
    ``chattering``: ``(key, max activations within any chatter window)`` for keys reaching
    ``chatter_count``. ``standing``: ``(key, since, duration_s)`` for alarms that were active longer
    than ``standing_s`` at some point in the period (duration up to their return to normal or
    ``t1``). ``ack_mean_s``/``ack_p90_s``: time from activation to acknowledgement over the
    acknowledgements in the period (p90 with linear interpolation); None when there are none.

    ``priority_split`` maps every priority level (1..4 = I..IV) to its share of the activations.
    ``priority_target`` is the EEMUA 191 distribution high/medium/low = 5/15/80 %; it is compared
    with the split by mapping priority I -> high (1), II -> medium (2), III and IV -> low (3), as
    given by ``priority_split_eemua``.

    ``assessment`` rates the average per 10 minutes per operator: <= 1 "very likely acceptable",
    <= 2 "manageable", <= 5 "over-demanding", above "unacceptable".
    """

    t0: float
    t1: float
    span_s: float
    operators: int
    activations: int
    per_10min_avg: float
    per_10min_max: float
    per_hour_avg: float
    per_10min_series: np.ndarray = field(compare=False, repr=False)
    floods: list[tuple[float, float, int]]
    percent_time_in_flood: float
    bad_actors: list[tuple[str, int, float]]
    chattering: list[tuple[str, int]]
    standing: list[tuple[str, float, float]]
    ack_mean_s: float | None
    ack_p90_s: float | None
    unacked_at_end: int
    priority_split: dict[int, float]
    assessment: str  # an core.messages.Message: English, translated on screen
    warnings_raised: int = 0  # early warnings raised in the range (not alarms: not in the rates)
    target_per_hour: float = TARGET_PER_HOUR
    priority_target: dict[int, float] = field(default_factory=lambda: dict(PRIORITY_TARGET))

    @property
    def priority_split_eemua(self) -> dict[int, float]:
        """The split on the EEMUA scale: 1 high (I), 2 medium (II), 3 low (III + IV)."""
        s = self.priority_split
        low = sum(v for k, v in s.items() if k >= 3)
        return {1: s.get(1, 0.0), 2: s.get(2, 0.0), 3: low}


def assess(per_10min_avg: float) -> str:
    """EEMUA 191 benchmark wording for an average alarm rate per 10 minutes per operator."""
    for limit, text in ASSESSMENT:
        if per_10min_avg <= limit:
            return text
    return ASSESSMENT[-1][1]


def compute(
    rows: Sequence[JournalRow],
    t0: float,
    t1: float,
    *,
    operators: int = 1,
    flood_threshold: int = 10,
    flood_window_s: float = 600,
    chatter_count: int = 3,
    chatter_window_s: float = 60,
    standing_s: float = 86400,
) -> KpiReport:
    """The KPIs of ``[t0, t1]`` (UNIX seconds) from journal rows in any order.

    Rows with equal timestamps keep their order in ``rows`` (journal order). Windows (flood,
    chattering) are half-open: ``[t, t + window)``.
    """
    if operators < 1:
        raise ValueError("operators must be >= 1")
    span = max(float(t1) - float(t0), 0.0)
    # early warnings go through the same life cycle but are not alarms: EEMUA 191 counts alarms
    warned = _Journal([r for r in rows if r.kind in WARNING_KINDS], t1)
    n_warn = (
        int((warned.activation & (warned.ts_ms >= math.ceil(t0 * 1000 - 1e-6))).sum())
        if len(warned.ts_ms)
        else 0
    )
    rows = [r for r in rows if r.kind not in WARNING_KINDS]
    j = _Journal(rows, t1)
    t0_ms = math.ceil(t0 * 1000 - 1e-6)
    in_range = j.ts_ms >= t0_ms

    act = j.activation & in_range
    act_ms = j.ts_ms[act]
    act_code = j.code[act]
    act_prio = j.priority[act]
    n_act = int(act_ms.size)

    # rates
    n_slots = math.ceil(span / SLOT_S - 1e-9) if span > 0 else 0
    if n_slots:
        slot = np.floor((act_ms / 1000.0 - t0) / SLOT_S).astype(np.int64)
        series = np.bincount(np.clip(slot, 0, n_slots - 1), minlength=n_slots)
    else:
        series = np.zeros(0, dtype=np.int64)
    per_10 = n_act / span * SLOT_S / operators if span > 0 else 0.0
    per_10_max = float(series.max()) / operators if series.size else 0.0

    floods = _floods(np.sort(act_ms), t1, flood_threshold, flood_window_s)
    in_flood = sum(e - s for s, e, _ in floods)

    counts = np.bincount(act_code, minlength=len(j.keys))
    present = np.flatnonzero(counts)
    ranked = sorted(present.tolist(), key=lambda c: (-int(counts[c]), j.keys[c]))[:TOP_BAD_ACTORS]
    bad_actors = [(j.keys[c], int(counts[c]), int(counts[c]) / n_act) for c in ranked]

    chattering = _chattering(act_ms, act_code, j.keys, chatter_count, chatter_window_s)
    standing = j.standing(t0, t1, standing_s)
    ack_s, ack_ms = j.ack_times()
    ack = ack_s[ack_ms >= t0_ms]

    levels = sorted({1, 2, 3, 4} | set(np.unique(act_prio).tolist()))
    split = {int(lv): (int(np.count_nonzero(act_prio == lv)) / n_act if n_act else 0.0) for lv in levels}

    return KpiReport(
        warnings_raised=n_warn,
        t0=float(t0),
        t1=float(t1),
        span_s=span,
        operators=operators,
        activations=n_act,
        per_10min_avg=per_10,
        per_10min_max=per_10_max,
        per_hour_avg=per_10 * 6.0,
        per_10min_series=series,
        floods=floods,
        percent_time_in_flood=100.0 * in_flood / span if span > 0 else 0.0,
        bad_actors=bad_actors,
        chattering=chattering,
        standing=standing,
        ack_mean_s=float(ack.mean()) if ack.size else None,
        ack_p90_s=float(np.percentile(ack, 90)) if ack.size else None,
        unacked_at_end=j.unacked_at_end(),
        priority_split=split,
        assessment=assess(per_10),
    )


class _Journal:
    """Journal rows up to ``t1`` as arrays sorted by (key, time, journal order), with transitions."""

    def __init__(self, rows: Sequence[JournalRow], t1: float):
        n = len(rows)
        index: dict[str, int] = {}
        code = np.fromiter((index.setdefault(r.key, len(index)) for r in rows), np.int64, n)
        ts = np.fromiter((r.ts for r in rows), np.float64, n)
        ts_ms = np.round(ts * 1000.0).astype(np.int64)
        active = np.fromiter((bool(r.active) for r in rows), bool, n)
        acked = np.fromiter((bool(r.acked) for r in rows), bool, n)
        priority = np.fromiter((int(r.priority) for r in rows), np.int64, n)
        keep = ts_ms <= math.floor(t1 * 1000 + 1e-6)
        order = np.lexsort((np.arange(n), ts_ms, code))
        order = order[keep[order]]
        self.keys = list(index)
        self.code = code[order]
        self.ts_ms = ts_ms[order]
        self.active = active[order]
        self.acked = acked[order]
        self.priority = priority[order]
        self.n = m = int(order.size)

        self.first = np.ones(m, dtype=bool)  # first row of its key
        self.first[1:] = self.code[1:] != self.code[:-1]
        self.last = np.ones(m, dtype=bool)  # last row of its key
        self.last[:-1] = self.first[1:]
        prev_active = np.zeros(m, dtype=bool)
        prev_active[1:] = self.active[:-1]
        prev_active &= ~self.first
        prev_acked = np.ones(m, dtype=bool)
        prev_acked[1:] = self.acked[:-1]
        prev_acked |= self.first
        self.episode_start = self.active & ~prev_active
        self.activation = self.episode_start & ~self.acked
        self.ack = self.acked & ~prev_acked

    def ack_times(self) -> tuple[np.ndarray, np.ndarray]:
        """(seconds from the latest activation of the key, ack time in ms) of every acknowledgement."""
        pos = np.arange(self.n)
        last_act = np.maximum.accumulate(np.where(self.activation, pos, -1))
        group_start = np.maximum.accumulate(np.where(self.first, pos, 0))
        ok = self.ack & (last_act >= group_start)
        at = pos[ok]
        return (self.ts_ms[at] - self.ts_ms[last_act[at]]) / 1000.0, self.ts_ms[at]

    def standing(self, t0: float, t1: float, standing_s: float) -> list[tuple[str, float, float]]:
        """Active episodes longer than ``standing_s`` that reach into ``[t0, t1]``, longest first."""
        starts = np.flatnonzero(self.episode_start)
        if starts.size == 0:
            return []
        inactive = np.flatnonzero(~self.active)
        k = np.searchsorted(inactive, starts, side="right")
        nxt = np.append(inactive, self.n - 1)[k]  # next inactive row (sentinel: any row)
        cleared = (k < inactive.size) & (self.code[nxt] == self.code[starts])
        since = self.ts_ms[starts] / 1000.0
        end = np.where(cleared, self.ts_ms[nxt] / 1000.0, float(t1))
        dur = end - since
        hit = (dur > standing_s) & (end >= t0)
        out = [
            (self.keys[c], float(s), float(d))
            for c, s, d in zip(self.code[starts[hit]], since[hit], dur[hit], strict=True)
        ]
        return sorted(out, key=lambda x: (-x[2], x[0], x[1]))

    def unacked_at_end(self) -> int:
        return int(np.count_nonzero(self.last & ~self.acked))


def _floods(a_ms: np.ndarray, t1: float, threshold: int, window_s: float) -> list[tuple[float, float, int]]:
    """Merged sliding windows of ``window_s`` holding more than ``threshold`` activations."""
    if a_ms.size <= threshold:
        return []
    w = round(window_s * 1000)
    n_in = np.searchsorted(a_ms, a_ms + w, side="left") - np.arange(a_ms.size)
    first = a_ms[n_in > threshold]  # starts of the flood windows, ascending
    if first.size == 0:
        return []
    new = np.ones(first.size, dtype=bool)
    new[1:] = first[1:] >= first[:-1] + w  # a window not overlapping the previous one
    g_start = first[new]
    g_end = first[np.r_[new[1:], True]] + w
    lo = np.searchsorted(a_ms, g_start, side="left")
    hi = np.searchsorted(a_ms, g_end, side="left")
    end_s = np.minimum(g_end / 1000.0, float(t1))
    return [(float(s) / 1000.0, float(e), int(c)) for s, e, c in zip(g_start, end_s, hi - lo, strict=True)]


def _chattering(
    a_ms: np.ndarray, code: np.ndarray, keys: list[str], count: int, window_s: float
) -> list[tuple[str, int]]:
    """Keys with at least ``count`` activations within ``window_s``, with their maximum count."""
    if a_ms.size == 0:
        return []
    w = round(window_s * 1000)
    base = int(a_ms.min())
    big = int(a_ms.max()) - base + w + 1  # separates the keys on one sorted axis
    order = np.lexsort((a_ms, code))
    c = code[order]
    v = c * big + (a_ms[order] - base)
    n_in = np.searchsorted(v, v + w, side="left") - np.arange(v.size)
    best = np.zeros(len(keys), dtype=np.int64)
    np.maximum.at(best, c, n_in)
    hit = np.flatnonzero(best >= count)
    return sorted(((keys[i], int(best[i])) for i in hit), key=lambda x: (-x[1], x[0]))
