"""Incident rules: conditions over several tags and their recent past, written in the plant YAML.

A rule reads like `rising(BOF1.LANCE.FLOW_DIFF, 300, 1.0) and rising(BOF1.LANCE.TEMP_OUT, 300)`
and is raised as an early warning (kind RULE) when it holds for the rule's `for_s`.

The language, parsed once with Python's `ast` and evaluated by a tree walk over a whitelist of
node types (nothing is ever `eval`-ed):

- numbers, `true`/`false`, tag names (dots allowed: the latest good value; a bad or missing value
  is NaN, and any comparison with NaN is false), `+ - * /`, unary minus, comparisons (chained),
  `and`, `or`, `not`, parentheses;
- time functions over the bucketed recent past (`app.window.RecentWindow`), `s` in seconds:
  `delta(TAG, s)` value now minus `s` ago; `slope(TAG, s)` robust trend per minute;
  `rising(TAG, s[, min_change])` / `falling(...)`; `mean|max|min(TAG, s)`;
- over every tag matching a quoted glob pattern (alternatives separated by `|`, e.g.
  `"GAS.CO.*|GH1.CO.*"`): `count_rising(PATTERN, s[, min_change])`, `count_above(PATTERN, x)`,
  `cluster_rising(PATTERN, radius_m, n, s[, min_change])` (n neighbouring detectors rising
  together, by map position), `offline(PATTERN)` (detectors without a good value for three scans
  or window buckets: blind spots);
- `held(condition, s)`: the condition has been true continuously for `s` seconds.

The trend is a Theil-Sen estimate: the median of the slopes between every pair of bucket means
(buckets merged to at most 40 points first), so a spike or a single bad bucket moves it not at
all. It needs 5 buckets with data. `rising` asks for a positive trend that moves more than
`min_change` over the window; the default is three times the robust scatter (1.4826 x MAD) of
the residuals, so a flat noisy signal never counts as rising.

`RuleEngine` evaluates every rule of the plant once per window bucket and reports `Condition`s
(raised, cleared) to the alarm engine; a rule clears after its condition has been false for
`CLEAR_HOLD_S`, so a rule on the edge does not chatter. `explain()` gives the operator every
sub-term with its value.
"""

from __future__ import annotations

import ast
import fnmatch
import math
import operator
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from app.alarms import Condition
from app.config import PlantConfig
from app.expression import COMPARISONS
from app.formatting import minutes, seconds
from app.messages import QT_TRANSLATE_NOOP, Message, word
from app.model import Quality
from app.robust import nanmedian_rows
from app.window import RecentWindow

CLEAR_HOLD_S = 30.0  # a raised rule clears after its condition has been false this long
MIN_BUCKETS = 5  # a trend needs this many buckets with data
MIN_COVERAGE = 0.5  # ... and this share of the window's buckets (never extrapolate a few)
MAX_FIT_POINTS = 40  # buckets are merged down to this many points for the pairwise slopes
NOISE_MULT = 3.0  # default min_change of rising/falling: this many times the residual scatter
OFFLINE_SCANS = 3.0  # a tag is offline after this many scan periods (or window buckets) without a good value

_BAD = int(Quality.BAD)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:[.\-][A-Za-z0-9_]+)*")  # a tag may hold dots and hyphens
_SHORT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*")  # the same without hyphens (a - b)
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_STRING = re.compile(r"\"[^\"\\]*\"|'[^'\\]*'")
_KEYWORDS = {
    "and": "and",
    "or": "or",
    "not": "not",
    "true": "True",
    "false": "False",
    "True": "True",
    "False": "False",
}
_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}

# name -> argument kinds; a trailing "?" marks an optional argument
# T tag, P pattern, S seconds (> 0), X number, N count (integer >= 1), C condition
_SIGNATURES: dict[str, tuple[str, ...]] = {
    "delta": ("T", "S"),
    "slope": ("T", "S"),
    "rising": ("T", "S", "X?"),
    "falling": ("T", "S", "X?"),
    "mean": ("T", "S"),
    "max": ("T", "S"),
    "min": ("T", "S"),
    "count_rising": ("P", "S", "X?"),
    "count_above": ("P", "X"),
    "cluster_rising": ("P", "X", "N", "S", "X?"),
    "offline": ("P",),
    "held": ("C", "S"),
}
_USAGE = {
    "delta": "delta(TAG, seconds)",
    "slope": "slope(TAG, seconds)",
    "rising": "rising(TAG, seconds[, min_change])",
    "falling": "falling(TAG, seconds[, min_change])",
    "mean": "mean(TAG, seconds)",
    "max": "max(TAG, seconds)",
    "min": "min(TAG, seconds)",
    "count_rising": 'count_rising("PATTERN", seconds[, min_change])',
    "count_above": 'count_above("PATTERN", threshold)',
    "cluster_rising": 'cluster_rising("PATTERN", radius_m, n, seconds[, min_change])',
    "offline": 'offline("PATTERN")',
    "held": "held(condition, seconds)",
}


def _m(template: str, **args) -> Message:
    return Message("rules", template, **args)


_TRUE = word("rules", QT_TRANSLATE_NOOP("rules", "true"))
_FALSE = word("rules", QT_TRANSLATE_NOOP("rules", "false"))
_NO_DATA = word("rules", QT_TRANSLATE_NOOP("rules", "no data"))
_RISING = word("rules", QT_TRANSLATE_NOOP("rules", "rising"))
_FALLING = word("rules", QT_TRANSLATE_NOOP("rules", "falling"))


class RuleError(ValueError):
    """A rule that cannot be used; the message says why and where."""


class Term(NamedTuple):
    """One sub-term of a rule and its value at the last evaluation, for the operator's "why"."""

    text: str  # as written, e.g. "slope(BOF1.LANCE.FLOW_DIFF, 300)"
    value: Any  # bool, number (NaN: no data) or count
    unit: str = ""  # of a number, e.g. "m³/h/min"
    detail: str = ""  # how the value came about, e.g. "change 2.1 > 0.6" (a Message)
    evidence: str = ""  # a short phrase for the warning message when the term is true (a Message)

    @property
    def message(self) -> Message:
        """'slope(X, 300) = 2.1 m³/h/min (noise 0.3)', translatable."""
        v = _fmt_value(self.value)
        unit = f" {self.unit}" if self.unit and v != "no data" else ""
        if self.detail:
            return _m(
                QT_TRANSLATE_NOOP("rules", "{term} = {value}{unit} ({detail})"),
                term=self.text,
                value=v,
                unit=unit,
                detail=self.detail,
            )
        return _m(QT_TRANSLATE_NOOP("rules", "{term} = {value}{unit}"), term=self.text, value=v, unit=unit)

    def __str__(self) -> str:
        return str(self.message)


@dataclass
class RuleExplanation:
    """Why a rule holds or not: for the operator's "why" dialog."""

    name: str
    text: str  # the rule's condition as written
    for_s: float
    level: int
    hazard: str
    message: str
    active: bool  # the rule's warning is raised
    condition: bool  # the condition held at the last evaluation
    since: float | None  # active: raised at; else the condition true since (timing for_s)
    evaluated_at: float | None
    terms: list[Term] = field(default_factory=list)
    error: str = ""

    def lines(self) -> list[str]:
        """The explanation as lines of text (Messages)."""
        if self.active:
            state = word("rules", QT_TRANSLATE_NOOP("rules", "raised"))
        elif self.condition:
            state = word("rules", QT_TRANSLATE_NOOP("rules", "timing"))
        else:
            state = word("rules", QT_TRANSLATE_NOOP("rules", "not holding"))
        out = [
            _m(QT_TRANSLATE_NOOP("rules", "{name}: {state}"), name=self.name, state=state),
            _m(QT_TRANSLATE_NOOP("rules", "when: {condition}"), condition=self.text),
        ]
        if self.for_s:
            out.append(_m(QT_TRANSLATE_NOOP("rules", "for: {duration}"), duration=_fmt_span(self.for_s)))
        if self.error:
            out.append(_m(QT_TRANSLATE_NOOP("rules", "error: {error}"), error=self.error))
        out.extend(_m(QT_TRANSLATE_NOOP("rules", "  {term}"), term=t.message) for t in self.terms)
        return out


# ---------------------------------------------------------------- evaluation context


class _Ctx:
    """One evaluation pass: the inputs, a cache shared by the rules of the pass, the terms."""

    __slots__ = ("window", "values", "now", "cache", "terms", "state", "t0")

    def __init__(self, window: RecentWindow, values: np.ndarray, now: float, cache: dict, n_terms: int):
        self.window, self.values, self.now, self.cache = window, values, now, cache
        self.terms: list[Term | None] = [None] * n_terms


def _fit(ctx: _Ctx, tags: tuple[int, ...], span_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Robust trend (per second) and residual scatter of each tag over `span_s`; NaN without
    enough buckets of data. Fits are cached per (tag, span) for the pass, so the rules of one
    pass share them; `_prefetch` computes all of a pass's fits in one batch per span."""
    done = ctx.cache.setdefault(("fit", span_s), {})
    missing = [i for i in tags if i not in done]
    if missing:
        _fit_into(ctx, missing, span_s, done)
    return np.array([done[i][0] for i in tags]), np.array([done[i][1] for i in tags])


def _fit_into(ctx: _Ctx, tags: list[int], span_s: float, done: dict) -> None:
    t, y = ctx.window.series(tags, span_s, ctx.now)
    slope, noise = _theil_sen(t, y)
    for i, b, n in zip(tags, slope.tolist(), noise.tolist(), strict=True):
        done[i] = (b, n)


_SELF_EXPLAINED = {"count_rising", "count_above", "cluster_rising", "offline", "rising", "falling"}
_TREND_FNS = {"slope", "rising", "falling", "count_rising", "cluster_rising"}


def _prefetch(ctx: _Ctx, rules: list[CompiledRule]) -> None:
    """Compute every trend the rules of a pass will ask for, one vectorised fit per span."""
    want: dict[float, set[int]] = {}
    for r in rules:
        for c in r._calls:
            if c.fn in _TREND_FNS:
                want.setdefault(c.span, set()).update(c.tags)
    for span, tags in want.items():
        done = ctx.cache.setdefault(("fit", span), {})
        missing = sorted(tags - done.keys())
        if missing:
            _fit_into(ctx, missing, span, done)


_PAIRS: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _pairs(k: int) -> tuple[np.ndarray, np.ndarray]:
    p = _PAIRS.get(k)
    if p is None:
        p = _PAIRS[k] = np.triu_indices(k, 1)
    return p


def _theil_sen(t: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(slope per unit of t, 1.4826 x MAD of the residuals) of each row of y; NaN where a row
    has fewer than MIN_BUCKETS finite points."""
    r, k = y.shape
    good = np.isfinite(y)
    n_good = good.sum(axis=1)
    slope = np.full(r, np.nan)
    noise = np.full(r, np.nan)
    ok = n_good >= max(MIN_BUCKETS, MIN_COVERAGE * k)
    if not ok.any() or k < 2:
        return slope, noise
    yy, gg = y[ok], good[ok]
    g = max(1, math.ceil(k / MAX_FIT_POINTS))
    if g > 1:  # merge neighbouring buckets: fewer pairs, same trend
        pad = (-k) % g
        ys = np.where(gg, yy, 0.0)
        if pad:
            ys = np.pad(ys, ((0, 0), (0, pad)))
            gp = np.pad(gg, ((0, 0), (0, pad)))
            tp = np.concatenate([t, t[-1] + (np.arange(1, pad + 1)) * (t[1] - t[0] if k > 1 else 1.0)])
        else:
            gp, tp = gg, t
        cnt = gp.reshape(len(yy), -1, g).sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            ym = ys.reshape(len(yy), -1, g).sum(axis=2) / cnt
        tm = tp.reshape(-1, g).mean(axis=1)
        ym[cnt == 0] = np.nan
    else:
        ym, tm = yy, t
    i, j = _pairs(ym.shape[1])
    b = nanmedian_rows((ym[:, j] - ym[:, i]) / (tm[j] - tm[i]))
    resid = yy - b[:, None] * t[None, :]
    resid -= nanmedian_rows(resid)[:, None]
    mad = 1.4826 * nanmedian_rows(np.abs(resid))
    slope[ok], noise[ok] = b, mad
    return slope, noise


def _trend(ctx: _Ctx, tags: tuple[int, ...], span_s: float, min_change: float | None, sign: int):
    """(rising-or-falling mask, change over the window, threshold) per tag."""
    slope, noise = _fit(ctx, tags, span_s)
    change = slope * span_s
    thr = NOISE_MULT * noise if min_change is None else np.full(len(tags), float(min_change))
    with np.errstate(invalid="ignore"):
        hit = (sign * change > 0) & (sign * change > thr)
    return hit, change, thr


# ---------------------------------------------------------------- compiled nodes


class _Node:
    slot: int = -1  # index of this node's Term, or -1 when it is not shown

    def ev(self, ctx: _Ctx):  # pragma: no cover - every node overrides it
        raise NotImplementedError


class _Const(_Node):
    def __init__(self, value):
        self.value = value

    def ev(self, ctx):
        return self.value


class _Tag(_Node):
    def __init__(self, i: int, name: str, unit: str, slot: int):
        self.i, self.name, self.unit, self.slot = i, name, unit, slot

    def ev(self, ctx):
        v = float(ctx.values[self.i])
        ctx.terms[self.slot] = Term(self.name, v, self.unit)
        return v


class _Arith(_Node):
    def __init__(self, op, a: _Node, b: _Node):
        self.op, self.a, self.b = op, a, b

    def ev(self, ctx):
        a, b = _num(self.a.ev(ctx)), _num(self.b.ev(ctx))
        if self.op is operator.truediv and b == 0:
            return math.nan
        return self.op(a, b)


class _Neg(_Node):
    def __init__(self, a: _Node):
        self.a = a

    def ev(self, ctx):
        return -_num(self.a.ev(ctx))


class _Not(_Node):
    def __init__(self, a: _Node):
        self.a = a

    def ev(self, ctx):
        return not _truth(self.a.ev(ctx))


class _BoolOp(_Node):
    """and / or: every operand is evaluated (no short cut), so `held` keeps time and the
    operator sees every term."""

    def __init__(self, is_and: bool, items: list[_Node]):
        self.is_and, self.items = is_and, items

    def ev(self, ctx):
        vals = [_truth(x.ev(ctx)) for x in self.items]
        return all(vals) if self.is_and else any(vals)


class _Compare(_Node):
    def __init__(self, left: _Node, ops: list, rights: list[_Node], text: str, slot: int):
        self.left, self.ops, self.rights, self.text, self.slot = left, ops, rights, text, slot
        self.unit = getattr(left, "unit", "") or (getattr(left, "units", None) or [""])[0]
        if isinstance(left, _Call) and left.fn in ("slope",):
            self.unit = _per_min(self.unit)

    def ev(self, ctx):
        left = first = _num(self.left.ev(ctx))
        ok = True
        for op, node in zip(self.ops, self.rights, strict=True):
            right = _num(node.ev(ctx))
            if ok and (math.isnan(left) or math.isnan(right) or not op(left, right)):
                ok = False
            left = right
        ev = ""
        if ok and not any(
            isinstance(x, _Call) and x.fn in _SELF_EXPLAINED for x in (self.left, *self.rights)
        ):
            ev = f"{self.text} ({_fmt_value(first)}{' ' + self.unit if self.unit else ''})"
        ctx.terms[self.slot] = Term(self.text, ok, "", "", ev)
        return ok


class _Call(_Node):
    """A time or pattern function; `run` returns (value, Term)."""

    def __init__(self, fn: str, text: str, slot: int, args: list, tags: tuple[int, ...], rule: _Compiler):
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
        self.since: float | None = None  # held: true since
        self.t0: float | None = None  # offline: first evaluation (a tag never seen counts from here)

    def ev(self, ctx):
        value, term = getattr(self, "_" + self.fn)(ctx, *self.args)
        ctx.terms[self.slot] = term
        return value

    # -- one tag
    def _delta(self, ctx, span):
        i = self.tags[0]
        now_v = float(ctx.values[i])
        then = float(ctx.window.value_at([i], span, ctx.now)[0])
        d = now_v - then
        detail = _m(
            QT_TRANSLATE_NOOP("rules", "{now} now, {then} then"), now=_fmt_value(now_v), then=_fmt_value(then)
        )
        return d, Term(self.text, d, self.units[0], detail)

    def _slope(self, ctx, span):
        slope, noise = _fit(ctx, self.tags, span)
        v = float(slope[0]) * 60.0
        detail = _m(QT_TRANSLATE_NOOP("rules", "noise {noise}"), noise=_fmt_value(float(noise[0])))
        return v, Term(self.text, v, _per_min(self.units[0]), detail)

    def _rising(self, ctx, span, min_change=None, sign=1):
        hit, change, thr = _trend(ctx, self.tags, span, min_change, sign)
        h, c, t = bool(hit[0]), float(change[0]), float(thr[0])
        if math.isnan(c):
            detail = word("rules", QT_TRANSLATE_NOOP("rules", "not enough data"))
        else:
            detail = _m(
                QT_TRANSLATE_NOOP("rules", "change {change} {relation} {threshold}"),
                change=_fmt_value(c),
                relation=">" if sign * c > t else "<=",
                threshold=f"{'-' if sign < 0 else ''}{_fmt_value(t)}",
            )
        ev = _m(
            QT_TRANSLATE_NOOP("rules", "{tag} {trend} {change}{unit} in {span}"),
            tag=self.names[0],
            trend=_RISING if sign > 0 else _FALLING,
            change=_fmt_value(abs(c)),
            unit=f" {self.units[0]}" if self.units[0] else "",
            span=_fmt_span(span),
        )
        return h, Term(self.text, h, "", detail, ev if h else "")

    def _falling(self, ctx, span, min_change=None):
        return self._rising(ctx, span, min_change, sign=-1)

    def _stat(self, ctx, span, fn, name):
        _, y = ctx.window.series(list(self.tags), span, ctx.now)
        y = y[0][np.isfinite(y[0])]
        v = float(fn(y)) if len(y) else math.nan
        detail = _m(QT_TRANSLATE_NOOP("rules", "{n} buckets"), n=len(y)) if len(y) else ""
        return v, Term(self.text, v, self.units[0], detail)

    def _mean(self, ctx, span):
        return self._stat(ctx, span, np.mean, "mean")

    def _max(self, ctx, span):
        return self._stat(ctx, span, np.max, "max")

    def _min(self, ctx, span):
        return self._stat(ctx, span, np.min, "min")

    # -- patterns
    def _count_rising(self, ctx, span, min_change=None):
        hit, change, _ = _trend(ctx, self.tags, span, min_change, 1)
        idx = np.flatnonzero(hit)
        names = ", ".join(f"{self.names[k]} +{_fmt_value(float(change[k]))}" for k in idx[:6])
        n = int(len(idx))
        ev = _m(
            QT_TRANSLATE_NOOP("rules", "{n} rising in {span}: {names}"),
            n=n,
            span=_fmt_span(span),
            names=names,
        )
        none = word("rules", QT_TRANSLATE_NOOP("rules", "none rising"))
        return n, Term(self.text, n, "", names or none, ev if n else "")

    def _count_above(self, ctx, threshold):
        v = ctx.values[list(self.tags)]
        with np.errstate(invalid="ignore"):
            idx = np.flatnonzero(v > threshold)
        names = ", ".join(f"{self.names[k]} {_fmt_value(float(v[k]))}" for k in idx[:6])
        n = int(len(idx))
        ev = _m(
            QT_TRANSLATE_NOOP("rules", "{n} above {threshold}: {names}"),
            n=n,
            threshold=_fmt_value(threshold),
            names=names,
        )
        none = word("rules", QT_TRANSLATE_NOOP("rules", "none above"))
        return n, Term(self.text, n, "", names or none, ev if n else "")

    def _cluster_rising(self, ctx, radius, n, span, min_change=None):
        hit, change, _ = _trend(ctx, self.tags, span, min_change, 1)
        best: np.ndarray = np.empty(0, dtype=np.intp)
        if hit.sum() >= n:
            near = (self.dist <= radius) & hit[None, :] & hit[:, None]
            counts = near.sum(axis=1)
            k = int(np.argmax(counts))
            if counts[k] >= n:
                best = np.flatnonzero(near[k])
        ok = len(best) >= n
        names = ", ".join(f"{self.names[k]} +{_fmt_value(float(change[k]))}" for k in best[:6])
        rising = int(hit.sum())
        if len(best):
            detail = _m(
                QT_TRANSLATE_NOOP("rules", "{n} within {radius} m: {names}"),
                n=len(best),
                radius=_fmt_value(radius),
                names=names,
            )
        else:
            detail = _m(QT_TRANSLATE_NOOP("rules", "{n} rising"), n=rising)
        ev = (
            _m(
                QT_TRANSLATE_NOOP("rules", "{n} neighbouring detectors rising in {span}: {names}"),
                n=len(best),
                span=_fmt_span(span),
                names=names,
            )
            if ok
            else ""
        )
        return ok, Term(self.text, ok, "", detail, ev)

    def _offline(self, ctx):
        if self.t0 is None:
            self.t0 = ctx.now
        last = ctx.window.last_ts[list(self.tags)]
        last = np.where(np.isnan(last), self.t0, last)
        idx = np.flatnonzero(ctx.now - last > self.stale_s)
        names = ", ".join(self.names[k] for k in idx[:6])
        n = int(len(idx))
        ev = _m(QT_TRANSLATE_NOOP("rules", "offline: {names}"), names=names) if n else ""
        none = word("rules", QT_TRANSLATE_NOOP("rules", "all reporting"))
        return n, Term(self.text, n, "", names or none, ev)

    def _held(self, ctx, cond, span):
        c = _truth(cond.ev(ctx))
        if not c:
            self.since = None
        elif self.since is None:
            self.since = ctx.now
        dur = 0.0 if self.since is None else ctx.now - self.since
        ok = c and dur >= span
        if c:
            detail = _m(
                QT_TRANSLATE_NOOP("rules", "true for {duration} of {span}"),
                duration=_fmt_span(dur),
                span=_fmt_span(span),
            )
        else:
            detail = word("rules", QT_TRANSLATE_NOOP("rules", "not true"))
        return ok, Term(self.text, ok, "", detail, "")


def _num(x) -> float:
    if isinstance(x, bool):
        return 1.0 if x else 0.0
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def _truth(x) -> bool:
    if isinstance(x, bool):
        return x
    x = _num(x)
    return not math.isnan(x) and x != 0.0


# ---------------------------------------------------------------- compiling


class _Compiler:
    """Turns rule text into a tree of `_Node`s, checking every name, function and argument."""

    def __init__(self, text: str, cfg: PlantConfig, window_step: float):
        self.text, self.cfg, self.window_step = text, cfg, window_step
        self.index = cfg.tag_index()
        self.names: dict[str, str] = {}  # placeholder -> tag name
        self.used: set[int] = set()
        self.n_slots = 0
        self.calls: list[_Call] = []

    # -- text to ast
    def tokenise(self) -> str:
        """The text with every tag name swapped for a placeholder name (`_T12`); quoted patterns
        and numbers pass through untouched."""
        text, out, pos = self.text, [], 0
        while pos < len(text):
            c = text[pos]
            if c in "\"'":
                m = _STRING.match(text, pos)
                if m is None:
                    raise RuleError(f"unterminated quoted text in {text!r}")
                out.append(m.group(0))
                pos = m.end()
            elif _NUMBER.match(text, pos):  # ASCII digits only: "²" or "٣" are not numbers here
                m = _NUMBER.match(text, pos)
                out.append(m.group(0))
                pos = m.end()
            elif _WORD.match(text, pos):
                word, swapped = self._word(text, pos)
                out.append(swapped)
                pos += len(word)
            else:
                out.append(c)
                pos += 1
        return "".join(out)

    def _word(self, text: str, pos: int) -> tuple[str, str]:
        """(the word at pos, what it becomes in the source given to `ast`)."""
        word = _WORD.match(text, pos).group(0)
        if word not in self.index and "-" in word:
            word = _SHORT.match(text, pos).group(0)  # "A-B" is A minus B unless a tag is named so
        after = text[pos + len(word) :]
        rest = after.lstrip()
        if word in _KEYWORDS:
            return word, _KEYWORDS[word]
        if rest.startswith("=") and not rest.startswith("=="):
            raise RuleError(f"functions take plain arguments, not {word}=..., in {text!r}")
        if rest.startswith("("):
            if word not in _SIGNATURES:
                known = ", ".join(sorted(_SIGNATURES))
                raise RuleError(f"unknown function {word!r} in {text!r} (functions: {known})")
            return word, word
        if word in self.index:
            ph = f"_T{self.index[word]}"
            self.names[ph] = word
            return word, ph
        if after.startswith((".*", "*", ".?", "?")):
            raise RuleError(f'a tag pattern must be quoted, e.g. "{word}.*", in {text!r}')
        if word in _SIGNATURES:
            raise RuleError(f"{word!r} is a function; write {_USAGE[word]} in {text!r}")
        raise RuleError(f"unknown tag {word!r} in {text!r}")

    def parse(self) -> _Node:
        if not self.text.strip():
            raise RuleError("empty rule")
        source = self.tokenise()
        try:
            tree = ast.parse(source.strip(), mode="eval")
        except SyntaxError:
            raise RuleError(f"cannot read rule {self.text!r} (syntax error)") from None
        return self.node(tree.body)

    # -- ast to nodes
    def show(self, node: ast.AST) -> str:
        s = ast.unparse(node)
        return re.sub(r"\b_T\d+\b", lambda m: self.names.get(m.group(0), m.group(0)), s)

    def slot(self) -> int:
        self.n_slots += 1
        return self.n_slots - 1

    def node(self, n: ast.AST) -> _Node:
        if isinstance(n, ast.Constant):
            if isinstance(n.value, bool | int | float):
                return _Const(n.value)
            if isinstance(n.value, str):
                raise RuleError(
                    f"a quoted text {n.value!r} is only allowed as a tag pattern in {self.text!r}"
                )
            raise RuleError(f"{n.value!r} is not allowed in {self.text!r}")
        if isinstance(n, ast.Name):
            if n.id in self.names:
                i = self.index[self.names[n.id]]
                self.used.add(i)
                return _Tag(i, self.names[n.id], self.cfg.tags[i].unit, self.slot())
            raise RuleError(f"unknown name {n.id!r} in {self.text!r}")
        if isinstance(n, ast.BinOp) and type(n.op) in _ARITH:
            return _Arith(_ARITH[type(n.op)], self.node(n.left), self.node(n.right))
        if isinstance(n, ast.UnaryOp):
            if isinstance(n.op, ast.USub):
                return _Neg(self.node(n.operand))
            if isinstance(n.op, ast.UAdd):
                return self.node(n.operand)
            if isinstance(n.op, ast.Not):
                return _Not(self.node(n.operand))
        if isinstance(n, ast.BoolOp):
            return _BoolOp(isinstance(n.op, ast.And), [self.node(v) for v in n.values])
        if isinstance(n, ast.Compare):
            if not all(type(op) in COMPARISONS for op in n.ops):
                raise RuleError(f"only < <= > >= == != compare values in {self.text!r}")
            slot = self.slot()
            left = self.node(n.left)
            rights = [self.node(c) for c in n.comparators]
            return _Compare(left, [COMPARISONS[type(op)] for op in n.ops], rights, self.show(n), slot)
        if isinstance(n, ast.Call):
            return self.call(n)
        if isinstance(n, ast.BinOp):
            raise RuleError(f"operator {type(n.op).__name__} is not allowed in {self.text!r} (use + - * /)")
        raise RuleError(f"{type(n).__name__} is not allowed in {self.text!r}")

    def call(self, n: ast.Call) -> _Node:
        if not isinstance(n.func, ast.Name) or n.func.id not in _SIGNATURES:
            raise RuleError(f"{self.show(n.func)!r} cannot be called in {self.text!r}")
        fn = n.func.id
        sig = _SIGNATURES[fn]
        usage = _USAGE[fn]
        if n.keywords or any(isinstance(a, ast.Starred) for a in n.args):
            raise RuleError(f"{fn} takes plain arguments: {usage}, in {self.text!r}")
        need = sum(1 for k in sig if not k.endswith("?"))
        if not need <= len(n.args) <= len(sig):
            raise RuleError(f"{fn} takes {usage}, got {len(n.args)} argument(s) in {self.text!r}")
        slot = self.slot()
        args: list = []
        spans: list[float] = []
        tags: tuple[int, ...] = ()
        for a, kind in zip(n.args, sig, strict=False):
            kind = kind.rstrip("?")
            if kind == "T":
                tags = (self.tag_arg(a, fn, usage),)
            elif kind == "P":
                tags = self.pattern_arg(a, fn, usage)
            elif kind == "C":
                args.append(self.node(a))
            else:
                args.append(self.number_arg(a, kind, fn, usage))
                if kind == "S":
                    spans.append(args[-1])
        if fn == "cluster_rising":
            with_map = tuple(i for i in tags if self.cfg.tags[i].map is not None)
            if not with_map:
                pat = n.args[0].value if isinstance(n.args[0], ast.Constant) else self.show(n.args[0])
                raise RuleError(f"no tag matching {pat!r} has a map position, in {self.text!r}")
            tags = with_map
        self.used.update(tags)
        call = _Call(fn, self.show(n), slot, args, tags, self)
        call.span = max(spans, default=0.0)
        self.calls.append(call)
        return call

    def tag_arg(self, a: ast.AST, fn: str, usage: str) -> int:
        if isinstance(a, ast.Name) and a.id in self.names:
            return self.index[self.names[a.id]]
        if isinstance(a, ast.Constant) and isinstance(a.value, str):
            if a.value in self.index:
                return self.index[a.value]
            raise RuleError(f"unknown tag {a.value!r} in {fn}() in {self.text!r}")
        raise RuleError(f"{fn} needs a tag name as first argument: {usage}, in {self.text!r}")

    def pattern_arg(self, a: ast.AST, fn: str, usage: str) -> tuple[int, ...]:
        if isinstance(a, ast.Name) and a.id in self.names:  # a single tag, unquoted
            return (self.index[self.names[a.id]],)
        if not (isinstance(a, ast.Constant) and isinstance(a.value, str)):
            raise RuleError(f"{fn} needs a quoted tag pattern as first argument: {usage}, in {self.text!r}")
        pats = [p.strip() for p in re.split(r"[|,]", a.value) if p.strip()]
        tags = tuple(
            i for i, t in enumerate(self.cfg.tags) if any(fnmatch.fnmatchcase(t.name, p) for p in pats)
        )
        if not tags:
            raise RuleError(f"pattern {a.value!r} matches no tag, in {self.text!r}")
        return tags

    def number_arg(self, a: ast.AST, kind: str, fn: str, usage: str) -> float:
        try:
            v = self.fold(a)
        except RuleError:
            raise RuleError(f"{fn} needs a number for {self.show(a)!r}: {usage}, in {self.text!r}") from None
        if kind == "S" and not v > 0:
            raise RuleError(f"{fn}: seconds must be positive, got {self.show(a)} in {self.text!r}")
        if kind == "N" and not (v >= 1 and float(v).is_integer()):
            raise RuleError(
                f"{fn}: the count must be a whole number >= 1, got {self.show(a)} in {self.text!r}"
            )
        return int(v) if kind == "N" else float(v)

    def fold(self, a: ast.AST) -> float:
        """A number written as a constant expression (300, 5 * 60, -2)."""
        if isinstance(a, ast.Constant) and isinstance(a.value, int | float) and not isinstance(a.value, bool):
            return float(a.value)
        if isinstance(a, ast.UnaryOp) and isinstance(a.op, ast.USub | ast.UAdd):
            v = self.fold(a.operand)
            return -v if isinstance(a.op, ast.USub) else v
        if isinstance(a, ast.BinOp) and type(a.op) in _ARITH:
            left, right = self.fold(a.left), self.fold(a.right)
            if isinstance(a.op, ast.Div) and right == 0:
                raise RuleError("division by zero")
            return _ARITH[type(a.op)](left, right)
        raise RuleError("not a number")


class CompiledRule:
    """A rule ready to evaluate; `tags` are the indexes of every tag it reads."""

    def __init__(self, text: str, root: _Node, tags: list[int], n_slots: int, calls: list[_Call]):
        self.text = text
        self.root = root
        self.tags = tags
        self.n_slots = n_slots
        self._calls = calls
        self.max_span_s = max((c.span for c in calls if c.fn != "held"), default=0.0)

    def evaluate(
        self,
        window: RecentWindow,
        latest: np.ndarray,
        quality: np.ndarray,
        now: float,
        cache: dict | None = None,
    ) -> tuple[bool, list[Term]]:
        """Whether the condition holds now, and every sub-term with its value (source order).

        `latest`/`quality` are per tag (config order); a bad value counts as NaN. `cache` may be
        shared by the rules of one pass (same window, same `now`)."""
        values = _values(latest, quality)
        ctx = _Ctx(window, values, now, {} if cache is None else cache, self.n_slots)
        ok = _truth(self.root.ev(ctx))
        return ok, [t for t in ctx.terms if t is not None]

    def reset(self) -> None:
        """Forget held() timers and offline start times."""
        for c in self._calls:
            c.since = None
            c.t0 = None


def _values(latest: np.ndarray, quality: np.ndarray) -> np.ndarray:
    v = np.asarray(latest, dtype=float)
    q = np.asarray(quality)
    return np.where(q == _BAD, np.nan, v)


def compile_rule(text: str, cfg: PlantConfig, window_step_s: float = 5.0) -> CompiledRule:
    """Parse and check a rule; unknown tags or functions, wrong arguments, patterns that match
    nothing and syntax errors raise RuleError naming the problem."""
    if not isinstance(text, str):
        raise RuleError("a rule must be text")
    c = _Compiler(text, cfg, window_step_s)
    root = c.parse()
    return CompiledRule(text, root, sorted(c.used), c.n_slots, c.calls)


# ---------------------------------------------------------------- the engine


@dataclass
class _State:
    active: bool = False
    condition: bool = False
    true_since: float | None = None
    false_since: float | None = None
    raised_at: float | None = None
    evaluated_at: float | None = None
    terms: list[Term] = field(default_factory=list)


class RuleEngine:
    """Evaluates the plant's incident rules and reports raised / cleared `Condition`s (kind RULE)."""

    def __init__(self, cfg: PlantConfig, window: RecentWindow, clear_hold_s: float = CLEAR_HOLD_S):
        self.cfg, self.window, self.clear_hold_s = cfg, window, clear_hold_s
        self.rules = list(cfg.rules)
        self.compiled: dict[str, CompiledRule] = {}
        self.errors: dict[str, str] = {}
        for r in self.rules:
            try:
                c = compile_rule(r.when, cfg, window.step)
            except RuleError as exc:  # cross_check refuses such a plant; keep the others running
                self.errors[r.name] = str(exc)
                continue
            if c.max_span_s > window.span:
                self.errors[r.name] = (
                    f"looks back {c.max_span_s:g} s but the window holds {window.span:g} s; older data reads as missing"
                )
            self.compiled[r.name] = c
        self.state = {r.name: _State() for r in self.rules}

    def evaluate(self, now: float, latest: np.ndarray, quality: np.ndarray) -> list[Condition]:
        """Evaluate every rule; return only the changes: raised (active) or cleared."""
        out: list[Condition] = []
        cache: dict = {}
        _prefetch(_Ctx(self.window, latest, now, cache, 0), list(self.compiled.values()))
        for r in self.rules:
            c = self.compiled.get(r.name)
            if c is None:
                continue
            st = self.state[r.name]
            ok, terms = c.evaluate(self.window, latest, quality, now, cache)
            st.condition, st.terms, st.evaluated_at = ok, terms, now
            if ok:
                st.false_since = None
                if st.true_since is None:
                    st.true_since = now
                if not st.active and now - st.true_since >= r.for_s:
                    st.active, st.raised_at = True, now
                    out.append(self._condition(r, True, now, terms))
            else:
                st.true_since = None
                if st.active:
                    if st.false_since is None:
                        st.false_since = now
                    if now - st.false_since >= self.clear_hold_s:
                        st.active, st.raised_at, st.false_since = False, None, None
                        out.append(self._condition(r, False, now, terms))
        return out

    def _condition(self, r, active: bool, now: float, terms: list[Term]) -> Condition:
        msg = r.message or r.name
        if active:
            evidence = [t.evidence for t in terms if t.evidence]
            if evidence:
                msg = _m(
                    QT_TRANSLATE_NOOP("rules", "{message} — {evidence}"),
                    message=msg,
                    evidence=Message.join("; ", evidence),
                )
        return Condition(
            key=f"{r.name}:RULE",
            source=r.name,
            kind="RULE",
            active=active,
            priority=r.level,
            ts=now,
            message=msg,
            hazard=r.hazard or "",
        )

    def active(self) -> list[str]:
        """Names of the rules whose warning is raised."""
        return [n for n, s in self.state.items() if s.active]

    def explain(self, rule_name: str) -> RuleExplanation:
        """The rule, whether it holds, since when, and every sub-term with its current value."""
        r = next((x for x in self.rules if x.name == rule_name), None)
        if r is None:
            raise KeyError(rule_name)
        st = self.state[r.name]
        return RuleExplanation(
            name=r.name,
            text=r.when,
            for_s=r.for_s,
            level=r.level,
            hazard=r.hazard or "",
            message=r.message,
            active=st.active,
            condition=st.condition,
            since=st.raised_at if st.active else st.true_since,
            evaluated_at=st.evaluated_at,
            terms=list(st.terms),
            error=self.errors.get(r.name, ""),
        )


# ---------------------------------------------------------------- formatting


def _fmt_value(v) -> str:
    if isinstance(v, bool | np.bool_):
        return _TRUE if v else _FALSE
    if isinstance(v, int | np.integer):
        return str(int(v))
    v = float(v)
    if math.isnan(v):
        return _NO_DATA
    if abs(v) >= 1000:
        return f"{v:.0f}"
    return f"{v:.3g}"


def _fmt_span(s: float) -> str:
    if s >= 60 and abs(s / 60 - round(s / 60)) < 1e-9:
        return minutes(f"{s / 60:g}")
    return seconds(f"{s:.0f}")


def _per_min(unit: str) -> str:
    return f"{unit}/min" if unit else "/min"
