"""Multivariate early warning: tags that move together stop doing so.

A pump's current, vibration, pressure and flow rise and fall together; a closing valve, a
cavitating inlet or an unbalanced rotor breaks that relation long before any one of them reaches
a limit. The standard method of multivariate statistical process control (Jackson & Mudholkar
1979; MacGregor & Kourti 1995) on a group of tags an engineer declares (`warnings.multivariate`):

- learning: the bucket means of the group over `learn_s`, standardised with their own mean and
  spread; the principal components that explain `explained` of their variance. Rows beyond the
  theoretical limits (at most a twentieth of them a pass) are left out and the model fitted
  again (phase I of MSPC: a fault during the learning time does not teach the normal). The
  model is fitted on the first two thirds of the learning rows and its limits checked on the
  last third (the calibration split: rows a model was not fitted on sit further from it).
- watching: Hotelling's T-squared (how far along the learned relation the process moved) and Q,
  the squared prediction error (how far off it). Control limits at `confidence`: the chi-squared
  (Wilson-Hilferty) and Jackson-Mudholkar ones, or the fitting or calibration rows' own quantile
  if higher
  (bucket means of a real process are neither independent nor normal).
- a warning when T-squared or Q stays over its limit `hold` buckets in a row; it clears once both
  stay under as long. While it is quiet the model follows the process (recursive PCA: the mean
  and covariance move with the time constant of a third of `learn_s`, from buckets within the
  limits only), so a loop warming through the day keeps its model and a fault does not teach it. Its explanation names the tags contributing most to the statistic that is over.

One detector per time scale (app.warning.engine.Scale) watches the groups of that bucket width.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from app.config import PlantConfig
from app.evaluation.faults import FaultRegistry
from app.warning.explain import Explanation, fmt_value
from app.warning.window import RecentWindow, at_scale
from core.alarm_types import Condition, Kind
from core.formatting import format_duration as fmt_duration
from core.messages import QT_TRANSLATE_NOOP, Message

PHASE_ONE_PASSES = 2  # refits after leaving out the learning rows beyond the limits
PHASE_ONE_SHARE = 0.05  # the most of the learning rows one pass leaves out
TOP = 3  # tags named in a warning's text
CALIBRATION_SHARE = 1 / 3  # the last share of the learning rows, held back to set the limits on
# a calibration row this many times over the rows' 95 % point is a fault, not scatter (a
# chi-squared of one degree of freedom has its 99.9 % point 2.8 times its 95 %; more, less)
FAULT_RATIO = 4.0


def _m(template: str, **args) -> Message:
    return Message("warning", template, **args)


def normal_quantile(p: float) -> float:
    """The standard normal quantile (bisection on erfc; no scipy)."""
    lo, hi = -10.0, 10.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if 0.5 * math.erfc(-mid / math.sqrt(2)) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def chi2_quantile(p: float, dof: int) -> float:
    """Wilson-Hilferty approximation of the chi-squared quantile."""
    z, k = normal_quantile(p), float(dof)
    return k * (1 - 2 / (9 * k) + z * math.sqrt(2 / (9 * k))) ** 3


def q_limit(residual_var: np.ndarray, p: float) -> float:
    """Jackson-Mudholkar control limit of Q from the eigenvalues of the residual subspace."""
    lam = residual_var[residual_var > 1e-12]
    if not len(lam):
        return 0.0
    t1, t2, t3 = (float((lam**k).sum()) for k in (1, 2, 3))
    h0 = max(1 - 2 * t1 * t3 / (3 * t2 * t2), 1e-3)
    z = normal_quantile(p)
    return t1 * (z * math.sqrt(2 * t2 * h0 * h0) / t1 + 1 + t2 * h0 * (h0 - 1) / (t1 * t1)) ** (1 / h0)


@dataclass
class PcaModel:
    """A PCA model of normal operation with its two control limits."""

    mean: np.ndarray
    sd: np.ndarray
    p: np.ndarray  # loadings [variables, k]
    var: np.ndarray  # variance of each kept component [k]
    t2_limit: float
    q_limit: float
    rows: int  # learning rows it was fitted on
    cov: np.ndarray  # covariance of the standardised rows it follows
    emp: tuple[float, float] = (0.0, 0.0)  # the learning rows' own T-squared and Q quantiles
    theory: tuple[float, float] = (0.0, 0.0)  # the chi-squared and Jackson-Mudholkar limits
    explained: float = 0.9
    confidence: float = 0.999

    @classmethod
    def fit(
        cls, x: np.ndarray, floor: np.ndarray, explained: float = 0.9, confidence: float = 0.999
    ) -> PcaModel | None:
        """Fitted on the first rows of `x`, its limits checked on the rest (`calibrate`); None with
        fewer rows than twice the variables."""
        x = x[np.isfinite(x).all(axis=1)]
        cut = int(len(x) * (1 - CALIBRATION_SHARE))
        model = cls.fit_rows(x[:cut], floor, explained, confidence)
        if model is None:  # too few rows to hold some back
            return cls.fit_rows(x, floor, explained, confidence)
        model.calibrate(x[cut:])
        return model

    def calibrate(self, x: np.ndarray) -> None:
        """Raise the control limits to the `confidence` quantile of T-squared and Q over rows the
        model was not fitted on (the calibration split of MSPC: a model's own learning rows sit
        closer to it than the next hour's will, most of all with a quantised or slowly wandering
        tag, so limits from them alone are too tight)."""
        if not len(x):
            return
        t2, q = self.statistics(x)
        # a fault in the calibration rows (fewer than PHASE_ONE_SHARE of them) does not set the
        # limits: rows beyond FAULT_RATIO times the rows' (1 - PHASE_ONE_SHARE) quantile are left out
        top_t2, top_q = (float(np.quantile(s, 1 - PHASE_ONE_SHARE)) for s in (t2, q))
        keep = (t2 <= FAULT_RATIO * top_t2) & (q <= FAULT_RATIO * top_q)
        self.emp = (
            max(self.emp[0], float(np.quantile(t2[keep], self.confidence))),
            max(self.emp[1], float(np.quantile(q[keep], self.confidence))),
        )
        self._components()

    @classmethod
    def fit_rows(
        cls, x: np.ndarray, floor: np.ndarray, explained: float = 0.9, confidence: float = 0.999
    ) -> PcaModel | None:
        """Fitted on every row of `x` (phase I: rows beyond the limits left out, fitted again);
        None with fewer rows than twice the variables."""
        model = None
        for _ in range(PHASE_ONE_PASSES + 1):
            if len(x) < 2 * x.shape[1]:
                return model
            model = cls._fit(x, floor, explained, confidence)
            t2, q = model.statistics(x)
            # the theoretical limits, but never more than PHASE_ONE_SHARE of the rows left out a pass
            top_t2, top_q = (float(np.quantile(s, 1 - PHASE_ONE_SHARE)) for s in (t2, q))
            keep = (t2 <= max(model.theory[0], top_t2)) & (q <= max(model.theory[1], top_q))
            if keep.all():
                break
            x = x[keep]
        return model

    @classmethod
    def _fit(cls, x: np.ndarray, floor: np.ndarray, explained: float, confidence: float) -> PcaModel:
        mean = x.mean(axis=0)
        sd = np.maximum(x.std(axis=0), floor)
        z = (x - mean) / sd
        m = cls(mean, sd, np.zeros((0, 0)), np.zeros(0), 0.0, 0.0, len(x), np.cov(z, rowvar=False))
        m.explained, m.confidence = explained, confidence
        m._components()
        t2, q = m.statistics(x)
        m.emp = (float(np.quantile(t2, confidence)), float(np.quantile(q, confidence)))
        m._components()
        return m

    def _components(self) -> None:
        """Components and limits from the covariance."""
        lam, vec = np.linalg.eigh(self.cov)
        lam, vec = np.maximum(lam[::-1], 0.0), vec[:, ::-1]
        share = np.cumsum(lam) / max(float(lam.sum()), 1e-12)
        k = min(int(np.searchsorted(share, self.explained - 1e-9) + 1), len(lam))
        self.p, self.var = vec[:, :k], np.maximum(lam[:k], 1e-12)
        # nothing off the kept components: Q is always 0
        q_theory = q_limit(lam[k:], self.confidence) if k < len(lam) else math.inf
        self.theory = (chi2_quantile(self.confidence, k), q_theory)
        self.t2_limit, self.q_limit = max(self.theory[0], self.emp[0]), max(self.theory[1], self.emp[1])

    def follow(self, x: np.ndarray, a: float) -> None:
        """One step of weight `a` of the mean and covariance towards a normal row (recursive PCA:
        a process that wanders slowly within its normal keeps its model)."""
        d = (x - self.mean) / self.sd
        self.mean = self.mean + a * d * self.sd
        self.cov = (1 - a) * (self.cov + a * np.outer(d, d))
        self._components()

    def statistics(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """T-squared and Q of every row of `x` [rows, variables]."""
        z = (np.atleast_2d(x) - self.mean) / self.sd
        s = z @ self.p
        return (s * s / self.var).sum(axis=1), ((z - s @ self.p.T) ** 2).sum(axis=1)

    def contributions(self, x: np.ndarray) -> tuple[np.ndarray, str]:
        """Each variable's share of the statistic furthest over its limit, and which one it is."""
        z = (x - self.mean) / self.sd
        s = z @ self.p
        t2, q = self.statistics(x)
        if q[0] / self.q_limit >= t2[0] / self.t2_limit:
            c = (z - s @ self.p.T) ** 2
            name = "Q"
        else:
            c = np.abs(z * ((s / self.var) @ self.p.T))
            name = "T²"
        return c / np.maximum(c.sum(axis=1, keepdims=True), 1e-12), name


class MultivariateDetector:
    """The PCA monitor of every group of tags whose scale is this window's bucket width (`finer`:
    and every scale below it)."""

    STATE = ("rows", "seen_s", "model", "over", "state")

    def __init__(self, cfg: PlantConfig, window: RecentWindow, finer: bool = True):
        self.cfg, self.window = cfg, window
        index = cfg.tag_index()
        self.groups = [
            g for g in cfg.warnings.multivariate if g.enabled and at_scale(g.step, window.step, finer)
        ]
        self.members = [np.array([index[n] for n in cfg.group_tags(g)], dtype=np.intp) for g in self.groups]
        self.tags = np.unique(np.concatenate(self.members)) if self.members else np.zeros(0, np.intp)
        self.floor = [
            np.array(
                [
                    max(1e-3 * (t.range[1] - t.range[0]) if t.range else 0.0, 1e-9)
                    for t in map(cfg.tags.__getitem__, m)
                ]
            )
            for m in self.members
        ]
        n = len(self.groups)
        self.rows: list[list[np.ndarray]] = [[] for _ in range(n)]  # learning rows
        self.seen_s = np.zeros(n)
        self.model: list[PcaModel | None] = [None] * n
        self.over = np.zeros(n, dtype=np.int32)  # buckets in a row over a limit
        self.state = np.zeros(n, dtype=bool)
        self.last_bucket = -1
        self.names = [t.name for t in cfg.tags]
        self.evidence: dict[str, Message] = {}
        self.faults = FaultRegistry()  # WarningEngine shares the pipeline's

    def index_of(self, name: str) -> int:
        return next((k for k, g in enumerate(self.groups) if g.name == name), -1)

    def learning(self, tag: int) -> bool:
        return any(self.model[k] is None for k, m in enumerate(self.members) if (m == tag).any())

    def evaluate(self, now: float, latest: np.ndarray) -> list[Condition]:
        if not self.groups:
            return []
        closed = self.window.closed_bucket(now, self.last_bucket)
        if closed is None:
            return []
        self.last_bucket, ago = closed
        step = self.window.step
        out = []
        for k, g in enumerate(self.groups):
            x = self.window.value_at(self.members[k], ago, now)
            if not np.isfinite(x).all():
                continue
            model = self.model[k]
            if model is None:
                self.rows[k].append(x)
                self.seen_s[k] += step
                if self.seen_s[k] >= g.learn_s:
                    self.model[k] = PcaModel.fit(
                        np.array(self.rows[k]), self.floor[k], g.explained, g.confidence
                    )
                    self.rows[k] = [] if self.model[k] is not None else self.rows[k]
                continue
            t2, q = model.statistics(x)
            beyond = bool(t2[0] > model.t2_limit or q[0] > model.q_limit)
            if not beyond and not self.state[k]:
                model.follow(x, min(1.0, 3.0 * step / g.learn_s))
            # `hold` buckets in a row over to raise, as many under to clear
            self.over[k] = self.over[k] + 1 if beyond == (not self.state[k]) else 0
            on = bool(self.state[k]) != bool(self.over[k] >= g.hold)
            if on != bool(self.state[k]):
                self.state[k], self.over[k] = on, 0
                out.append(self._condition(k, on, x, float(t2[0]), float(q[0]), now))
        return out

    def _condition(self, k: int, on: bool, x: np.ndarray, t2: float, q: float, now: float) -> Condition:
        g, model = self.groups[k], self.model[k]
        key = f"{g.name}:{Kind.ANOMALY}"
        if not on:
            self.evidence.pop(g.name, None)
            text = _m(QT_TRANSLATE_NOOP("warning", "{group}: its tags move together again"), group=g.name)
        else:
            share, stat = model.contributions(x[None, :])
            order = np.argsort(share[0])[::-1][:TOP]
            most = ", ".join(f"{self.names[int(self.members[k][j])]} {share[0][j]:.0%}" for j in order)
            ratio = q / model.q_limit if stat == "Q" else t2 / model.t2_limit
            text = _m(
                QT_TRANSLATE_NOOP(
                    "warning",
                    "{group}: its tags no longer move as they did when normal ({stat} {ratio} times its "
                    "limit for {hold} buckets); most from {most}",
                ),
                group=g.name,
                stat=stat,
                ratio=f"{ratio:.1f}",
                hold=g.hold,
                most=most,
            )
            self.evidence[g.name] = text
        return Condition(key, g.name, Kind.ANOMALY, on, g.level, now, text, -1, t2, hazard=g.hazard or "")

    def reset(self) -> None:
        """Nothing raised, nothing pending; the learned models stay."""
        self.state[:] = False
        self.over[:] = 0
        self.evidence.clear()

    def relearn(self, tags) -> list[str]:
        """Groups holding one of these tags learn again from nothing; the names of those that had a
        warning up."""
        tags = np.asarray(list(tags), dtype=np.intp)
        was = []
        for k, m in enumerate(self.members):
            if not np.isin(m, tags).any():
                continue
            if self.state[k]:
                was.append(self.groups[k].name)
            self.rows[k], self.seen_s[k], self.model[k] = [], 0.0, None
            self.over[k], self.state[k] = 0, False
            self.evidence.pop(self.groups[k].name, None)
        return was

    def adopt(self, old: MultivariateDetector, cfg: PlantConfig, old_cfg: PlantConfig) -> set[str]:
        """Take over the models and standing warnings of groups whose settings and tags did not
        change; the keys of the warnings that carry on."""
        kept: set[str] = set()
        for k, g in enumerate(self.groups):
            o = old.index_of(g.name)
            if o < 0 or old.groups[o] != g or cfg.group_tags(g) != old_cfg.group_tags(old.groups[o]):
                continue
            self.rows[k] = list(old.rows[o])
            self.seen_s[k], self.model[k] = old.seen_s[o], old.model[o]
            self.over[k], self.state[k] = old.over[o], old.state[o]
            if g.name in old.evidence:
                self.evidence[g.name] = old.evidence[g.name]
            if self.state[k]:
                kept.add(f"{g.name}:{Kind.ANOMALY}")
        self.last_bucket = old.last_bucket
        return kept

    def explain(self, name: str, now: float) -> Explanation | None:
        """The group's T-squared and Q over the window against their limits (T-squared as the
        curve, its limit the band's top) and what the model was learned from."""
        k = self.index_of(name)
        if k < 0:
            return None
        g, model = self.groups[k], self.model[k]
        key = f"{name}:{Kind.ANOMALY}"
        title = _m(QT_TRANSLATE_NOOP("warning", "Tags of {group} moving together"), group=name)
        if model is None:
            lines = [
                _m(
                    QT_TRANSLATE_NOOP("warning", "Learning: {seen} of {learn} seen."),
                    seen=fmt_duration(self.seen_s[k]),
                    learn=fmt_duration(g.learn_s),
                )
            ]
            return Explanation(key, Kind.ANOMALY, -1, title, lines)
        t, y = self.window.series(self.members[k], self.window.span, now)
        t2, _ = model.statistics(y.T)
        lines = [
            self.evidence.get(name) or _m(QT_TRANSLATE_NOOP("warning", "No anomaly now.")),
            _m(
                QT_TRANSLATE_NOOP(
                    "warning",
                    "{n} tags, {k} principal components learned from {rows} buckets of {step}; T² limit "
                    "{t2}, Q limit {q} at {confidence} confidence; a warning after {hold} buckets over.",
                ),
                n=len(self.members[k]),
                k=model.p.shape[1],
                rows=model.rows,
                step=fmt_duration(self.window.step),
                t2=fmt_value(model.t2_limit),
                q=fmt_value(model.q_limit),
                confidence=f"{g.confidence:.1%}",
                hold=g.hold,
            ),
        ]
        ex = Explanation(key, Kind.ANOMALY, -1, title, lines, t, t2)
        ex.fit_t = t
        ex.fit_v = np.full(len(t), model.t2_limit)
        ex.limit = model.t2_limit
        return ex
