"""Early warning: a limit will be crossed (forecast), or a tag behaves unlike itself (anomaly).

Both run over the bucketed recent past of every tag (`app.warning.window.RecentWindow`, bucket means of
good samples only) once per bucket, vectorised over the tags, and report `Condition`s that the
alarm engine runs through the ISA-18.2 life cycle as warnings (kind FORECAST or ANOMALY).


The detectors: `app.warning.forecast` and `app.warning.anomaly`; the explanation behind a
warning: `app.warning.explain`.
"""

from __future__ import annotations

import math

import numpy as np

from app.config import PlantConfig
from app.evaluation.faults import FaultRegistry
from app.warning.anomaly import DRIFT_HOLD, AnomalyDetector
from app.warning.explain import Explanation, fmt_value
from app.warning.forecast import ForecastDetector
from app.warning.window import RecentWindow
from core.alarm_types import Condition, Kind
from core.formatting import format_duration as fmt_duration
from core.messages import QT_TRANSLATE_NOOP, Message


def _m(template: str, **args) -> Message:
    return Message("warning", template, **args)


class WarningEngine:
    """Forecast and anomaly detectors over one recent-past window; evaluated once per bucket."""

    def __init__(self, cfg: PlantConfig, window: RecentWindow, faults: FaultRegistry | None = None):
        self.window = window
        self.faults = FaultRegistry() if faults is None else faults
        self.forecast = ForecastDetector(cfg, window)
        self.anomaly = AnomalyDetector(cfg, window)
        self.forecast.faults = self.anomaly.faults = self.faults
        self.names = [t.name for t in cfg.tags]
        self.units = [t.unit for t in cfg.tags]
        self.cfg = cfg

    def evaluate(self, now: float, latest: np.ndarray) -> list[Condition]:
        """Both detectors; one that raises is faulted (a SYSTEM alarm naming it, logged once)
        and the other still runs."""
        out: list[Condition] = []
        for name, detector in (("forecast", self.forecast), ("anomaly", self.anomaly)):
            try:
                got = detector.evaluate(now, latest)
            except Exception as exc:
                self.faults.detector_failed(name, exc, now)
                continue
            self.faults.detector_ok(name, now)
            out += got
        return out

    def status(self, tag: int) -> str:
        """'learning', 'watching' or 'off' for a tag's detectors, for the tag's detail view."""
        if self.forecast.learning(tag) or (
            tag in set(self.anomaly.tags.tolist()) and self.anomaly.learning(tag)
        ):
            return "learning"
        watched = tag in set(self.forecast.tags.tolist()) or tag in set(self.anomaly.tags.tolist())
        return "watching" if watched else "off"

    def cone(self, tag: int, now: float, ahead_s: float | None = None):
        """The forecast ahead of the live curve: (t, lower, middle, upper), or None."""
        fit = self.forecast.fits.get(tag)
        if fit is None:
            return None
        j = int(np.flatnonzero(self.forecast.tags == tag)[0])
        ahead = ahead_s or float(self.forecast.horizon[j])
        t = np.linspace(0.0, ahead, 32)
        mid = fit.level + fit.slope_per_s * t
        spread = fit.noise + fit.slope_err * t
        return now + t, mid - spread, mid, mid + spread

    def explain(self, key: str, now: float) -> Explanation | None:
        name, _, kind = key.rpartition(":")
        try:
            i = self.names.index(name)
        except ValueError:
            return None
        unit = f" {self.units[i]}" if self.units[i] else ""
        if kind == Kind.FORECAST:
            j = np.flatnonzero(self.forecast.tags == i)
            if not len(j):
                return None
            s = self.forecast.settings[int(j[0])]
            t, y = self.window.series([i], s.window_s, now)
            fit = self.forecast.fits.get(i)
            lines = [
                _m(
                    QT_TRANSLATE_NOOP(
                        "warning",
                        "Trend over the last {window} ({n} buckets of {step} means, bad samples left out).",
                    ),
                    window=fmt_duration(s.window_s),
                    n=int(np.isfinite(y).sum()),
                    step=fmt_duration(self.window.step),
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
            return ex
        if kind == Kind.ANOMALY:
            j = np.flatnonzero(self.anomaly.tags == i)
            if not len(j):
                return None
            j = int(j[0])
            t, y = self.window.series([i], self.window.span, now)
            a = self.anomaly
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
