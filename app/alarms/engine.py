"""Alarm engine: ISA-18.2 / IEC 62682 alarm states over limit, discrete, rate-of-change,
deviation, frozen-value, bad-quality and communication alarms.

Pure Python + numpy, no Qt. Conditions are evaluated vectorised over a batch (one sample per
tag per pass) with deadband, on-delay and off-delay; each (tag, kind) is one alarm whose state
is active/cleared x acknowledged/unacknowledged, plus the operator and design states that take
it off the operator's list: shelved (timed, or one-shot until it clears), suppressed by design
(a tag expression), out of service; and latched (held after clearing until acknowledged).
Every transition the operator should see is returned as an immutable `Alarm`, so listeners,
the journal and the GUI see the same record.

The record and constant types are in `core.alarm_types` (`Alarm` is importable from here as well),
the state arrays in `app.alarms.limit_block`, conditions from other detectors and the operator's
actions in `app.alarms.actions` (the engine's `actions`), what follows a transition in
`app.alarms.flips` (the engine's `flips`), the records of tag alarms in `app.alarms.records` (the
engine's `recorder`); this module holds the evaluation. The level alarms of a pass move in one
vectorised step over the tags outside their quiet band (`LimitBlock.advance`; in a large plant,
compiled once loaded: `app.alarms.limit_kernel`, with the scan for those tags); when two or more
flip (a flood raises hundreds in one scan), what follows is done and recorded for all of them at
once (`AlarmFlips.many`); a single one goes alone (`AlarmFlips.one`).
"""

from __future__ import annotations

import numpy as np

from app.alarms.actions import AlarmActions
from app.alarms.by_state import StateSuppression
from app.alarms.flips import AlarmFlips
from app.alarms.kernel_loader import KERNELS, LARGE_PLANTS, LoadWhenQuiet, loader_for
from app.alarms.limit_block import PEND, WAIT, Level, LimitBlock
from app.alarms.records import AlarmRecords
from app.alarms.restore import RestoredAlarms
from app.alarms.texts import AlarmTexts
from app.config import DEFAULT_PRIORITY, PlantConfig
from app.evaluation.faults import FaultRegistry
from app.rules.expression import compile_expression
from core.alarm_types import KINDS, LEVEL_KINDS, LIMIT_KINDS, Alarm, Condition, Kind
from core.compiled import KernelLoader
from core.samples import Quality, SampleBatch

_BAD = int(Quality.BAD)
# a bad-quality alarm needs the value bad this long (at least; the tag's on-delay if longer): a
# device that drops out turns its tags bad just before its communication alarm is raised, and
# that one alarm stands for them all (suppressed by design), so they must not flood the list first
BAD_CONFIRM_S = 1.0
BAD_SUPPRESSED = "suppressed by design: communication lost"
BAD_BY_DIAGNOSTIC = "suppressed by design: sensor diagnostic"
# a pass that raises or clears this many level alarms moves their states and builds their records
# in bulk (vectorised gathers, the text after the value made at configuration); one goes alone
BULK_FIRES = 2


def bad_quality_tags(config: PlantConfig) -> np.ndarray:
    """Which tags have a bad-quality alarm (bool per tag): the tag's own `alarms: {bad_quality}`
    if set, else the plant's `alarm_defaults.bad_quality` (none / members / all; see
    core.schema.plant.AlarmDefaults)."""
    default = config.alarm_defaults.bad_quality
    members: set[str] = set()
    if default == "members":
        for h in config.hazard_sources:
            members.update(h.tags)
            members.update(h.interlocks)
    out = np.zeros(len(config.tags), dtype=bool)
    for i, t in enumerate(config.tags):
        a = t.alarms
        if a is not None and a.bad_quality is not None:
            out[i] = a.bad_quality
        elif default == "all":
            out[i] = True
        elif default == "members":
            out[i] = t.name in members or (a is not None and _has_limit(a))
    return out


def _has_limit(a) -> bool:
    return any(getattr(a, k) is not None for k in (*LIMIT_KINDS, "state", "roc", "deviation"))


class AlarmEngine:
    """Evaluates the alarms of a plant; holds the state of every alarm."""

    def __init__(
        self,
        config: PlantConfig,
        faults: FaultRegistry | None = None,
        compiled: KernelLoader | None | object = LARGE_PLANTS,
    ):
        self.config = config
        # the loader of the compiled level pass (a large plant's asks for it: `_load_when_quiet`);
        # None: the numpy pass only
        self.compiled = KERNELS if compiled is LARGE_PLANTS else compiled
        self.faults = FaultRegistry() if faults is None else faults  # shared with the pipeline
        tags = config.tags
        n = len(tags)
        self.n = n
        index = config.tag_index()
        self.names = [t.name for t in tags]
        self.on_delay, self.off_delay = np.zeros(n), np.zeros(n)
        self.latch, self.realarm = np.zeros(n, dtype=bool), np.full(n, np.inf)
        self.block = LimitBlock(n, self.compiled)
        self.levels = {
            k: Level(n, self.block, LEVEL_KINDS.index(k)) if k in LEVEL_KINDS else Level(n) for k in KINDS
        }
        self.roc_per = np.ones(n)
        self.dev_sp = np.full(n, -1, dtype=np.int64)
        self.texts = AlarmTexts(config, self)
        self.recorder = AlarmRecords(self)
        self.flips = AlarmFlips(self)
        self.suppress_when: dict[int, tuple] = {}  # tag -> compiled suppress_when expression
        for i, t in enumerate(tags):
            a = t.alarms
            if a is None:
                continue
            self.on_delay[i], self.off_delay[i], self.latch[i] = a.on_delay_s, a.off_delay_s, a.latch
            if a.realarm_s:
                self.realarm[i] = a.realarm_s
            for k in LIMIT_KINDS:
                if getattr(a, k) is not None:
                    self._define(k, i, getattr(a, k), a.deadband, a.priority_of(k))
            if a.state is not None:
                self._define("STATE", i, 1.0 if a.state else 0.0, 0.0, a.priority_of("state"))
            if a.roc is not None:
                self._define("ROC", i, a.roc.limit, a.roc.deadband, a.priority_of("ROC"))
                self.roc_per[i] = 60.0 if a.roc.per == "min" else 1.0
            if a.deviation is not None:
                self._define("DEV", i, a.deviation.limit, a.deviation.deadband, a.priority_of("DEV"))
                self.dev_sp[i] = index[a.deviation.setpoint]
            if a.stale_s:
                self._define("STALE", i, a.stale_s, 0.0, a.priority_of("STALE"))
            if a.suppress_when:
                self.suppress_when[i] = compile_expression(a.suppress_when, index)
        for i in np.flatnonzero(bad_quality_tags(config)):
            a = tags[i].alarms
            self._define("BAD", int(i), 1.0, 0.0, a.priority_of("BAD") if a else DEFAULT_PRIORITY["BAD"])
        self.bad_delay = np.maximum(self.on_delay, BAD_CONFIRM_S)
        # the tag's device is out of reach (its COMM alarm stands) or disabled: its BAD alarm is
        # suppressed by design, the device's one alarm stands for the blind spots
        self.device_tags: dict[str, np.ndarray] = {}
        for i, t in enumerate(tags):
            self.device_tags.setdefault(t.device, []).append(i)
        self.device_tags = {d: np.asarray(ix, dtype=np.intp) for d, ix in self.device_tags.items()}
        self.disabled = {d.name for d in config.devices if not d.enabled}
        self.device_down = np.array([t.device in self.disabled for t in tags], dtype=bool)
        # a sensor diagnostic (DIAG: frozen, NE 43 fault band) stands for its tag's BAD alarm too
        self.diag_on = np.zeros(len(tags), dtype=bool)
        self._deferred: list[Alarm] = []  # BAD records of a COMM change, handed out with the next batch
        self.block.finish(self.on_delay, self.off_delay)
        self.texts.prepare(self.block.limit)
        # a delay that has run out with no new sample ends on the held value once no sample came
        # for this long after it (a scan of the tag's device, at least a second): a sample already
        # on its way, stamped before the end of the delay, still counts
        scan = {d.name: d.scan_ms / 1000.0 for d in config.devices}
        self.delay_grace = np.maximum([scan.get(t.device, 1.0) for t in tags], 1.0) if n else np.zeros(0)
        self.has = {k: bool(np.isfinite(lv.limit).any()) for k, lv in self.levels.items()}
        self.has_levels = len(self.block.rows) > 0
        self.compiled = self.block.compiled = loader_for(compiled, len(self.block.rows))
        self._load_when_quiet = LoadWhenQuiet(self.compiled, len(self.block.rows))
        self._whole_tags: np.ndarray | None = None
        self._seq = {np.dtype(d): np.arange(n, dtype=d) for d in (np.int32, np.int64)}
        self._scratch = np.zeros((2, n), dtype=bool)  # the passes of `_attention`
        self._att = np.zeros(n, dtype=np.intp)  # what the compiled `_attention` finds
        # per-tag memory for rate, deviation and frozen-value alarms
        self.last_v = np.full(n, np.nan)
        self.last_t = np.full(n, np.nan)
        self.changed_at = np.full(n, np.nan)
        self.latest = np.full(n, np.nan)  # latest good value of every tag (setpoints, expressions)
        self.suppressed = np.zeros(n, dtype=bool)
        self.hazard_of = config.hazard_of_tags()
        self.has_hazard = np.zeros(n, dtype=bool)
        self.has_hazard[list(self.hazard_of)] = True
        self.recorder.prepare()
        self.last_activation: dict[str, float] = {}
        self.external: dict[str, Alarm] = {}  # communication alarms and early warnings, by key
        self.ext_shelf: dict[str, float] = {}  # their shelves: until (inf: one-shot)
        self._any_realarm = bool(np.isfinite(self.realarm).any())
        self.timed_shelves = False  # some alarm has a timed shelve
        # some tag alarm was ever shelved, suppressed or out of service (a flood of a plant where
        # none ever was skips those checks)
        self.off_list = bool(self.suppress_when)
        self.any_latch = bool(self.latch.any())
        self.actions = AlarmActions(self)  # conditions from other detectors, the operator's actions
        self.by_state = StateSuppression(self, n)  # suppressed by design by an operating state
        self.restored = RestoredAlarms(self)  # standing alarms read back from the journal at start

    def _define(self, kind: str, i: int, limit: float, deadband: float, priority: int) -> None:
        lv = self.levels[kind]
        lv.limit[i], lv.deadband[i], lv.priority[i] = limit, deadband, priority

    # ------------------------------------------------------------ live reconfiguration
    def adopt(self, old: AlarmEngine, old_index: np.ndarray, keep: np.ndarray) -> None:
        """Take over the alarm states of another engine after a configuration change.

        `old_index[j]` is the index in `old` of this engine's tag j (-1: a new tag); `keep[j]`
        says its alarm settings did not change, so its alarms carry on as they stood (active,
        acknowledged, shelved, out of service, timing a delay). Other tags start normal and are
        evaluated from their next sample. Communication alarms and warnings of names that still
        exist carry over as well."""
        j = np.flatnonzero(keep & (old_index >= 0))
        i = old_index[j]
        ob, nb = old.block, self.block
        for name in (*LimitBlock.ARRAYS, "pend"):
            getattr(nb, name)[j] = getattr(ob, name)[i]
        nb.refresh(j)
        where = {int(a): int(b) for a, b in zip(i.tolist(), j.tolist(), strict=True)}
        for kind, lv in self.levels.items():
            olv = old.levels[kind]
            arrays = ("value", "acked_at", "shelved_until", "oos", "msup")
            if kind not in LEVEL_KINDS:
                arrays += ("active", "acked", "latched", "since", "first_out", "pend_on", "pend_off")
            for name in arrays:
                getattr(lv, name)[j] = getattr(olv, name)[i]
            lv.shelve_reason = {where[k]: v for k, v in olv.shelve_reason.items() if k in where}
            lv.suppress_reason = {where[k]: v for k, v in olv.suppress_reason.items() if k in where}
        for name in ("last_v", "last_t", "changed_at", "latest", "suppressed"):
            getattr(self, name)[j] = getattr(old, name)[i]
        self.last_activation = dict(old.last_activation)
        self.timed_shelves = old.timed_shelves
        self.off_list = self.off_list or old.off_list
        names = set(self.names)
        index = {n: k for k, n in enumerate(self.names)}
        for key, a in old.external.items():
            if a.tag >= 0:
                if a.source not in names:
                    continue
                a = a._replace(tag=index[a.source])
            self.external[key] = a
            if key in old.ext_shelf:
                self.ext_shelf[key] = old.ext_shelf[key]
        self.follow_external()

    def follow_external(self) -> None:
        """Suppress by design the BAD alarms of devices out of reach and of tags with a sensor
        diagnostic standing, as the communication and diagnostic alarms in `external` say (after
        they were taken over or restored rather than raised here)."""
        for d, ix in self.device_tags.items():
            comm = self.external.get(f"{d}:COMM")
            self.device_down[ix] = (comm is not None and comm.active) or d in self.disabled
        for a in self.external.values():
            if a.kind == Kind.DIAG and a.active and 0 <= a.tag < len(self.diag_on):
                self.diag_on[a.tag] = True

    # ------------------------------------------------------------ evaluation
    def evaluate(self, batch: SampleBatch) -> list[Alarm]:
        """Advance every alarm with the batch's samples (in time order per tag)."""
        if len(batch) == 0:
            return []
        out: list[Alarm] = []
        if self._deferred:
            out, self._deferred = self._deferred, []
        timed = self.timed_shelves or self._any_realarm or self._bad_pending()
        if timed:
            out.extend(self.tick(float(batch.ts.min())))  # due before these samples
        if batch.tag is self._whole_tags or self._is_whole(batch.tag):
            out.extend(self._evaluate_part(batch, whole=True))  # one sample of every tag, in order
        else:
            for part in batch.unique_runs():
                out.extend(self._evaluate_part(part))
        if timed:
            out.extend(self.tick(float(batch.ts.max())))
        if self.faults.pending:
            out.extend(self.apply_faults())
        return out

    def apply_faults(self) -> list[Alarm]:
        """Raise or end the SYSTEM alarms of faulted rules, expressions and detectors."""
        out = []
        for c in self.faults.drain():
            a = self.set_condition(c)
            if a is not None:
                out.append(a)
        return out

    def _is_whole(self, tags: np.ndarray) -> bool:
        """One sample of every tag in tag order (remembered by identity: scans reuse their array)."""
        seq = self._seq.get(tags.dtype)
        if seq is None or len(tags) != self.n or not np.array_equal(tags, seq):
            return False
        self._whole_tags = tags
        return True

    def _evaluate_part(self, b: SampleBatch, whole: bool = False) -> list[Alarm]:
        """One sample per tag at most; `whole`: exactly one sample of every tag, in tag order."""
        out: list[Alarm] = []
        idx, v, ts = b.tag, b.value, b.ts
        att = None
        fresh = False  # `latest` already holds the scan's values
        if whole and self.has_levels and not self.has["BAD"]:
            # a scan of the plant: the tags outside their quiet band, found first, hold every value
            # that is not a finite number, so those few prove the scan all numbers (None: it is not
            # all good, the long way below)
            att = self._attention(v, b.quality)
            all_good = fresh = att is not None
        else:
            # BAD is the lowest quality: the usual batch, all good, is proven with two reductions
            all_good = (
                bool(np.logical_and.reduce(np.isfinite(v))) and int(np.minimum.reduce(b.quality)) != _BAD
            )
        good = None if all_good and not self.has["BAD"] else (b.quality != _BAD) & np.isfinite(v)
        if self.has["BAD"]:
            lv = self.levels["BAD"]
            has = np.isfinite(lv.limit[idx]) & ~self.device_down[idx] & ~self.diag_on[idx]
            out += self._advance("BAD", idx, ts, v, ~good, good, has, self.bad_delay)
        if all_good or good.any():
            gi, gv, gt = (idx, v, ts) if all_good else (idx[good], v[good], ts[good])
            whole = whole and all_good
            if whole:
                if not fresh:
                    self.latest[:] = gv
            else:
                self.latest[gi] = gv
            if self.suppress_when:
                out += self._update_suppression(float(gt.max()))
            if self.has_levels:
                out += self._levels(gi, gt, gv, whole, att)
            if self.has["ROC"]:
                dt = gt - self.last_t[gi]
                rate = np.where(
                    dt > 0, (gv - self.last_v[gi]) / np.where(dt > 0, dt, 1) * self.roc_per[gi], np.nan
                )
                out += self._magnitude("ROC", gi, gt, rate)
            if self.has["DEV"]:
                sp = self.dev_sp[gi]
                dev = np.where(sp >= 0, gv - self.latest[np.maximum(sp, 0)], np.nan)
                out += self._magnitude("DEV", gi, gt, dev)
            if self.has["STALE"]:
                moved = gv != self.last_v[gi]
                self.changed_at[gi] = np.where(moved | np.isnan(self.changed_at[gi]), gt, self.changed_at[gi])
                frozen_for = gt - self.changed_at[gi]
                lim = self.levels["STALE"].limit[gi]
                out += self._advance(
                    "STALE", gi, gt, gv, frozen_for >= lim, frozen_for < lim, np.isfinite(lim)
                )
            if self.has["ROC"] or self.has["STALE"]:
                self.last_v[gi], self.last_t[gi] = gv, gt
        return out

    def _attention(self, v: np.ndarray, quality: np.ndarray) -> np.ndarray | None:
        """The tags of a whole scan `v` not strictly inside their quiet band: at or beyond an edge,
        timing a delay (an empty band), or not a number (NaN is never inside); None if some sample
        is not good (bad quality, or not a finite number). The values of a good scan are written
        to `latest`. Compiled once loaded; in numpy, three passes into scratch arrays: above the
        lower edge, at or above the upper, and the first not above the second (not inside: at or
        below the lower edge, or at or above the upper); BAD is the lowest quality, a reduction
        proves it all good."""
        b = self.block
        kernel = self.compiled.kernel if self.compiled is not None else None
        if kernel is not None:
            try:
                n = kernel.attention(v, quality, _BAD, b.band_lo, b.band_hi, self.latest, self._att)
            except TypeError:  # not of the compiled types: the numpy pass below
                pass
            else:  # (not all good: it wrote the good samples' values, as the long way does)
                return self._att[:n].copy() if n >= 0 else None
        above, at_top = self._scratch
        np.greater(v, b.band_lo, out=above)
        np.greater_equal(v, b.band_hi, out=at_top)
        att = np.less_equal(above, at_top, out=above).nonzero()[0]
        if int(np.minimum.reduce(quality)) == _BAD or not np.logical_and.reduce(np.isfinite(v.take(att))):
            return None
        self.latest[:] = v
        return att

    def _levels(self, idx, ts, v, whole: bool, att: np.ndarray | None = None) -> list[Alarm]:
        """HH, H, L, LL and STATE alarms of every tag at once; only tags outside their quiet band
        (or timing a delay) go through the state machine (`att`: those tags of a whole scan, if
        already found)."""
        b = self.block
        if att is None:
            hi, lo = (b.band_hi, b.band_lo) if whole else (b.band_hi[idx], b.band_lo[idx])
            att = ((v >= hi) | (v <= lo)).nonzero()[0]
        if self._load_when_quiet.pending:
            self._load_when_quiet.scan(float(ts[0]), len(att))
        if not len(att):
            return []
        flipped = b.move(att if whole else idx[att], att, ts, v)
        if flipped is None:
            return []
        i, k, f, t, on = flipped
        if len(i) >= BULK_FIRES:
            return self.flips.many(i, k, f, t, on)
        out = [
            self.flips.one(LEVEL_KINDS[kk], ii, tt, o)
            for ii, kk, tt, o in zip(i.tolist(), k.tolist(), t.tolist(), on.tolist(), strict=True)
        ]
        return [a for a in out if not a.hidden]

    def _fire(self, kind: str, i: int, t: float, on: bool) -> Alarm:
        """The alarm becomes active (on) or clears, after its delays."""
        if kind in LEVEL_KINDS:
            self.block.flip(i, LEVEL_KINDS.index(kind), on)
        else:
            self.levels[kind].active[i] = on
        return self.flips.one(kind, i, t, on)

    def _magnitude(self, kind: str, idx, ts, x) -> list[Alarm]:
        lv = self.levels[kind]
        lim, db = lv.limit[idx], lv.deadband[idx]
        ax = np.abs(x)
        has = np.isfinite(lim) & np.isfinite(x)
        return self._advance(kind, idx, ts, x, ax >= lim, ax < lim - db, has)

    def _advance(self, kind, idx, ts, value, raw, clear, has, on_delay=None) -> list[Alarm]:
        """The shared state machine: on-delay, off-delay, latch; returns visible transitions."""
        if not has.any():
            return []
        on_delay = self.on_delay if on_delay is None else on_delay
        lv = self.levels[kind]
        lv.value[idx] = np.where(has, value, lv.value[idx])
        # only alarms that may move need the state machine: raised now, active, or timing a delay
        live = has & (raw | lv.active[idx] | np.isfinite(lv.pend_on[idx]) | np.isfinite(lv.pend_off[idx]))
        if not live.all():
            if not live.any():
                return []
            idx, ts, value, raw, clear, has = (
                idx[live],
                ts[live],
                value[live],
                raw[live],
                clear[live],
                has[live],
            )
        active = lv.active[idx]
        want_on = has & ~active & raw
        pend = lv.pend_on[idx]
        pend = np.where(want_on & np.isnan(pend), ts, pend)
        pend = np.where(has & ~active & ~raw, np.nan, pend)
        fire_on = want_on & (ts - pend >= on_delay[idx])
        lv.pend_on[idx] = np.where(fire_on, np.nan, pend)
        want_off = has & active & clear
        pend = lv.pend_off[idx]
        pend = np.where(want_off & np.isnan(pend), ts, pend)
        pend = np.where(has & active & ~clear, np.nan, pend)
        fire_off = want_off & (ts - pend >= self.off_delay[idx])
        lv.pend_off[idx] = np.where(fire_off, np.nan, pend)
        out = [
            self._fire(kind, int(i), float(t), True) for i, t in zip(idx[fire_on], ts[fire_on], strict=True)
        ]
        out += [
            self._fire(kind, int(i), float(t), False)
            for i, t in zip(idx[fire_off], ts[fire_off], strict=True)
        ]
        return [a for a in out if not a.hidden]

    def _update_suppression(self, ts: float) -> list[Alarm]:
        out = []
        for i, (fn, _used) in self.suppress_when.items():
            try:
                on = bool(fn(self.latest))
            except Exception as exc:  # faulted: alarms are shown (not suppressed) and it says so
                self.faults.expression_failed(self.names[i], "suppress_when", exc, ts)
                on = False
            else:
                self.faults.expression_ok(self.names[i], "suppress_when", ts)
            if on == self.suppressed[i]:
                continue
            self.suppressed[i] = on
            for kind, lv in self.levels.items():
                if np.isfinite(lv.limit[i]) and (lv.active[i] or not lv.acked[i] or on):
                    out.append(self.record(kind, i, ts, comment="suppressed by design" if on else ""))
        return out

    def tick(self, ts: float) -> list[Alarm]:
        """Time-driven transitions: shelves that expire, standing alarms that re-alarm,
        bad-quality alarms whose value has stayed bad for their delay, and level alarms whose on-
        or off-delay ran out while the value held (no new sample needed: a device may send a bad
        value once and nothing after it, and an OPC UA subscription reports changes only)."""
        out = self.restored.due(ts) if self.restored.unconfirmed else []
        if self._bad_pending():
            out += self._bad_due(ts)
        out += self._delays_due(ts)
        if not self.timed_shelves and not self._any_realarm:
            return out
        for key, until in list(self.ext_shelf.items()):
            if until <= ts:
                if key in self.external:
                    out.append(self.actions.unshelve_external(key, ts, "", "shelve expired"))
                else:
                    self.ext_shelf.pop(key, None)
        for kind, lv in self.levels.items():
            expired = np.flatnonzero((lv.shelved_until > 0) & (lv.shelved_until <= ts))
            for i in expired:
                lv.shelved_until[i] = 0.0
                lv.shelve_reason.pop(int(i), None)
                if lv.active[i]:  # comes back to the operator as a new, unacknowledged alarm
                    lv.acked[i] = False
                out.append(self.record(kind, int(i), ts, comment="shelve expired"))
            due = (
                lv.active & lv.acked & (ts - lv.acked_at >= self.realarm) & (lv.shelved_until == 0) & ~lv.oos
            )
            for i in np.flatnonzero(due):
                lv.acked[i] = False
                out.append(self.record(kind, int(i), ts, comment="re-alarm: still active"))
        return out

    def _delays_due(self, ts: float) -> list[Alarm]:
        """Level alarms whose delay ended on a value that still holds: they move at the moment
        the delay ended, as if a scan had read the held value then."""
        b = self.block
        rows = np.flatnonzero(b.timing)
        if not len(rows):
            return []
        g, active = b.state[rows], b.active[rows]
        pend = g[:, PEND]
        due_at = pend + g[:, WAIT]
        ends = due_at + self.delay_grace[rows][:, None]
        fire = ends <= ts  # NaN (not timing): False
        if not fire.any():
            return []
        pend[fire] = np.nan
        b.pend[rows] = pend
        out = []
        for r, k in sorted(zip(*np.nonzero(fire), strict=True), key=lambda rk: due_at[rk]):
            out.append(self._fire(LEVEL_KINDS[k], int(rows[r]), float(due_at[r, k]), not active[r, k]))
        b.update_band(rows)
        return [a for a in out if not a.hidden]

    # ------------------------------------------------------------ bad quality and devices
    def _bad_pending(self) -> bool:
        return self.has["BAD"] and bool(np.isfinite(self.levels["BAD"].pend_on).any())

    def _bad_due(self, ts: float) -> list[Alarm]:
        lv = self.levels["BAD"]
        due = (
            np.isfinite(lv.pend_on)
            & ~lv.active
            & (ts - lv.pend_on >= self.bad_delay)
            & ~self.device_down
            & ~self.diag_on
        )
        out = []
        for i in np.flatnonzero(due).tolist():
            lv.pend_on[i] = np.nan
            a = self._fire("BAD", i, ts, True)
            if not a.hidden:
                out.append(a)
        return out

    # ------------------------------------------------------------ from outside the samples (actions)
    def set_comm(self, device: str, failed: bool, ts: float, error: str = "") -> Alarm | None:
        return self.actions.set_comm(device, failed, ts, error)

    def standing(self, now: float | None = None) -> list[Alarm]:
        return self.actions.standing(now)

    def set_condition(self, c: Condition) -> Alarm | None:
        """A detector's condition (AlarmActions.set_condition); a device's COMM alarm or a sensor
        diagnostic suppresses the BAD alarms it stands for."""
        if self.restored.unconfirmed:
            self.restored.unconfirmed.pop(c.key, None)
        a = self.actions.set_condition(c)
        if c.kind == Kind.COMM:
            self._device_changed(c.source, c.ts)
        elif c.kind == Kind.DIAG and 0 <= c.tag < len(self.diag_on):
            self._diagnostic_changed(c.tag, c.active, c.ts)
        return a

    def _diagnostic_changed(self, i: int, on: bool, ts: float) -> None:
        """A sensor diagnostic of tag `i` was raised or cleared: its BAD alarm is suppressed by
        design while it stands (one alarm per sensor problem, with its reason)."""
        if bool(self.diag_on[i]) == on:
            return
        self.diag_on[i] = on
        lv = self.levels["BAD"]
        if on:
            lv.pend_on[i] = np.nan
        if np.isfinite(lv.limit[i]) and (lv.active[i] or not lv.acked[i]):
            self._deferred.append(self.record("BAD", i, ts, comment=BAD_BY_DIAGNOSTIC if on else ""))

    def _device_changed(self, device: str, ts: float) -> None:
        """A device's COMM alarm was raised or cleared: the BAD alarms of its tags are suppressed
        by design while it stands (their pending delays dropped); those not normal are recorded
        with the next batch, suppressed or back."""
        idx = self.device_tags.get(device)
        if idx is None or not len(idx):
            return
        comm = self.external.get(f"{device}:COMM")
        down = (comm is not None and comm.active) or device in self.disabled
        changed = idx[self.device_down[idx] != down]
        if not len(changed):
            return
        self.device_down[changed] = down
        lv = self.levels["BAD"]
        if down:
            lv.pend_on[changed] = np.nan
        for i in changed[np.isfinite(lv.limit[changed])].tolist():
            if lv.active[i] or not lv.acked[i]:
                self._deferred.append(self.record("BAD", i, ts, comment=BAD_SUPPRESSED if down else ""))

    # ------------------------------------------------------------ records
    def record(self, kind: str, i: int, ts: float, user: str = "", comment: str = "") -> Alarm:
        """The record of one tag alarm as it stands (app.alarms.records)."""
        return self.recorder.record(kind, i, ts, user, comment)
