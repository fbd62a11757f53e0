"""Work permits for special operations (特殊作业): hot work (动火), confined-space entry (受限空间),
work in a gas area (煤气区域作业), work at height and heavy lifts, each registered on a hazard
source's area with a time window, the number of people and a gas test.

- **Gas test.** `gas_test` reads the area's live gas detectors (member tags whose unit is one of
  the operating states' `keep_units`, ppm and %LEL by default). A reading is refused when it is
  over the tag's entry limit (its H alarm limit, else its HH), under its L limit (oxygen
  deficiency), or not valid (bad quality, no value): `PermitRefused` names each.
- **Exposure.** While a permit is active people are in the area: the E of LEC (frequency of
  exposure) becomes `risk: dual_prevention: permit_exposure` (10, "continuously exposed"), and
  the area's dynamic level is pulled to at least the grade of L x 10 x C. An area without an LEC evaluation is pulled one
  level above its inherent level. `crowd` (10) or more people in a gas area, a confined space or
  hot work is a major risk (red; DB37/T 2882-2016 names a toxic, explosive or fire-risk place
  with 10 or more people working). Each active permit is one trace line ("work permit"),
  since its start.
- **Gas alarms.** An active alarm of a gas detector of an area with an active permit is raised to
  priority I and its message names the permit and the people in the area (`escalate`): in its
  transitions, in the standing alarms the engine hands out, and in the risk (so the area is red).
- **Life cycle.** active -> suspended -> active; active or suspended -> ended; an active or
  suspended permit whose window has closed expires (`due`). Every step is audited by
  app.dual_prevention.service.

`PermitBook` lives in the evaluation pipeline (`pipeline.permits`), changed on the acquisition
loop like an operating state (app/runtime/operator.py). Pure Python, no Qt.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, replace
from enum import StrEnum

from app.config import LecRisk, PlantConfig
from app.risk.inherent import grade, inherent_risk
from core.alarm_types import Alarm
from core.messages import QT_TRANSLATE_NOOP, Message, word
from core.risk_types import PERMIT, TraceItem
from core.samples import Quality


def _m(template: str, **args) -> Message:
    return Message("permits", template, **args)


class PermitKind(StrEnum):
    HOT_WORK = "hot_work"  # 动火
    CONFINED_SPACE = "confined_space"  # 受限空间
    GAS_AREA = "gas_area"  # 煤气区域作业
    HEIGHT = "height"  # 高处作业
    LIFTING = "lifting"  # 吊装作业


KIND_TEXT = {
    PermitKind.HOT_WORK: word("permits", QT_TRANSLATE_NOOP("permits", "hot work")),
    PermitKind.CONFINED_SPACE: word("permits", QT_TRANSLATE_NOOP("permits", "confined-space entry")),
    PermitKind.GAS_AREA: word("permits", QT_TRANSLATE_NOOP("permits", "work in a gas area")),
    PermitKind.HEIGHT: word("permits", QT_TRANSLATE_NOOP("permits", "work at height")),
    PermitKind.LIFTING: word("permits", QT_TRANSLATE_NOOP("permits", "heavy lift")),
}
# the kinds in a toxic, explosive or fire-risk place: a crowd there is red
CROWD_KINDS = {PermitKind.HOT_WORK, PermitKind.CONFINED_SPACE, PermitKind.GAS_AREA}


class PermitStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ENDED = "ended"
    EXPIRED = "expired"


STATUS_TEXT = {
    PermitStatus.ACTIVE: word("permits", QT_TRANSLATE_NOOP("permits", "active")),
    PermitStatus.SUSPENDED: word("permits", QT_TRANSLATE_NOOP("permits", "suspended")),
    PermitStatus.ENDED: word("permits", QT_TRANSLATE_NOOP("permits", "ended")),
    PermitStatus.EXPIRED: word("permits", QT_TRANSLATE_NOOP("permits", "expired")),
}
OPEN = (PermitStatus.ACTIVE, PermitStatus.SUSPENDED)


class PermitRefused(ValueError):
    """A permit that may not be issued (or changed); `reasons` are Messages for the person."""

    def __init__(self, reasons: list[Message]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True, slots=True)
class GasReading:
    """One detector's reading of a gas test and the limits it is held to."""

    tag: str
    value: float | None  # None: no valid reading
    unit: str
    high: float | None  # refused over this (the entry limit)
    low: float | None = None  # refused under this (oxygen deficiency)

    def refusal(self) -> Message | None:
        if self.value is None or not math.isfinite(self.value):
            return _m(QT_TRANSLATE_NOOP("permits", "{tag}: no valid reading"), tag=self.tag)
        if self.high is not None and self.value > self.high:
            over = QT_TRANSLATE_NOOP("permits", "{tag} = {value} {unit}, over the entry limit {limit}")
            return self._beyond(over, self.high)
        if self.low is not None and self.value < self.low:
            under = QT_TRANSLATE_NOOP("permits", "{tag} = {value} {unit}, under the entry limit {limit}")
            return self._beyond(under, self.low)
        return None

    def _beyond(self, template: str, limit: float) -> Message:
        return _m(template, tag=self.tag, value=f"{self.value:g}", unit=self.unit, limit=f"{limit:g}")

    def as_dict(self) -> dict:
        return {"tag": self.tag, "value": self.value, "unit": self.unit, "high": self.high, "low": self.low}

    @classmethod
    def from_dict(cls, d: dict) -> GasReading:
        return cls(d["tag"], d.get("value"), d.get("unit", ""), d.get("high"), d.get("low"))


@dataclass(frozen=True, slots=True)
class Permit:
    """One work permit: where (a hazard source's area), what, when, how many people, its gas test."""

    id: int  # 0 until stored
    kind: PermitKind
    hazard: str
    start: float  # UNIX s
    end: float  # UNIX s: it expires then
    people: int
    issuer: str
    description: str = ""
    gas: tuple[GasReading, ...] = ()
    status: PermitStatus = PermitStatus.ACTIVE
    changed: float = 0.0  # the last change of status, UNIX s

    @property
    def code(self) -> str:
        """'PTW-12'."""
        return f"PTW-{self.id}"

    @property
    def kind_text(self) -> Message:
        return KIND_TEXT[self.kind]

    def active_at(self, now: float) -> bool:
        return self.status == PermitStatus.ACTIVE and self.start <= now < self.end

    def describe(self) -> Message:
        """'PTW-12 work in a gas area, 3 people'."""
        return _m(
            QT_TRANSLATE_NOOP("permits", "{code} {kind}, {people} people"),
            code=self.code,
            kind=self.kind_text,
            people=self.people,
        )


def gas_detectors(config: PlantConfig, hazard: str) -> list:
    """The area's gas detectors: member tags whose unit is one of `keep_units`."""
    units = set(config.risk.operating_states.keep_units)
    h = next((h for h in config.hazard_sources if h.name == hazard), None)
    if h is None:
        return []
    by_name = {t.name: t for t in config.tags}
    return [by_name[t] for t in dict.fromkeys(h.tags) if t in by_name and by_name[t].unit in units]


def gas_test(config: PlantConfig, hazard: str, latest: dict[str, tuple[float, int]]) -> list[GasReading]:
    """The gas test pre-filled from the area's live detectors: `latest` maps a tag to its
    (value, quality); a tag missing or of bad quality has no valid reading."""
    out = []
    for t in gas_detectors(config, hazard):
        value, quality = latest.get(t.name, (math.nan, int(Quality.BAD)))
        ok = quality != int(Quality.BAD) and value is not None and math.isfinite(value)
        a = t.alarms
        high = None if a is None else (a.H if a.H is not None else a.HH)
        low = None if a is None else a.L
        out.append(GasReading(t.name, float(value) if ok else None, t.unit, high, low))
    return out


def check(
    config: PlantConfig,
    kind: PermitKind | str,
    hazard: str,
    start: float,
    end: float,
    people: int,
    gas: list[GasReading],
    now: float,
) -> list[Message]:
    """Why a permit may not be issued (empty: it may)."""
    reasons = []
    if hazard not in {h.name for h in config.hazard_sources}:
        reasons.append(_m(QT_TRANSLATE_NOOP("permits", "no hazard source {hazard}"), hazard=hazard))
    if end <= start or end <= now:
        reasons.append(_m(QT_TRANSLATE_NOOP("permits", "the time window ends before it starts or is past")))
    if people < 1:
        reasons.append(_m(QT_TRANSLATE_NOOP("permits", "at least one person works under a permit")))
    if PermitKind(kind) in CROWD_KINDS and gas_detectors(config, hazard) and not gas:
        reasons.append(_m(QT_TRANSLATE_NOOP("permits", "a gas test is needed before entry")))
    reasons += [r for r in (g.refusal() for g in gas) if r is not None]
    return reasons


class PermitBook:
    """The open permits of a plant, what they do to the risk and to gas alarms."""

    def __init__(self, config: PlantConfig):
        self.config = config
        self.model = config.risk
        self.sources = {h.name: h for h in config.hazard_sources}
        self.inherent = {h.name: inherent_risk(h, self.model) for h in config.hazard_sources}
        index = config.tag_index()
        self.gas_area: dict[int, str] = {}  # gas detector tag index -> its hazard source
        for h in config.hazard_sources:
            for t in gas_detectors(config, h.name):
                self.gas_area.setdefault(index[t.name], h.name)
        self.permits: dict[int, Permit] = {}

    # ------------------------------------------------------------ changing
    def put(self, permit: Permit) -> None:
        """Take a stored permit (new or changed); one no longer open leaves the book."""
        if permit.status in OPEN and permit.hazard in self.sources:
            self.permits[permit.id] = permit
        else:
            self.permits.pop(permit.id, None)

    def due(self, now: float) -> list[Permit]:
        """The open permits whose window has closed, expired (and out of the book)."""
        gone = [
            replace(p, status=PermitStatus.EXPIRED, changed=now)
            for p in self.permits.values()
            if p.end <= now
        ]
        for p in gone:
            del self.permits[p.id]
        return gone

    # ------------------------------------------------------------ reading
    def active(self, now: float, hazard: str | None = None) -> list[Permit]:
        return [
            p for p in self.permits.values() if p.active_at(now) and (hazard is None or p.hazard == hazard)
        ]

    def people(self, hazard: str, now: float) -> int:
        return sum(p.people for p in self.active(now, hazard))

    def level(self, hazard: str, now: float) -> int:
        """The level people at work pull the area to (see the module docstring)."""
        h, inh = self.sources[hazard], self.inherent[hazard]
        crowd = [p for p in self.active(now, hazard) if p.kind in CROWD_KINDS]
        if sum(p.people for p in crowd) >= self.model.dual_prevention.crowd:
            return 1
        if isinstance(h.inherent, LecRisk):
            r = h.inherent
            e = self.model.dual_prevention.permit_exposure
            return min(grade(r.L * max(r.E, e) * r.C, self.model.lec_cutoffs), inh.level)
        return max(inh.level - 1, 1)

    def evidence(self, now: float) -> dict[str, list[TraceItem]]:
        """One trace line per active permit, at the level of its area (app.risk.engine's hook)."""
        out: dict[str, list[TraceItem]] = {}
        for p in self.active(now):
            level = self.level(p.hazard, now)
            detail = _m(
                QT_TRANSLATE_NOOP(
                    "permits",
                    "{permit} until {until}: people present, exposure E = {e}; {total} people in the area",
                ),
                permit=p.describe(),
                until=_clock(p.end),
                e=f"{self.model.dual_prevention.permit_exposure:g}",
                total=self.people(p.hazard, now),
            )
            out.setdefault(p.hazard, []).append(TraceItem(p.code, PERMIT, level, detail, p.start))
        return out

    def escalate(self, alarms: list[Alarm], now: float) -> list[Alarm]:
        """Active gas alarms of an area with an active permit: priority I, naming the permit and
        the people in the area. Idempotent (an escalated alarm stays as it is)."""
        if not self.permits:
            return alarms
        out = []
        for a in alarms:
            hazard = self.gas_area.get(a.tag) if a.active and not a.is_warning else None
            permits = self.active(now, hazard) if hazard is not None else []
            if permits and not a.message.endswith(_MARK):
                codes = ", ".join(p.code for p in permits)
                message = _m(
                    QT_TRANSLATE_NOOP("permits", "{message} — {permits}: {people} people in the area ⚠"),
                    message=a.message,
                    permits=codes,
                    people=sum(p.people for p in permits),
                )
                a = a._replace(priority=1, message=message)
            out.append(a)
        return out


_MARK = " ⚠"  # ends the message of an escalated gas alarm


def _clock(ts: float) -> str:
    return time.strftime("%H:%M", time.localtime(ts))


# ---------------------------------------------------------------- rows (storage.dual_prevention)
def to_row(p: Permit) -> dict:
    return {
        "kind": str(p.kind),
        "hazard": p.hazard,
        "start": p.start,
        "end": p.end,
        "people": p.people,
        "issuer": p.issuer,
        "description": p.description,
        "gas": json.dumps([g.as_dict() for g in p.gas], ensure_ascii=False),
        "status": str(p.status),
        "changed": p.changed,
    }


def from_row(r: dict) -> Permit:
    return Permit(
        int(r["id"]),
        PermitKind(r["kind"]),
        r["hazard"],
        float(r["start"]),
        float(r["end"]),
        int(r["people"]),
        r["issuer"],
        r.get("description") or "",
        tuple(GasReading.from_dict(d) for d in json.loads(r.get("gas") or "[]")),
        PermitStatus(r["status"]),
        float(r["changed"]),
    )


def put(pipeline, permit: Permit, now: float):
    """Hand a permit (new or changed) to a pipeline's book and update the risk at once: the
    pipeline's Outcome (app.evaluation.pipeline)."""
    pipeline.permits.put(permit)
    return settle_risk(pipeline, now)


def settle_risk(pipeline, now: float):
    """The risk updated at once after a management change: the pipeline's Outcome."""
    from app.evaluation.pipeline import Outcome

    out = Outcome()
    if pipeline.risk is not None:
        standing = pipeline.permits.escalate(pipeline.alarms.standing(now), now)
        out.risk += pipeline.risk.update(now, standing, pipeline.quality, pipeline.latest, pipeline.reason)
    return out
