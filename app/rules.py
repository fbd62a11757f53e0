"""Incident rules: conditions over several tags and their recent past, written in the plant YAML.

A rule reads like `rising(BOF1.LANCE.FLOW_DIFF, 300, 1.0) and rising(BOF1.LANCE.TEMP_OUT, 300)`
and is raised as an early warning (kind RULE) when it holds for the rule's `for_s`.

The language, parsed once with Python's `ast` and evaluated by a tree walk over a whitelist of
node types (nothing is ever `eval`-ed; the parser and compiler are in `app.rule_language`):

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

The functions and their robust (Theil-Sen) trend are in `app.rule_functions`.

This module holds the public side: `compile_rule` and `CompiledRule`, and `RuleEngine`, which
evaluates every rule of the plant once per window bucket and reports `Condition`s (raised,
cleared) to the alarm engine; a rule clears after its condition has been false for
`CLEAR_HOLD_S`, so a rule on the edge does not chatter. `explain()` gives the operator every
sub-term with its value (`RuleExplanation`, of `Term`s). `RuleError` and `Term` are importable
from here as well.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from app.alarm_types import Condition
from app.config import PlantConfig
from app.faults import FaultRegistry
from app.messages import QT_TRANSLATE_NOOP, Message, word
from app.model import Quality
from app.rule_functions import Term, _Call, _Ctx, _fmt_span, _m, _Node, _prefetch, _truth
from app.rule_language import RuleError, _Compiler
from app.window import RecentWindow

log = logging.getLogger(__name__)
CLEAR_HOLD_S = 30.0  # a raised rule clears after its condition has been false this long

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

    def __init__(
        self,
        cfg: PlantConfig,
        window: RecentWindow,
        clear_hold_s: float = CLEAR_HOLD_S,
        faults: FaultRegistry | None = None,
    ):
        self.cfg, self.window, self.clear_hold_s = cfg, window, clear_hold_s
        self.faults = FaultRegistry() if faults is None else faults
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
        """Evaluate every rule; return only the changes: raised (active) or cleared.

        A rule that raises is faulted (`self.faults`: a SYSTEM alarm naming it, logged once):
        its warning stays as it stood and the other rules are evaluated; the first clean
        evaluation ends the fault."""
        out: list[Condition] = []
        cache: dict = {}
        try:
            _prefetch(_Ctx(self.window, latest, now, cache, 0), list(self.compiled.values()))
        except Exception:  # each rule then fits its own trends: the one that fails is faulted below
            log.debug("prefetching the rules' trends failed", exc_info=True)
            cache.clear()
        for r in self.rules:
            c = self.compiled.get(r.name)
            if c is None:
                continue
            st = self.state[r.name]
            try:
                ok, terms = c.evaluate(self.window, latest, quality, now, cache)
            except Exception as exc:
                self.faults.rule_failed(r.name, exc, now)
                continue
            self.faults.rule_ok(r.name, now)
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
            error=self.errors.get(r.name, "") or self._fault_text(r.name),
        )

    def _fault_text(self, name: str) -> str:
        f = self.faults.of_rule(name)
        return "" if f is None else f"faulted: {f.error}"
