"""What the pipeline (and the PCA monitor beside it) made of a data set's labelled failures.

Definitions (one home for them; bench/real_data.py and the tests use these functions):

raise           an alarm or warning going active (its previous transition, if any, was inactive);
                limit alarms are kinds HH, H, L, LL; warnings are FORECAST, ANOMALY and RULE.
limit alarm of a failure
                the first limit-alarm raise on one of the failure's tags between its labelled
                start and end.
group warning    a multivariate group's warning (its source the group) counts as a warning on
                each of the group's tags (`covered`).
warned          with a limit alarm at A: a warning raise on one of the failure's tags inside
                [A - look-back, A); lead = A - first such warning.
                Without one (the failure never reached a limit; counted apart as `no_limit`):
                a warning raise on its tags inside [start - look-back, end]; lead = start - that
                warning, negative when it came after the labelled start (a detection delay).
seen in window  any warning raise on its tags from the look-back before its start to its end,
                after the limit alarm too: the detectors saw it, though not in time.
false warning   a warning raise at a time outside every failure's [start - look-back,
                end + settle] (the labelled-normal stretches), after the detectors' learning time;
                per 1,000 tag-hours of that normal time over the tags a detector watches.
                Beside the count (never instead of it): how many of them a limit alarm on one
                of their tags followed within the look-back (`false_then_limit`: the process
                did cross one of the plant's own limits in time labelled normal), and each false
                warning's time, source, kind and text (`false_list`), so that what raises them
                can be read, not guessed.
pooled          every data set's false warnings summed over all their normal tag-hours
                (`pooled`), beside the per-data-set figures.
PCA             the same with the monitor's alarm times in place of warning raises (it has no
                tags: any alarm counts for every failure); false alarms per 1,000 hours of normal
                time, and per 1,000 tag-hours (divided by the tags it watches) beside ours.
point-wise      SKAB's own leaderboard scores every row: FAR, the share of labelled-normal rows
                (outside every labelled window; no look-back or settling taken off) flagged, and
                MAR, the share of labelled-anomalous rows not flagged, in per cent, after the
                detectors' learning time. A row is flagged while any of our warnings is up (from
                its raise to its clear), or inside one of the PCA monitor's confirmed runs.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

import numpy as np

from app.evaluation.pipeline import Pipeline
from bench.realdata.loader import DataSet, Failure
from bench.realdata.pca import PcaMonitor
from core.alarm_types import Alarm, Kind

LIMIT_KINDS = frozenset({Kind.HH, Kind.H, Kind.L, Kind.LL})
WARNING_KINDS = frozenset({Kind.FORECAST, Kind.ANOMALY, Kind.RULE})


@dataclass
class Raise:
    ts: float
    tag: str
    kind: str
    text: str = ""  # the alarm's or warning's message


@dataclass
class Run:
    """The raises one pass of the pipeline over a data set gave, and how fast it went."""

    limits: list[Raise]
    warnings: list[Raise]
    samples: int
    seconds: float
    up: list[tuple[float, float]] = field(default_factory=list)  # [raise, clear) of every warning

    @property
    def samples_per_s(self) -> float:
        return self.samples / self.seconds if self.seconds > 0 else float("inf")


def raises(events: list[Alarm]) -> list[Raise]:
    """Alarms and warnings going active, in time order."""
    on: dict[str, bool] = {}
    out = []
    for a in sorted(events, key=lambda a: a.ts):
        if a.active and not on.get(a.key, False):
            out.append(Raise(a.ts, a.source, a.kind, str(a.message)))
        on[a.key] = a.active
    return out


def spans_up(events: list[Alarm], kinds: frozenset[str], end: float) -> list[tuple[float, float]]:
    """[raise, clear) of every alarm of these kinds; one still up at `end` runs to it."""
    since: dict[str, float] = {}
    out = []
    for a in sorted(events, key=lambda a: a.ts):
        if a.kind not in kinds:
            continue
        if a.active and a.key not in since:
            since[a.key] = a.ts
        elif not a.active and a.key in since:
            out.append((since.pop(a.key), a.ts))
    return out + [(t, end) for t in since.values()]


def covered(ds: DataSet, warnings: list[Raise]) -> list[tuple[float, str]]:
    """(time, tag) of every warning raise; one of a multivariate group stands for each of its tags."""
    cfg = ds.config
    groups = {g.name: cfg.group_tags(g) for g in cfg.warnings.multivariate}
    return [(r.ts, tag) for r in warnings for tag in groups.get(r.tag, [r.tag])]


def run(ds: DataSet, values: np.ndarray | None = None, rows: int = 600) -> Run:
    """Every sample of the data set (or `values` in its place) through a fresh `Pipeline`."""
    pipeline = Pipeline(ds.config)
    events: list[Alarm] = []
    n = 0
    start = time.perf_counter()
    for batch in ds.batches(rows, values):
        n += len(batch)
        events += pipeline.evaluate(batch).alarms
    seconds = time.perf_counter() - start
    got = raises(events)
    return Run(
        [r for r in got if r.kind in LIMIT_KINDS],
        [r for r in got if r.kind in WARNING_KINDS],
        n,
        seconds,
        spans_up(events, WARNING_KINDS, float(ds.ts[-1]) + ds.period_s),
    )


@dataclass
class Verdict:
    """One failure as a method saw it."""

    failure: str
    limit_at: float | None  # its first limit alarm
    warned_at: float | None  # the warning (or PCA alarm) that counts
    lead_s: float | None
    seen: bool = False  # any warning from the look-back before the start to the end (late ones too)

    @property
    def warned(self) -> bool:
        return self.warned_at is not None


def judge(f: Failure, limits: list[Raise], warns: list[tuple[float, str]], lookback_s: float) -> Verdict:
    """`warns`: (time, tag) of the method's warnings; tag "" is every tag (the PCA monitor)."""
    tags = set(f.tags)
    mine = sorted(t for t, tag in warns if tag == "" or tag in tags)
    hit = [r.ts for r in limits if r.tag in tags and f.start <= r.ts <= f.end]
    seen = [t for t in mine if f.start - lookback_s <= t <= f.end]
    if hit:
        a = min(hit)
        w = [t for t in mine if a - lookback_s <= t < a]
        return Verdict(f.name, a, w[0] if w else None, a - w[0] if w else None, bool(seen))
    return Verdict(f.name, None, seen[0] if seen else None, f.start - seen[0] if seen else None, bool(seen))


def normal_hours(ds: DataSet, after: float) -> float:
    """Hours of labelled-normal time after `after` (each row counts until the next, gaps over
    twice the sampling period cut short)."""
    dt = np.diff(np.r_[ds.ts, ds.ts[-1] + ds.period_s])
    dt = np.minimum(dt, 2 * ds.period_s)
    keep = ds.normal() & (ds.ts >= after)
    return float(dt[keep].sum()) / 3600.0


def in_normal(ds: DataSet, t: np.ndarray) -> np.ndarray:
    t = np.asarray(t, dtype=float)
    bad = np.zeros(len(t), dtype=bool)
    for a, b in ds.abnormal_spans():
        bad |= (t >= a) & (t <= b)
    return ~bad


def learn_s(ds: DataSet) -> float:
    """The longest time a detector of the plant (a tag's anomaly, a multivariate group) learns
    before it may warn."""
    cfg = ds.config
    times = [cfg.anomaly_of(t).learn_s for t in cfg.tags if cfg.anomaly_of(t).enabled]
    times += [g.learn_s for g in cfg.warnings.multivariate if g.enabled]
    return max(times + [600.0])  # a forecast learns its normal band for 10 minutes


def watched_tags(ds: DataSet) -> int:
    cfg = ds.config
    return sum(
        1
        for t in cfg.tags
        if cfg.anomaly_of(t).enabled or (cfg.forecast_of(t).enabled and t.alarms is not None)
    )


def summary(verdicts: list[Verdict], false_count: int | None = None, tag_hours: float = 0.0) -> dict:
    reached = [v for v in verdicts if v.limit_at is not None]
    leads = [v.lead_s for v in verdicts if v.warned and v.limit_at is not None]
    delays = [-v.lead_s for v in verdicts if v.warned and v.limit_at is None]
    return {
        "failures": len(verdicts),
        "reached_limit": len(reached),
        "warned_before_limit": sum(v.warned for v in reached),
        "no_limit": len(verdicts) - len(reached),
        "no_limit_detected": sum(v.warned for v in verdicts if v.limit_at is None),
        "warned": sum(v.warned for v in verdicts),
        "seen_in_window": sum(v.seen for v in verdicts),
        "median_lead_h": round(statistics.median(leads) / 3600.0, 3) if leads else None,
        "median_delay_after_start_s": round(statistics.median(delays), 1) if delays else None,
    } | (
        {}
        if false_count is None
        else {
            "false": false_count,
            "false_per_1000_tag_hours": round(1000.0 * false_count / tag_hours, 2) if tag_hours else None,
        }
    )


def evaluate(ds: DataSet, result: Run, pca_alarms: np.ndarray, failures: list[Failure] | None = None) -> dict:
    """Our warnings and the PCA monitor's alarms against the failures (default: the labelled
    ones), side by side."""
    failures = ds.failures if failures is None else failures
    start = float(ds.ts[0]) + learn_s(ds)
    hours = normal_hours(ds, start)
    tags = watched_tags(ds)
    ours = covered(ds, result.warnings)
    our_v = [judge(f, result.limits, ours, ds.lookback_s) for f in failures]
    wt = np.array([r.ts for r in result.warnings])
    false_mask = (in_normal(ds, wt) & (wt >= start)) if len(wt) else np.zeros(0, dtype=bool)
    our_false = int(false_mask.sum())
    false_raises = [r for r, f in zip(result.warnings, false_mask.tolist(), strict=True) if f]
    pca = [(float(t), "") for t in pca_alarms]
    pca_v = [judge(f, result.limits, pca, ds.lookback_s) for f in failures]
    pca_false = int((in_normal(ds, pca_alarms) & (pca_alarms >= start)).sum()) if len(pca_alarms) else 0
    lt = np.array([r.ts for r in result.limits])
    limit_false = int((in_normal(ds, lt) & (lt >= start)).sum()) if len(lt) else 0
    ours_s = summary(our_v, our_false, hours * tags)
    ours_s["false_then_limit"] = sum(1 for r in false_raises if limit_after(ds, r, result.limits))
    ours_s["false_list"] = [
        {
            "t_s": round(r.ts - float(ds.ts[0])),
            "source": r.tag,
            "kind": str(r.kind),
            "limit_alarm_after_s": _after_s(ds, r, result.limits),
            "text": r.text,
        }
        for r in false_raises
    ]
    pca_s = summary(pca_v, pca_false, hours * len(ds.tags))
    for part, false in ((ours_s, our_false), (pca_s, pca_false)):  # per hour of the plant, as SKAB counts
        part["false_per_1000_hours"] = round(1000.0 * false / hours, 2) if hours else None
    return {
        "normal_hours": round(hours, 2),
        "tags_watched": tags,
        "normal_tag_hours": round(hours * tags, 2),
        "limit_alarms_in_normal": limit_false,
        "ours": ours_s,
        "pca": pca_s,
        "per_failure": [
            {
                "failure": f.name,
                "what": f.what,
                "limit_alarm": v.limit_at is not None,
                "ours_lead_s": None if v.lead_s is None else round(v.lead_s, 1),
                "pca_lead_s": None if p.lead_s is None else round(p.lead_s, 1),
            }
            for f, v, p in zip(failures, our_v, pca_v, strict=True)
        ],
    }


def limit_after(ds: DataSet, w: Raise, limits: list[Raise]) -> Raise | None:
    """The first limit alarm on one of the tags of warning `w` (a group's: its tags) within the
    look-back after it, or None."""
    tags = {tag for _, tag in covered(ds, [w])}
    hit = [r for r in limits if r.tag in tags and w.ts <= r.ts <= w.ts + ds.lookback_s]
    return min(hit, key=lambda r: r.ts) if hit else None


def _after_s(ds: DataSet, w: Raise, limits: list[Raise]) -> float | None:
    r = limit_after(ds, w, limits)
    return None if r is None else round(r.ts - w.ts, 1)


def pooled(evaluations: list[dict]) -> dict:
    """All the data sets' false warnings over all their normal tag-hours together."""
    false = sum(e["ours"]["false"] for e in evaluations)
    tag_hours = sum(e["normal_tag_hours"] for e in evaluations)
    return {
        "false": false,
        "false_then_limit": sum(e["ours"]["false_then_limit"] for e in evaluations),
        "normal_tag_hours": round(tag_hours, 1),
        "false_per_1000_tag_hours": round(1000.0 * false / tag_hours, 2) if tag_hours else None,
    }


def pca_monitor(ds: DataSet) -> PcaMonitor:
    """The PCA monitor trained on the data set's training stretch. One tag: the last hour of
    samples is one row."""
    lags = max(1, int(round(3600.0 / ds.period_s))) if len(ds.tags) == 1 else 1
    return PcaMonitor(lags=lags).fit(ds.values[ds.mask(ds.train)])


def pca_alarms(ds: DataSet, values: np.ndarray | None = None) -> np.ndarray:
    """The PCA monitor run over all of the data set (or over `values` in its place): its alarm times."""
    return pca_monitor(ds).alarms(ds.ts, ds.values if values is None else values)


def flagged_rows(ds: DataSet, spans: list[tuple[float, float]]) -> np.ndarray:
    """Per row: its time inside one of the [start, end) spans."""
    out = np.zeros(len(ds.ts), dtype=bool)
    for a, b in spans:
        out |= (ds.ts >= a) & (ds.ts < b)
    return out


def far_mar(ds: DataSet, flagged: np.ndarray) -> dict:
    """SKAB's point-wise false alarm rate and missing alarm rate (per cent) of per-row flags."""
    after = ds.ts >= float(ds.ts[0]) + learn_s(ds)
    windows = [(f.start, f.end) for f in ds.failures]
    anomalous = ds.mask(windows) & after
    normal = ~ds.mask(windows + [(f.start, f.end) for f in ds.unscored]) & after
    return {
        "far_pct": round(100.0 * float((flagged & normal).sum()) / max(int(normal.sum()), 1), 2),
        "mar_pct": round(100.0 * float((~flagged & anomalous).sum()) / max(int(anomalous.sum()), 1), 2),
        "normal_rows": int(normal.sum()),
        "anomalous_rows": int(anomalous.sum()),
    }


def pointwise(ds: DataSet, result: Run) -> dict:
    """FAR and MAR (SKAB's leaderboard metrics) of our warnings and of the PCA monitor."""
    return {
        "ours": far_mar(ds, flagged_rows(ds, result.up)),
        "pca": far_mar(ds, pca_monitor(ds).flagged(ds.values)),
    }


def by_kind(ds: DataSet, result: Run, pca_alarms: np.ndarray, failures: list[Failure]) -> dict:
    """Injected failures (Failure.what is the kind): our warnings and the PCA monitor's alarms,
    per kind (no false-warning figures: the injections are in the normal stretches)."""
    ours = covered(ds, result.warnings)
    pca = [(float(t), "") for t in pca_alarms]
    out = {}
    for kind in dict.fromkeys(f.what for f in failures):
        fs = [f for f in failures if f.what == kind]
        out[kind] = {
            "ours": summary([judge(f, result.limits, ours, ds.lookback_s) for f in fs]),
            "pca": summary([judge(f, result.limits, pca, ds.lookback_s) for f in fs]),
        }
    return out
