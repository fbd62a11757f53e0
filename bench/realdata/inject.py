"""Incident signatures and sensor faults injected into a data set's real normal stretches.

Written from the plant's limits and the data set's time scale alone (never from what a detector
looks at): a seeded generator draws, per injection, a tag and a direction that has a limit, a
start inside a labelled-normal stretch (after the learning time, with the look-back before it
and the settling after it still normal, never overlapping another injection), a duration D
within the data set's `incident_s` range, and the shape's own parameters. The real samples stay
underneath: an injection adds to them (or replaces them: stuck, dropout).

Incidents (they reach the limit about D after they start, and go on to 1.5 D):
  ramp        a straight line from the level before the start to the limit in D
  runaway     an exponential, A (exp(t / tau) - 1) with tau = D / U(1.5, 4), at the limit at D
  step_creep  a step of U(0.2, 0.6) of the way to the limit, then a line covering the rest in D
Sensor faults (1.5 D long; the process itself is normal):
  drift       the reading drifts to 0.6 of the way to the limit and no further
  stuck       the reading freezes at its value at the start
  spikes      3-7 single-sample spikes of U(0.5, 2) times the gap to the limit
  dropout     no reading (bad quality) for U(0.2, 1) D
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench.realdata.loader import DataSet, Failure

INCIDENTS = ("ramp", "runaway", "step_creep")
SENSOR_FAULTS = ("drift", "stuck", "spikes", "dropout")
SPAN = 1.5  # an injection lasts 1.5 D


@dataclass(frozen=True)
class Injection:
    kind: str
    tag: str
    start: float
    duration_s: float  # D
    direction: int  # +1 toward the high limit, -1 toward the low one
    level: float  # the tag's median just before the start (the look-back or D's low end if shorter)
    gap: float  # from that level to the limit, in the direction (> 0)
    params: tuple[float, ...] = ()

    @property
    def end(self) -> float:
        return self.start + SPAN * self.duration_s

    def failure(self, k: int) -> Failure:
        return Failure(f"{self.kind} {k}", self.start, self.end, (self.tag,), self.kind)


def free_spans(ds: DataSet, after: float) -> list[tuple[float, float]]:
    """Labelled-normal time after `after`, as spans between the failures' abnormal spans."""
    spans, t = [], after
    for a, b in sorted(ds.abnormal_spans()):
        if a > t:
            spans.append((t, a))
        t = max(t, b)
    if float(ds.ts[-1]) > t:
        spans.append((t, float(ds.ts[-1])))
    return spans


def limits_of(ds: DataSet) -> dict[str, dict[int, float]]:
    """tag -> {+1: nearest high limit, -1: nearest low limit} (those that exist)."""
    out = {}
    for t in ds.config.tags:
        a = t.alarms
        if a is None:
            continue
        hi = [v for v in (a.H, a.HH) if v is not None]
        lo = [v for v in (a.L, a.LL) if v is not None]
        out[t.name] = {**({1: min(hi)} if hi else {}), **({-1: max(lo)} if lo else {})}
    return {k: v for k, v in out.items() if v}


def plan(ds: DataSet, kinds: tuple[str, ...], per_kind: int, seed: int, after: float) -> list[Injection]:
    """Up to `per_kind` injections of every kind, placed at random in the free normal time."""
    rng = np.random.default_rng(seed)
    spans = free_spans(ds, after)
    limits = limits_of(ds)
    lo_d, hi_d = ds.incident_s
    jobs = [k for k in kinds for _ in range(per_kind)]
    rng.shuffle(jobs)
    out = []
    for kind in jobs:
        d = float(np.exp(rng.uniform(np.log(lo_d), np.log(hi_d))))
        need_before, need_after = ds.lookback_s, SPAN * d + ds.settle_s
        room = [i for i, (a, b) in enumerate(spans) if b - a >= need_before + need_after]
        if not room:
            continue
        i = int(rng.choice(room))
        a, b = spans[i]
        t0 = float(rng.uniform(a + need_before, b - need_after))
        spans[i : i + 1] = [(a, t0 - need_before), (t0 + need_after, b)]
        tag = str(rng.choice(sorted(limits)))
        direction = int(rng.choice(sorted(limits[tag])))
        col = ds.tags.index(tag)
        before = ds.values[(ds.ts >= t0 - min(ds.lookback_s, lo_d)) & (ds.ts < t0), col]
        before = before[np.isfinite(before)]
        level = float(np.median(before)) if len(before) else np.nan
        gap = (limits[tag][direction] - level) * direction
        if not gap > 0:  # no reading, or already beyond the limit that way: not a normal start
            continue
        if kind == "runaway":
            params: tuple[float, ...] = (d / rng.uniform(1.5, 4.0),)
        elif kind == "step_creep":
            params = (rng.uniform(0.2, 0.6),)
        elif kind == "spikes":
            n = int(rng.integers(3, 8))
            params = tuple(rng.uniform(0.0, SPAN * d, n)) + tuple(rng.uniform(0.5, 2.0, n))
        elif kind == "dropout":
            params = (rng.uniform(0.2, 1.0),)
        else:
            params = ()
        out.append(Injection(kind, tag, t0, d, direction, level, gap, params))
    out.sort(key=lambda j: j.start)
    return out


def shape(j: Injection, dt: np.ndarray) -> np.ndarray:
    """What an incident or a drift adds at `dt` seconds after its start (in units of the gap)."""
    d = j.duration_s
    if j.kind == "ramp":
        return dt / d
    if j.kind == "runaway":
        tau = j.params[0]
        return np.expm1(dt / tau) / np.expm1(d / tau)
    if j.kind == "step_creep":
        s = j.params[0]
        return s + (1.0 - s) * dt / d
    if j.kind == "drift":
        return 0.6 * dt / (SPAN * d)
    raise ValueError(j.kind)


def apply(ds: DataSet, injections: list[Injection]) -> np.ndarray:
    """The data set's values with the injections in them."""
    v = ds.values.copy()
    for j in injections:
        col = ds.tags.index(j.tag)
        rows = np.flatnonzero((ds.ts >= j.start) & (ds.ts < j.end))
        if not len(rows):
            continue
        dt = ds.ts[rows] - j.start
        if j.kind == "stuck":
            v[rows, col] = v[rows[0], col]
        elif j.kind == "dropout":
            v[rows[dt < j.params[0] * j.duration_s], col] = np.nan
        elif j.kind == "spikes":
            n = len(j.params) // 2
            at = np.searchsorted(ds.ts, j.start + np.asarray(j.params[:n]))
            at = at[at < len(ds.ts)]
            v[at, col] += j.direction * j.gap * np.asarray(j.params[n:])[: len(at)]
        else:
            v[rows, col] += j.direction * j.gap * shape(j, dt)
    return v
