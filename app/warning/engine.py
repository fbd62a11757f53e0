"""Early warning: a limit will be crossed (forecast), or a tag behaves unlike itself (anomaly).

Both run over the bucketed recent past of every tag (`app.warning.window.RecentWindow`, bucket means of
good samples only) once per bucket, vectorised over the tags, and report `Condition`s that the
alarm engine runs through the ISA-18.2 life cycle as warnings (kind FORECAST or ANOMALY).

They run at several time scales (`Scale`): the live window of 5-second buckets holds the minutes
of a gas leak; a tag whose forecast window or anomaly learning time is hours or days (hearth
creep, stave cooling loss, bag blinding, sensor drift) is kept in a window of its own, of 1-minute,
10-minute or 1-hour buckets, and its detectors run once per bucket of that scale.

The detectors: `app.warning.forecast`, `app.warning.anomaly` and, on groups of tags that move
together, `app.warning.multivariate`; the explanation behind a warning: `app.warning.explain`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from app.config import PlantConfig
from app.evaluation.faults import FaultRegistry
from app.warning.anomaly import DRIFT_HOLD, AnomalyDetector
from app.warning.explain import Explanation, fmt_value
from app.warning.forecast import ForecastDetector
from app.warning.multivariate import MultivariateDetector
from app.warning.window import LIVE_STEP_S, RecentWindow
from core.alarm_types import ROMAN, Condition, Kind
from core.formatting import format_duration as fmt_duration
from core.messages import QT_TRANSLATE_NOOP, Message


def _m(template: str, **args) -> Message:
    return Message("warning", template, **args)


MAX_HISTORY_S = 60 * 86400.0  # the most history a slow scale learns from at start-up
SLOW_SPAN_BUCKETS = 240  # a slow scale's window keeps at least this many buckets (the explanation's chart)


@dataclass
class Scale:
    """The detectors of one bucket width and the window they look back at."""

    window: RecentWindow
    forecast: ForecastDetector
    anomaly: AnomalyDetector
    multivariate: MultivariateDetector
    last: int = -1  # the newest bucket boundary of this scale evaluated
    name: str = ""  # "" for the live scale; else its bucket width, naming its faults

    def due(self, now: float) -> bool:
        """A bucket of this scale closed since the last evaluation (always, for the live scale,
        which the pipeline runs at every bucket boundary)."""
        b = math.floor(now / self.window.step)
        if not self.name or b > self.last:
            self.last = b
            return True
        return False

    def learn(self, now: float, latest: np.ndarray) -> None:
        """Fold this scale's newest closed bucket into its baselines, if one closed (warm-up)."""
        if self.due(now):
            self.forecast.learn(now)
            self.anomaly.evaluate(now, latest)
            self.multivariate.evaluate(now, latest)

    def detectors(self):
        return (("forecast", self.forecast), ("anomaly", self.anomaly), ("multivariate", self.multivariate))


class WarningEngine:
    """Forecast and anomaly detectors over the recent past at every time scale the plant uses;
    evaluated once per bucket of each scale."""

    def __init__(self, cfg: PlantConfig, window: RecentWindow, faults: FaultRegistry | None = None):
        self.window = window
        self.faults = FaultRegistry() if faults is None else faults
        self.scales = [
            Scale(
                window,
                ForecastDetector(cfg, window),
                AnomalyDetector(cfg, window),
                MultivariateDetector(cfg, window),
            )
        ]
        for step, (tags, span) in sorted(slow_scales(cfg, window.step).items()):
            w = RecentWindow(len(cfg.tags), span, step, held=tags, deferred=True)
            name = fmt_duration(step)
            self.scales.append(
                Scale(
                    w,
                    ForecastDetector(cfg, w, False),
                    AnomalyDetector(cfg, w, False),
                    MultivariateDetector(cfg, w, False),
                    name=name,
                )
            )
        for sc in self.scales:
            sc.forecast.faults = sc.anomaly.faults = sc.multivariate.faults = self.faults
        self.forecast, self.anomaly = self.scales[0].forecast, self.scales[0].anomaly  # the live scale
        self.names = [t.name for t in cfg.tags]
        self.units = [t.unit for t in cfg.tags]
        self.cfg = cfg
        self.holders: dict[str, set[str]] = {}  # warning key -> the scales holding it up

    def add(self, batch) -> None:
        """Samples into the windows of the slow scales (the pipeline fills the live one)."""
        for sc in self.scales[1:]:
            sc.window.add(batch)

    def evaluate(self, now: float, latest: np.ndarray) -> list[Condition]:
        """The detectors of every scale with a bucket closed; one that raises is faulted (a
        SYSTEM alarm naming it, logged once) and the others still run."""
        out: list[Condition] = []
        for sc in self.scales:
            if not sc.due(now):
                continue
            for kind, detector in sc.detectors():
                name = f"{kind} ({sc.name})" if sc.name else kind
                try:
                    got = detector.evaluate(now, latest)
                except Exception as exc:
                    self.faults.detector_failed(name, exc, now)
                    continue
                self.faults.detector_ok(name, now)
                out += self._merge(got, sc.name)
        return out

    def _merge(self, got: list[Condition], scale: str) -> list[Condition]:
        """A warning two scales report (a tag's fast and slow anomaly) stands while either holds
        it: raised by the first, cleared by the last."""
        out = []
        for c in got:
            holders = self.holders.setdefault(c.key, set())
            if c.active:
                holders.add(scale)
                out.append(c)
                continue
            holders.discard(scale)
            if not holders:
                del self.holders[c.key]
                out.append(c)
        return out

    def learn(self, now: float, latest: np.ndarray) -> None:
        """Fold the newest closed bucket of every scale due into the baselines (warm-up)."""
        for sc in self.scales:
            sc.learn(now, latest)

    def history_needed(self) -> list[tuple[float, list[int], float]]:
        """(bucket width, tags, seconds of history) each slow scale learns from at start-up: two
        forecast windows (its normal band and a window of trend) or the anomaly learning time."""
        out = []
        for sc in self.scales[1:]:
            f, a, mv = sc.forecast, sc.anomaly, sc.multivariate
            need = max([0.0] + [2 * w for w in f.win_s.tolist()] + a.learn_s.tolist())
            need = max([need] + [g.learn_s for g in mv.groups])
            tags = sorted(set(f.tags.tolist()) | set(a.tags.tolist()) | set(mv.tags.tolist()))
            out.append((sc.window.step, tags, min(need, MAX_HISTORY_S)))
        return out

    def learn_past(self, step: float, batches, latest: np.ndarray) -> int:
        """Teach the scale of bucket width `step` from the past (the history's rollups: bucket
        means, in time order): its window fills and its baselines learn at every one of its
        bucket boundaries, nothing is raised. Returns the samples taken."""
        sc = next(sc for sc in self.scales[1:] if sc.window.step == step)

        def feed(part) -> None:
            sc.window.add(part)
            latest[part.tag] = part.value

        n = 0
        for batch in batches:
            if not len(batch):
                continue
            n += len(batch)
            ts, lo = batch.ts, 0
            for b in range(math.floor(ts[0] / step) + 1, math.floor(ts[-1] / step) + 1):
                k = int(np.searchsorted(ts, b * step))
                feed(batch.take(slice(lo, k)))
                lo = k
                sc.learn(b * step, latest)
            feed(batch.take(slice(lo, None)))
        sc.forecast.reset()
        sc.anomaly.reset()
        sc.multivariate.reset()
        return n

    def reset(self) -> None:
        """Nothing raised, nothing pending, at every scale; the learned baselines stay."""
        self.holders.clear()
        for sc in self.scales:
            sc.forecast.reset()
            sc.anomaly.reset()
            sc.multivariate.reset()

    def relearn(self, tags, now: float, why: str) -> list[Condition]:
        """The forecast and anomaly detectors of these tags learn again from nothing, at every
        scale (their baselines belong to another process mode); the warnings they had up end."""
        out = []
        for sc in self.scales:
            for kind, detector in ((Kind.FORECAST, sc.forecast), (Kind.ANOMALY, sc.anomaly)):
                for i in detector.relearn(tags):
                    message = _m(
                        QT_TRANSLATE_NOOP("warning", "{tag}: learning again ({why})"),
                        tag=self.names[i],
                        why=why,
                    )
                    out.append(
                        Condition(f"{self.names[i]}:{kind}", self.names[i], kind, False, 4, now, message, i)
                    )
            for name in sc.multivariate.relearn(tags):
                message = _m(QT_TRANSLATE_NOOP("warning", "{tag}: learning again ({why})"), tag=name, why=why)
                out.append(Condition(f"{name}:{Kind.ANOMALY}", name, Kind.ANOMALY, False, 4, now, message))
        for c in out:
            self.holders.pop(c.key, None)
        return out

    def adopt(
        self, old: WarningEngine, old_index: np.ndarray, cfg: PlantConfig, old_cfg: PlantConfig
    ) -> set[str]:
        """Baselines, recent past (of the slow scales) and standing warnings of every scale whose
        tags' settings did not change; the keys of the warnings that carry on."""
        kept: set[str] = set()
        slow = {sc.window.step: sc for sc in old.scales[1:]}
        for k, sc in enumerate(self.scales):
            o = old.scales[0] if k == 0 else slow.get(sc.window.step)
            if o is None:
                continue
            if k:  # the live window is the pipeline's, which adopts it itself
                sc.window.adopt(o.window, old_index)
                sc.last = o.last
            kept |= sc.forecast.adopt(o.forecast, old_index, cfg, old_cfg)
            kept |= sc.anomaly.adopt(o.anomaly, old_index, cfg, old_cfg)
            kept |= sc.multivariate.adopt(o.multivariate, cfg, old_cfg)
        self.holders = {k: set(v) for k, v in old.holders.items() if k in kept}
        return kept

    def _level_reason(self, i: int, fit, levels_s) -> Message:
        """Which limit the forecast approaches, its alarm priority and basis, and how that and
        the time left make the warning's level."""
        alarms = self.cfg.tags[i].alarms
        name = next((k for k in ("HH", "H", "L", "LL") if getattr(alarms, k) == fit.target), "")
        prio = alarms.priority_of(name) if name else 4
        by_time = 1 + sum(fit.eta_s > x for x in levels_s)
        basis = (
            _m(QT_TRANSLATE_NOOP("warning", " (basis: {basis})"), basis=alarms.basis) if alarms.basis else ""
        )
        return _m(
            QT_TRANSLATE_NOOP(
                "warning",
                "It approaches {limit} {value}{unit}, an alarm of priority {prio}{basis}: level {level}, "
                "from {by_time} by the time left ({eta}) and never more urgent than the alarm it predicts.",
            ),
            limit=name,
            value=fmt_value(fit.target),
            unit=f" {self.units[i]}" if self.units[i] else "",
            prio=ROMAN[prio],
            basis=basis,
            level=ROMAN[fit.level_no],
            by_time=ROMAN[min(4, by_time)],
            eta=fmt_duration(fit.eta_s),
        )

    def _of(self, tag: int, kind: str) -> Scale | None:
        """The scale whose forecast (or anomaly) detector watches the tag."""
        for sc in self.scales:
            detector = sc.forecast if kind == Kind.FORECAST else sc.anomaly
            if (detector.tags == tag).any():
                return sc
        return None

    def status(self, tag: int) -> str:
        """'learning', 'watching' or 'off' for a tag's detectors, for the tag's detail view."""
        f, a = self._of(tag, Kind.FORECAST), self._of(tag, Kind.ANOMALY)
        groups = [sc.multivariate for sc in self.scales if (sc.multivariate.tags == tag).any()]
        if (
            (f is not None and f.forecast.learning(tag))
            or (a is not None and a.anomaly.learning(tag))
            or any(mv.learning(tag) for mv in groups)
        ):
            return "learning"
        return "watching" if f is not None or a is not None or groups else "off"

    def cone(self, tag: int, now: float, ahead_s: float | None = None):
        """The forecast ahead of the live curve: (t, lower, middle, upper), or None."""
        sc = self._of(tag, Kind.FORECAST)
        fit = None if sc is None else sc.forecast.fits.get(tag)
        if fit is None:
            return None
        j = int(np.flatnonzero(sc.forecast.tags == tag)[0])
        ahead = ahead_s or float(sc.forecast.horizon[j])
        t = np.linspace(0.0, ahead, 32)
        mid = fit.level + fit.slope_per_s * t
        spread = fit.noise + fit.slope_err * t
        return now + t, mid - spread, mid, mid + spread

    def explain(self, key: str, now: float) -> Explanation | None:
        name, _, kind = key.rpartition(":")
        try:
            i = self.names.index(name)
        except ValueError:
            return self._explain_group(name, now)
        unit = f" {self.units[i]}" if self.units[i] else ""
        if kind == Kind.FORECAST:
            sc = self._of(i, Kind.FORECAST)
            if sc is None:
                return None
            f, window = sc.forecast, sc.window
            j = int(np.flatnonzero(f.tags == i)[0])
            s = f.settings[j]
            t, y = window.series([i], s.window_s, now)
            fit = f.fits.get(i)
            lines = [
                _m(
                    QT_TRANSLATE_NOOP(
                        "warning",
                        "Trend over the last {window} ({n} buckets of {step} means, bad samples left out).",
                    ),
                    window=fmt_duration(s.window_s),
                    n=int(np.isfinite(y).sum()),
                    step=fmt_duration(window.step),
                )
            ]
            title = _m(QT_TRANSLATE_NOOP("warning", "Forecast for {tag}"), tag=name)
            ex = Explanation(key, kind, i, title, lines, t, y[0])
            if fit is not None:
                lines.append(
                    _m(
                        QT_TRANSLATE_NOOP(
                            "warning",
                            "Robust slope {slope}{unit}/min (± {err}), level now {level}{unit}, noise {noise}{unit}.",
                        ),
                        slope=fmt_value(fit.slope_per_s * 60),
                        err=fmt_value(fit.slope_err * 60),
                        level=fmt_value(fit.level),
                        noise=fmt_value(fit.noise),
                        unit=unit,
                    )
                )
                cone = self.cone(i, now)
                ex.fit_t = np.r_[t[0], now, cone[0][1:]] if cone else t
                ex.fit_v = fit.level + fit.slope_per_s * (ex.fit_t - now)
                if cone:
                    ex.band_lo = np.r_[np.full(2, np.nan), cone[1][1:]]
                    ex.band_hi = np.r_[np.full(2, np.nan), cone[3][1:]]
            lines.append(
                _m(
                    QT_TRANSLATE_NOOP(
                        "warning",
                        "Warning when the next limit is predicted within {horizon}; "
                        "level I ≤ {i}, II ≤ {ii}, III ≤ {iii}, IV ≤ {iv}.",
                    ),
                    horizon=fmt_duration(s.horizon_s),
                    i=fmt_duration(s.levels_s[0]),
                    ii=fmt_duration(s.levels_s[1]),
                    iii=fmt_duration(s.levels_s[2]),
                    iv=fmt_duration(s.levels_s[3]),
                )
            )
            if fit is not None:
                lines.append(self._level_reason(i, fit, s.levels_s))
            return ex
        if kind == Kind.ANOMALY:
            sc = self._of(i, Kind.ANOMALY)
            if sc is None:
                return None
            a, window = sc.anomaly, sc.window
            j = int(np.flatnonzero(a.tags == i)[0])
            t, y = window.series([i], window.span, now)
            m = int(np.nanargmax(a.seen_s[j]))
            mu, sd = float(a.mu[j, m]), max(math.sqrt(a.var[j, m]), float(a.floor[j]))
            lines = [
                a.evidence.get(i) or _m(QT_TRANSLATE_NOOP("warning", "No anomaly now.")),
                _m(
                    QT_TRANSLATE_NOOP(
                        "warning",
                        "Baseline {mean}{unit} ± {sd}{unit} learned over {duration}; drift when {drift} σ away "
                        "for {hold} buckets, step at {step} σ of the bucket-to-bucket scatter.",
                    ),
                    mean=fmt_value(mu),
                    sd=fmt_value(sd),
                    unit=unit,
                    duration=fmt_duration(a.seen_s[j, m]),
                    drift=f"{a.drift_h[j]:g}",
                    hold=DRIFT_HOLD,
                    step=f"{a.step_h[j]:g}",
                ),
            ]
            title = _m(QT_TRANSLATE_NOOP("warning", "Anomaly on {tag}"), tag=name)
            ex = Explanation(key, kind, i, title, lines, t, y[0])
            ex.fit_t = t
            ex.fit_v = np.full(len(t), mu)
            ex.band_lo, ex.band_hi = ex.fit_v - 3 * sd, ex.fit_v + 3 * sd
            return ex
        return None

    def _explain_group(self, name: str, now: float) -> Explanation | None:
        for sc in self.scales:
            if sc.multivariate.index_of(name) >= 0:
                return sc.multivariate.explain(name, now)
        return None


def slow_scales(cfg: PlantConfig, live_step: float) -> dict[float, tuple[list[int], float]]:
    """Bucket width -> (the tags it holds, the span its window keeps) for every scale wider than
    the live window's buckets that a forecast or an anomaly detector of the plant runs at."""
    out: dict[float, tuple[list[int], float]] = {}
    live_step = max(live_step, LIVE_STEP_S)
    for i, t in enumerate(cfg.tags):
        if t.is_bool:
            continue
        f, a = cfg.forecast_of(t), cfg.anomaly_of(t)
        wants = []
        if f.enabled and t.alarms is not None and f.step > live_step:
            wants.append((f.step, f.window_s))
        if a.enabled and a.step > live_step:
            wants.append((a.step, 0.0))
        if a.enabled and a.slow is not None and a.slow.step > live_step:
            wants.append((a.slow.step, 0.0))
        for step, span in wants:
            tags, have = out.get(step, ([], SLOW_SPAN_BUCKETS * step))
            if not tags or tags[-1] != i:
                tags.append(i)
            out[step] = (tags, max(have, span + 2 * step))
    index = cfg.tag_index()
    for g in cfg.warnings.multivariate:
        if g.enabled and g.step > live_step:
            tags, have = out.get(g.step, ([], SLOW_SPAN_BUCKETS * g.step))
            out[g.step] = (sorted(set(tags) | {index[n] for n in cfg.group_tags(g)}), have)
    return out
