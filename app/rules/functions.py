"""The functions of the rule language and what they evaluate: the pass context, the robust trend,
and the `Term` every sub-term reports.

- `delta`, `slope`, `rising`/`falling`, `mean`/`max`/`min` over one tag's recent past;
- `count_rising`, `count_above`, `cluster_rising`, `offline` over every tag of a pattern;
- `held(condition, s)`, the time a condition has held.

They are methods of `Call`, the compiled node of a function call (`app.rules.language` builds
it); `Node` is the base of every compiled node and `as_number`/`truth` the language's coercions.

The trend is a Theil-Sen estimate: the median of the slopes between every pair of bucket means
(buckets merged to at most 40 points first), so a spike or a single bad bucket moves it not at
all. It needs 5 buckets with data. `rising` asks for a positive trend that moves more than
`min_change` over the window; the default is three times the robust scatter (1.4826 x MAD) of
the residuals, so a flat noisy signal never counts as rising. The fits of one evaluation pass
are shared by its rules (`prefetch_trends` does them one vectorised batch per span, and reads
the bucket series of every mean/max/min once per span); the scatter is worked out only for a
call without its own min_change and for a slope's Term when shown. A function records its value
and what its `Term` needs; the Term's words are put together only when asked (`build_terms`: the
operator's Why?, a raise), not at every evaluation.

Truth has three values: true, false and unknown (`None`). A term without enough data (a trend
over too few buckets, a tag without a good value, a pattern none of whose tags has data) is
unknown, never false or true: `not` of unknown is unknown, `and` is false when one operand is
false and unknown when one is unknown and none is false, `or` the mirror image. A rule is raised
only by a condition that is true, so a term that reads "not enough data" can never be part of a
raise (`truth`, `kleene_and`, `kleene_or`).

`fmt_term_value`, `fmt_span` and `per_min` write values for the operator's "why".
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from app.rules.pass_reads import PassRead, SpanStats
from app.warning.robust import median_pair_slope, residual_level_noise
from app.warning.window import RecentWindow
from core.formatting import compact_number, minutes, seconds
from core.messages import QT_TRANSLATE_NOOP, Message, word

if TYPE_CHECKING:
    from app.rules.engine import CompiledRule
    from app.rules.language import Compiler

MIN_BUCKETS = 5  # a trend needs this many buckets with data
MIN_COVERAGE = 0.5  # ... and this share of the window's buckets (never extrapolate a few)
MAX_FIT_POINTS = 40  # buckets are merged down to this many points for the pairwise slopes
NOISE_MULT = 3.0  # default min_change of rising/falling: this many times the residual scatter
_NOT_ENOUGH = QT_TRANSLATE_NOOP("rules", "not enough data")
OFFLINE_SCANS = 3.0  # a tag is offline after this many scan periods (or window buckets) without a good value


def rule_text(template: str, **args) -> Message:
    return Message("rules", template, **args)


_TRUE = word("rules", QT_TRANSLATE_NOOP("rules", "yes"))
_FALSE = word("rules", QT_TRANSLATE_NOOP("rules", "no"))
_UNKNOWN = word("rules", QT_TRANSLATE_NOOP("rules", "unknown"))
_NO_DATA = word("rules", QT_TRANSLATE_NOOP("rules", "no data"))
_RISING = word("rules", QT_TRANSLATE_NOOP("rules", "rising"))
_FALLING = word("rules", QT_TRANSLATE_NOOP("rules", "falling"))


class Term(NamedTuple):
    """One sub-term of a rule and its value at the last evaluation, for the operator's "why"."""

    text: str  # as written, e.g. "slope(BOF1.LANCE.FLOW_DIFF, 300)"
    value: Any  # bool, None (unknown: not enough data), number (NaN: no data) or count
    unit: str = ""  # of a number, e.g. "m³/h/min"
    detail: str = ""  # how the value came about, e.g. "change 2.1 > 0.6" (a Message)
    evidence: str = ""  # a short phrase for the warning message when the term is true (a Message)

    @property
    def message(self) -> Message:
        """'slope(X, 300) = 2.1 m³/h/min (noise 0.3)', translatable."""
        v = fmt_term_value(self.value)
        unit = f" {self.unit}" if self.unit and v != "no data" else ""
        if self.detail:
            return rule_text(
                QT_TRANSLATE_NOOP("rules", "{term} = {value}{unit} ({detail})"),
                term=self.text,
                value=v,
                unit=unit,
                detail=self.detail,
            )
        return rule_text(
            QT_TRANSLATE_NOOP("rules", "{term} = {value}{unit}"), term=self.text, value=v, unit=unit
        )

    def __str__(self) -> str:
        return str(self.message)


# ---------------------------------------------------------------- evaluation context


class PassContext:
    """One evaluation pass: the inputs, a cache shared by the rules of the pass, the terms."""

    __slots__ = ("window", "values", "now", "cache", "terms", "state", "t0")

    def __init__(self, window: RecentWindow, values: np.ndarray, now: float, cache: dict, n_terms: int):
        self.window, self.values, self.now, self.cache = window, values, now, cache
        self.terms: list[Term | None] = [None] * n_terms


class _Fit:
    """One tag's trend in a pass: its slope per second, and the series it was fitted on (row
    `row` of `y`), from which `_noises` works out its residual scatter when it is asked for."""

    __slots__ = ("slope", "noise", "t", "y", "row")

    def __init__(self, slope: float, t: np.ndarray, y: np.ndarray, row: int):
        self.slope, self.noise, self.t, self.y, self.row = slope, None, t, y, row


def _fit(ctx: PassContext, tags: tuple[int, ...], span_s: float) -> list[_Fit]:
    """The robust trend of each tag over `span_s` (slope NaN without enough buckets of data).
    Fits are cached per (tag, span) for the pass, so the rules of one pass share them;
    `prefetch_trends` computes all of a pass's fits in one batch per span."""
    done = ctx.cache.setdefault(("fit", span_s), {})
    missing = [i for i in tags if i not in done]
    if missing:
        _fit_into(ctx, missing, span_s, done)
    return [done[i] for i in tags]


def _fit_into(ctx: PassContext, tags: list[int], span_s: float, done: dict, read=None) -> None:
    t, y = ctx.window.series(tags, span_s, ctx.now) if read is None else read
    for k, (i, b) in enumerate(zip(tags, _theil_sen(t, y).tolist(), strict=True)):
        done[i] = _Fit(b, t, y, k)


def _slopes(fits: list[_Fit]) -> np.ndarray:
    return np.array([f.slope for f in fits])


def _noises(fits: list[_Fit]) -> np.ndarray:
    """The residual scatter (1.4826 x MAD) of each fit, worked out the first time a function asks
    for it: most calls give their own `min_change`, and a slope shows its noise only in its Term.
    One batch per series read; NaN where the fit has no slope."""
    groups: dict[int, list[_Fit]] = {}
    for f in fits:
        if f.noise is None:
            groups.setdefault(id(f.y), []).append(f)
    for group in groups.values():
        slope = _slopes(group)
        noise = np.full(len(group), np.nan)
        ok = np.isfinite(slope)
        if ok.any():
            y = group[0].y[[f.row for f in group]]
            noise[ok] = residual_level_noise(group[0].t, y[ok], slope[ok], 0.0)[1]
        for f, n in zip(group, noise.tolist(), strict=True):
            f.noise = n
    return np.array([f.noise for f in fits])


SELF_EXPLAINED = {"count_rising", "count_above", "cluster_rising", "offline", "rising", "falling"}
TREND_FNS = {"slope", "rising", "falling", "count_rising", "cluster_rising"}
_STAT_FNS = {"mean", "max", "min"}


def prefetch_trends(ctx: PassContext, rules: list[CompiledRule]) -> None:
    """Compute every trend the rules of a pass will ask for, one vectorised fit per span, and
    the mean, max and min asked for; all from one read of the window per longest span
    (`app.rules.pass_reads`)."""
    want: dict[float, set[int]] = {}
    stats: dict[float, set[int]] = {}
    for r in rules:
        for c in r._calls:
            if c.fn in TREND_FNS:
                want.setdefault(c.span, set()).update(c.tags)
            elif c.fn in _STAT_FNS:
                stats.setdefault(c.span, set()).update(c.tags)
    if not want and not stats:
        return
    read = PassRead(ctx.window, ctx.now, [*want.items(), *stats.items()])
    for span, tags in want.items():
        done = ctx.cache.setdefault(("fit", span), {})
        missing = sorted(tags - done.keys())
        if missing:
            _fit_into(ctx, missing, span, done, read.series(missing, span))
    for span, tags in stats.items():
        if ("stats", span) not in ctx.cache:
            rows = sorted(tags)
            ctx.cache[("stats", span)] = SpanStats(rows, read.series(rows, span)[1])


def build_terms(raw: list) -> list[Term]:
    """The `Term`s of an evaluation from what it recorded (`PassContext.terms`): a Term, or a
    (builder, arguments) pair whose words are put together only now, when someone asks for
    them (the operator's Why?, a raise) rather than at every evaluation."""
    return [t if isinstance(t, Term) else t[0](*t[1]) for t in raw if t is not None]


_PAIRS: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _pairs(k: int) -> tuple[np.ndarray, np.ndarray]:
    p = _PAIRS.get(k)
    if p is None:
        p = _PAIRS[k] = np.triu_indices(k, 1)
    return p


def _theil_sen(t: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The slope per unit of t of each row of y; NaN where a row has fewer than MIN_BUCKETS
    finite points (`_noises` gives the scatter around it)."""
    r, k = y.shape
    good = np.isfinite(y)
    n_good = good.sum(axis=1)
    slope = np.full(r, np.nan)
    ok = n_good >= max(MIN_BUCKETS, MIN_COVERAGE * k)
    if not ok.any() or k < 2:
        return slope
    yy, gg = y[ok], good[ok]
    g = max(1, math.ceil(k / MAX_FIT_POINTS))
    if g > 1:  # merge neighbouring buckets: fewer pairs, same trend
        pad = (-k) % g
        if pad:  # zeros, not counted, after the last bucket
            ys, gp = np.zeros((len(yy), k + pad)), np.zeros((len(yy), k + pad), dtype=bool)
            np.copyto(ys[:, :k], yy, where=gg)
            gp[:, :k] = gg
            tp = np.concatenate([t, t[-1] + (np.arange(1, pad + 1)) * (t[1] - t[0] if k > 1 else 1.0)])
        else:
            ys, gp, tp = np.where(gg, yy, 0.0), gg, t
        cnt = gp.reshape(len(yy), -1, g).sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            ym = ys.reshape(len(yy), -1, g).sum(axis=2) / cnt
        tm = tp.reshape(-1, g).mean(axis=1)
        ym[cnt == 0] = np.nan
    else:
        ym, tm = yy, t
    i, j = _pairs(ym.shape[1])
    slope[ok] = median_pair_slope(tm, ym, i, j)
    return slope


def trend_of(ctx: PassContext, tags: tuple[int, ...], span_s: float, min_change: float | None, sign: int):
    """(rising-or-falling mask, change over the window, threshold) per tag."""
    fits = _fit(ctx, tags, span_s)
    if len(fits) == 1 and min_change is not None:  # one tag, its own threshold: in plain floats
        c = fits[0].slope * span_s
        return (
            np.array([sign * c > 0 and sign * c > min_change]),
            np.array([c]),
            np.array([float(min_change)]),
        )
    change = _slopes(fits) * span_s
    thr = NOISE_MULT * _noises(fits) if min_change is None else np.full(len(tags), float(min_change))
    with np.errstate(invalid="ignore"):
        hit = (sign * change > 0) & (sign * change > thr)
    return hit, change, thr


# ---------------------------------------------------------------- compiled nodes


class Node:
    slot: int = -1  # index of this node's Term, or -1 when it is not shown

    def ev(self, ctx: PassContext):  # pragma: no cover - every node overrides it
        raise NotImplementedError


class Call(Node):
    """A time or pattern function; `run` returns (value, Term)."""

    def __init__(self, fn: str, text: str, slot: int, args: list, tags: tuple[int, ...], rule: Compiler):
        self.fn, self.text, self.slot, self.args, self.tags = fn, text, slot, args, tags
        self.names = [rule.cfg.tags[i].name for i in tags]
        self.units = [rule.cfg.tags[i].unit for i in tags]
        if fn == "cluster_rising":
            m = rule.cfg.plant.map_m_per_unit
            xy = np.array([rule.cfg.tags[i].map for i in tags], dtype=float) * m
            self.dist = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
        if fn == "offline":
            step = rule.window_step
            scans = []
            for i in tags:
                try:
                    scan = rule.cfg.device(rule.cfg.tags[i].device).scan_ms / 1000.0
                except KeyError:
                    scan = 1.0
                scans.append(OFFLINE_SCANS * max(scan, step))
            self.stale_s = np.array(scans)
        self.span = 0.0  # the look-back in seconds (held: the time to hold)
        self.pattern = ""  # the tag pattern as written (pattern functions)
        self.since: float | None = None  # held: true since
        self.t0: float | None = None  # offline: first evaluation (a tag never seen counts from here)
        self._run = getattr(self, "_" + fn)

    def ev(self, ctx):
        # value, and its Term or (builder, arguments) of it (build_terms)
        value, term = self._run(ctx, *self.args)
        ctx.terms[self.slot] = term
        return value

    # -- one tag
    def _delta(self, ctx, span):
        i = self.tags[0]
        now_v = float(ctx.values[i])
        then = float(ctx.window.value_at([i], span, ctx.now)[0])
        d = now_v - then
        return d, (self._delta_term, (d, now_v, then))

    def _delta_term(self, d, now_v, then) -> Term:
        detail = rule_text(
            QT_TRANSLATE_NOOP("rules", "{now} now, {then} then"),
            now=fmt_term_value(now_v),
            then=fmt_term_value(then),
        )
        return Term(self.text, d, self.units[0], detail)

    def _slope(self, ctx, span):
        (fit,) = _fit(ctx, self.tags, span)
        v = fit.slope * 60.0
        return v, (self._slope_term, (v, fit))

    def _slope_term(self, v, fit: _Fit) -> Term:
        noise = float(_noises([fit])[0])
        detail = rule_text(QT_TRANSLATE_NOOP("rules", "noise {noise}"), noise=fmt_term_value(noise))
        return Term(self.text, v, per_min(self.units[0]), detail)

    def _rising(self, ctx, span, min_change=None, sign=1):
        hit, change, thr = trend_of(ctx, self.tags, span, min_change, sign)
        c, t = float(change[0]), float(thr[0])
        h = None if math.isnan(c) else bool(hit[0])  # too few buckets: unknown, never false or true
        return h, (self._rising_term, (h, c, t, span, sign))

    def _rising_term(self, h, c, t, span, sign) -> Term:
        if h is None:
            detail = word("rules", _NOT_ENOUGH)
        else:
            detail = rule_text(
                QT_TRANSLATE_NOOP("rules", "change {change} {relation} {threshold}"),
                change=fmt_term_value(c),
                relation=">" if sign * c > t else "<=",
                threshold=f"{'-' if sign < 0 else ''}{fmt_term_value(t)}",
            )
        ev = rule_text(
            QT_TRANSLATE_NOOP("rules", "{tag} {trend} {change}{unit} in {span}"),
            tag=self.names[0],
            trend=_RISING if sign > 0 else _FALLING,
            change=fmt_term_value(abs(c)),
            unit=f" {self.units[0]}" if self.units[0] else "",
            span=fmt_span(span),
        )
        return Term(self.text, h, "", detail, ev if h else "")

    def _falling(self, ctx, span, min_change=None):
        return self._rising(ctx, span, min_change, sign=-1)

    def _stat(self, ctx, span, name):
        i = self.tags[0]
        got = ctx.cache.get(("stats", span))  # the pass's (prefetch_trends)
        if got is None or i not in got.index:
            got = SpanStats([i], ctx.window.series([i], span, ctx.now)[1])
        v, n = got.of(i, name)
        return v, (self._stat_term, (v, n))

    def _stat_term(self, v, n) -> Term:
        detail = rule_text(QT_TRANSLATE_NOOP("rules", "{n} buckets"), n=n) if n else ""
        return Term(self.text, v, self.units[0], detail)

    def _mean(self, ctx, span):
        return self._stat(ctx, span, "mean")

    def _max(self, ctx, span):
        return self._stat(ctx, span, "max")

    def _min(self, ctx, span):
        return self._stat(ctx, span, "min")

    # -- patterns
    def _count_rising(self, ctx, span, min_change=None):
        hit, change, _ = trend_of(ctx, self.tags, span, min_change, 1)
        return self._counted(np.flatnonzero(hit), change, "+", span)

    def _count_above(self, ctx, threshold):
        v = ctx.values[list(self.tags)]
        with np.errstate(invalid="ignore"):
            idx = np.flatnonzero(v > threshold)
        return self._counted(idx, v, "", threshold)

    def _counted(self, idx, values, sign: str, arg):
        """How many tags of the pattern match (`idx`), named with their values (`values` of the
        pattern's tags; unknown when none of them has one). `sign` "+": rising over the span
        `arg`; "": above the threshold `arg`."""
        if not np.isfinite(values).any():  # no tag of the pattern has a value or a trend: unknown
            return math.nan, (self._unknown_term, (math.nan,))
        n = int(len(idx))
        return n, (self._counted_term, (n, idx, values, sign, arg))

    def _unknown_term(self, value) -> Term:
        return Term(self.text, value, "", word("rules", _NOT_ENOUGH), "")

    def _counted_term(self, n, idx, values, sign, arg) -> Term:
        names = ", ".join(f"{self.names[k]} {sign}{fmt_term_value(float(values[k]))}" for k in idx[:6])
        if sign:
            template = QT_TRANSLATE_NOOP("rules", "{n} rising in {span}: {names}")
            none = word("rules", QT_TRANSLATE_NOOP("rules", "none rising"))
            args = {"span": fmt_span(arg)}
        else:
            template = QT_TRANSLATE_NOOP("rules", "{n} above {threshold}: {names}")
            none = word("rules", QT_TRANSLATE_NOOP("rules", "none above"))
            args = {"threshold": fmt_term_value(arg)}
        ev = rule_text(template, n=n, names=names, **args)
        return Term(self.text, n, "", names or none, ev if n else "")

    def _cluster_rising(self, ctx, radius, n, span, min_change=None):
        hit, change, _ = trend_of(ctx, self.tags, span, min_change, 1)
        best: np.ndarray = np.empty(0, dtype=np.intp)
        if hit.sum() >= n:
            near = (self.dist <= radius) & hit[None, :] & hit[:, None]
            counts = near.sum(axis=1)
            k = int(np.argmax(counts))
            if counts[k] >= n:
                best = np.flatnonzero(near[k])
        ok = len(best) >= n
        if not ok and not np.isfinite(change).any():  # no detector of the pattern has a trend
            return None, (self._unknown_term, (None,))
        return ok, (self._cluster_term, (ok, best, change, int(hit.sum()), radius, span))

    def _cluster_term(self, ok, best, change, rising, radius, span) -> Term:
        names = ", ".join(f"{self.names[k]} +{fmt_term_value(float(change[k]))}" for k in best[:6])
        if len(best):
            detail = rule_text(
                QT_TRANSLATE_NOOP("rules", "{n} within {radius} m: {names}"),
                n=len(best),
                radius=fmt_term_value(radius),
                names=names,
            )
        else:
            detail = rule_text(QT_TRANSLATE_NOOP("rules", "{n} rising"), n=rising)
        ev = (
            rule_text(
                QT_TRANSLATE_NOOP("rules", "{n} neighbouring detectors rising in {span}: {names}"),
                n=len(best),
                span=fmt_span(span),
                names=names,
            )
            if ok
            else ""
        )
        return Term(self.text, ok, "", detail, ev)

    def _offline(self, ctx):
        if self.t0 is None:
            self.t0 = ctx.now
        last = ctx.window.last_ts[list(self.tags)]
        last = np.where(np.isnan(last), self.t0, last)
        idx = np.flatnonzero(ctx.now - last > self.stale_s)
        n = int(len(idx))
        return n, (self._offline_term, (n, idx))

    def _offline_term(self, n, idx) -> Term:
        names = ", ".join(self.names[k] for k in idx[:6])
        ev = rule_text(QT_TRANSLATE_NOOP("rules", "offline: {names}"), names=names) if n else ""
        none = word("rules", QT_TRANSLATE_NOOP("rules", "all reporting"))
        return Term(self.text, n, "", names or none, ev)

    def _held(self, ctx, cond, span):
        c = truth(cond.ev(ctx))
        if not c:
            self.since = None
        elif self.since is None:
            self.since = ctx.now
        dur = 0.0 if self.since is None else ctx.now - self.since
        ok = None if c is None else c and dur >= span
        return ok, (self._held_term, (ok, c, dur, span))

    def _held_term(self, ok, c, dur, span) -> Term:
        if c is None:
            detail = word("rules", _NOT_ENOUGH)
        elif c:
            detail = rule_text(
                QT_TRANSLATE_NOOP("rules", "true for {duration} of {span}"),
                duration=fmt_span(dur),
                span=fmt_span(span),
            )
        else:
            detail = word("rules", QT_TRANSLATE_NOOP("rules", "not true"))
        return Term(self.text, ok, "", detail, "")


def as_number(x) -> float:
    if x is None:
        return math.nan
    if isinstance(x, bool):
        return 1.0 if x else 0.0
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def truth(x) -> bool | None:
    """True, False, or None (unknown: no value, not enough data)."""
    if x is None or isinstance(x, bool):
        return x
    x = as_number(x)
    return None if math.isnan(x) else x != 0.0


def kleene_and(vals: list[bool | None]) -> bool | None:
    """Kleene `and`: false if any is false, else unknown if any is unknown, else true."""
    if any(v is False for v in vals):
        return False
    return None if any(v is None for v in vals) else True


def kleene_or(vals: list[bool | None]) -> bool | None:
    """Kleene `or`: true if any is true, else unknown if any is unknown, else false."""
    if any(v is True for v in vals):
        return True
    return None if any(v is None for v in vals) else False


# ---------------------------------------------------------------- formatting


def fmt_term_value(v) -> str:
    if v is None:
        return _UNKNOWN
    if isinstance(v, bool | np.bool_):
        return _TRUE if v else _FALSE
    if isinstance(v, int | np.integer):
        return str(int(v))
    v = float(v)
    if math.isnan(v):
        return _NO_DATA
    return compact_number(v)


def fmt_span(s: float) -> str:
    if s >= 60 and abs(s / 60 - round(s / 60)) < 1e-9:
        return minutes(f"{s / 60:g}")
    return seconds(f"{s:.0f}")


def per_min(unit: str) -> str:
    return f"{unit}/min" if unit else "/min"
