"""Everything evaluated on a plant's samples, without devices: alarms, early warnings, incident
rules and hazard-source risk. The live engine and the replay share it, so a replay of recorded
samples raises what the live run raised.

Alarms advance with every batch. The recent-past window, the warning detectors, the rules and
the risk model move in whole buckets of the window (5 s by default): a batch is split at bucket
boundaries and the detectors run once per closed boundary, in time order, however the samples
arrive (one scan at a time live, thousands of rows at a time in a replay).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from app.alarms import Alarm, AlarmEngine, Condition
from app.config import PlantConfig
from app.model import Quality, SampleBatch
from app.window import RecentWindow

WINDOW_STEP_S = 5.0


@dataclass
class Outcome:
    """What one batch changed: alarm and warning transitions, hazard-source risk changes."""

    alarms: list[Alarm] = field(default_factory=list)
    risk: list = field(default_factory=list)


class Pipeline:
    """Alarm, warning, rule and risk evaluation of one plant."""

    def __init__(self, config: PlantConfig, *, warnings: bool = True, step_s: float = WINDOW_STEP_S):
        self.config = config
        n = len(config.tags)
        self.n = n
        self.alarms = AlarmEngine(config)
        self.latest = np.full(n, np.nan)
        self.quality = np.full(n, int(Quality.BAD), dtype=np.uint8)
        self.warnings_on = warnings
        self.window = self.warnings = self.rules = self.risk = None
        self._bucket = -1  # the newest bucket boundary the detectors have run at
        if warnings:
            from app.risk import RiskEngine
            from app.rules import RuleEngine
            from app.warning import WarningEngine

            span = max([600.0] + [config.forecast_of(t).window_s for t in config.tags]) + 300.0
            self.window = RecentWindow(n, span, step_s)
            self.warnings = WarningEngine(config, self.window)
            self.rules = RuleEngine(config, self.window)
            self.risk = RiskEngine(config)

    # ------------------------------------------------------------ evaluation
    def evaluate(self, batch: SampleBatch) -> Outcome:
        """Advance everything with one batch (any order; taken in time order per tag)."""
        out = Outcome()
        if len(batch) == 0:
            return out
        if self.window is None:
            out.alarms = self._alarms(batch)
            return out
        step = self.window.step
        first = math.floor(float(batch.ts.min()) / step)
        last = math.floor(float(batch.ts.max()) / step)
        if self._bucket < 0:
            self._bucket = first
        if last <= self._bucket:  # no boundary crossed: the usual live case
            out.alarms = self._alarms(batch)
            self.window.add(batch)
            return out
        order = np.argsort(batch.ts, kind="stable")
        batch = batch.take(order)
        ts = batch.ts
        for b in range(self._bucket + 1, last + 1):
            edge = b * step
            k = int(np.searchsorted(ts, edge, side="left"))
            if k:
                part = batch.take(slice(0, k))
                out.alarms += self._alarms(part)
                self.window.add(part)
                batch, ts = batch.take(slice(k, None)), ts[k:]
            self._bucket = b
            self._detect(edge, out)
        if len(batch):
            out.alarms += self._alarms(batch)
            self.window.add(batch)
        return out

    def _alarms(self, batch: SampleBatch) -> list[Alarm]:
        self.latest[batch.tag] = np.where(np.isfinite(batch.value), batch.value, self.latest[batch.tag])
        self.quality[batch.tag] = batch.quality
        return self.alarms.evaluate(batch)

    def _detect(self, now: float, out: Outcome) -> None:
        """Run the detectors at a bucket boundary; their conditions become warnings."""
        conditions = self.warnings.evaluate(now, self.latest) + self.rules.evaluate(now, self.latest, self.quality)
        for c in conditions:
            a = self.alarms.set_condition(c)
            if a is not None:
                out.alarms.append(a)
        out.risk += self.risk.update(now, self.alarms.standing(now), self.quality, self.latest)

    def set_condition(self, c: Condition) -> Alarm | None:
        return self.alarms.set_condition(c)

    # ------------------------------------------------------------ explanations
    def explain(self, key: str, now: float):
        """The data and reasoning behind a warning (forecast, anomaly or rule), or None."""
        if self.window is None:
            return None
        name, _, kind = key.rpartition(":")
        if kind == "RULE":
            return self.rules.explain(name)
        return self.warnings.explain(key, now)
