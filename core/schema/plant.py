"""The plant file's records above the tags: hazard sources with their inherent-risk models,
incident rules, the risk model, plant-wide warning defaults, history retention, the session
policy, and `PlantConfig`, the whole plant."""

from __future__ import annotations

import fnmatch
import math
from pathlib import Path
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from core.schema.base import SCHEMA_VERSION, HazardKind, Strict, supported_schema
from core.schema.devices import Device, read_type
from core.schema.dual_prevention import DualPreventionSettings
from core.schema.notify import Notifications
from core.schema.operating import OperatingStates
from core.schema.tags import (
    NO_ANOMALY,
    AnomalySettings,
    ForecastSettings,
    MultivariateSettings,
    Tag,
    TagWarning,
)
from core.schema.uplink import UplinkSettings
from core.substances import CATALOGUE

# ---------------------------------------------------------------- hazard sources and risk


# LEC scale values (Graham-Kinney, as the risk-grading standards give them): nothing in between
LEC_SCALES: dict[str, tuple[float, ...]] = {
    "L": (0.1, 0.2, 0.5, 1, 3, 6, 10),  # likelihood: virtually impossible .. expected
    "E": (0.5, 1, 2, 3, 6, 10),  # exposure: very rare .. continuous
    "C": (1, 3, 7, 15, 40, 100),  # consequence: first aid .. many deaths
}


class LecRisk(Strict):
    """LEC: D = L x E x C (likelihood, exposure, consequence), each a value of its scale."""

    method: Literal["LEC"]
    L: float
    E: float
    C: float

    @field_validator("L", "E", "C")
    @classmethod
    def _on_scale(cls, v: float, info):
        allowed = LEC_SCALES[info.field_name]
        if not any(math.isclose(v, a) for a in allowed):
            values = ", ".join(f"{a:g}" for a in allowed)
            raise ValueError(f"{v:g} is not a value of the LEC {info.field_name} scale (one of {values})")
        return v


class LsRisk(Strict):
    """LS matrix: R = L x S on a 5 x 5 grid."""

    method: Literal["LS"]
    L: int = Field(ge=1, le=5)
    S: int = Field(ge=1, le=5)


class Substance(Strict):
    """A dangerous substance held by a hazard source (GB 18218-2018): by its catalogue key
    (core/substances.py), which gives Q and beta, or by hand; `Q_t` and `beta` written here
    override the catalogue."""

    substance: str | None = None  # catalogue key ("converter_gas")
    name: str = ""  # how the plant calls it ("liquid oxygen tank 1"); default the catalogue's name
    q_t: float = Field(gt=0)  # quantity present, tonnes
    Q_t: float | None = Field(None, gt=0)  # critical quantity, tonnes  # noqa: N815
    beta: float | None = Field(None, gt=0)  # correction factor (toxic gases: CO 2, H2S 5, ...)

    @field_validator("substance")
    @classmethod
    def _known(cls, v):
        if v is not None and v not in CATALOGUE:
            raise ValueError(f"unknown substance {v!r} (the catalogue has: {', '.join(CATALOGUE)})")
        return v

    @model_validator(mode="after")
    def _critical_quantity(self):
        if self.substance is None and self.Q_t is None:
            raise ValueError("give a catalogue `substance` or its critical quantity `Q_t`")
        return self

    @property
    def critical_t(self) -> float:
        """Q, tonnes: as written, else the catalogue's."""
        return self.Q_t if self.Q_t is not None else CATALOGUE[self.substance].Q_t

    @property
    def factor(self) -> float:
        """beta: as written, else the catalogue's, else 1."""
        if self.beta is not None:
            return self.beta
        return CATALOGUE[self.substance].beta if self.substance is not None else 1.0

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return CATALOGUE[self.substance].name if self.substance is not None else "?"


class MajorHazard(Strict):
    """GB 18218-2018 major-hazard identification: S = sum(q/Q), a major hazard when S >= 1; its
    registration grade from R = alpha x sum(beta x q/Q), alpha from the people exposed."""

    people_exposed: int = Field(ge=0)  # outside the plant, within 500 m
    substances: list[Substance] = Field(min_length=1)


class DirectDetermination(Strict):
    """Another condition the risk-grading standard determines directly as a major risk (e.g.
    DB37/T 2882-2016: a breach of a mandatory clause, a past fatal accident whose conditions
    remain, 10 or more people working in a toxic, explosive or fire-risk place)."""

    reason: str = Field(min_length=1)


InherentRisk = Annotated[LecRisk | LsRisk, Field(discriminator="method")]


class HazardSource(Strict):
    """A piece of plant that can kill: its indicators and its polygon on the map.

    Its inherent risk: a major hazard (`major_hazard` with S >= 1) or a declared `direct`
    condition is at least `RiskModel.major_hazard_level` (red) by direct determination; otherwise,
    and beneath that floor, the LEC or LS evaluation of `inherent`, or the engineer's
    `inherent_level`. (`inherent: {method: GB18218, ...}` of older files is read as `major_hazard`.)"""

    name: str = Field(min_length=1)
    name_zh: str = ""  # the name in Simplified Chinese, shown on Chinese screens (plates, lists)
    kind: HazardKind = "other"
    tags: list[str] = []
    area: list[tuple[float, float]] = []
    inherent_level: int = Field(3, ge=1, le=4)  # used when `inherent` is not given
    inherent: InherentRisk | None = None
    major_hazard: MajorHazard | None = None
    direct: DirectDetermination | None = None
    interlocks: list[str] = []  # bool tags, 1 = in service; one bypassed (0) makes the source red
    description: str = ""

    @model_validator(mode="before")
    @classmethod
    def _gb18218_in_inherent(cls, data):
        inh = data.get("inherent") if isinstance(data, dict) else None
        if isinstance(inh, dict) and inh.get("method") == "GB18218":
            if data.get("major_hazard") is not None:
                raise ValueError("GB 18218 identification given twice: keep `major_hazard` only")
            data = {**data, "inherent": None, "major_hazard": {k: v for k, v in inh.items() if k != "method"}}
        return data

    @field_validator("area")
    @classmethod
    def _area(cls, v):
        if v and len(v) < 3:
            raise ValueError("area needs at least 3 points")
        return v


class Rule(Strict):
    """An incident rule: a condition over several tags with time operators (see app/rules.py).

    `message` is the operator's instruction as written by the plant (any language); it is shown
    as written in every language unless `message_zh` gives the Simplified Chinese text, which the
    Chinese screens show instead (the evidence after it is always translated). A raised rule
    returns only once its condition has been false for `clear_s`, at least `hold_s` after it was
    raised, and while its incident no longer develops (see app/rules.py); both default to the
    plant's `rule_defaults`."""

    name: str = Field(min_length=1)
    name_zh: str = ""  # the name in Simplified Chinese, shown on Chinese screens
    when: str = Field(min_length=1)
    for_s: float = Field(0.0, ge=0, le=7 * 86400)  # the condition must hold this long
    level: int = Field(2, ge=1, le=4)
    hazard: str | None = None  # the hazard source it belongs to
    message: str = ""
    message_zh: str = ""  # the message in Simplified Chinese (empty: `message` in every language)
    clear_s: float | None = Field(None, ge=0, le=86400)  # None: rule_defaults.clear_s
    hold_s: float | None = Field(None, ge=0, le=86400)  # None: rule_defaults.hold_s


class RuleDefaults(Strict):
    """Plant-wide hysteresis of incident rules; a rule's own `clear_s` / `hold_s` override it.

    A raised rule warning returns only when its condition has been false for `clear_s` seconds,
    it has been raised for at least `hold_s` seconds, and its incident is no longer developing
    (no tag it reads is beyond or moving towards a limit, or still moving the way the rule
    watches; see app/rules.py)."""

    clear_s: float = Field(120.0, ge=0, le=86400)
    hold_s: float = Field(300.0, ge=0, le=86400)


class RiskModel(Strict):
    """How inherent risk is graded and how live evidence raises a hazard source's level.

    A major hazard's GB 18218 grade (`gb18218_cutoffs`) ranks it for registration, it is not a
    risk colour: its inherent level is `major_hazard_level` by direct determination.

    Levels are 1 (I, red) to 4 (IV, blue). Each piece of evidence pulls the dynamic level to
    at least its own level; `escalate_count` or more pieces at the most severe level found raise
    it one more step (never past red). A bypassed interlock makes it red; one whose state is
    unknown (bad quality, data lost) is a blind spot, and red only once it has stayed unknown
    for `interlock_confirm_s` (a communication blip never paints the map red)."""

    lec_cutoffs: tuple[float, float, float] = (70.0, 160.0, 320.0)  # D below the first: IV
    ls_cutoffs: tuple[float, float, float] = (9.0, 15.0, 20.0)
    gb18218_cutoffs: tuple[float, float, float] = (10.0, 50.0, 100.0)  # GB 18218 R: registration grade
    # direct determination: a major hazard (S >= 1) or a declared `direct` condition is at least
    # this level, whatever its evaluation (1: red, as DB37/T 2882-2016 has it); `direct_basis`
    # names the standard in the explanation
    major_hazard_level: int = Field(1, ge=1, le=4)
    direct_basis: str = "DB37/T 2882-2016"
    alarm_level: dict[int, Annotated[int, Field(ge=1, le=4)]] = {1: 1, 2: 2, 3: 3, 4: 4}
    warning_level: dict[int, Annotated[int, Field(ge=1, le=4)]] = {1: 2, 2: 2, 3: 3, 4: 4}
    blind_spot_level: int = Field(3, ge=1, le=4)  # a member tag bad or its device unreachable
    hidden_alarm_level: int = Field(3, ge=1, le=4)  # a member alarm shelved, suppressed, out of service
    escalate_count: int = Field(3, ge=2)
    interlock_confirm_s: float = Field(30.0, ge=0)
    operating_states: OperatingStates = OperatingStates()  # what running/reduced/down/maintenance do
    dual_prevention: DualPreventionSettings = DualPreventionSettings()  # permits, inspections, index

    @field_validator("lec_cutoffs", "ls_cutoffs", "gb18218_cutoffs")
    @classmethod
    def _rising(cls, v):
        if not v[0] < v[1] < v[2]:
            raise ValueError(f"cut-offs must rise, got {list(v)}")
        return v


NO_WARNING = TagWarning()
_KINDS: dict[int, tuple[list, dict[str, str]]] = {}  # id of a hazard list -> (the list, tag -> kind)


def _member_kinds(hazards: list[HazardSource]) -> dict[str, str]:
    """Tag name -> the kind of the first hazard source listing it, cached per (immutable) list."""
    got = _KINDS.get(id(hazards))
    if got is not None and got[0] is hazards:
        return got[1]
    kinds: dict[str, str] = {}
    for h in hazards:
        for name in h.tags:
            kinds.setdefault(name, h.kind)
    if len(_KINDS) >= 8:
        _KINDS.clear()
    _KINDS[id(hazards)] = (hazards, kinds)
    return kinds


class WarningDefaults(Strict):
    """Plant-wide early-warning settings; a tag's `warning:` overrides them, and between the two
    `by_kind` gives the members of one kind of hazard source their own time scales (a blast
    furnace's hearth creeps over days, a gas line leaks in minutes)."""

    forecast: ForecastSettings = ForecastSettings()
    anomaly: AnomalySettings = AnomalySettings(enabled=False)
    anomaly_tags: list[str] = []  # glob patterns ("GAS.CO.*"): the tags `anomaly` applies to (empty: all)
    by_kind: dict[HazardKind, TagWarning] = {}
    multivariate: list[MultivariateSettings] = []  # groups of tags watched together


class AlarmDefaults(Strict):
    """Plant-wide alarm defaults; a tag's own `alarms:` setting overrides them.

    `bad_quality`: which tags alarm while their value is bad (a blind spot) unless they say
    otherwise (`alarms: {bad_quality: false}` opts out, `true` opts in): `none`, only those that
    opt in; `members`, every member of a hazard source (its `tags` and `interlocks`) and every tag
    with an alarm limit (HH, H, L, LL, state, rate, deviation); `all`, every tag."""

    bad_quality: Literal["none", "members", "all"] = "none"


class SensorChecks(Strict):
    """Plant-wide sensor-integrity checks of the acquisition quality stage (app/integrity.py);
    a tag's `frozen_s`, `frozen_band` and `fault_band` override them.

    Frozen signal: a safety detector (an analog member tag of a hazard source, with a range)
    whose value stays within `frozen_band_pct` of its span for `frozen_s` seconds of sample time,
    while above the bottom `floor_pct` of its range (a CO detector in clean air sits at zero for
    days), turns BAD with the reason "frozen". NAMUR NE 43: a value more than `fault_low_pct`
    of the span below the range (3.6 mA of 4-20 mA) or `fault_high_pct` above it (21 mA) is a
    sensor fault, BAD. Both raise a diagnostic (DIAG) alarm of `diag_priority`."""

    frozen_s: float = Field(600.0, ge=0)  # 0: no frozen-signal check unless a tag sets one
    frozen_band_pct: float = Field(0.0, ge=0, le=10)
    floor_pct: float = Field(0.05, ge=0, le=50)
    fault_band: bool = True
    fault_low_pct: float = Field(2.5, gt=0, le=100)
    fault_high_pct: float = Field(6.25, gt=0, le=100)
    diag_priority: int = Field(2, ge=1, le=4)


class Retention(Strict):
    """How long each resolution of the history is kept, in days."""

    raw_days: float = Field(90, gt=0)
    rollup_1m_days: float = Field(400, gt=0)
    rollup_1h_days: float = Field(3650, gt=0)


class SessionPolicy(Strict):
    """The plant's session policy, the same on every workstation: the screen locks after
    `lock_after_min` minutes without input (0: never; the alarm banner and horn keep running),
    and `max_failures` wrong passwords in a row lock the account for `lockout_min` minutes."""

    lock_after_min: float = Field(10.0, ge=0, le=24 * 60)
    lockout_min: float = Field(15.0, gt=0, le=24 * 60)
    max_failures: int = Field(5, ge=3, le=20)


class PlantInfo(Strict):
    name: str = "Plant"
    map: str | None = None
    map_m_per_unit: float = Field(1.0, gt=0)  # metres per map drawing unit (distances in rules)


def tag_type(cfg: PlantConfig, tag: Tag) -> str | None:
    """The data type a tag is read as: its own, or the default for its address."""
    return read_type(tag.type, tag.address, cfg.device(tag.device))


class PlantConfig(Strict):
    """A whole plant: what the engine runs and the HMI shows."""

    schema_: int = Field(SCHEMA_VERSION, alias="schema")
    plant: PlantInfo = PlantInfo()
    devices: list[Device] = []
    tags: list[Tag] = []
    hazard_sources: list[HazardSource] = []
    rules: list[Rule] = []
    rule_defaults: RuleDefaults = RuleDefaults()
    warnings: WarningDefaults = WarningDefaults()
    alarm_defaults: AlarmDefaults = AlarmDefaults()
    risk: RiskModel = RiskModel()
    retention: Retention = Retention()
    security: SessionPolicy = SessionPolicy()
    sensors: SensorChecks = SensorChecks()
    notifications: Notifications = Notifications()
    uplink: UplinkSettings = UplinkSettings()

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

    # resolved at load time, not part of the YAML
    source_path: Path | None = Field(None, exclude=True)

    @field_validator("schema_")
    @classmethod
    def _schema(cls, v):
        return supported_schema(v, SCHEMA_VERSION)

    # -- lookups
    def device(self, name: str):
        for d in self.devices:
            if d.name == name:
                return d
        raise KeyError(name)

    def forecast_of(self, tag: Tag) -> ForecastSettings:
        return tag.warning.forecast or self._kind_warning(tag).forecast or self.warnings.forecast

    def anomaly_of(self, tag: Tag) -> AnomalySettings:
        if tag.warning.anomaly is not None:
            return tag.warning.anomaly
        by_kind = self._kind_warning(tag).anomaly
        if by_kind is not None:
            return by_kind
        pats = self.warnings.anomaly_tags
        if pats and not any(fnmatch.fnmatchcase(tag.name, p) for p in pats):
            return NO_ANOMALY
        return self.warnings.anomaly

    def tag_index(self) -> dict[str, int]:
        return {t.name: i for i, t in enumerate(self.tags)}

    def _kind_warning(self, tag: Tag) -> TagWarning:
        """The `warnings.by_kind` entry of the kind of the first hazard source listing the tag."""
        if not self.warnings.by_kind:
            return NO_WARNING
        return self.warnings.by_kind.get(_member_kinds(self.hazard_sources).get(tag.name), NO_WARNING)

    def group_tags(self, g: MultivariateSettings) -> list[str]:
        """The tags a multivariate group watches: its own, or its hazard source's analog ones."""
        if g.tags:
            return list(g.tags)
        src = next((h for h in self.hazard_sources if h.name == g.hazard), None)
        by_name = {t.name: t for t in self.tags}
        names = [] if src is None else src.tags
        return [n for n in names if n in by_name and not by_name[n].is_bool]

    def hazard_of_tags(self) -> dict[int, str]:
        """Tag index -> the first hazard source that lists the tag."""
        index = self.tag_index()
        out: dict[int, str] = {}
        for h in self.hazard_sources:
            for name in h.tags:
                if name in index:
                    out.setdefault(index[name], h.name)
        return out

    def map_path(self) -> Path | None:
        if not self.plant.map:
            return None
        p = Path(self.plant.map)
        if not p.is_absolute() and self.source_path is not None:
            p = self.source_path.parent / p
        return p

    def with_devices(self, devices: list) -> PlantConfig:
        return self.model_copy(update={"devices": devices})
