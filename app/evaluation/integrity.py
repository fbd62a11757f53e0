"""The acquisition quality stage: raw values scaled to engineering units, then checked, so a
detector that cannot be trusted becomes a marked blind spot instead of a quiet reading.

Per sample, in this order (the first that applies gives the reason, core.samples.QualityReason):

- the device reported it bad: BAD, reason DEVICE;
- not a finite number: BAD, NOT_A_NUMBER;
- NAMUR NE 43 fault band: more than `fault_low_pct` of the span below the range (3.6 mA of a
  4-20 mA loop) or `fault_high_pct` above it (21 mA): BAD, SENSOR_FAULT;
- frozen signal: a value that stayed within the tag's frozen band for `frozen_s` of *sample*
  time while above the bottom of its range: BAD, FROZEN. A CO detector in clean air sits at
  zero for days, so a value at the bottom of the range is never frozen; a detector that
  normally moves and stops moving is. By default only safety detectors are checked (analog
  member tags of a hazard source with a range); a tag's `frozen_s` sets or (0) disables it;
- outside the range, short of the fault band: UNCERTAIN, OUT_OF_RANGE (still evaluated: an
  over-range gas detector alarms).

A sensor fault or a frozen signal raises a diagnostic alarm (kind DIAG, one per tag, key
`TAG:DIAG`) while it lasts; the reason of every tag's latest value is kept in `reason`, the one
place the risk model (blind spots) and the GUI read it from. Pure numpy, no Qt.
"""

from __future__ import annotations

import logging
import math

import numpy as np

from app.config import PlantConfig, tag_type
from core.alarm_types import Condition, Kind, alarm_text
from core.formatting import format_number, minutes, seconds
from core.messages import QT_TRANSLATE_NOOP, Message, word
from core.samples import Quality, QualityReason, SampleBatch, rank_masks

log = logging.getLogger(__name__)

_BAD, _UNCERTAIN, _GOOD = int(Quality.BAD), int(Quality.UNCERTAIN), int(Quality.GOOD)
_R = QualityReason

REASON_TEXT: dict[QualityReason, Message] = {
    _R.DEVICE: word("quality", QT_TRANSLATE_NOOP("quality", "no valid reading from the device")),
    _R.NOT_A_NUMBER: word("quality", QT_TRANSLATE_NOOP("quality", "not a number")),
    _R.OUT_OF_RANGE: word("quality", QT_TRANSLATE_NOOP("quality", "out of range")),
    _R.SENSOR_FAULT: word("quality", QT_TRANSLATE_NOOP("quality", "sensor fault (NE 43)")),
    _R.FROZEN: word("quality", QT_TRANSLATE_NOOP("quality", "frozen")),
}


def reason_text(reason: int) -> Message | None:
    """The words for a quality reason ('frozen'), None for NONE or an unknown value."""
    try:
        return REASON_TEXT.get(QualityReason(int(reason)))
    except ValueError:
        return None


def safety_detectors(config: PlantConfig) -> np.ndarray:
    """Which tags are safety detectors: analog members of a hazard source, with a range."""
    members = {name for h in config.hazard_sources for name in h.tags}
    return np.array(
        [t.name in members and t.range is not None and tag_type(config, t) != "bool" for t in config.tags],
        dtype=bool,
    )


class QualityStage:
    """Scaling and the sensor-integrity checks of one plant, with the per-tag state they need."""

    def __init__(self, config: PlantConfig):
        self.config = config
        tags = config.tags
        n = self.n = len(tags)
        s = config.sensors
        is_bool = np.array([tag_type(config, t) == "bool" for t in tags], dtype=bool)
        self.scale = np.where(is_bool, 1.0, np.array([t.scale for t in tags], dtype=np.float64))
        self.offset = np.where(is_bool, 0.0, np.array([t.offset for t in tags], dtype=np.float64))
        self.lo = np.array([t.range[0] if t.range else -np.inf for t in tags], dtype=np.float64)
        self.hi = np.array([t.range[1] if t.range else np.inf for t in tags], dtype=np.float64)
        ranged = np.isfinite(self.lo) & np.isfinite(self.hi) & ~is_bool
        span = np.where(ranged, self.hi - self.lo, 0.0)
        fault = np.array([s.fault_band if t.fault_band is None else t.fault_band for t in tags], dtype=bool)
        fault &= ranged
        self.fault_lo = np.where(fault, self.lo - span * s.fault_low_pct / 100.0, -np.inf)
        self.fault_hi = np.where(fault, self.hi + span * s.fault_high_pct / 100.0, np.inf)
        default = np.where(safety_detectors(config), s.frozen_s if s.frozen_s > 0 else np.inf, np.inf)
        own = np.array([np.nan if t.frozen_s is None else t.frozen_s for t in tags], dtype=np.float64)
        frozen_s = np.where(np.isnan(own), default, np.where(own > 0, own, np.inf))
        frozen_s[is_bool] = np.inf
        self.frozen_s = frozen_s
        self.band = np.array(
            [t.frozen_band if t.frozen_band is not None else 0.0 for t in tags], dtype=np.float64
        )
        no_own_band = np.array([t.frozen_band is None for t in tags], dtype=bool)
        self.band = np.where(no_own_band, span * s.frozen_band_pct / 100.0, self.band)
        self.floor = np.where(ranged, self.lo + span * s.floor_pct / 100.0, -np.inf)
        self.watch = np.isfinite(frozen_s)
        self.priority = s.diag_priority
        self.names = [t.name for t in tags]
        self.descriptions = [t.description or t.name for t in tags]  # alarm texts, as the alarm engine's
        self.units = [t.unit for t in tags]
        self.hazard_of: dict[int, str] = {}
        index = config.tag_index()
        for h in config.hazard_sources:
            for name in h.tags:
                if name in index:
                    self.hazard_of.setdefault(index[name], h.name)
        # per-tag state
        self.reason = np.zeros(n, dtype=np.uint8)  # QualityReason of each tag's latest value
        self.ref = np.full(n, np.nan)  # the value the signal has stayed at
        self.still_since = np.full(n, np.nan)  # since when (sample time)
        self.diag = np.zeros(n, dtype=np.uint8)  # the reason of the standing DIAG alarm (0: none)

    def adopt(self, old: QualityStage) -> None:
        """Carry over the state of tags that are still there (a live configuration change)."""
        at = old.config.tag_index()
        j = np.array([i for i, t in enumerate(self.config.tags) if t.name in at], dtype=np.intp)
        k = np.array([at[self.config.tags[i].name] for i in j], dtype=np.intp)
        if len(j):
            self.reason[j] = old.reason[k]
            self.ref[j], self.still_since[j] = old.ref[k], old.still_since[k]
            self.diag[j] = old.diag[k]

    def ended(self, old: QualityStage, ts: float) -> list[Condition]:
        """Diagnostic alarms of `old` whose tag is gone or no longer checked: cleared."""
        keep = set(self.names)
        out = []
        for i in np.flatnonzero(old.diag):
            name = old.names[i]
            if name not in keep:
                out.append(old._condition(int(i), False, ts, math.nan, int(old.diag[i])))
        return out

    # ------------------------------------------------------------ evaluation
    def apply(self, raw: SampleBatch) -> tuple[SampleBatch, np.ndarray, list[Condition]]:
        """Scale and check one raw batch: the batch in engineering units with its quality, the
        reason of each sample, and the diagnostic alarm changes."""
        idx = raw.tag
        value = raw.value * self.scale[idx] + self.offset[idx]
        q = raw.quality.copy()
        reason = np.zeros(len(idx), dtype=np.uint8)
        reason[q == _BAD] = _R.DEVICE
        nan = ~np.isfinite(value) & (q != _BAD)
        q[nan] = _BAD
        reason[nan] = _R.NOT_A_NUMBER
        live = q != _BAD
        fault = live & ((value < self.fault_lo[idx]) | (value > self.fault_hi[idx]))
        q[fault] = _BAD
        reason[fault] = _R.SENSOR_FAULT
        live &= ~fault
        if self.watch[idx].any():
            frozen = self._frozen(idx, raw.ts, value, live)
            q[frozen] = _BAD
            reason[frozen] = _R.FROZEN
            live &= ~frozen
        out_of_range = live & ((value < self.lo[idx]) | (value > self.hi[idx]))
        q[out_of_range & (q == _GOOD)] = _UNCERTAIN
        reason[out_of_range] = _R.OUT_OF_RANGE
        self.reason[idx] = reason
        return raw.replace(value=value, quality=q), reason, self._diagnostics(idx, raw.ts, value, reason)

    def _frozen(self, idx: np.ndarray, ts: np.ndarray, value: np.ndarray, live: np.ndarray) -> np.ndarray:
        """Which samples are frozen, advancing each watched tag's still-since, one sample per tag
        per pass and in time order (sample time, never the wall clock)."""
        frozen = np.zeros(len(idx), dtype=bool)
        order = np.argsort(ts, kind="stable") if len(ts) > 1 and (np.diff(ts) < 0).any() else None
        if order is not None:
            idx, ts, value, live = idx[order], ts[order], value[order], live[order]
        for mask in rank_masks(idx):
            sel = np.flatnonzero(mask & live & self.watch[idx])
            if not len(sel):
                continue
            i, t, v = idx[sel], ts[sel], value[sel]
            moved = ~(np.abs(v - self.ref[i]) <= self.band[i])  # NaN (first sample): moved
            at_bottom = v <= self.floor[i]
            restart = moved | at_bottom
            self.ref[i] = np.where(restart, v, self.ref[i])
            self.still_since[i] = np.where(restart | (t < self.still_since[i]), t, self.still_since[i])
            frozen[sel] = t - self.still_since[i] >= self.frozen_s[i]
        if order is not None:
            out = np.empty_like(frozen)
            out[order] = frozen
            return out
        return frozen

    def _diagnostics(
        self, idx: np.ndarray, ts: np.ndarray, value: np.ndarray, reason: np.ndarray
    ) -> list[Condition]:
        diag = np.where((reason == _R.SENSOR_FAULT) | (reason == _R.FROZEN), reason, 0).astype(np.uint8)
        changed = diag != self.diag[idx]
        if not changed.any():
            return []
        out: list[Condition] = []
        for p in np.flatnonzero(changed):
            i, d = int(idx[p]), int(diag[p])
            before = int(self.diag[i])
            if before == d:  # the same tag twice in one batch: already handled
                continue
            t, v = float(ts[p]), float(value[p])
            if before:  # the old diagnosis ends (a frozen value that falls into the fault band)
                out.append(self._condition(i, False, t, v, before))
            if d:
                out.append(self._condition(i, True, t, v, d))
                log.warning("%s", out[-1].message)
            else:
                log.info("%s: sensor diagnostic cleared", self.names[i])
            self.diag[i] = d
        return out

    def _condition(self, i: int, active: bool, ts: float, value: float, reason: int) -> Condition:
        name, desc = self.names[i], self.descriptions[i]
        unit = f" {self.units[i]}" if self.units[i] else ""
        limit = None
        if not active:
            text = alarm_text(QT_TRANSLATE_NOOP("alarms", "{tag}: sensor reading trusted again"), tag=desc)
        elif reason == _R.FROZEN:
            held = int(ts - float(self.still_since[i]))
            text = alarm_text(
                QT_TRANSLATE_NOOP("alarms", "{tag}: value frozen at {value}{unit} for {held}: blind spot"),
                tag=desc,
                value=format_number(value),
                unit=unit,
                held=seconds(held) if held < 120 else minutes(held // 60),
            )
        else:
            below = value < self.lo[i]
            limit = float(self.fault_lo[i] if below else self.fault_hi[i])
            template = (
                QT_TRANSLATE_NOOP(
                    "alarms", "{tag}: sensor fault (NE 43): {value}{unit} below the fault limit {limit}{unit}"
                )
                if below
                else QT_TRANSLATE_NOOP(
                    "alarms", "{tag}: sensor fault (NE 43): {value}{unit} above the fault limit {limit}{unit}"
                )
            )
            text = alarm_text(
                template, tag=desc, value=format_number(value), unit=unit, limit=format_number(limit)
            )
        return Condition(
            f"{name}:{Kind.DIAG}",
            name,
            Kind.DIAG,
            active,
            self.priority,
            ts,
            text,
            i,
            value,
            limit,
            self.hazard_of.get(i, ""),
        )
