"""Early warning: a limit will be crossed (forecast), or a tag behaves unlike itself (anomaly).

Both run over the bucketed recent past of every tag (`app.warning.window.RecentWindow`, bucket means of
good samples only) once per bucket, vectorised over the tags, and report `Condition`s that the
alarm engine runs through the ISA-18.2 life cycle as warnings (kind FORECAST or ANOMALY).

Forecast. Over `window_s`, the trend is the median of the slopes between every bucket and the
one half a window later (a Theil-Sen estimator on a fixed lag: a single outlier or a spike moves
it not at all), and the level now is the median of the de-trended buckets. Its uncertainty is
the residual scatter (1.4826 x MAD) turned into a slope standard error. The next limit in the
direction of the trend is reached in (limit - level) / slope; a warning is raised when that
time is within `horizon_s` (and, with `when`, while that plant state holds), the trend is at least 3 standard errors from flat, it has moved
more than three times the noise over the window, and the level has left the tag's normal band
(its mean +/- 3 sd over the last hour or so, cycles included: a gas-holder level or a filter's
pressure drop that rises and falls every cycle is normal however steep the rise), with the
newest eighth of the window still moving the same way, three evaluations in a row. Its level I-IV follows `levels_s`. It clears
when the newest buckets clearly move back or the predicted time leaves the horizon with a margin; it also ends when
the limit is crossed: the alarm takes over from there.

Anomaly. Per tag (and per process mode, when `mode` names one), an exponentially weighted mean
and variance of the bucket means learned over `learn_s`; until that much good data has been seen
the detector says "learning" and never warns. Then: the standardised residual held beyond
`drift_sigma` for half a minute (drift; bucket means are correlated over minutes, so a sum of
residuals such as a CUSUM would add up ordinary slow wander), a jump of one bucket against the
scatter of bucket-to-bucket changes (step),
and an unchanged value for `flatline_s` where the tag normally moves (flat line). The baseline
does not learn while a tag is anomalous.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from app.config import PlantConfig
from app.evaluation.faults import FaultRegistry
from app.rules.expression import compile_expression
from app.warning.robust import nanmedian_rows
from app.warning.window import RecentWindow
from core.alarm_types import ROMAN, Condition
from core.formatting import format_duration as fmt_duration
from core.messages import QT_TRANSLATE_NOOP, Message, word

Z_MIN = 3.0  # the trend must be this many standard errors from flat
NOISE_MULT = 3.0  # ... and move this many times the noise over the window
CLEAR_MARGIN = 1.25  # a forecast clears when its time leaves the horizon by this factor
MIN_COVERAGE = 0.6  # share of buckets with data needed for a forecast
DRIFT_HOLD = 6  # buckets in a row beyond drift_sigma before a drift is reported
DRIFT_CLEAR = 0.5  # a drift clears once back within this share of drift_sigma
BAND_SIGMA = 3.0  # a forecast needs the level outside the tag's normal band: mean +/- this many sd
BASELINE_TAU_S = 3600.0  # time constant of the normal band
BASELINE_MIN_S = 600.0  # a forecast detector is "learning" until it has seen this much
SHORT_WINDOW = 0.3  # the second, faster look: this share of the window
MIN_WINDOW_S = 120.0
CONFIRM = 3  # evaluations in a row a forecast must hold before it is raised
RISING = word("warning", QT_TRANSLATE_NOOP("warning", "rising"))
FALLING = word("warning", QT_TRANSLATE_NOOP("warning", "falling"))


def _m(template: str, **args) -> Message:
    return Message("warning", template, **args)


@dataclass(frozen=True)
class Fit:
    """The trend of one tag over its window, as the forecast saw it."""

    slope_per_s: float
    slope_err: float
    level: float  # fitted value now
    noise: float  # robust residual scatter
    coverage: float


@dataclass
class Explanation:
    """Everything behind one warning, for the operator's "why" view."""

    key: str
    kind: str
    tag: int
    title: str  # a Message, like every line: English text the GUI translates
    lines: list[str]
    t: np.ndarray = field(default_factory=lambda: np.zeros(0))  # the data the detector used
    v: np.ndarray = field(default_factory=lambda: np.zeros(0))
    fit_t: np.ndarray = field(default_factory=lambda: np.zeros(0))  # its fitted line / baseline
    fit_v: np.ndarray = field(default_factory=lambda: np.zeros(0))
    band_lo: np.ndarray = field(default_factory=lambda: np.zeros(0))
    band_hi: np.ndarray = field(default_factory=lambda: np.zeros(0))
    limit: float | None = None
    eta: float | None = None


def robust_trend(t: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per row of y (tags x buckets, NaN gaps) on times t: slope, slope standard error, level at
    t[-1], residual noise, coverage. Rows with too few points give NaN."""
    k, m = y.shape
    ok = np.isfinite(y)
    coverage = ok.mean(axis=1)
    lag = max(1, m // 2)
    dy = (y[:, lag:] - y[:, :-lag]) / (t[lag:] - t[:-lag])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        slope = nanmedian_rows(np.where(np.isfinite(dy), dy, np.nan))
        resid = y - slope[:, None] * (t - t[-1])[None, :]
        level = nanmedian_rows(resid)
        dev = np.abs(resid - level[:, None])
        noise = 1.4826 * nanmedian_rows(dev)
        tt = np.where(ok, t[None, :], np.nan)
        sxx = np.nansum((tt - np.nanmean(tt, axis=1)[:, None]) ** 2, axis=1)
        n = ok.sum(axis=1)
        # residuals of bucket means are correlated over a few buckets: count half of them
        err = noise / np.sqrt(np.maximum(sxx, 1e-12)) * math.sqrt(2.0)
    bad = (coverage < MIN_COVERAGE) | (n < 6)
    for a in (slope, level, noise, err):
        a[bad] = np.nan
    return slope, err, level, noise, coverage


class ForecastDetector:
    """Predicted time to the next limit for every tag with limits and a forecast enabled."""

    def __init__(self, cfg: PlantConfig, window: RecentWindow):
        self.cfg, self.window = cfg, window
        rows, highs, lows = [], [], []
        for i, t in enumerate(cfg.tags):
            a = t.alarms
            f = cfg.forecast_of(t)
            if a is None or not f.enabled or t.is_bool:
                continue
            hi = sorted(v for v in (a.H, a.HH) if v is not None)
            lo = sorted((v for v in (a.L, a.LL) if v is not None), reverse=True)
            if not hi and not lo:
                continue
            rows.append(i)
            highs.append((hi + [np.inf, np.inf])[:2])
            lows.append((lo + [-np.inf, -np.inf])[:2])
        self.tags = np.asarray(rows, dtype=np.intp)
        self.highs = np.asarray(highs, dtype=float).reshape(-1, 2)  # next-higher limits, rising
        self.lows = np.asarray(lows, dtype=float).reshape(-1, 2)  # next-lower limits, falling
        self.settings = [cfg.forecast_of(cfg.tags[i]) for i in rows]
        groups: dict[float, list[int]] = {}
        for j, s in enumerate(self.settings):
            groups.setdefault(s.window_s, []).append(j)
        self.groups = {w: np.asarray(js, dtype=np.intp) for w, js in groups.items()}
        self.horizon = np.array([s.horizon_s for s in self.settings])
        self.levels_s = np.array([s.levels_s for s in self.settings]).reshape(-1, 4)
        self.min_change = np.array([s.min_change if s.min_change is not None else 0.0 for s in self.settings])
        self.win_s = np.array([s.window_s for s in self.settings])
        index = cfg.tag_index()
        self.when = [(j, compile_expression(s.when, index)[0]) for j, s in enumerate(self.settings) if s.when]
        self.active = np.zeros(len(rows), dtype=bool)
        self.streak = np.zeros(len(rows), dtype=np.int16)
        spans = [(cfg.tags[i].range[1] - cfg.tags[i].range[0]) if cfg.tags[i].range else 0.0 for i in rows]
        self.floor = np.maximum(np.asarray(spans, dtype=float) * 1e-3, 1e-9)
        self.mu = np.full(len(rows), np.nan)  # the normal band, learned from bucket means
        self.var = np.zeros(len(rows))
        self.seen = np.zeros(len(rows))
        self.last_bucket = -1
        self.fits: dict[int, Fit] = {}
        self.names = [t.name for t in cfg.tags]
        self.units = [t.unit for t in cfg.tags]
        self.hazard_of = _hazard_of(cfg)
        self.faults = FaultRegistry()  # WarningEngine shares the pipeline's

    def _learn(self, now: float) -> None:
        """Fold the newest closed bucket into the normal band of tags not under warning."""
        step = self.window.step
        bucket = math.floor(now / step) - 1
        if bucket <= self.last_bucket:
            return
        self.last_bucket = bucket
        x = self.window.value_at(self.tags, now - (bucket * step + step / 2), now)
        ok = np.isfinite(x) & ~self.active
        a = np.maximum(step / BASELINE_TAU_S, 1.0 / (self.seen / step + 1.0))
        first = ok & ~np.isfinite(self.mu)
        diff = np.where(ok & ~first, x - self.mu, 0.0)
        self.mu = np.where(first, x, self.mu + a * diff)
        self.var = np.where(ok & ~first, (1 - a) * (self.var + a * diff * diff), self.var)
        self.seen += np.where(ok, step, 0.0)

    def learning(self, tag: int) -> bool:
        j = np.flatnonzero(self.tags == tag)
        return bool(len(j)) and bool(self.seen[j[0]] < BASELINE_MIN_S)

    def _scale(self, now: float, factor: float) -> dict[str, np.ndarray]:
        """Trend, predicted crossing and verdict of every tag over its window x factor."""
        n = len(self.tags)
        slope, err, level, noise, recent, newest = (np.full(n, np.nan) for _ in range(6))
        q_of = np.full(n, 2.0)
        win = np.maximum(self.win_s * factor, MIN_WINDOW_S)
        for w, js in self.groups.items():
            t, y = self.window.series(self.tags[js], max(w * factor, MIN_WINDOW_S), now)
            s, e, lv, nz, _cov = robust_trend(t, y)
            q = max(2, len(t) // 8)
            q_of[js] = q
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                newest[js] = np.nanmean(y[:, -q:], axis=1)
                recent[js] = newest[js] - np.nanmean(y[:, -2 * q : -q], axis=1)
            # the level is the fitted value at the newest bucket; carry it to now
            slope[js], err[js], noise[js] = s, e, nz
            level[js] = lv + s * (now - t[-1])
        rising = slope > 0
        # the next limit ahead of the trend that the level has not reached yet
        ahead_hi = np.where(level < self.highs[:, 0], self.highs[:, 0], self.highs[:, 1])
        ahead_lo = np.where(level > self.lows[:, 0], self.lows[:, 0], self.lows[:, 1])
        target = np.where(rising, ahead_hi, ahead_lo)
        sd = np.maximum(np.sqrt(self.var), self.floor)
        with np.errstate(all="ignore"):
            eta = (target - level) / slope
            sig = np.abs(slope) / err >= Z_MIN
            moved = np.abs(slope) * win >= np.maximum(NOISE_MULT * noise, self.min_change)
            # 68 % interval of the crossing time from the slope's standard error
            fast = (target - level) / (slope + np.sign(slope) * err)
            slow = (target - level) / np.maximum(np.abs(slope) - err, 1e-12) * np.sign(slope)
            finite = np.isfinite(eta) & np.isfinite(target) & (eta > 0)
            keep = finite & (np.abs(slope) / err >= Z_MIN / 2) & (eta <= self.horizon * CLEAR_MARGIN)
            # measured, not extrapolated: the newest buckets themselves are out of the normal band
            away = np.where(rising, newest - self.mu, self.mu - newest) > BAND_SIGMA * sd
        still = np.sign(recent) == np.sign(slope)  # not already turning back
        # an active forecast ends once the newest buckets clearly move the other way
        turned = ~still & (np.abs(recent) > 2.0 * noise / np.sqrt(q_of))
        keep &= ~turned
        raise_ = finite & sig & moved & still & (eta <= self.horizon) & away & (self.seen >= BASELINE_MIN_S)
        return {
            "slope": slope,
            "err": err,
            "level": level,
            "noise": noise,
            "eta": eta,
            "target": target,
            "fast": fast,
            "slow": slow,
            "keep": keep,
            "raise": raise_,
        }

    def evaluate(self, now: float, latest: np.ndarray | None = None) -> list[Condition]:
        if len(self.tags) == 0:
            return []
        self._learn(now)
        long, short = self._scale(now, 1.0), self._scale(now, SHORT_WINDOW)
        # the short window reacts sooner to a fast incident, the long one is surer of a slow one
        use_short = np.where(
            self.active,
            short["keep"] & (~long["keep"] | (short["eta"] < long["eta"])),
            short["raise"] & (~long["raise"] | (short["eta"] < long["eta"])),
        )
        c = {k: np.where(use_short, short[k], long[k]) for k in long}
        slope, err, level, noise, eta, target = (
            c[k] for k in ("slope", "err", "level", "noise", "eta", "target")
        )
        fast, slow = c["fast"], c["slow"]
        keep = long["keep"] | short["keep"]
        if self.when and latest is not None:  # forecasts that only matter in some plant state
            off = np.array([j for j, fn in self.when if not self._holds(j, fn, latest, now)], dtype=np.intp)
            keep[off] = False
            c["raise"][off] = False
        self.streak = np.where(c["raise"], self.streak + 1, 0).astype(np.int16)
        raise_ = c["raise"] & (self.streak >= CONFIRM)
        want = np.where(self.active, keep, raise_)
        out: list[Condition] = []
        level_no = 1 + (eta[:, None] > self.levels_s).sum(axis=1)
        changed = np.flatnonzero(want | self.active)
        for j in changed.tolist():
            i = int(self.tags[j])
            key = f"{self.names[i]}:FORECAST"
            if not want[j]:
                self.active[j] = False
                self.fits.pop(i, None)
                out.append(
                    Condition(
                        key,
                        self.names[i],
                        "FORECAST",
                        False,
                        4,
                        now,
                        self._cleared(i),
                        i,
                        float(level[j]),
                        hazard=self.hazard_of.get(i, ""),
                    )
                )
                continue
            self.active[j] = True
            self.fits[i] = Fit(float(slope[j]), float(err[j]), float(level[j]), float(noise[j]), 1.0)
            e_mid = float(eta[j])
            e_err = abs(float(slow[j]) - float(fast[j])) / 2 if np.isfinite(slow[j]) else e_mid
            prio = int(min(4, level_no[j]))
            msg = self._message(i, float(target[j]), e_mid, e_err, float(slope[j]))
            out.append(
                Condition(
                    key,
                    self.names[i],
                    "FORECAST",
                    True,
                    prio,
                    now,
                    msg,
                    i,
                    float(level[j]),
                    float(target[j]),
                    self.hazard_of.get(i, ""),
                    now + e_mid,
                    e_err,
                )
            )
        return out

    def _holds(self, j: int, fn, latest: np.ndarray, now: float) -> bool:
        """A forecast's `when`; one that raises is faulted and the forecast stays on (a warning
        too many rather than none)."""
        name = self.names[int(self.tags[j])]
        try:
            on = bool(fn(latest))
        except Exception as exc:
            self.faults.expression_failed(name, "forecast.when", exc, now)
            return True
        self.faults.expression_ok(name, "forecast.when", now)
        return on

    def _message(self, i: int, target: float, eta: float, err: float, slope: float) -> Message:
        return _m(
            QT_TRANSLATE_NOOP(
                "warning",
                "{tag} predicted to reach {value}{unit} in {eta} (±{err}), {trend} {rate}{unit}/min",
            ),
            tag=self.names[i],
            value=fmt_value(target),
            unit=f" {self.units[i]}" if self.units[i] else "",
            eta=fmt_duration(eta),
            err=fmt_duration(err),
            trend=RISING if slope > 0 else FALLING,
            rate=fmt_value(abs(slope) * 60),
        )

    def _cleared(self, i: int) -> Message:
        return _m(
            QT_TRANSLATE_NOOP("warning", "{tag}: forecast cleared (trend turned or limit reached)"),
            tag=self.names[i],
        )


class AnomalyDetector:
    """Drift, step and flat line against each tag's own learned behaviour."""

    def __init__(self, cfg: PlantConfig, window: RecentWindow):
        self.cfg, self.window = cfg, window
        index = cfg.tag_index()
        rows = [i for i, t in enumerate(cfg.tags) if cfg.anomaly_of(t).enabled and not t.is_bool]
        self.tags = np.asarray(rows, dtype=np.intp)
        st = [cfg.anomaly_of(cfg.tags[i]) for i in rows]
        self.learn_s = np.array([s.learn_s for s in st])
        self.drift_h = np.array([s.drift_sigma for s in st])
        self.step_h = np.array([s.step_sigma for s in st])
        self.flat_s = np.array([s.flatline_s or np.inf for s in st])
        self.level = np.array([s.level for s in st], dtype=np.int8)
        self.modes = [compile_expression(s.mode, index)[0] if s.mode else None for s in st]
        self.has_modes = any(m is not None for m in self.modes)
        n = len(rows)
        span = np.array(
            [(cfg.tags[i].range[1] - cfg.tags[i].range[0]) if cfg.tags[i].range else 0.0 for i in rows]
        )
        self.floor = np.maximum(span * 1e-3, 1e-9)  # smallest scatter believed: 0.1 % of range
        # baselines: [tag, mode]
        self.mu = np.full((n, 2), np.nan)
        self.var = np.zeros((n, 2))
        self.dvar = np.zeros((n, 2))  # scatter of bucket-to-bucket changes
        self.seen_s = np.zeros((n, 2))
        self.beyond = np.zeros(n, dtype=np.int16)  # buckets in a row beyond drift_sigma
        self.prev = np.full(n, np.nan)
        self.unchanged_since = np.full(n, np.nan)
        self.state = np.zeros(n, dtype=np.int8)  # 0 normal, 1 drift, 2 step, 3 flat line
        self.since = np.zeros(n)
        self.last_bucket = -1
        self.names = [t.name for t in cfg.tags]
        self.units = [t.unit for t in cfg.tags]
        self.hazard_of = _hazard_of(cfg)
        self.evidence: dict[int, Message] = {}
        self.faults = FaultRegistry()  # WarningEngine shares the pipeline's

    def learning(self, tag: int) -> bool:
        j = np.flatnonzero(self.tags == tag)
        return bool(len(j)) and bool((self.seen_s[j[0]] < self.learn_s[j[0]]).all())

    def evaluate(self, now: float, latest: np.ndarray) -> list[Condition]:
        if len(self.tags) == 0:
            return []
        step = self.window.step
        bucket = math.floor(now / step) - 1  # the newest closed bucket
        if bucket <= self.last_bucket:
            return []
        self.last_bucket = bucket
        x = self.window.value_at(self.tags, now - (bucket * step + step / 2), now)
        mode = np.zeros(len(self.tags), dtype=np.intp)
        if self.has_modes:
            mode = np.array(
                [
                    1 if (m is not None and self._mode(j, m, latest, now)) else 0
                    for j, m in enumerate(self.modes)
                ],
                dtype=np.intp,
            )
        r = np.arange(len(self.tags))
        mu, var, dvar, seen = self.mu[r, mode], self.var[r, mode], self.dvar[r, mode], self.seen_s[r, mode]
        ok = np.isfinite(x)
        sd = np.maximum(np.sqrt(var), self.floor)
        dsd = np.maximum(np.sqrt(dvar), self.floor)
        learned = seen >= self.learn_s
        with np.errstate(invalid="ignore"):
            z = np.where(ok & np.isfinite(mu), (x - mu) / sd, 0.0)
            d = np.where(ok & np.isfinite(self.prev), x - self.prev, np.nan)
        self.beyond = np.where(learned & ok & (np.abs(z) >= self.drift_h), self.beyond + 1, 0).astype(
            np.int16
        )
        drift = (self.beyond >= DRIFT_HOLD) | ((self.state == 1) & (np.abs(z) >= DRIFT_CLEAR * self.drift_h))
        stepped = learned & np.isfinite(d) & (np.abs(np.nan_to_num(d)) >= self.step_h * dsd)
        moved = ~np.isfinite(d) | (np.abs(np.nan_to_num(d)) > 0)
        self.unchanged_since = np.where(moved | np.isnan(self.unchanged_since), now, self.unchanged_since)
        flat = learned & ok & (dsd > self.floor) & (now - self.unchanged_since >= self.flat_s)
        new_state = np.where(flat, 3, np.where(stepped, 2, np.where(drift, 1, 0))).astype(np.int8)
        # a step stays an anomaly while the value stays away from its baseline
        hold = (self.state == 2) & (np.abs(z) >= 4.0)
        new_state = np.where((new_state == 0) & hold, 2, new_state)
        # learn while normal: EW mean and variance with the time constant of learn_s
        a = np.minimum(1.0, step / np.maximum(self.learn_s / 3.0, step))
        a = np.where(seen < self.learn_s, np.maximum(a, 1.0 / (seen / step + 1.0)), a)
        learn = ok & (new_state == 0)
        first = learn & ~np.isfinite(mu)
        diff = np.where(np.isfinite(mu), x - mu, 0.0)
        new_mu = np.where(first, x, np.where(learn, mu + a * diff, mu))
        new_var = np.where(learn & ~first, (1 - a) * (var + a * diff * diff), var)
        new_dvar = np.where(learn & np.isfinite(d), (1 - a) * dvar + a * np.nan_to_num(d) ** 2, dvar)
        self.mu[r, mode], self.var[r, mode], self.dvar[r, mode] = new_mu, new_var, new_dvar
        self.seen_s[r, mode] = seen + np.where(ok, step, 0.0)
        self.prev = np.where(ok, x, self.prev)
        out = []
        for j in np.flatnonzero(new_state != self.state).tolist():
            i = int(self.tags[j])
            key = f"{self.names[i]}:ANOMALY"
            st = int(new_state[j])
            if st == 0:
                self.beyond[j] = 0
                self.evidence.pop(i, None)
                out.append(
                    Condition(
                        key,
                        self.names[i],
                        "ANOMALY",
                        False,
                        int(self.level[j]),
                        now,
                        _m(
                            QT_TRANSLATE_NOOP("warning", "{tag}: back to its normal behaviour"),
                            tag=self.names[i],
                        ),
                        i,
                        float(x[j]),
                    )
                )
            else:
                text = self._evidence(j, i, st, float(x[j]), float(mu[j]), float(sd[j]), float(d[j]), now)
                self.evidence[i] = text
                self.since[j] = now
                out.append(
                    Condition(
                        key,
                        self.names[i],
                        "ANOMALY",
                        True,
                        int(self.level[j]),
                        now,
                        text,
                        i,
                        float(x[j]),
                        hazard=self.hazard_of.get(i, ""),
                    )
                )
            self.state[j] = st
        return out

    def _mode(self, j: int, fn, latest: np.ndarray, now: float) -> bool:
        """A tag's anomaly `mode`; one that raises is faulted and the normal mode (0) assumed."""
        name = self.names[int(self.tags[j])]
        try:
            on = bool(fn(latest))
        except Exception as exc:
            self.faults.expression_failed(name, "anomaly.mode", exc, now)
            return False
        self.faults.expression_ok(name, "anomaly.mode", now)
        return on

    def _evidence(
        self, j: int, i: int, st: int, x: float, mu: float, sd: float, d: float, now: float
    ) -> Message:
        unit = f" {self.units[i]}" if self.units[i] else ""
        name = self.names[i]
        if st == 3:
            return _m(
                QT_TRANSLATE_NOOP(
                    "warning",
                    "{tag} flat-lined: no change for {duration} (it normally moves {move}{unit} per bucket)",
                ),
                tag=name,
                duration=fmt_duration(now - self.unchanged_since[j]),
                move=fmt_value(math.sqrt(self.dvar[j].max())),
                unit=unit,
            )
        if st == 2:
            return _m(
                QT_TRANSLATE_NOOP(
                    "warning", "{tag} stepped {step}{unit} in {duration} (normal scatter {scatter}{unit})"
                ),
                tag=name,
                step=f"{d:+.3g}",
                unit=unit,
                duration=fmt_duration(self.window.step),
                scatter=fmt_value(sd),
            )
        return _m(
            QT_TRANSLATE_NOOP(
                "warning",
                "{tag} drifted to {value}{unit}, {z} σ from its normal {normal}{unit} (learned over {duration})",
            ),
            tag=name,
            value=fmt_value(x),
            unit=unit,
            z=f"{(x - mu) / sd:+.1f}",
            normal=fmt_value(mu),
            duration=fmt_duration(self.seen_s[j].max()),
        )


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
        if kind == "FORECAST":
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
        if kind == "ANOMALY":
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


def fmt_value(x: float) -> str:
    """Compact: three significant digits, whole numbers from 1000."""
    if not math.isfinite(x):
        return "?"
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


def level_name(level: int) -> str:
    return ROMAN.get(level, "?")


def _hazard_of(cfg: PlantConfig) -> dict[int, str]:
    index = cfg.tag_index()
    out: dict[int, str] = {}
    for h in cfg.hazard_sources:
        for name in h.tags:
            if name in index:
                out.setdefault(index[name], h.name)
    return out
