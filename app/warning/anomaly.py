"""Anomaly: a tag behaves unlike itself (drift, step, flat line).

Anomaly. Per tag (and per process mode, when `mode` names one: a bool picks one of two
baselines, a number one of `modes`, e.g. charging / blowing / tapping / idle), an exponentially weighted mean
and variance of the bucket means learned over `learn_s`; until that much good data has been seen
the detector says "learning" and never warns. Then: the standardised residual held beyond
`drift_sigma` for half a minute (drift; bucket means are correlated over minutes, so a sum of
residuals such as a CUSUM would add up ordinary slow wander), a jump of one bucket against the
scatter of bucket-to-bucket changes (step),
and an unchanged value for `flatline_s` where the tag normally moves (flat line). A drift or a
step to a side where the tag has no limit (a pump's vibration falling: it has only high limits)
needs AWAY times the sigmas: it heads to no consequence. The baseline
does not learn while a tag is anomalous, nor, on a slow scale once learned, from a value far
from it (app.warning.baseline).
"""

from __future__ import annotations

import math

import numpy as np

from app.config import PlantConfig
from app.evaluation.faults import FaultRegistry
from app.rules.expression import compile_value
from app.warning.baseline import learn_step
from app.warning.explain import fmt_value
from app.warning.window import RecentWindow, at_scale
from core.alarm_types import Condition
from core.formatting import format_duration as fmt_duration
from core.messages import QT_TRANSLATE_NOOP, Message

DRIFT_HOLD = 6  # buckets in a row beyond drift_sigma before a drift is reported
DRIFT_CLEAR = 0.5  # a drift clears once back within this share of drift_sigma
# a drift or step to a side where the tag has no limit (a vibration falling, a reading dipping
# under a gas detector's zero) is no nearer to any consequence: it needs this many times the sigmas
AWAY = 2.0


def _m(template: str, **args) -> Message:
    return Message("warning", template, **args)


def limits_around(alarms) -> tuple[np.ndarray, np.ndarray]:
    """The nearest limit above (H or HH) and below (L or LL) of each of these `alarms:` (None: a
    tag without limits); infinite where there is none on that side."""
    up, lo = [], []
    for a in alarms:
        hi = [v for v in (a.H, a.HH) if v is not None] if a is not None else []
        low = [v for v in (a.L, a.LL) if v is not None] if a is not None else []
        up.append(min(hi) if hi else np.inf)
        lo.append(max(low) if low else -np.inf)
    return np.asarray(up, dtype=float), np.asarray(lo, dtype=float)


class AnomalyDetector:
    """Drift, step and flat line against each tag's own learned behaviour, for the tags whose
    scale is this window's bucket width (`finer`: and every scale below it)."""

    def __init__(self, cfg: PlantConfig, window: RecentWindow, finer: bool = True):
        self.cfg, self.window = cfg, window
        self.slow = not finer  # a slow scale's baseline is not dragged by a slow drift (app.warning.baseline)
        index = cfg.tag_index()
        rows, st = [], []
        for i, t in enumerate(cfg.tags):
            s = cfg.anomaly_of(t)
            if not s.enabled or t.is_bool:
                continue
            # the tag's own anomaly, or its slow one (wider buckets: never both at one scale)
            mine = [x for x in (s, s.slow) if x is not None and at_scale(x.step, window.step, finer)]
            if mine:
                rows.append(i)
                st.append(mine[0])
        self.tags = np.asarray(rows, dtype=np.intp)
        self.learn_s = np.array([s.learn_s for s in st])
        self.drift_h = np.array([s.drift_sigma for s in st])
        self.step_h = np.array([s.step_sigma for s in st])
        self.flat_s = np.array([s.flatline_s or np.inf for s in st])
        self.level = np.array([s.level for s in st], dtype=np.int8)
        self.modes = [compile_value(s.mode, index)[0] if s.mode else None for s in st]
        self.has_modes = any(m is not None for m in self.modes)
        self.n_modes = np.array([s.modes for s in st], dtype=np.intp)
        m_max = max([2] + self.n_modes.tolist())
        n = len(rows)
        span = np.array(
            [(cfg.tags[i].range[1] - cfg.tags[i].range[0]) if cfg.tags[i].range else 0.0 for i in rows]
        )
        self.floor = np.maximum(span * 1e-3, 1e-9)  # smallest scatter believed: 0.1 % of range
        # the nearest limit above and below (infinite where it has none); with none at all, both
        # sides are alike and judged as they always were
        self.upper, self.lower = limits_around([cfg.tags[i].alarms for i in rows])
        self.limited = np.isfinite(self.upper) | np.isfinite(self.lower)
        # baselines: [tag, mode]
        self.mu = np.full((n, m_max), np.nan)
        self.var = np.zeros((n, m_max))
        self.dvar = np.zeros((n, m_max))  # scatter of bucket-to-bucket changes
        self.seen_s = np.zeros((n, m_max))
        self.beyond = np.zeros(n, dtype=np.int16)  # buckets in a row beyond drift_sigma
        self.prev = np.full(n, np.nan)
        self.unchanged_since = np.full(n, np.nan)
        self.state = np.zeros(n, dtype=np.int8)  # 0 normal, 1 drift, 2 step, 3 flat line
        self.since = np.zeros(n)
        self.prev_mode = np.zeros(n, dtype=np.intp)  # the mode of the previous bucket
        self.last_bucket = -1
        self.names = [t.name for t in cfg.tags]
        self.units = [t.unit for t in cfg.tags]
        self.hazard_of = cfg.hazard_of_tags()
        self.evidence: dict[int, Message] = {}
        self.faults = FaultRegistry()  # WarningEngine shares the pipeline's

    def learning(self, tag: int) -> bool:
        j = np.flatnonzero(self.tags == tag)
        return bool(len(j)) and bool((self.seen_s[j[0]] < self.learn_s[j[0]]).all())

    STATE = (
        "mu",
        "var",
        "dvar",
        "seen_s",
        "beyond",
        "prev",
        "unchanged_since",
        "state",
        "since",
        "prev_mode",
    )

    def adopt(
        self, old: AnomalyDetector, old_index: np.ndarray, cfg: PlantConfig, old_cfg: PlantConfig
    ) -> set[str]:
        """Take over the baselines and standing anomalies of tags whose anomaly settings did not
        change; the keys of the anomalies that carry on."""
        kept: set[str] = set()
        orow = {int(t): r for r, t in enumerate(old.tags.tolist())}
        for r, t in enumerate(self.tags.tolist()):
            o = int(old_index[t])
            if o < 0 or o not in orow or cfg.anomaly_of(cfg.tags[t]) != old_cfg.anomaly_of(old_cfg.tags[o]):
                continue
            k = orow[o]
            for name in self.STATE:
                mine, theirs = getattr(self, name), getattr(old, name)
                if mine.ndim == 2:  # per mode: the tag's own modes are the same in both
                    w = min(mine.shape[1], theirs.shape[1])
                    mine[r, :w] = theirs[k, :w]
                else:
                    mine[r] = theirs[k]
            if o in old.evidence:
                self.evidence[t] = old.evidence[o]
            if self.state[r]:
                kept.add(f"{cfg.tags[t].name}:ANOMALY")
        self.last_bucket = old.last_bucket
        return kept

    def reset(self) -> None:
        """Nothing raised, nothing pending; the learned baselines stay."""
        self.state[:] = 0
        self.beyond[:] = 0
        self.evidence.clear()

    def relearn(self, tags) -> list[int]:
        """Forget the baselines of these tags (another process mode); they say "learning"
        again. Returns those that had an anomaly up."""
        rows = np.flatnonzero(np.isin(self.tags, np.asarray(list(tags), dtype=np.intp)))
        was = self.tags[rows[self.state[rows] != 0]].tolist()
        self.mu[rows], self.var[rows], self.dvar[rows], self.seen_s[rows] = np.nan, 0.0, 0.0, 0.0
        self.beyond[rows], self.prev[rows], self.unchanged_since[rows] = 0, np.nan, np.nan
        self.state[rows], self.since[rows] = 0, 0.0
        for i in self.tags[rows].tolist():
            self.evidence.pop(i, None)
        return was

    def evaluate(self, now: float, latest: np.ndarray) -> list[Condition]:
        if len(self.tags) == 0:
            return []
        closed = self.window.closed_bucket(now, self.last_bucket)
        if closed is None:
            return []
        self.last_bucket, ago = closed
        step = self.window.step
        x = self.window.value_at(self.tags, ago, now)
        mode = np.zeros(len(self.tags), dtype=np.intp)
        if self.has_modes:
            mode = np.array(
                [self._mode(j, m, latest, now) if m is not None else 0 for j, m in enumerate(self.modes)],
                dtype=np.intp,
            )
        r = np.arange(len(self.tags))
        mu, var, dvar, seen = self.mu[r, mode], self.var[r, mode], self.dvar[r, mode], self.seen_s[r, mode]
        # the bucket in which the mode changed belongs to neither: neither judges nor learns it
        settled = mode == self.prev_mode
        self.prev_mode = mode
        ok = np.isfinite(x) & settled
        sd = np.maximum(np.sqrt(var), self.floor)
        dsd = np.maximum(np.sqrt(dvar), self.floor)
        learned = seen >= self.learn_s
        with np.errstate(invalid="ignore"):
            z = np.where(ok & np.isfinite(mu), (x - mu) / sd, 0.0)
            d = np.where(ok & np.isfinite(self.prev), x - self.prev, np.nan)
        # the evidence a drift or a step needs: more where it heads to no limit
        drift_h = self.drift_h * self.evidence_factor(z)
        step_h = self.step_h * self.evidence_factor(np.nan_to_num(d))
        self.beyond = np.where(learned & ok & (np.abs(z) >= drift_h), self.beyond + 1, 0).astype(np.int16)
        drift = (self.beyond >= DRIFT_HOLD) | ((self.state == 1) & (np.abs(z) >= DRIFT_CLEAR * self.drift_h))
        stepped = learned & np.isfinite(d) & (np.abs(np.nan_to_num(d)) >= step_h * dsd)
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
        new_mu, new_var, learn = learn_step(mu, var, x, a, learn, learned & self.slow, self.floor)
        new_dvar = np.where(learn & np.isfinite(d), (1 - a) * dvar + a * np.nan_to_num(d) ** 2, dvar)
        self.mu[r, mode], self.var[r, mode], self.dvar[r, mode] = new_mu, new_var, new_dvar
        self.seen_s[r, mode] = seen + np.where(ok, step, 0.0)
        # after a change of mode the next bucket's step is measured from the new mode's normal
        self.prev = np.where(ok, x, np.where(settled, self.prev, self.mu[r, mode]))
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

    def evidence_factor(self, move: np.ndarray) -> np.ndarray:
        """Per tag, for a move of this sign from its normal (a residual or a bucket's change): AWAY
        where the tag has limits but none on that side, else 1."""
        none_there = np.where(move >= 0, np.isinf(self.upper), np.isinf(self.lower))
        return np.where(self.limited & none_there, AWAY, 1.0)

    def _mode(self, j: int, fn, latest: np.ndarray, now: float) -> int:
        """A tag's anomaly `mode`: the baseline its value picks (true 1, false 0; a number rounded
        into 0 .. modes - 1; unknown 0). One that raises is faulted and mode 0 assumed."""
        name = self.names[int(self.tags[j])]
        try:
            value = float(fn(latest))
        except Exception as exc:
            self.faults.expression_failed(name, "anomaly.mode", exc, now)
            return 0
        self.faults.expression_ok(name, "anomaly.mode", now)
        if not math.isfinite(value):
            return 0
        return min(max(int(round(value)), 0), int(self.n_modes[j]) - 1)

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
