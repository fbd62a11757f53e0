"""Incident rules: conditions over several tags and their recent past, written in the plant YAML.

A rule reads like `rising(BOF1.LANCE.FLOW_DIFF, 300, 1.0) and rising(BOF1.LANCE.TEMP_OUT, 300)`
and is raised as an early warning (kind RULE) when it holds for the rule's `for_s`.

The language, parsed once with Python's `ast` and evaluated by a tree walk over a whitelist of
node types (nothing is ever `eval`-ed; the parser and compiler are in `app.rules.language`):

- numbers, `true`/`false`, tag names (dots allowed: the latest good value; a bad or missing value
  is NaN, and a comparison with NaN is unknown), `+ - * /`, unary minus, comparisons (chained),
  `and`, `or`, `not` (over true, false and unknown: see `app.rules.functions`), parentheses;
- time functions over the bucketed recent past (`app.warning.window.RecentWindow`), `s` in seconds:
  `delta(TAG, s)` value now minus `s` ago; `slope(TAG, s)` robust trend per minute;
  `rising(TAG, s[, min_change])` / `falling(...)`; `mean|max|min(TAG, s)`;
- over every tag matching a quoted glob pattern (alternatives separated by `|`, e.g.
  `"GAS.CO.*|GH1.CO.*"`): `count_rising(PATTERN, s[, min_change])`, `count_above(PATTERN, x)`,
  `cluster_rising(PATTERN, radius_m, n, s[, min_change])` (n neighbouring detectors rising
  together, by map position), `offline(PATTERN)` (detectors without a good value for three scans
  or window buckets: blind spots);
- `held(condition, s)`: the condition has been true continuously for `s` seconds.

The functions and their robust (Theil-Sen) trend are in `app.rules.functions`.

This module holds the public side: `compile_rule` and `CompiledRule`, and `RuleEngine`, which
evaluates every rule of the plant once per window bucket and reports `Condition`s (raised,
returned) to the alarm engine. `explain()` gives the operator every sub-term with its value now
and at the moment of raising (`RuleExplanation`, of `Term`s), and the condition in words
(`app.rules.words`). `RuleError` and `Term` are importable from here as well.

Raising and returning. A rule is raised when its condition has been *true* (not unknown) for the
rule's `for_s`; at that moment the engine keeps a snapshot of every term (value, detail) with its
time, shown by Why? next to the present values until the next raise. A raised rule *holds* while
its incident develops, so a warning never cycles while things get worse. It returns only when
all of these hold at one evaluation:

1. the condition has been false (not unknown) for the rule's `clear_s` without a break
   (`rule_defaults.clear_s`, 120 s);
2. it was raised at least `hold_s` ago (`rule_defaults.hold_s`, 300 s);
3. its incident is no longer developing, that is, no *evidence tag* of the rule (every tag it
   reads, except those read only by `offline()`, whose incident is the blind spot itself):
   a. is without a good value now (the engine cannot tell that it is over);
   b. is at or beyond one of its limits H/HH (L/LL), or back inside by less than the tag's
      deadband;
   c. moves towards such a limit: its robust trend over the rule's longest look-back (300 s
      when the rule has no time function) goes up towards a high limit (down towards a low
      one) by more than three times its scatter, the test `rising(TAG, s)` makes without a
      `min_change`;
   d. still moves the way the rule watches it: a tag of `rising`, `count_rising` or
      `cluster_rising` still rising (of `falling`, still falling) over that function's window,
      by the same noise test (the rule's own `min_change` no longer needs to be met).

What holds a raised rule is kept as `holding` (Messages) for Why?. `CLEAR_S` and `HOLD_S` are
the defaults of `rule_defaults`.

A rule's `message` is the plant's text, shown as written; `message_zh` gives its Simplified
Chinese, shown by the Chinese screens (`core.messages.PlantText`). The evidence that follows it in a raised
warning is always translated.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from app.config import PlantConfig
from app.evaluation.faults import FaultRegistry
from app.rules.functions import (
    TREND_FNS,
    Call,
    Node,
    PassContext,
    Term,
    build_terms,
    fmt_span,
    fmt_term_value,
    prefetch_trends,
    rule_text,
    trend_of,
    truth,
)
from app.rules.language import Compiler, RuleError, TagTerm
from app.rules.words import describe
from app.warning.window import RecentWindow
from core.alarm_types import Condition, Kind
from core.messages import QT_TRANSLATE_NOOP, Message, PlantText, word
from core.samples import Quality

log = logging.getLogger(__name__)
CLEAR_S = 120.0  # default: a raised rule returns after its condition has been false this long...
HOLD_S = 300.0  # ... and at least this long after it was raised (and once its incident stops developing)
HOLD_TREND_S = 300.0  # look-back of "moving towards a limit" for a rule without a time function
QT_TRANSLATE_NOOP(
    "rules", "FOREWARN_LANGUAGE"
)  # translated as the language code (core.messages.LANGUAGE_PROBE)


_BAD = int(Quality.BAD)


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
    condition: bool | None  # the condition at the last evaluation (None: unknown, not enough data)
    since: float | None  # active: raised at; else the condition true since (timing for_s)
    evaluated_at: float | None
    terms: list[Term] = field(default_factory=list)
    error: str = ""
    words: str = ""  # the condition in words (a Message)
    raised_at: float | None = None  # when the snapshot `raised_terms` was taken (the last raise)
    raised_terms: list[Term] = field(default_factory=list)
    holding: list[str] = field(default_factory=list)  # raised, condition not true: what holds it
    clear_s: float = CLEAR_S
    hold_s: float = HOLD_S

    def lines(self) -> list[str]:
        """The explanation as lines of text (Messages)."""
        if self.active:
            state = word("rules", QT_TRANSLATE_NOOP("rules", "raised"))
        elif self.condition:
            state = word("rules", QT_TRANSLATE_NOOP("rules", "timing"))
        else:
            state = word("rules", QT_TRANSLATE_NOOP("rules", "not holding"))
        out = [
            rule_text(QT_TRANSLATE_NOOP("rules", "{name}: {state}"), name=self.name, state=state),
            rule_text(QT_TRANSLATE_NOOP("rules", "when: {condition}"), condition=self.words or self.text),
        ]
        if self.words:
            out.append(rule_text(QT_TRANSLATE_NOOP("rules", "rule: {text}"), text=self.text))
        if self.for_s:
            out.append(
                rule_text(QT_TRANSLATE_NOOP("rules", "for: {duration}"), duration=fmt_span(self.for_s))
            )
        if self.error:
            out.append(rule_text(QT_TRANSLATE_NOOP("rules", "error: {error}"), error=self.error))
        out.extend(rule_text(QT_TRANSLATE_NOOP("rules", "held: {reason}"), reason=h) for h in self.holding)
        out.extend(rule_text(QT_TRANSLATE_NOOP("rules", "  {term}"), term=t.message) for t in self.terms)
        if self.raised_terms:
            out.append(word("rules", QT_TRANSLATE_NOOP("rules", "at raising:")))
            out.extend(
                rule_text(QT_TRANSLATE_NOOP("rules", "  {term}"), term=t.message) for t in self.raised_terms
            )
        return out


class CompiledRule:
    """A rule ready to evaluate; `tags` are the indexes of every tag it reads."""

    def __init__(self, text: str, root: Node, tags: list[int], n_slots: int, calls: list[Call]):
        self.text = text
        self.root = root
        self.tags = tags
        self.n_slots = n_slots
        self._calls = calls
        self.max_span_s = max((c.span for c in calls if c.fn != "held"), default=0.0)
        self._words: Message | None = None

    @property
    def words(self) -> Message:
        """The condition as a sentence (`app.rules.words`), translatable."""
        if self._words is None:
            self._words = describe(self.root)
        return self._words

    def evaluate(
        self,
        window: RecentWindow,
        latest: np.ndarray,
        quality: np.ndarray,
        now: float,
        cache: dict | None = None,
    ) -> tuple[bool | None, list[Term]]:
        """Whether the condition holds now (True, False, or None: unknown, not enough data), and
        every sub-term with its value (source order).

        `latest`/`quality` are per tag (config order); a bad value counts as NaN. `cache` may be
        shared by the rules of one pass (same window, same `now`)."""
        ok, raw = self.run(window, _values(latest, quality), now, cache)
        return ok, build_terms(raw)

    def run(
        self, window: RecentWindow, values: np.ndarray, now: float, cache: dict | None = None
    ) -> tuple[bool | None, list]:
        """As `evaluate`, on the values with bad ones already NaN, and the terms as recorded
        (`build_terms` makes them `Term`s): the engine builds their words only when asked."""
        ctx = PassContext(window, values, now, {} if cache is None else cache, self.n_slots)
        return truth(self.root.ev(ctx)), ctx.terms

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
    c = Compiler(text, cfg, window_step_s)
    root = c.parse()
    return CompiledRule(text, root, sorted(c.used), c.n_slots, c.calls)


# ---------------------------------------------------------------- the engine


@dataclass
class _State:
    active: bool = False
    condition: bool | None = False
    true_since: float | None = None
    false_since: float | None = None
    raised_at: float | None = None
    evaluated_at: float | None = None
    raw_terms: list = field(default_factory=list)  # of the last evaluation, as recorded (terms)
    snapshot_at: float | None = None  # the last raise: when, and every term then
    snapshot: list[Term] = field(default_factory=list)
    holding: list[Message] = field(default_factory=list)  # raised, condition not true: why it holds
    _terms: list[Term] | None = field(default=None, repr=False, compare=False)

    @property
    def terms(self) -> list[Term]:
        """Every sub-term of the last evaluation; their words are built on the first ask."""
        if self._terms is None:
            self._terms = build_terms(self.raw_terms)
        return self._terms

    def took(self, raw: list) -> None:
        self.raw_terms, self._terms = raw, None


class _Watch:
    """What tells a raised rule's incident is still developing: its evidence tags, their limits,
    and the directions the rule watches them in (see the module docstring, item 3)."""

    def __init__(self, c: CompiledRule, cfg: PlantConfig, window: RecentWindow):
        calls = c._calls
        offline_only = set().union(*(set(k.tags) for k in calls if k.fn == "offline"))
        others = set().union(*(set(k.tags) for k in calls if k.fn != "offline"), _leaf_tags(c.root))
        reads = sorted((set(c.tags) - offline_only) | others)
        self.names = {i: cfg.tags[i].name for i in reads}
        self.units = {i: cfg.tags[i].unit for i in reads}
        self.reads = np.array(reads, dtype=np.intp)
        # (tag, [(limit kind, limit)] nearest first, deadband) of the tags with high / low limits
        hi: list[tuple[int, list[tuple[str, float]], float]] = []
        lo: list[tuple[int, list[tuple[str, float]], float]] = []
        for i in reads:
            a = cfg.tags[i].alarms
            if a is None or cfg.tags[i].type == "bool":
                continue
            highs = sorted((float(getattr(a, k)), k) for k in ("H", "HH") if getattr(a, k) is not None)
            lows = sorted(
                ((float(getattr(a, k)), k) for k in ("L", "LL") if getattr(a, k) is not None), reverse=True
            )
            if highs:
                hi.append((i, [(k, v) for v, k in highs], float(a.deadband)))
            if lows:
                lo.append((i, [(k, v) for v, k in lows], float(a.deadband)))
        self.hi, self.lo = hi, lo
        self.limit_span = min(c.max_span_s or HOLD_TREND_S, window.span)
        self.watch: list[tuple[tuple[int, ...], int, float]] = [
            (k.tags, -1 if k.fn == "falling" else 1, min(k.span, window.span))
            for k in calls
            if k.fn in ("rising", "falling", "count_rising", "cluster_rising")
        ]

    def developing(self, ctx: PassContext) -> list[Message]:
        """Why the incident still develops, one reason per tag, at most 6 (no value first, then
        the farthest beyond its limit); [] when it does not."""
        out: dict[int, tuple[int, tuple, Message]] = {}  # tag -> (rank, order within, reason)
        v = ctx.values
        for i in self.reads.tolist():
            if np.isnan(v[i]):
                out[i] = (
                    0,
                    (),
                    rule_text(QT_TRANSLATE_NOOP("rules", "{tag} has no value"), tag=self.names[i]),
                )
        for group, sign in ((self.hi, 1), (self.lo, -1)):
            for i, limits, deadband in group:
                x = float(v[i])
                passed = [(k, lim) for k, lim in limits if sign * (x - lim) >= -deadband]
                if i in out or not passed:
                    continue
                kind, limit = passed[-1]  # the farthest limit it is beyond: HH before H
                reason = rule_text(
                    QT_TRANSLATE_NOOP(
                        "rules", "{tag} at {value}{unit}, beyond its {kind} limit {limit}{unit}"
                    ),
                    tag=self.names[i],
                    value=fmt_term_value(x),
                    unit=_unit(self.units[i]),
                    kind=kind,
                    limit=fmt_term_value(limit),
                )
                excess = sign * (x - limit) / max(abs(limit), deadband, 1e-9)
                out[i] = (1, (-len(passed), -excess), reason)  # HH before H, then the farthest
            tags = tuple(i for i, *_ in group if i not in out)
            if tags:
                hit, change, _ = trend_of(ctx, tags, self.limit_span, None, sign)
                for k in np.flatnonzero(hit).tolist():
                    i = tags[k]
                    kind, limit = next(x[1][0] for x in group if x[0] == i)  # the nearest limit ahead
                    reason = rule_text(
                        QT_TRANSLATE_NOOP(
                            "rules",
                            "{tag} moving towards its {kind} limit {limit}{unit}: {change}{unit} in {span}",
                        ),
                        tag=self.names[i],
                        kind=kind,
                        limit=fmt_term_value(limit),
                        change=f"{float(change[k]):+.3g}",
                        unit=_unit(self.units[i]),
                        span=fmt_span(self.limit_span),
                    )
                    out[i] = (2, (), reason)
        for tags, sign, span in self.watch:
            todo = tuple(i for i in tags if i not in out)
            if not todo:
                continue
            hit, change, _ = trend_of(ctx, todo, span, None, sign)
            for k in np.flatnonzero(hit).tolist():
                i = todo[k]
                reason = rule_text(
                    QT_TRANSLATE_NOOP("rules", "{tag} still rising: {change}{unit} in {span}")
                    if sign > 0
                    else QT_TRANSLATE_NOOP("rules", "{tag} still falling: {change}{unit} in {span}"),
                    tag=self.names[i],
                    change=f"{float(change[k]):+.3g}",
                    unit=_unit(self.units[i]),
                    span=fmt_span(span),
                )
                out[i] = (3, (), reason)
        return [m for _, _, m in sorted(out.values(), key=lambda x: (x[0], x[1]))][:6]


def _unit(unit: str) -> str:
    return f" {unit}" if unit else ""


def _leaf_tags(node) -> set[int]:
    """The tags a rule reads as plain values (not through a function)."""
    found: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, TagTerm):
            found.add(n.i)
        for name in ("a", "b", "left"):
            x = getattr(n, name, None)
            if isinstance(x, Node):
                stack.append(x)
        for name in ("items", "rights", "args"):
            stack.extend(x for x in getattr(n, name, None) or () if isinstance(x, Node))
    return found


class RuleEngine:
    """Evaluates the plant's incident rules and reports raised / returned `Condition`s (kind
    RULE); a raised rule holds while its incident develops (module docstring)."""

    def __init__(
        self,
        cfg: PlantConfig,
        window: RecentWindow,
        clear_hold_s: float | None = None,
        faults: FaultRegistry | None = None,
    ):
        """`clear_hold_s` replaces the plant's `rule_defaults.clear_s` (a rule's own `clear_s`
        still wins)."""
        self.cfg, self.window = cfg, window
        defaults = cfg.rule_defaults
        self.clear_hold_s = defaults.clear_s if clear_hold_s is None else float(clear_hold_s)
        self.faults = FaultRegistry() if faults is None else faults
        self.rules = list(cfg.rules)
        self.compiled: dict[str, CompiledRule] = {}
        self.watches: dict[str, _Watch] = {}
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
            self.watches[r.name] = _Watch(c, cfg, window)
        self.state = {r.name: _State() for r in self.rules}
        # the trends a pass fits, at most (app.warning.compiled: when its loops are compiled)
        self.fits = sum(len(k.tags) for c in self.compiled.values() for k in c._calls if k.fn in TREND_FNS)

    def clear_s(self, r) -> float:
        return self.clear_hold_s if r.clear_s is None else r.clear_s

    def hold_s(self, r) -> float:
        return self.cfg.rule_defaults.hold_s if r.hold_s is None else r.hold_s

    def evaluate(self, now: float, latest: np.ndarray, quality: np.ndarray) -> list[Condition]:
        """Evaluate every rule; return only the changes: raised (active) or returned.

        A rule that raises is faulted (`self.faults`: a SYSTEM alarm naming it, logged once):
        its warning stays as it stood and the other rules are evaluated; the first clean
        evaluation ends the fault."""
        out: list[Condition] = []
        cache: dict = {}
        try:
            prefetch_trends(PassContext(self.window, latest, now, cache, 0), list(self.compiled.values()))
        except Exception:  # each rule then fits its own trends: the one that fails is faulted below
            log.debug("prefetching the rules' trends failed", exc_info=True)
            cache.clear()
        values = _values(latest, quality)
        for r in self.rules:
            c = self.compiled.get(r.name)
            if c is None:
                continue
            st = self.state[r.name]
            try:
                ok, raw = c.run(self.window, values, now, cache)
                if st.active and ok is not True:
                    developing = self.watches[r.name].developing(
                        PassContext(self.window, values, now, cache, 0)
                    )
                else:
                    developing = []
            except Exception as exc:
                self.faults.rule_failed(r.name, exc, now)
                continue
            self.faults.rule_ok(r.name, now)
            st.condition, st.evaluated_at = ok, now
            st.took(raw)
            if ok is True:
                st.false_since = None
                st.holding = []
                if st.true_since is None:
                    st.true_since = now
                if not st.active and now - st.true_since >= r.for_s:
                    st.active, st.raised_at = True, now
                    st.snapshot_at, st.snapshot = now, list(st.terms)
                    out.append(self._condition(r, True, now, st.terms))
                continue
            st.true_since = None
            if not st.active:
                st.false_since = None
                continue
            holding = self._holding(r, st, ok, now) + developing
            st.holding = holding
            if not holding:
                st.active, st.raised_at, st.false_since = False, None, None
                out.append(self._condition(r, False, now, []))
        return out

    def _holding(self, r, st: _State, ok: bool | None, now: float) -> list[Message]:
        """Why a raised rule whose condition is not true does not return yet (timers)."""
        out: list[Message] = []
        if ok is None:
            st.false_since = None
            out.append(
                word("rules", QT_TRANSLATE_NOOP("rules", "the condition is unknown (not enough data)"))
            )
        else:
            if st.false_since is None:
                st.false_since = now
            clear = self.clear_s(r)
            if now - st.false_since < clear:
                out.append(
                    rule_text(
                        QT_TRANSLATE_NOOP("rules", "the condition has been false for {duration} of {clear}"),
                        duration=fmt_span(now - st.false_since),
                        clear=fmt_span(clear),
                    )
                )
        hold = self.hold_s(r)
        if st.raised_at is not None and now - st.raised_at < hold:
            out.append(
                rule_text(
                    QT_TRANSLATE_NOOP("rules", "raised {duration} ago, held at least {hold}"),
                    duration=fmt_span(now - st.raised_at),
                    hold=fmt_span(hold),
                )
            )
        return out

    def _condition(self, r, active: bool, now: float, terms: list[Term]) -> Condition:
        msg = PlantText(r.message, r.message_zh) if r.message else PlantText(r.name, r.name_zh)
        if active:
            evidence = [t.evidence for t in terms if t.evidence]
            if evidence:
                msg = rule_text(
                    QT_TRANSLATE_NOOP("rules", "{message} — {evidence}"),
                    message=msg,
                    evidence=Message.join("; ", evidence),
                )
        return Condition(
            key=f"{r.name}:RULE",
            source=r.name,
            kind=Kind.RULE,
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
        """The rule in words and as written, whether it holds, since when, what holds it, and
        every sub-term with its value now and at the last raise."""
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
            message=PlantText(r.message, r.message_zh),
            active=st.active,
            condition=st.condition,
            since=st.raised_at if st.active else st.true_since,
            evaluated_at=st.evaluated_at,
            terms=list(st.terms),
            error=self.errors.get(r.name, "") or self._fault_text(r.name),
            words=self._words(r.name),
            raised_at=st.snapshot_at,
            raised_terms=list(st.snapshot),
            holding=list(st.holding) if st.active else [],
            clear_s=self.clear_s(r),
            hold_s=self.hold_s(r),
        )

    def _words(self, name: str) -> Message | str:
        """The condition in words; '' when it cannot be told (Why? then shows the rule as written)."""
        c = self.compiled.get(name)
        try:
            return c.words if c is not None else ""
        except Exception:  # a sentence is a convenience: never let it break the explanation
            log.warning("rule %s: cannot put the condition in words", name, exc_info=True)
            return ""

    def _fault_text(self, name: str) -> str:
        f = self.faults.of_rule(name)
        return "" if f is None else f"faulted: {f.error}"
