"""Forecast: the time to the next limit crossing of every tag with limits and a forecast enabled.

Forecast. Over `window_s`, the trend is the median of the slopes between every bucket and the
one half a window later (a Theil-Sen estimator on a fixed lag: a single outlier or a spike moves
it not at all), and the level now is the median of the de-trended buckets. Its uncertainty is
the residual scatter (1.4826 x MAD) turned into a slope standard error. The next limit in the
direction of the trend is reached in (limit - level) / slope; a warning is raised when that
time is within `horizon_s` (on a slow scale, the second, shorter look's trend within the same
share of it as its span is of the window; and, with `when`, while that plant state holds), the trend is at least 3 standard errors from flat, it has moved
more than three times the noise over the window, and the level has left the tag's normal band
(its mean +/- 3 sd over the last hour or so, cycles included: a gas-holder level or a filter's
pressure drop that rises and falls every cycle is normal however steep the rise), with the
newest eighth of the window still moving the same way, three evaluations in a row (`confirm_s`).
On a slow scale (buckets of minutes and more: a machine's temperature over hours) a move of an
hour or two is often a stop that settles and recovers, so there it also needs: when the shorter
look raises it, the window's look agreeing the trend heads to the limit within reach; the trend not
levelling off before the limit (the newer half of the look significantly flatter than the older
half, and at that deceleration flat before the limit); and the forecast holding for at least a
twelfth of the window (30 minutes of a 6-hour window). A tag whose process stops and settles in
normal operation (`settles`: a machine's temperature, which falls for an hour or two at every
stop) needs more there: the two looks telling one story (neither look's newest buckets clearly
moving back, and where both are sure of a trend, their times to the limit within a factor of two:
a fall only the last two hours show beside a six-hour look that sees the limit far off is a
change of state, a stop's first hours, not yet a slide), and the newest eighth still moving on at
a quarter of the trend's rate or more (a fall that has stopped is not forecast on). Not by
default: on a tag with a daily swing, the shorter look of a day sees the swing, not the creep.
Its level I-IV follows `levels_s`. It clears when the newest buckets clearly move back or the
predicted time leaves the horizon with a margin; it also ends when the limit is crossed: the
alarm takes over from there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from app.config import PlantConfig
from app.evaluation.faults import FaultRegistry
from app.rules.expression import compile_expression
from app.warning.baseline import learn_step
from app.warning.explain import fmt_value
from app.warning.robust import lag_slope, nanmean_rows, residual_level_noise
from app.warning.window import RecentWindow, at_scale
from core.alarm_types import Condition
from core.formatting import format_duration as fmt_duration
from core.messages import QT_TRANSLATE_NOOP, Message, word

Z_MIN = 3.0  # the trend must be this many standard errors from flat
NOISE_MULT = 3.0  # ... and move this many times the noise over the window
# ... on a slow scale, where the scatter of 10-minute or hourly means is mostly the process's own
# cycles of hours (a gas holder filling and emptying), not noise: the band test carries the rest
SLOW_NOISE_MULT = 1.0
CLEAR_MARGIN = 1.25  # a forecast clears when its time leaves the horizon by this factor
MIN_COVERAGE = 0.6  # share of buckets with data needed for a forecast
BAND_SIGMA = 3.0  # a forecast needs the level outside the tag's normal band: mean +/- this many sd
BASELINE_TAU_S = 3600.0  # time constant of the normal band, at least; and at least ...
BASELINE_WINDOWS = 6.0  # ... this many windows, so a slow drift does not drag the band along
BASELINE_MIN_S = 600.0  # a forecast detector is "learning" until it has seen this much, or a window
SHORT_WINDOW = 0.3  # the second, faster look: this share of the window
MIN_BUCKETS = 24  # the shortest look spans this many buckets
CONFIRM = 3  # evaluations in a row a forecast must hold before it is raised; on a slow scale, ...
SLOW_CONFIRM = 1 / 12  # ... at least this share of its window (30 minutes of a 6-hour window)
AGREE = 2.0  # `settles`, slow scale: the two looks' times to the limit at most this many times apart
STILL_SHARE = 0.25  # ... and the newest eighth moves on at this share of the trend, at least
LEVEL_Z = 2.0  # a trend levels off when its newer half is this many standard errors flatter
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
    target: float = math.nan  # the limit ahead of the trend
    eta_s: float = math.nan  # predicted time to it from the evaluation
    level_no: int = 4  # the warning's level I-IV (1-4)


def robust_trend(t: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per row of y (tags x buckets, NaN gaps) on times t: slope, slope standard error, level at
    t[-1], residual noise, coverage. Rows with too few points give NaN."""
    k, m = y.shape
    if not k:
        return tuple(np.zeros(0) for _ in range(5))
    ok = np.isfinite(y)
    n = ok.sum(axis=1)
    coverage = n / m
    with np.errstate(all="ignore"):
        slope = lag_slope(t, y, max(1, m // 2))
        level, noise = residual_level_noise(t, y, slope, t[-1])
        # the spread of the times with data: the same for the rows with data in the same buckets
        sxx = np.full(k, _time_spread(t, ok[:1])[0])
        other = np.flatnonzero((ok != ok[0]).any(axis=1))
        if len(other):
            sxx[other] = _time_spread(t, ok[other])
        # residuals of bucket means are correlated over a few buckets: count half of them
        err = noise / np.sqrt(np.maximum(sxx, 1e-12)) * math.sqrt(2.0)
    bad = (coverage < MIN_COVERAGE) | (n < 6)
    if bad.any():
        for a in (slope, level, noise, err):
            a[bad] = np.nan
    return slope, err, level, noise, coverage


def _time_spread(t: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Per row of `ok` (the buckets with data): the sum of squares of the deviations of those
    buckets' times from their mean."""
    n = ok.sum(axis=1)
    mean = np.where(ok, t, 0.0).sum(axis=1) / np.where(n > 0, n, np.nan)
    return np.where(ok, (t[None, :] - mean[:, None]) ** 2, 0.0).sum(axis=1)


def _ahead(a, names: tuple[str, str], reverse: bool) -> tuple[list[float], list[int]]:
    """The two limits in one direction, nearest first, padded with infinities, and their priorities."""
    got = sorted(
        ((getattr(a, k), a.priority_of(k)) for k in names if getattr(a, k) is not None), reverse=reverse
    )
    pad = [(-np.inf if reverse else np.inf, 4)] * 2
    got = (got + pad)[:2]
    return [v for v, _ in got], [p for _, p in got]


def warning_level(eta: np.ndarray, levels_s: np.ndarray, limit_priority: np.ndarray) -> np.ndarray:
    """A forecast's level I-IV (1-4): how soon (`levels_s` per row: I within levels_s[0], ...) and
    which limit (never more urgent than the priority of the alarm it predicts): an H of priority
    III three minutes away is a level III warning, an HH of priority I three minutes away a red one."""
    by_time = 1 + (eta[:, None] > levels_s).sum(axis=1)
    return np.minimum(4, np.maximum(by_time, limit_priority)).astype(np.int8)


def _disagree(long: dict, short: dict) -> np.ndarray:
    """Per tag: both looks are sure of a trend but not of the same crossing (their times to the
    limit more than AGREE times apart, or their trends opposite): on a slow scale, a change of
    state within the window (a stop's first hours, a start) rather than one slide."""
    with np.errstate(all="ignore"):
        ratio = short["eta"] / long["eta"]
        apart = ~((ratio >= 1.0 / AGREE) & (ratio <= AGREE))
    return long["sure"] & short["sure"] & apart


def confirm_buckets(s, step: float, slow: bool) -> int:
    """Evaluations in a row a forecast of settings `s` on buckets of `step` must hold before it is
    raised: its `confirm_s`; by default CONFIRM, and on a slow scale at least SLOW_CONFIRM of its
    window (bucket means of minutes are correlated over the process's own swings of an hour: three
    of them in a row are one look, not three)."""
    if s.confirm_s is not None:
        return max(1, math.ceil(s.confirm_s / step - 1e-9))
    return max(CONFIRM, math.ceil(SLOW_CONFIRM * s.window_s / step - 1e-9)) if slow else CONFIRM


class ForecastDetector:
    """Predicted time to the next limit for every tag with limits and a forecast enabled whose
    scale is this window's bucket width (`finer`: and every scale below it)."""

    def __init__(self, cfg: PlantConfig, window: RecentWindow, finer: bool = True):
        self.cfg, self.window = cfg, window
        rows, highs, lows, hi_prio, lo_prio = [], [], [], [], []
        for i, t in enumerate(cfg.tags):
            a = t.alarms
            f = cfg.forecast_of(t)
            if a is None or not f.enabled or t.is_bool or not at_scale(f.step, window.step, finer):
                continue
            hi, hp = _ahead(a, ("H", "HH"), reverse=False)
            lo, lp = _ahead(a, ("L", "LL"), reverse=True)
            if not np.isfinite(hi[0]) and not np.isfinite(lo[0]):
                continue
            rows.append(i)
            highs.append(hi)
            lows.append(lo)
            hi_prio.append(hp)
            lo_prio.append(lp)
        self.tags = np.asarray(rows, dtype=np.intp)
        self.highs = np.asarray(highs, dtype=float).reshape(-1, 2)  # next-higher limits, rising
        self.lows = np.asarray(lows, dtype=float).reshape(-1, 2)  # next-lower limits, falling
        self.hi_prio = np.asarray(hi_prio, dtype=np.int8).reshape(-1, 2)  # their alarm priorities
        self.lo_prio = np.asarray(lo_prio, dtype=np.int8).reshape(-1, 2)
        self.settings = [cfg.forecast_of(cfg.tags[i]) for i in rows]
        groups: dict[float, list[int]] = {}
        for j, s in enumerate(self.settings):
            groups.setdefault(s.window_s, []).append(j)
        self.groups = {w: np.asarray(js, dtype=np.intp) for w, js in groups.items()}
        self.horizon = np.array([s.horizon_s for s in self.settings])
        self.levels_s = np.array([s.levels_s for s in self.settings]).reshape(-1, 4)
        self.min_change = np.array([s.min_change if s.min_change is not None else 0.0 for s in self.settings])
        self.win_s = np.array([s.window_s for s in self.settings])
        self.tau = np.maximum(BASELINE_TAU_S, BASELINE_WINDOWS * self.win_s)
        self.min_seen = np.maximum(BASELINE_MIN_S, self.win_s)
        self.min_win = MIN_BUCKETS * window.step
        self.confirm = np.array(
            [confirm_buckets(s, window.step, not finer) for s in self.settings], dtype=int
        )
        self.noise_mult = NOISE_MULT if finer else SLOW_NOISE_MULT
        self.settles = np.array([s.settles and not finer for s in self.settings], dtype=bool)
        self.slow = not finer  # a slow scale's band is not widened by a slow creep (app.warning.baseline)
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
        self.hazard_of = cfg.hazard_of_tags()
        self.faults = FaultRegistry()  # WarningEngine shares the pipeline's
        self._reads: dict[float, tuple] = {}  # window -> (when, rows, the last read of them): _series

    STATE = ("mu", "var", "seen", "active", "streak")  # per detector row, carried over by adopt()

    def adopt(
        self, old: ForecastDetector, old_index: np.ndarray, cfg: PlantConfig, old_cfg: PlantConfig
    ) -> set[str]:
        """Take over the baselines and standing forecasts of tags whose forecast settings and
        limits did not change (`old_index[t]`: the tag's index in the old plant, -1 when new);
        the keys of the forecasts that carry on."""
        kept: set[str] = set()
        orow = {int(t): r for r, t in enumerate(old.tags.tolist())}
        for r, t in enumerate(self.tags.tolist()):
            o = int(old_index[t])
            if o < 0 or o not in orow:
                continue
            ot = old_cfg.tags[o]
            if cfg.forecast_of(cfg.tags[t]) != old_cfg.forecast_of(ot) or cfg.tags[t].alarms != ot.alarms:
                continue
            k = orow[o]
            for name in self.STATE:
                getattr(self, name)[r] = getattr(old, name)[k]
            if o in old.fits:
                self.fits[t] = old.fits[o]
            if self.active[r]:
                kept.add(f"{cfg.tags[t].name}:FORECAST")
        self.last_bucket = old.last_bucket
        return kept

    def reset(self) -> None:
        """Nothing raised, nothing pending; the learned baselines stay."""
        self.active[:] = False
        self.streak[:] = 0
        self.fits.clear()

    def relearn(self, tags) -> list[int]:
        """Forget the normal band of these tags (they come back from another process mode: a
        furnace after 休风); they say "learning" again. Returns those that had a forecast up."""
        rows = np.flatnonzero(np.isin(self.tags, np.asarray(list(tags), dtype=np.intp)))
        was = self.tags[rows[self.active[rows]]].tolist()
        self.mu[rows], self.var[rows], self.seen[rows] = np.nan, 0.0, 0.0
        self.active[rows], self.streak[rows] = False, 0
        for i in self.tags[rows].tolist():
            self.fits.pop(i, None)
        return was

    def learn(self, now: float) -> None:
        """Fold the newest closed bucket into the normal band of tags not under warning."""
        closed = self.window.closed_bucket(now, self.last_bucket)
        if closed is None:
            return
        self.last_bucket, ago = closed
        step = self.window.step
        x = self.window.value_at(self.tags, ago, now)
        ok = np.isfinite(x) & ~self.active
        a = np.maximum(step / self.tau, 1.0 / (self.seen / step + 1.0))
        learned = (self.seen >= self.min_seen) & self.slow  # the live scale follows its hour as it did
        self.mu, self.var, _ = learn_step(self.mu, self.var, x, a, ok, learned, self.floor, gate=False)
        self.seen += np.where(ok, step, 0.0)

    def learning(self, tag: int) -> bool:
        j = np.flatnonzero(self.tags == tag)
        return bool(len(j)) and bool(self.seen[j[0]] < self.min_seen[j[0]])

    def _series(self, w: float, js: np.ndarray, factor: float, now: float) -> tuple[np.ndarray, np.ndarray]:
        """The bucket means of the rows `js` (window `w`) over their window x factor: the newest
        part of one read of their whole window, which the other look at `now` shares."""
        key = (now, self.window.version)
        got = self._reads.get(w)
        if got is None or got[0] != key or not np.array_equal(got[1], js):
            got = self._reads[w] = (key, js, self.window.series(self.tags[js], max(w, self.min_win), now))
        t, y = got[2]
        k = self.window.buckets(max(w * factor, self.min_win))
        return t[-k:], y[:, -k:]

    def _newest(self, now: float, factors: tuple[float, ...]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per look (window x factor), per tag: the mean of the newest eighth of the look and that
        eighth's number of buckets; one read of the newest buckets for every look, as most tags go
        no further (`_can_forecast`)."""
        n = len(self.tags)
        looks = [(np.full(n, np.nan), np.full(n, 2.0)) for _ in factors]
        for w, js in self.groups.items():
            qs = [max(2, self.window.buckets(max(w * f, self.min_win)) // 8) for f in factors]
            y = self.window.series(self.tags[js], max(qs) * self.window.step, now)[1]
            for (newest, q_of), q in zip(looks, qs, strict=True):
                q_of[js] = q
                newest[js] = nanmean_rows(y[:, -q:])
        return looks

    def _can_forecast(self, looks) -> np.ndarray:
        """Which tags' trends are worth computing: those under a forecast and those whose newest
        buckets, in either look (`looks`: their `_newest`), are out of their normal band (`away`
        in `_scale`: without it no forecast is raised). In a plant of thousands of tags most are
        inside theirs, and the robust trend is the cost."""
        sd = np.maximum(np.sqrt(self.var), self.floor)
        out = np.zeros(len(self.tags), dtype=bool)
        with np.errstate(invalid="ignore"):
            for newest, _q in looks:
                out |= np.abs(newest - self.mu) > BAND_SIGMA * sd
        return (out & (self.seen >= self.min_seen)) | self.active

    def _scale(self, now: float, factor: float, look, rows: np.ndarray) -> dict[str, np.ndarray]:
        """Trend, predicted crossing and verdict over its window x factor of every tag `rows`
        holds (the others: none), from `look` (its `_newest`)."""
        n = len(self.tags)
        slope, err, level, noise, recent = (np.full(n, np.nan) for _ in range(5))
        newest, q_of = look
        win = np.maximum(self.win_s * factor, self.min_win)
        for w, js in self.groups.items():
            js = js[rows[js]]
            if not len(js):
                continue
            t, y = self._series(w, js, factor, now)
            q = int(q_of[js[0]])
            s, e, lv, nz, _cov = robust_trend(t, y)
            recent[js] = newest[js] - nanmean_rows(y[:, -2 * q : -q])
            # the level is the fitted value at the newest bucket; carry it to now
            slope[js], err[js], noise[js] = s, e, nz
            level[js] = lv + s * (now - t[-1])
        rising = slope > 0
        # the next limit ahead of the trend that the level has not reached yet
        ahead_hi = np.where(level < self.highs[:, 0], self.highs[:, 0], self.highs[:, 1])
        ahead_lo = np.where(level > self.lows[:, 0], self.lows[:, 0], self.lows[:, 1])
        target = np.where(rising, ahead_hi, ahead_lo)
        prio = np.where(
            rising,
            np.where(level < self.highs[:, 0], self.hi_prio[:, 0], self.hi_prio[:, 1]),
            np.where(level > self.lows[:, 0], self.lo_prio[:, 0], self.lo_prio[:, 1]),
        )
        sd = np.maximum(np.sqrt(self.var), self.floor)
        with np.errstate(all="ignore"):
            eta = (target - level) / slope
            sig = np.abs(slope) / err >= Z_MIN
            moved = np.abs(slope) * win >= np.maximum(self.noise_mult * noise, self.min_change)
            # 68 % interval of the crossing time from the slope's standard error
            fast = (target - level) / (slope + np.sign(slope) * err)
            slow = (target - level) / np.maximum(np.abs(slope) - err, 1e-12) * np.sign(slope)
            finite = np.isfinite(eta) & np.isfinite(target) & (eta > 0)
            keep = finite & (np.abs(slope) / err >= Z_MIN / 2) & (eta <= self.horizon * CLEAR_MARGIN)
            # measured, not extrapolated: the newest buckets themselves are out of the normal band
            away = np.where(rising, newest - self.mu, self.mu - newest) > BAND_SIGMA * sd
        onward = np.sign(recent) == np.sign(slope)  # not already turning back
        # an active forecast ends once the newest buckets clearly move the other way
        turned = ~onward & (np.abs(recent) > 2.0 * noise / np.sqrt(q_of))
        still = onward
        if self.settles.any():  # ... nor stopped: the newest eighth moves on at a share of the trend
            with np.errstate(invalid="ignore"):
                moving = np.abs(recent) >= STILL_SHARE * np.abs(slope) * q_of * self.window.step
            still = onward & (moving | ~self.settles)
        keep &= ~turned
        # on a slow scale (hours and days), a trend seen over a shorter look is carried no further
        # ahead, for its span, than the window's trend is carried over the horizon: a fall of two
        # hours is not a fall of twelve. The live scale keeps its whole horizon for both looks: a
        # gas leak's first minutes are what it is there to forecast
        horizon = self.horizon * np.minimum(1.0, win / self.win_s) if self.slow else self.horizon
        raise_ = finite & sig & moved & still & (eta <= horizon) & away & (self.seen >= self.min_seen)
        return {
            "slope": slope,
            "err": err,
            "level": level,
            "noise": noise,
            "eta": eta,
            "target": target,
            "prio": prio,
            "fast": fast,
            "slow": slow,
            "keep": keep,
            "raise": raise_,
            "turned": turned,
            "sure": sig,
        }

    def _levelling(self, now: float, factor: float, c: dict[str, np.ndarray]) -> np.ndarray:
        """Per tag: its look (window x factor) split in two halves, the newer one's trend is
        significantly flatter than the older one's (LEVEL_Z standard errors of their difference),
        and at that deceleration the trend flattens out before it reaches the limit: a machine
        stopping and settling at a lower level, not a slide to the limit."""
        n = len(self.tags)
        s1, e1, s2, e2, half = (np.full(n, np.nan) for _ in range(5))
        for w, js in self.groups.items():
            t, y = self.window.series(self.tags[js], max(w * factor, self.min_win), now)
            h = len(t) // 2
            s1[js], e1[js] = robust_trend(t[:h], y[:, :h])[:2]
            s2[js], e2[js] = robust_trend(t[h:], y[:, h:])[:2]
            half[js] = (t[-1] - t[0]) / 2  # between the halves' middles
        slope = c["slope"]
        with np.errstate(all="ignore"):
            same = (np.sign(s1) == np.sign(slope)) & (np.sign(s2) == np.sign(slope))
            slower = np.abs(s1) - np.abs(s2)  # by this much a half apart
            sure = slower > LEVEL_Z * np.hypot(e1, e2)
            # under constant deceleration the trend goes on for s2^2 / (2 a), a = slower / half
            reach = s2 * s2 * half / (2 * slower)
            return same & sure & (reach < np.abs(c["target"] - c["level"]))

    def evaluate(self, now: float, latest: np.ndarray | None = None) -> list[Condition]:
        if len(self.tags) == 0:
            return []
        self.learn(now)
        looks = self._newest(now, (1.0, SHORT_WINDOW))
        rows = self._can_forecast(looks)
        long, short = self._scale(now, 1.0, looks[0], rows), self._scale(now, SHORT_WINDOW, looks[1], rows)
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
        if self.slow and c["raise"].any():
            # hours and days: a trend only the shorter look sees needs the window's look to agree
            # (the window's own trend stands alone: the shorter look of a day sees the daily
            # swing), and the look followed does not flatten out before the limit
            c["raise"] &= ~use_short | long["keep"]
            c["raise"] &= ~(self.settles & (long["turned"] | short["turned"] | _disagree(long, short)))
            c["raise"] &= ~np.where(
                use_short, self._levelling(now, SHORT_WINDOW, c), self._levelling(now, 1.0, c)
            )
        if self.when and latest is not None:  # forecasts that only matter in some plant state
            off = np.array([j for j, fn in self.when if not self._holds(j, fn, latest, now)], dtype=np.intp)
            keep[off] = False
            c["raise"][off] = False
        self.streak = np.where(c["raise"], self.streak + 1, 0).astype(np.int16)
        raise_ = c["raise"] & (self.streak >= self.confirm)
        want = np.where(self.active, keep, raise_)
        out: list[Condition] = []
        level_no = warning_level(eta, self.levels_s, c["prio"])
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
            self.fits[i] = Fit(
                float(slope[j]),
                float(err[j]),
                float(level[j]),
                float(noise[j]),
                1.0,
                float(target[j]),
                float(eta[j]),
                int(level_no[j]),
            )
            e_mid = float(eta[j])
            e_err = abs(float(slow[j]) - float(fast[j])) / 2 if np.isfinite(slow[j]) else e_mid
            prio = int(level_no[j])
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
