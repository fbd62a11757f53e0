"""Hazard-source risk: the dynamic level that live evidence raises above the inherent level, with
the trace of what raised it.

Pure Python + numpy, no Qt. Levels are 1 (I, red, major) to 4 (IV, blue, low); a smaller
number is more severe.

The inherent level is reached once per source (`app.risk.inherent`): a major hazard (GB 18218,
S >= 1) or a declared direct-determination condition is red by direct determination; other
sources by their LEC or LS evaluation or the engineer's level.

Dynamic risk (ours: no published formula turns live data into a risk level). The level starts
from the inherent level; every piece of live evidence pulls it to at least its own level:

- an active alarm of priority p of a member tag, or that names the hazard source: `alarm_level[p]`;
- an active early warning (forecast, anomaly, rule) of level w: `warning_level[w]`;
- a member tag with bad quality, a blind spot (detector offline or its device unreachable, a
  sensor fault in the NE 43 band, a frozen signal: the quality stage's reason is in the trace),
  or one whose calibration or bump test is overdue (`calibration_due` before today):
  `blind_spot_level`;
- a member alarm that is shelved, suppressed or out of service, an alarm silenced by a person or
  by design: `hidden_alarm_level`. A shelved or out-of-service alarm whose condition is active
  still pulls to its own level as well (silencing it does not make the plant safer); one
  suppressed by design does not;
- a bypassed interlock (a tag of `interlocks` reading 0 with a valid quality): level 1, red, at
  once. An interlock with bad quality is *unknown*, not bypassed: a blind spot ("interlock state
  unknown") for `interlock_confirm_s`, then taken as bypassed (red) if it stays unknown.

Management evidence (app/risk/management.py: work permits, hidden dangers, overdue
inspections) enters like live evidence, one trace line each.

A declared operating state (app.risk.operating_states) is carried by the state; one that does
not count live evidence (maintenance: a relining must not paint the map red for days) keeps only
a bypassed or unknown interlock and the gas detectors people work beside (`keep_units`), and
alarms an operating state suppresses by design are not hidden-alarm evidence: the state is shown.

If `escalate_count` or more distinct indicators pull to the most severe level found, the level
goes one step further (never past red): several independent signs of the same danger are worse
than one. Members are the hazard source's `tags` and `interlocks` plus every alarm whose `hazard`
names it.

Every state carries its trace: which indicator pulls to which level, what it says and since
when. `RiskEngine.update` reports a hazard source only when its level or its indicators changed
(which ones, their levels, start times, and what they say, except the live value in an alarm or
warning message), so the journal holds changes, not a heartbeat. One trace item is kept per
indicator and kind of evidence: the most severe (three alarms of one tag are one indicator).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import numpy as np

from app.config import PlantConfig
from app.evaluation.integrity import REASON_TEXT
from app.risk import management
from app.risk.inherent import inherent_risk
from core.alarm_types import Alarm, Kind
from core.messages import QT_TRANSLATE_NOOP, Message, word
from core.risk_types import (
    ALARM,
    BLIND_SPOT,
    ESCALATION,
    HIDDEN,
    INTERLOCK,
    INTERLOCK_UNKNOWN,
    OPERATING,
    WARNING,
    RiskState,
    TraceItem,
    level_label,
)
from core.samples import Quality, QualityReason

# how a hidden alarm was taken off the list (TraceItem detail)
_HIDDEN_STATE = {
    "out of service": word("risk", QT_TRANSLATE_NOOP("risk", "out of service")),
    "shelved": word("risk", QT_TRANSLATE_NOOP("risk", "shelved")),
    "suppressed": word("risk", QT_TRANSLATE_NOOP("risk", "suppressed")),
}


_BAD = int(Quality.BAD)


def _m(template: str, **args) -> Message:
    return Message("risk", template, **args)


# ---------------------------------------------------------------- dynamic risk


def _rank(s: RiskState) -> tuple:
    return (s.level, -(s.inherent.level - s.level), s.hazard)


class RiskEngine:
    """The dynamic risk of every hazard source of a plant, updated from the standing alarms and
    the tags' quality and values."""

    def __init__(self, config: PlantConfig):
        self.config = config
        self.model = model = config.risk
        self.sources = list(config.hazard_sources)
        self.inherent = [inherent_risk(h, model) for h in self.sources]
        self.by_name = {h.name: k for k, h in enumerate(self.sources)}
        index = config.tag_index()
        self.names = [t.name for t in config.tags]
        self.devices = [t.device for t in config.tags]
        n = self.n = len(config.tags)
        # every (tag, hazard source) membership; blind spots skip a source's own interlocks
        # (a bad interlock is reported as bypassed)
        tag_of, hz_of, il_tag, il_hz = [], [], [], []
        self.tag_hazards: dict[int, tuple[int, ...]] = {}
        for k, h in enumerate(self.sources):
            ils = {index[name] for name in h.interlocks if name in index}
            for name in dict.fromkeys(h.tags):
                i = index.get(name)
                if i is None:
                    continue
                self.tag_hazards[i] = self.tag_hazards.get(i, ()) + (k,)
                if i not in ils:
                    tag_of.append(i)
                    hz_of.append(k)
            for i in sorted(ils):
                il_tag.append(i)
                il_hz.append(k)
                if k not in self.tag_hazards.get(i, ()):  # an interlock's own alarms are members too
                    self.tag_hazards[i] = self.tag_hazards.get(i, ()) + (k,)
        self.member_tag = np.array(tag_of, dtype=np.intp)
        self.member_hz = np.array(hz_of, dtype=np.intp)
        self.members = [self.member_tag[self.member_hz == k] for k in range(len(self.sources))]
        self.il_tag = np.array(il_tag, dtype=np.intp)
        self.il_hz = np.array(il_hz, dtype=np.intp)
        self.bad_since = np.full(n, np.nan)  # since when each tag has been seen bad
        self.il_since = np.full(len(il_tag), np.nan)  # since when each interlock has been seen bypassed
        self.il_unknown_since = np.full(len(il_tag), np.nan)  # since when its state has been unknown
        self.confirm_s = float(self.model.interlock_confirm_s)
        # calibration or bump test due dates of members: tag index -> date
        self.calibration_due = {
            i: config.tags[i].calibration_due
            for i in self.tag_hazards
            if config.tags[i].calibration_due is not None
        }
        self._overdue_day: date | None = None
        self._overdue: list[tuple[int, TraceItem]] = []
        self.hidden_since: dict[str, float] = {}  # alarm key -> first seen shelved/suppressed/OOS
        self._states: list[RiskState | None] = [None] * len(self.sources)
        self._sig: list[tuple] = [()] * len(self.sources)
        self._with_evidence: set[int] = set()  # sources that had evidence at the last update
        self._started = False
        self.book = None  # app.risk.operating_states.OperatingBook: the declared operating states
        self._with_state: set[int] = set()  # sources with a declared state at the last update
        self.management: list = []  # providers of management evidence (app/risk/management.py)
        self._bad_texts: dict[tuple[int, bool, int], Message] = {}

    # ------------------------------------------------------------ evaluation
    def update(
        self,
        now: float,
        standing: Iterable[Alarm],
        quality: np.ndarray,
        values: np.ndarray,
        reason: np.ndarray | None = None,
    ) -> list[RiskState]:
        """Re-evaluate every hazard source; returns the states whose level or indicators changed
        (every source on the first call). `reason`: why each tag is bad (QualityReason, per tag)."""
        quality = np.asarray(quality)
        values = np.asarray(values, dtype=float)
        bad = quality == _BAD
        self.bad_since[~bad] = np.nan
        self.bad_since[bad & np.isnan(self.bad_since)] = now
        evidence: dict[int, dict[tuple[str, str], TraceItem]] = {}

        def add(k: int, item: TraceItem, slot: str = "") -> None:
            d = evidence.setdefault(k, {})
            key = (item.indicator, item.what + slot)
            cur = d.get(key)
            if cur is None or (item.level, item.since) < (cur.level, cur.since):
                d[key] = item

        comm_lost = self._alarm_evidence(now, standing, add)

        if len(self.member_tag):
            for p in np.flatnonzero(bad[self.member_tag]):
                i = int(self.member_tag[p])
                why = int(reason[i]) if reason is not None else 0
                detail = self._bad_detail(i, self.devices[i] in comm_lost, why)
                add(
                    int(self.member_hz[p]),
                    TraceItem(
                        self.names[i],
                        BLIND_SPOT,
                        self.model.blind_spot_level,
                        detail,
                        float(self.bad_since[i]),
                    ),
                )
        if len(self.il_tag):
            self._interlock_evidence(now, bad, values, add)
        if self.calibration_due:
            for k, item in self._calibration_evidence(now):
                add(k, item, ":calibration")
        if self.management:
            management.collect(self.management, now, self.by_name, add)

        with_state = self._operating(evidence)
        todo = (
            sorted(self._with_evidence | evidence.keys() | with_state | self._with_state)
            if self._started
            else range(len(self.sources))
        )
        self._started = True
        changed = []
        for k in todo:
            state, sig = self._evaluate(k, now, evidence.get(k, {}))
            old = self._states[k]
            self._states[k] = state
            if old is None or state.level != old.level or sig != self._sig[k]:
                changed.append(state)
            self._sig[k] = sig
        self._with_evidence = set(evidence)
        self._with_state = with_state
        return changed

    def _operating(self, evidence: dict[int, dict]) -> set[int]:
        """The sources with a declared operating state; where the state does not count live
        evidence (maintenance), only a bypassed or unknown interlock and the kept gas detectors
        stay in their evidence. Returns those sources."""
        book = self.book
        if book is None or not book.declared:
            return set()
        out = set()
        for hazard in book.declared:
            k = self.by_name.get(hazard)
            if k is None:
                continue
            out.add(k)
            found = evidence.get(k)
            if found and not book.evidence_counted(hazard):
                kept = {key: t for key, t in found.items() if _counts_in_any_state(t, book.kept_names)}
                if kept:
                    evidence[k] = kept
                else:
                    del evidence[k]
        return out

    def _interlock_evidence(self, now: float, bad: np.ndarray, values: np.ndarray, add) -> None:
        """A bypassed interlock (0 with a valid quality) is red at once; one whose state is unknown
        (bad quality) is a blind spot until it has been unknown for `interlock_confirm_s`, then
        red: a communication blip shorter than that never paints the map red."""
        il_bad = bad[self.il_tag]
        unknown = self.il_unknown_since
        unknown[~il_bad] = np.nan
        unknown[il_bad & np.isnan(unknown)] = now
        confirmed = il_bad & (now - unknown >= self.confirm_s)
        bypassed = (~il_bad & (values[self.il_tag] < 0.5)) | confirmed
        self.il_since[~bypassed] = np.nan
        self.il_since[bypassed & np.isnan(self.il_since)] = now
        for p in np.flatnonzero(bypassed | il_bad):
            i, k = int(self.il_tag[p]), int(self.il_hz[p])
            name = self.names[i]
            if not il_bad[p]:
                detail = _m(QT_TRANSLATE_NOOP("risk", "{tag} = 0: interlock out of service"), tag=name)
                add(k, TraceItem(name, INTERLOCK, 1, detail, float(self.il_since[p])))
            elif confirmed[p]:
                detail = _m(
                    QT_TRANSLATE_NOOP(
                        "risk", "{tag} bad quality: interlock state unknown for {n} s, taken as bypassed"
                    ),
                    tag=name,
                    n=f"{self.confirm_s:g}",
                )
                add(k, TraceItem(name, INTERLOCK, 1, detail, float(self.il_since[p])))
            else:
                detail = _m(
                    QT_TRANSLATE_NOOP(
                        "risk", "{tag} bad quality: interlock state unknown (data lost), not yet bypassed"
                    ),
                    tag=name,
                )
                add(
                    k,
                    TraceItem(
                        name, INTERLOCK_UNKNOWN, self.model.blind_spot_level, detail, float(unknown[p])
                    ),
                )

    def _calibration_evidence(self, now: float) -> list[tuple[int, TraceItem]]:
        """Members whose calibration or bump test is overdue (due before today, local date):
        blind spots. Worked out once a day."""
        today = datetime.fromtimestamp(now).date()
        if today != self._overdue_day:
            self._overdue_day = today
            self._overdue = []
            for i, due in self.calibration_due.items():
                if due >= today:
                    continue
                since = datetime.combine(due + timedelta(days=1), datetime.min.time()).timestamp()
                detail = calibration_overdue(self.names[i], due)
                for k in self.tag_hazards[i]:
                    item = TraceItem(self.names[i], BLIND_SPOT, self.model.blind_spot_level, detail, since)
                    self._overdue.append((k, item))
        return self._overdue

    def _bad_detail(self, i: int, unreachable: bool, why: int = 0) -> Message:
        """'GH1.CO.01 bad quality (plc2 unreachable)', 'GH1.CO.01 bad quality: frozen', made once
        per tag and case: a device that stops answering makes every tag of it bad at every update."""
        key = (i, unreachable, why)
        text = self._bad_texts.get(key)
        if text is None:
            what = REASON_TEXT.get(why) if why not in (QualityReason.NONE, QualityReason.DEVICE) else None
            if what is not None:
                text = _m(
                    QT_TRANSLATE_NOOP("risk", "{tag} bad quality: {reason}"), tag=self.names[i], reason=what
                )
            elif unreachable:
                text = _m(
                    QT_TRANSLATE_NOOP("risk", "{tag} bad quality ({device} unreachable)"),
                    tag=self.names[i],
                    device=self.devices[i],
                )
            else:
                text = _m(QT_TRANSLATE_NOOP("risk", "{tag} bad quality"), tag=self.names[i])
            self._bad_texts[key] = text
        return text

    def _alarm_evidence(self, now: float, standing: Iterable[Alarm], add) -> set[str]:
        """Alarms, warnings and hidden alarms of members; returns the devices with lost communication."""
        model, n = self.model, self.n
        comm_lost: set[str] = set()
        hidden_seen: dict[str, float] = {}
        for a in standing:
            if a.kind == Kind.COMM and a.active:
                comm_lost.add(a.source)
            if a.kind == Kind.DIAG and not a.hidden:  # shown as the tag's blind spot, with its reason
                continue
            hz = self.tag_hazards.get(a.tag, ()) if 0 <= a.tag < n else ()
            if a.hazard:
                k = self.by_name.get(a.hazard)
                if k is not None and k not in hz:
                    hz = hz + (k,)
            if not hz or (self.book is not None and self.book.suppresses(a)):
                continue  # an operating state suppresses it: the state is shown, not a hidden alarm
            if a.is_warning:
                own, what = model.warning_level.get(a.priority, _clip(a.priority)), WARNING
            else:
                own, what = model.alarm_level.get(a.priority, _clip(a.priority)), ALARM
            if a.hidden:
                since = self.hidden_since.get(a.key, now)
                hidden_seen[a.key] = since
                level = model.hidden_alarm_level
                if a.active and not a.suppressed:
                    level = min(level, own)
                state = "out of service" if a.out_of_service else a.state.lower()
                detail = _m(
                    QT_TRANSLATE_NOOP("risk", "{state}: {message}"),
                    state=_HIDDEN_STATE.get(state, state),
                    message=a.message,
                )
                item = TraceItem(a.source, HIDDEN, level, detail, since)
            elif a.active:
                item = TraceItem(a.source, what, own, a.message, a.since)
            else:
                continue
            for k in hz:
                add(k, item)
        self.hidden_since = hidden_seen
        return comm_lost

    def _evaluate(
        self, k: int, now: float, found: dict[tuple[str, str], TraceItem]
    ) -> tuple[RiskState, tuple]:
        h, inh = self.sources[k], self.inherent[k]
        items = sorted(found.values(), key=lambda t: (t.level, t.since, t.indicator, t.what))
        if items:
            top = items[0].level
            first_at_top: dict[str, float] = {}
            for t in items:
                if t.level != top:
                    break
                first_at_top[t.indicator] = min(first_at_top.get(t.indicator, math.inf), t.since)
            count = len(first_at_top)
            if top > 1 and count >= self.model.escalate_count:
                when = sorted(first_at_top.values())[self.model.escalate_count - 1]
                detail = _m(
                    QT_TRANSLATE_NOOP("risk", "{count} indicators at {level}: one step more severe"),
                    count=count,
                    level=level_label(top),
                )
                items.insert(0, TraceItem(h.name, ESCALATION, top - 1, detail, when))
        level = min([inh.level] + [t.level for t in items[:1]])
        trace = tuple(items)
        # alarm and warning texts carry the live value: a new value is not a new trace
        sig = tuple(
            (t.indicator, t.what, t.level, t.since, "" if t.what in (ALARM, WARNING) else t.detail)
            for t in trace
        )
        declared = self.book.declaration(h.name) if self.book is not None else None
        counted = declared is None or self.book.evidence_counted(h.name)
        sig += (declared, counted)
        if declared is not None:  # a line of its own with its time, at the level it leaves
            trace += (TraceItem(h.name, OPERATING, level, declared.describe(counted), declared.since),)
        old = self._states[k]
        if old is None:
            previous, since = None, now
        elif old.level != level:
            previous, since = old.level, now
        else:
            previous, since = old.previous, old.since
        state = RiskState(h.name, h.kind, inh, level, previous, since, trace, now, declared, counted)
        return state, sig

    # ------------------------------------------------------------ reading
    def states(self) -> list[RiskState]:
        """The current state of every hazard source, most severe first, then the most raised above
        its inherent level, then by name (empty before the first update)."""
        return sorted((s for s in self._states if s is not None), key=_rank)

    def state(self, hazard: str) -> RiskState | None:
        k = self.by_name.get(hazard)
        return None if k is None else self._states[k]


def _counts_in_any_state(t: TraceItem, kept: set[str]) -> bool:
    """Evidence that counts whatever the declared state: an interlock, a kept gas detector."""
    return t.what in (INTERLOCK, INTERLOCK_UNKNOWN) or t.indicator in kept or management.is_management(t)


def calibration_overdue(tag: str, due: date) -> Message:
    """'GH1.CO.01 calibration overdue since 2026-11-20'."""
    return _m(
        QT_TRANSLATE_NOOP("risk", "{tag} calibration overdue since {date}"), tag=tag, date=due.isoformat()
    )


def _clip(level: int) -> int:
    return min(max(int(level), 1), 4)
