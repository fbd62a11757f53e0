"""Alarm engine: limit (HH/H/L/LL) and discrete-state alarms, and communication alarms.

Pure Python + numpy, no Qt. Limits are evaluated vectorised over a batch of samples with a
deadband (hysteresis), an on-delay and an off-delay. Each (tag, limit) is one alarm with an
ISA-18.2 style state: active/cleared x acknowledged/unacknowledged. Every transition is
returned as an immutable `Alarm` so listeners, the journal and the GUI see the same record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from app.config import PlantConfig
from app.model import Quality, SampleBatch

LEVELS = ("HH", "H", "L", "LL", "STATE")
HIGH = {"HH": True, "H": True, "L": False, "LL": False}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
COMM_PRIORITY = 2


@dataclass(frozen=True, slots=True)
class Alarm:
    """The state of one alarm after a transition."""

    key: str
    source: str
    tag: int
    kind: str
    priority: int
    active: bool
    acked: bool
    ts: float
    since: float
    value: float
    limit: float | None
    message: str
    user: str = ""
    comment: str = ""

    @property
    def state(self) -> str:
        if self.active:
            return "ACKED" if self.acked else "UNACK"
        return "NORMAL" if self.acked else "RTN_UNACK"


class _Level:
    """State arrays of one limit kind over all tags."""

    def __init__(self, n: int):
        self.limit = np.full(n, np.nan)
        self.priority = np.full(n, 3, dtype=np.int8)
        self.active = np.zeros(n, dtype=bool)
        self.acked = np.ones(n, dtype=bool)
        self.since = np.zeros(n)
        self.pend_on = np.full(n, np.nan)
        self.pend_off = np.full(n, np.nan)
        self.value = np.full(n, np.nan)


class AlarmEngine:
    """Evaluates limit and state alarms for a plant; holds the state of every alarm."""

    def __init__(self, config: PlantConfig):
        self.config = config
        tags = config.tags
        n = len(tags)
        self.names = [t.name for t in tags]
        self.units = [t.unit for t in tags]
        self.descriptions = [t.description or t.name for t in tags]
        self.deadband = np.zeros(n)
        self.on_delay = np.zeros(n)
        self.off_delay = np.zeros(n)
        self.levels = {k: _Level(n) for k in LEVELS}
        for i, t in enumerate(tags):
            a = t.alarms
            if a is None:
                continue
            self.deadband[i], self.on_delay[i], self.off_delay[i] = a.deadband, a.on_delay_s, a.off_delay_s
            for k in ("HH", "H", "L", "LL"):
                v = getattr(a, k)
                if v is not None:
                    self.levels[k].limit[i] = v
                    self.levels[k].priority[i] = a.priority_of(k)
            if a.state is not None:
                self.levels["STATE"].limit[i] = 1.0 if a.state else 0.0
                self.levels["STATE"].priority[i] = a.priority_of("state")
        self.custom_message = {
            i: t.alarms.message for i, t in enumerate(tags) if t.alarms and t.alarms.message
        }
        self.has_limits = {k: bool(np.isfinite(lv.limit).any()) for k, lv in self.levels.items()}
        self.comm: dict[str, Alarm] = {}

    # ------------------------------------------------------------ evaluation
    def evaluate(self, batch: SampleBatch) -> list[Alarm]:
        """Advance every alarm with the batch's samples (in time order per tag)."""
        if len(batch) == 0:
            return []
        out: list[Alarm] = []
        for part in batch.unique_runs():
            good = part.quality != Quality.BAD
            if not good.any():
                continue
            part = part if good.all() else part.take(good)
            for kind, lv in self.levels.items():
                if self.has_limits[kind]:
                    out.extend(self._evaluate_level(kind, lv, part))
        return out

    def _evaluate_level(self, kind: str, lv: _Level, b: SampleBatch) -> list[Alarm]:
        idx, v, ts = b.tag, b.value, b.ts
        lim = lv.limit[idx]
        has = np.isfinite(lim) & np.isfinite(v)
        if not has.any():
            return []
        db = self.deadband[idx]
        if kind == "STATE":
            raw = (v >= 0.5) == (lim >= 0.5)
            clear = ~raw
        elif HIGH[kind]:
            raw = v >= lim
            clear = v < lim - db
        else:
            raw = v <= lim
            clear = v > lim + db
        active = lv.active[idx]
        # activation, with on-delay
        want_on = has & ~active & raw
        pend = lv.pend_on[idx]
        pend = np.where(want_on & np.isnan(pend), ts, pend)
        pend = np.where(has & ~active & ~raw, np.nan, pend)
        fire_on = want_on & (ts - pend >= self.on_delay[idx])
        lv.pend_on[idx] = np.where(fire_on, np.nan, pend)
        # clearing, with off-delay
        want_off = has & active & clear
        pend = lv.pend_off[idx]
        pend = np.where(want_off & np.isnan(pend), ts, pend)
        pend = np.where(has & active & ~clear, np.nan, pend)
        fire_off = want_off & (ts - pend >= self.off_delay[idx])
        lv.pend_off[idx] = np.where(fire_off, np.nan, pend)
        lv.value[idx] = np.where(has, v, lv.value[idx])
        out = []
        if fire_on.any():
            on = idx[fire_on]
            lv.active[on] = True
            lv.acked[on] = False
            lv.since[on] = ts[fire_on]
            out.extend(self._record(kind, lv, int(i), float(t)) for i, t in zip(on, ts[fire_on], strict=True))
        if fire_off.any():
            off = idx[fire_off]
            lv.active[off] = False
            out.extend(
                self._record(kind, lv, int(i), float(t)) for i, t in zip(off, ts[fire_off], strict=True)
            )
        return out

    def _record(self, kind: str, lv: _Level, i: int, ts: float, user: str = "", comment: str = "") -> Alarm:
        lim = float(lv.limit[i])
        value = float(lv.value[i])
        return Alarm(
            key=f"{self.names[i]}:{kind}",
            source=self.names[i],
            tag=i,
            kind=kind,
            priority=int(lv.priority[i]),
            active=bool(lv.active[i]),
            acked=bool(lv.acked[i]),
            ts=ts,
            since=float(lv.since[i]),
            value=value,
            limit=None if kind == "STATE" else lim,
            message=self._message(kind, i, value, lim),
            user=user,
            comment=comment,
        )

    def _message(self, kind: str, i: int, value: float, lim: float) -> str:
        if i in self.custom_message:
            return self.custom_message[i]
        desc = self.descriptions[i]
        if kind == "STATE":
            return f"{desc}: {'ON' if value >= 0.5 else 'OFF'}"
        unit = f" {self.units[i]}" if self.units[i] else ""
        sign = ">" if HIGH[kind] else "<"
        return f"{desc} {kind} {_fmt(value)}{unit} {sign} {_fmt(lim)}{unit}"

    # ------------------------------------------------------------ communication
    def set_comm(self, device: str, failed: bool, ts: float, error: str = "") -> Alarm | None:
        """Raise or clear a device's communication alarm; returns the transition, if any."""
        key = f"{device}:COMM"
        cur = self.comm.get(key)
        if failed and (cur is None or not cur.active):
            text = f"Communication lost: {device}" + (f" ({error})" if error else "")
            alarm = Alarm(key, device, -1, "COMM", COMM_PRIORITY, True, False, ts, ts, math.nan, None, text)
        elif not failed and cur is not None and cur.active:
            alarm = replace(cur, active=False, ts=ts, message=f"Communication restored: {device}")
        else:
            return None
        self._store_comm(alarm)
        return alarm

    def _store_comm(self, alarm: Alarm) -> None:
        if alarm.state == "NORMAL":
            self.comm.pop(alarm.key, None)
        else:
            self.comm[alarm.key] = alarm

    # ------------------------------------------------------------ operator actions
    def acknowledge(
        self, keys: list[str] | None, ts: float, user: str = "", comment: str = ""
    ) -> list[Alarm]:
        """Acknowledge the given alarms (None: all); returns the transitions."""
        out = []
        wanted = None if keys is None else set(keys)
        for kind, lv in self.levels.items():
            pending = np.flatnonzero(~lv.acked)
            for i in pending:
                key = f"{self.names[i]}:{kind}"
                if wanted is not None and key not in wanted:
                    continue
                lv.acked[i] = True
                out.append(self._record(kind, lv, int(i), ts, user, comment))
        for key, cur in list(self.comm.items()):
            if cur.acked or (wanted is not None and key not in wanted):
                continue
            alarm = replace(cur, acked=True, ts=ts, user=user, comment=comment)
            self._store_comm(alarm)
            out.append(alarm)
        return out

    def standing(self) -> list[Alarm]:
        """Every alarm that is active or unacknowledged, as its current record."""
        out = []
        for kind, lv in self.levels.items():
            for i in np.flatnonzero(lv.active | ~lv.acked):
                out.append(self._record(kind, lv, int(i), float(lv.since[i])))
        out.extend(self.comm.values())
        return out


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return "?"
    return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"
