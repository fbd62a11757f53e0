"""Everything evaluated on a plant's samples, without devices: alarms, early warnings, incident
rules and hazard-source risk. The live engine and the replay share it, so a replay of recorded
samples raises what the live run raised.

Alarms advance with every batch. The recent-past window, the warning detectors, the rules and
the risk model move in whole buckets of the window (5 s by default): a batch is split at bucket
boundaries and the detectors run once per closed boundary, in time order, however the samples
arrive (one scan at a time live, thousands of rows at a time in a replay). Only boundaries that
close a bucket holding samples are run: live every bucket holds a scan, and a replay of sparse
data (a sample every 5 minutes, a gap of a day) costs what its samples cost, not what its span
of time would. Detectors of slower scales (app.warning.engine.Scale) run once per bucket of
their own scale.

Nothing here stops on one failing part: a rule, a tag expression or a detector (the alarm
evaluation and the risk model included) that raises is marked faulted in `self.faults`
(app/faults.py), raised as a SYSTEM alarm naming it, and the rest of the batch is evaluated.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import numpy as np

from app.alarms.engine import AlarmEngine
from app.alarms.kernel_loader import KERNELS, LARGE_PLANTS
from app.config import PlantConfig
from app.dual_prevention.hidden_dangers import DangerBook
from app.dual_prevention.permits import PermitBook
from app.evaluation.faults import DETECTOR, EXPRESSION, RULE, Fault, FaultRegistry
from app.risk import operating_states
from app.warning.compiled import LoadWhenLarge
from app.warning.window import LIVE_STEP_S, RecentWindow
from core.alarm_types import Alarm, Condition, Kind
from core.messages import QT_TRANSLATE_NOOP, Message
from core.samples import Quality, SampleBatch

log = logging.getLogger(__name__)
WINDOW_STEP_S = 5.0


@dataclass
class Outcome:
    """What one batch changed: alarm and warning transitions, hazard-source risk changes."""

    alarms: list[Alarm] = field(default_factory=list)
    risk: list = field(default_factory=list)


class Pipeline:
    """Alarm, warning, rule and risk evaluation of one plant."""

    def __init__(
        self,
        config: PlantConfig,
        *,
        warnings: bool = True,
        step_s: float = WINDOW_STEP_S,
        compiled: bool = False,
    ):
        """`compiled`: the alarm pass compiled whatever the plant's size, once loaded (a replay
        loads it first: app.evaluation.replay.load_compiled); else a large plant's, 30 s in."""
        self.config = config
        n = len(config.tags)
        self.n = n
        self.faults = FaultRegistry()
        self.alarms = AlarmEngine(config, self.faults, KERNELS if compiled else LARGE_PLANTS)
        self.opstates = operating_states.OperatingBook(config)  # declared operating states
        self.permits = PermitBook(config)  # open work permits: exposure in the risk, gas alarms raised
        self.dangers = DangerBook()  # open hidden dangers and inspections not done
        self.latest = np.full(n, np.nan)
        self.quality = np.full(n, int(Quality.BAD), dtype=np.uint8)
        # why each tag is not good (QualityReason); the live engine shares its quality stage's
        # array here, a replay of recorded samples leaves it at NONE
        self.reason = np.zeros(n, dtype=np.uint8)
        self.warnings_on = warnings
        self.window = self.warnings = self.rules = self.risk = self.compile = None
        self._bucket = -1  # the newest bucket boundary the detectors have run at
        self._filled = -1  # the newest bucket holding a sample
        if warnings:
            from app.risk.engine import RiskEngine
            from app.rules.engine import RuleEngine
            from app.warning.engine import WarningEngine

            live = [
                f.window_s for f in map(config.forecast_of, config.tags) if f.step <= max(step_s, LIVE_STEP_S)
            ]
            span = max([600.0] + live) + 300.0
            self.window = RecentWindow(n, span, step_s)
            self.warnings = WarningEngine(config, self.window, faults=self.faults)
            self.rules = RuleEngine(config, self.window, faults=self.faults)
            self.risk = RiskEngine(config)
            self.risk.book = self.opstates
            self.risk.management += [self.permits, self.dangers]
            self.compile = LoadWhenLarge(n, self.rules.fits)  # the detectors' loops compiled

    # ------------------------------------------------------------ evaluation
    def evaluate(self, batch: SampleBatch) -> Outcome:
        """Advance everything with one batch (any order; taken in time order per tag). Never
        raises: a failure outside the parts guarded one by one faults the "pipeline" detector
        (a SYSTEM alarm) and what the batch changed up to there is returned."""
        out = Outcome()
        if len(batch) == 0:
            return out
        try:
            self._evaluate(batch, out)
        except Exception as exc:
            self.faults.detector_failed("pipeline", exc, float(batch.ts.max()))
        else:
            self.faults.detector_ok("pipeline", float(batch.ts.max()))
        out.alarms += self._apply_faults()
        return out

    def _evaluate(self, batch: SampleBatch, out: Outcome) -> None:
        if self.window is None:
            out.alarms += self._alarms(batch)
            return
        step = self.window.step
        first = math.floor(float(batch.ts.min()) / step)
        last = math.floor(float(batch.ts.max()) / step)
        if self._bucket < 0:
            self._bucket = first
        if last <= self._bucket:  # no boundary crossed: the usual live case
            out.alarms += self._alarms(batch)
            self._add(batch)
            self._filled = max(self._filled, last)
            return
        order = np.argsort(batch.ts, kind="stable")
        batch = batch.take(order)
        ts = batch.ts
        for b in self._boundaries(ts, last):
            edge = b * step
            k = int(np.searchsorted(ts, edge, side="left"))
            if k:
                part = batch.take(slice(0, k))
                out.alarms += self._alarms(part)
                self._add(part)
                batch, ts = batch.take(slice(k, None)), ts[k:]
            self._bucket = b
            self._detect(edge, out)
        if len(batch):
            out.alarms += self._alarms(batch)
            self._add(batch)
        self._bucket = max(self._bucket, last)
        self._filled = last

    def _boundaries(self, ts: np.ndarray, last: int) -> list[int]:
        """The bucket boundaries after `self._bucket` up to `last` that close a bucket holding a
        sample (of this batch, sorted `ts`, or of earlier ones): every one of them while samples
        come every scan, one per sample where they are sparse."""
        held = np.unique(np.floor(ts / self.window.step).astype(np.int64))
        due = np.union1d(held + 1, [self._filled + 1])
        return due[(due > self._bucket) & (due <= last)].tolist()

    def _add(self, batch: SampleBatch) -> None:
        self.window.add(batch)
        self.warnings.add(batch)

    def warm_up(self, batches) -> int:
        """Let the detectors learn from recorded samples (time order; e.g. the last half hour of
        history at start-up) so forecasts and anomaly baselines do not start from nothing. Only
        the recent-past window and the baselines learn: no alarm, warning or risk is raised, and
        every detector starts the live run in its normal state. Returns the samples taken."""
        if self.window is None:
            return 0
        step, n = self.window.step, 0
        for batch in batches:
            if not len(batch):
                continue
            n += len(batch)
            batch = batch.take(np.argsort(batch.ts, kind="stable"))
            ts = batch.ts
            last = math.floor(float(ts[-1]) / step)
            if self._bucket < 0:
                self._bucket = math.floor(float(ts[0]) / step)
            for b in self._boundaries(ts, last):
                k = int(np.searchsorted(ts, b * step, side="left"))
                if k:
                    self._learn_from(batch.take(slice(0, k)))
                    batch, ts = batch.take(slice(k, None)), ts[k:]
                self.warnings.learn(b * step, self.latest)
                self._bucket = b
            if len(batch):
                self._learn_from(batch)
            self._bucket = max(self._bucket, last)
            self._filled = last
        # the live run starts normal: nothing raised, nothing pending
        self.warnings.reset()
        self._bucket = self._filled = -1
        return n

    def _learn_from(self, batch: SampleBatch) -> None:
        good = np.isfinite(batch.value)
        self.latest[batch.tag[good]] = batch.value[good]
        self._add(batch)

    def _alarms(self, batch: SampleBatch) -> list[Alarm]:
        self.latest[batch.tag] = np.where(np.isfinite(batch.value), batch.value, self.latest[batch.tag])
        self.quality[batch.tag] = batch.quality
        try:
            out = self.alarms.evaluate(batch)
        except Exception as exc:  # the batch is still stored and the detectors still run
            self.faults.detector_failed("alarms", exc, float(batch.ts.max()))
            out = []
        else:
            self.faults.detector_ok("alarms", float(batch.ts.max()))
            out = self.permits.escalate(out, float(batch.ts.max()))
        return out + self._apply_faults()

    def _apply_faults(self) -> list[Alarm]:
        try:
            return self.alarms.apply_faults()
        except Exception:  # the alarm engine itself is broken: the log is all that is left
            log.exception("raising the alarms of faulted parts failed")
            return []

    def _detect(self, now: float, out: Outcome) -> None:
        """Run the detectors at a bucket boundary; their conditions become warnings. Each
        detector is on its own: one that raises is faulted and the others still run."""
        conditions: list[Condition] = []
        for name, run in (
            ("warnings", lambda: self.warnings.evaluate(now, self.latest)),
            ("rules", lambda: self.rules.evaluate(now, self.latest, self.quality)),
        ):
            try:
                conditions += run()
            except Exception as exc:
                self.faults.detector_failed(name, exc, now)
            else:
                self.faults.detector_ok(name, now)
        for c in conditions:
            a = self.alarms.set_condition(c)
            if a is not None:
                out.alarms.append(a)
        out.alarms += self._apply_faults()
        self.compile.detectors_ran(now)
        ended = operating_states.expire(self, now)  # a declared state whose end has come
        self.permits.due(now)  # a permit whose window has closed
        if ended is not None:
            out.alarms += ended.alarms
        try:
            out.risk += self.risk.update(
                now,
                self.permits.escalate(self.alarms.standing(now), now),
                self.quality,
                self.latest,
                self.reason,
            )
        except Exception as exc:
            self.faults.detector_failed("risk", exc, now)
        else:
            self.faults.detector_ok("risk", now)
        out.alarms += self._apply_faults()

    def set_condition(self, c: Condition) -> Alarm | None:
        return self.alarms.set_condition(c)

    # ------------------------------------------------------------ live reconfiguration
    def adopt(self, old: Pipeline, now: float) -> list[Alarm]:
        """Carry over what `old` (the pipeline of the previous configuration) knew: alarm states
        of tags whose alarm settings are unchanged, the recent past of every tag still present,
        detector baselines of tags whose warning settings are unchanged, the state of rules whose
        text is unchanged. Returns the transitions that end what can no longer go on (warnings of
        changed detectors or rules, communication alarms of removed devices)."""
        old_cfg, new_cfg = old.config, self.config
        old_at = old_cfg.tag_index()
        old_tags = {t.name: t for t in old_cfg.tags}
        old_index = np.array([old_at.get(t.name, -1) for t in new_cfg.tags], dtype=np.intp)
        same_alarms = np.array(
            [t.name in old_tags and old_tags[t.name].alarms == t.alarms for t in new_cfg.tags], dtype=bool
        )
        self.alarms.adopt(old.alarms, old_index, same_alarms)
        self.opstates.adopt(old.opstates)
        for p in old.permits.permits.values():
            self.permits.put(p)
        self.dangers = old.dangers
        if self.risk is not None:
            self.risk.management[-1] = self.dangers
        ended: list[Alarm] = self.opstates.apply(self.alarms, now)
        present = old_index >= 0
        self.latest[present] = old.latest[old_index[present]]
        self.quality[present] = old.quality[old_index[present]]
        self._bucket, self._filled = old._bucket, old._filled
        kept_warnings: set[str] = set()
        if self.window is not None and old.window is not None:
            self.window.adopt(old.window, old_index)
            kept_warnings |= self._adopt_detectors(old, old_index)
        devices = {d.name for d in new_cfg.devices}
        ended_faults = {f.key for f in self.faults.adopt(old.faults, lambda f: self._same_part(old, f))}
        for key, a in list(self.alarms.external.items()):
            gone = (
                (a.kind == Kind.COMM and a.source not in devices)
                or (a.is_warning and key not in kept_warnings)
                or key in ended_faults
            )
            if gone and a.active:
                t = self.alarms.set_condition(
                    Condition(
                        key,
                        a.source,
                        a.kind,
                        False,
                        a.priority,
                        now,
                        Message(
                            "alarms",
                            QT_TRANSLATE_NOOP("alarms", "{source}: ended by a configuration change"),
                            source=a.source,
                        ),
                        a.tag,
                    )
                )
                if t is not None:
                    ended.append(t)
        return ended

    def _same_part(self, old: Pipeline, f: Fault) -> bool:
        """The faulted part is unchanged by the new configuration: it stays faulted until it
        evaluates cleanly (else its alarm ends with the change)."""
        if f.kind == DETECTOR:
            return True
        if f.kind == RULE:
            new_rule = next((r for r in self.config.rules if r.name == f.name), None)
            old_rule = next((r for r in old.config.rules if r.name == f.name), None)
            return new_rule is not None and new_rule == old_rule
        if f.kind == EXPRESSION:
            new_tag = next((t for t in self.config.tags if t.name == f.name), None)
            old_tag = next((t for t in old.config.tags if t.name == f.name), None)
            if new_tag is None or old_tag is None:
                return False
            if f.field == "suppress_when":
                return new_tag.alarms == old_tag.alarms
            if f.field == "forecast.when":
                return self.config.forecast_of(new_tag) == old.config.forecast_of(old_tag)
            if f.field == "anomaly.mode":
                return self.config.anomaly_of(new_tag) == old.config.anomaly_of(old_tag)
        return False

    def _adopt_detectors(self, old: Pipeline, old_index: np.ndarray) -> set[str]:
        """Baselines and active warnings of detectors whose settings did not change; the keys of
        the warnings that carry on."""
        cfg, ocfg = self.config, old.config
        kept = self.warnings.adopt(old.warnings, old_index, cfg, ocfg)
        old_rules = {r.name: r for r in ocfg.rules}
        for r in cfg.rules:
            o = old_rules.get(r.name)
            if o is not None and o == r and r.name in old.rules.state:
                self.rules.state[r.name] = old.rules.state[r.name]
                if self.rules.state[r.name].active:
                    kept.add(f"{r.name}:RULE")
        return kept

    # ------------------------------------------------------------ explanations
    def explain(self, key: str, now: float):
        """The data and reasoning behind a warning (forecast, anomaly or rule), or None."""
        if self.window is None:
            return None
        name, _, kind = key.rpartition(":")
        if kind == Kind.RULE:
            return self.rules.explain(name)
        return self.warnings.explain(key, now)
