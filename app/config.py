"""Plant configuration: the pydantic schema, YAML load/save and errors that name file, line, field.

The YAML file is a user interface for engineers. A broken file is refused with every error
located (`plant.yaml:42: tags[7].address: ...`); nothing is partially applied.
"""

from __future__ import annotations

import fnmatch
import logging
import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from app import secrets

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

DataTypeName = Literal["int16", "uint16", "int32", "uint32", "float32", "float64", "bool"]
WordOrder = Literal["big", "little"]
RoleName = Literal["operator", "supervisor", "engineer", "administrator"]  # app.users.Role, by name
HazardKind = Literal[
    "blast_furnace",
    "converter",
    "gas_recovery",
    "gas_holder",
    "gas_area",
    "oxygen_station",
    "dust_collector",
    "caster",
    "crane",
    "deep_well_casting",
    "other",
]

REGISTER_WORDS = {"int16": 1, "uint16": 1, "int32": 2, "uint32": 2, "float32": 2, "float64": 4, "bool": 1}

_MODBUS_RE = re.compile(r"^(hr|ir|co|di):(\d{1,5})(?:\.(\d{1,2}))?$")
_OPCUA_RE = re.compile(r"^(?:(ns=\d+|nsu=[^;]+);)?(i=\d+|s=.+|g=[0-9a-fA-F-]{36}|b=.+)$")


class Strict(BaseModel):
    """Base: unknown keys are errors (a typo must not silently drop a limit)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- addresses


class ModbusAddress(BaseModel):
    """A parsed Modbus address: table, 0-based offset, optional bit in a register."""

    model_config = ConfigDict(frozen=True)
    table: Literal["hr", "ir", "co", "di"]
    offset: int
    bit: int | None = None

    @property
    def is_bit_table(self) -> bool:
        return self.table in ("co", "di")

    def __str__(self) -> str:
        return f"{self.table}:{self.offset}" + (f".{self.bit}" if self.bit is not None else "")


def parse_modbus_address(text: str) -> ModbusAddress:
    m = _MODBUS_RE.match(text.strip())
    if not m:
        raise ValueError(f"bad Modbus address {text!r}: expected hr:N, ir:N, co:N, di:N or hr:N.B (bit 0-15)")
    table, offset, bit = m.group(1), int(m.group(2)), m.group(3)
    if offset > 65535:
        raise ValueError(f"Modbus offset {offset} is above 65535")
    if bit is not None:
        if table in ("co", "di"):
            raise ValueError(f"{table}: addresses are single bits already; drop the .{bit}")
        if int(bit) > 15:
            raise ValueError(f"bit {bit} is outside 0-15")
        return ModbusAddress(table=table, offset=offset, bit=int(bit))
    return ModbusAddress(table=table, offset=offset)


def check_opcua_node_id(text: str) -> str:
    if not _OPCUA_RE.match(text.strip()):
        raise ValueError(f"bad OPC UA node id {text!r}: expected e.g. ns=2;s=Name, nsu=URI;s=Name or i=2258")
    return text.strip()


# ---------------------------------------------------------------- devices


class ModbusDevice(Strict):
    """A Modbus TCP device (PLC, gateway, transmitter)."""

    name: str = Field(min_length=1)
    protocol: Literal["modbus-tcp"]
    host: str = "127.0.0.1"
    port: int = Field(502, ge=0, le=65535)
    unit: int = Field(1, ge=0, le=255)
    scan_ms: int = Field(1000, ge=50, le=3_600_000)
    timeout_ms: int = Field(1000, ge=50, le=60_000)
    word_order: WordOrder = "big"
    max_block: int = Field(125, ge=1, le=125)
    max_gap: int = Field(16, ge=0, le=125)
    enabled: bool = True


SecurityPolicy = Literal["None", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"]
SecurityMode = Literal["None", "Sign", "SignAndEncrypt"]


class OpcUaDevice(Strict):
    """An OPC UA server.

    Security: `security_policy` and `security_mode` with the client's `certificate` and
    `private_key` files (PEM or DER; relative paths are relative to the plant file), optionally
    the `server_certificate` to expect, and an optional `username`/`password`. The defaults
    connect without security, anonymously. The YAML names the password (`secret:NAME`, kept in
    the data directory's secret store); it is a SecretStr here, so no repr or log shows it."""

    name: str = Field(min_length=1)
    protocol: Literal["opcua"]
    endpoint: str = Field(pattern=r"^opc\.tcp://")
    scan_ms: int = Field(1000, ge=50, le=3_600_000)
    timeout_ms: int = Field(4000, ge=100, le=60_000)
    mode: Literal["subscription", "poll"] = "subscription"
    enabled: bool = True
    security_policy: SecurityPolicy = "None"
    security_mode: SecurityMode = "None"
    certificate: str | None = None
    private_key: str | None = None
    server_certificate: str | None = (
        None  # pin the server's certificate instead of taking it from its endpoints
    )
    username: str | None = None
    password: SecretStr | None = None

    @model_validator(mode="after")
    def _security(self) -> OpcUaDevice:
        if (self.security_policy == "None") != (self.security_mode == "None"):
            raise ValueError("security_policy and security_mode are both None or both set")
        if self.security_policy != "None" and not (self.certificate and self.private_key):
            raise ValueError(
                f"security policy {self.security_policy} needs certificate and private_key files"
            )
        if self.password is not None and not self.username:
            raise ValueError("a password needs a username")
        return self


Device = Annotated[ModbusDevice | OpcUaDevice, Field(discriminator="protocol")]

# ---------------------------------------------------------------- tags and alarms


class RateLimit(Strict):
    """Rate-of-change alarm: |change| per second or per minute at or above `limit`."""

    limit: float = Field(gt=0)
    per: Literal["s", "min"] = "min"
    deadband: float = Field(0.0, ge=0)


class DeviationLimit(Strict):
    """Deviation alarm: |value - setpoint tag| at or above `limit`."""

    setpoint: str
    limit: float = Field(gt=0)
    deadband: float = Field(0.0, ge=0)


AlarmKind = Literal["HH", "H", "L", "LL", "state", "ROC", "DEV", "STALE", "BAD"]


class AlarmLimits(Strict):
    """Limit alarms of one analog tag, or the alarm state of a discrete one.

    Priorities are warning levels 1-4 (I red, II orange, III yellow, IV blue).
    """

    HH: float | None = None
    H: float | None = None
    L: float | None = None
    LL: float | None = None
    deadband: float = Field(0.0, ge=0)
    on_delay_s: float = Field(0.0, ge=0)
    off_delay_s: float = Field(0.0, ge=0)
    state: bool | None = None  # discrete tag: alarm while value == state
    roc: RateLimit | None = None
    deviation: DeviationLimit | None = None
    stale_s: float | None = Field(None, gt=0)  # value frozen (unchanged) this long
    bad_quality: bool = False  # alarm while the value is bad (a blind spot)
    latch: bool = False  # stays in alarm after clearing until acknowledged
    realarm_s: float | None = Field(None, gt=0)  # an acknowledged standing alarm sounds again
    suppress_when: str | None = None  # tag expression: suppressed by design while true
    priority: dict[AlarmKind, Annotated[int, Field(ge=1, le=4)]] = {}
    message: str = ""

    @model_validator(mode="after")
    def _order(self) -> AlarmLimits:
        order = [(k, getattr(self, k)) for k in ("LL", "L", "H", "HH")]
        present = [(k, v) for k, v in order if v is not None]
        for (k1, v1), (k2, v2) in zip(present, present[1:], strict=False):
            if not v1 < v2:
                raise ValueError(f"limits must rise LL < L < H < HH, but {k1}={v1} >= {k2}={v2}")
        return self

    def priority_of(self, limit: str) -> int:
        return self.priority.get(limit, DEFAULT_PRIORITY[limit])


DEFAULT_PRIORITY = {"HH": 2, "LL": 2, "H": 3, "L": 3, "state": 2, "ROC": 3, "DEV": 3, "STALE": 4, "BAD": 3}


class ForecastSettings(Strict):
    """Forecast early warning: a robust trend over `window_s` and the time it needs to reach the
    tag's next limit; a warning when that falls within `horizon_s`. The warning level is I when
    the predicted time is at most levels_s[0], II at most levels_s[1], and so on."""

    enabled: bool = True
    window_s: float = Field(600.0, ge=30)
    horizon_s: float = Field(1800.0, gt=0)
    levels_s: tuple[float, float, float, float] = (180.0, 420.0, 900.0, 1800.0)
    min_change: float | None = Field(None, ge=0)  # the trend must move at least this much over the window
    when: str | None = None  # tag expression: forecast only while it holds ("BOF1.GAS.RECOVERING")

    @field_validator("levels_s")
    @classmethod
    def _levels(cls, v):
        if not all(a < b for a, b in zip(v, v[1:], strict=False)) or v[0] <= 0:
            raise ValueError(f"levels_s must rise and be positive, got {list(v)}")
        return v


class AnomalySettings(Strict):
    """Anomaly early warning against the tag's own learned behaviour: drift (held far from its
    normal), sudden step, flat line. `mode` is a tag expression whose value
    selects a separate baseline (a process cycle: blowing or not)."""

    enabled: bool = True
    learn_s: float = Field(1800.0, gt=0)  # history needed before it may warn
    drift_sigma: float = Field(6.0, gt=0)  # held this many standard deviations from normal
    step_sigma: float = Field(12.0, gt=0)
    flatline_s: float | None = Field(None, gt=0)
    mode: str | None = None
    level: int = Field(3, ge=1, le=4)


_NO_ANOMALY = AnomalySettings(enabled=False)


class TagWarning(Strict):
    """Early-warning settings of one tag; what is left out comes from the plant's `warnings:`."""

    forecast: ForecastSettings | None = None
    anomaly: AnomalySettings | None = None


class TagHistory(Strict):
    """How a tag is stored: on change beyond `deadband`, and at least every `max_interval_s`.

    `deadband: null` (the default) is 0.1 % of the tag's range, or every change without a range."""

    deadband: float | None = Field(None, ge=0)
    max_interval_s: float = Field(60.0, gt=0)


class Tag(Strict):
    """One measured point."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: str = ""
    unit: str = ""
    device: str
    address: str
    type: DataTypeName | None = None
    scale: float = 1.0
    offset: float = 0.0
    range: tuple[float, float] | None = None
    word_order: WordOrder | None = None
    alarms: AlarmLimits | None = None
    map: tuple[float, float] | None = None  # position on the plant map (detectors)
    area: str = ""  # plant area, for filtering
    history: TagHistory = TagHistory()
    warning: TagWarning = TagWarning()
    # device writes: off unless set; the lowest role allowed is the permission table's for
    # writes (app.users), raised for this tag by `write_role`
    writable: bool = False
    write_role: RoleName | None = None

    @field_validator("range")
    @classmethod
    def _range(cls, v):
        if v is not None and not v[0] < v[1]:
            raise ValueError(f"range must be [low, high] with low < high, got {list(v)}")
        return v

    @property
    def is_bool(self) -> bool:
        return self.type == "bool"

    @property
    def history_deadband(self) -> float:
        if self.history.deadband is not None:
            return self.history.deadband
        if self.range is None or self.is_bool:
            return 0.0
        return (self.range[1] - self.range[0]) * 0.001


class LecRisk(Strict):
    """LEC: D = L x E x C (likelihood, exposure, consequence)."""

    method: Literal["LEC"]
    L: float = Field(gt=0)
    E: float = Field(gt=0)
    C: float = Field(gt=0)


class LsRisk(Strict):
    """LS matrix: R = L x S on a 5 x 5 grid."""

    method: Literal["LS"]
    L: int = Field(ge=1, le=5)
    S: int = Field(ge=1, le=5)


class Substance(Strict):
    """A dangerous substance held by a hazard source (GB 18218-2018)."""

    name: str
    q_t: float = Field(gt=0)  # quantity present, tonnes
    Q_t: float = Field(gt=0)  # critical quantity, tonnes
    beta: float = Field(1.0, gt=0)  # correction factor (toxic gases: CO 2, H2S 5, ...)


class Gb18218Risk(Strict):
    """GB 18218-2018: R = alpha x sum(beta_i x q_i / Q_i), alpha from the people exposed."""

    method: Literal["GB18218"]
    people_exposed: int = Field(ge=0)  # outside the plant, within 500 m
    substances: list[Substance] = Field(min_length=1)


InherentRisk = Annotated[LecRisk | LsRisk | Gb18218Risk, Field(discriminator="method")]


class HazardSource(Strict):
    """A piece of plant that can kill: its indicators and its polygon on the map."""

    name: str = Field(min_length=1)
    kind: HazardKind = "other"
    tags: list[str] = []
    area: list[tuple[float, float]] = []
    inherent_level: int = Field(3, ge=1, le=4)  # used when `inherent` is not given
    inherent: InherentRisk | None = None
    interlocks: list[str] = []  # bool tags, 1 = in service; one bypassed (0) makes the source red
    description: str = ""

    @field_validator("area")
    @classmethod
    def _area(cls, v):
        if v and len(v) < 3:
            raise ValueError("area needs at least 3 points")
        return v


class Rule(Strict):
    """An incident rule: a condition over several tags with time operators (see app/rules.py)."""

    name: str = Field(min_length=1)
    when: str = Field(min_length=1)
    for_s: float = Field(0.0, ge=0)  # the condition must hold this long
    level: int = Field(2, ge=1, le=4)
    hazard: str | None = None  # the hazard source it belongs to
    message: str = ""


class RiskModel(Strict):
    """How inherent risk is graded and how live evidence raises a hazard source's level.

    Levels are 1 (I, red) to 4 (IV, blue). Each piece of evidence pulls the dynamic level to
    at least its own level; `escalate_count` or more pieces at the most severe level found raise
    it one more step (never past red). A bypassed interlock makes it red."""

    lec_cutoffs: tuple[float, float, float] = (70.0, 160.0, 320.0)  # D below the first: IV
    ls_cutoffs: tuple[float, float, float] = (9.0, 15.0, 20.0)
    gb18218_cutoffs: tuple[float, float, float] = (10.0, 50.0, 100.0)
    alarm_level: dict[int, Annotated[int, Field(ge=1, le=4)]] = {1: 1, 2: 2, 3: 3, 4: 4}
    warning_level: dict[int, Annotated[int, Field(ge=1, le=4)]] = {1: 2, 2: 2, 3: 3, 4: 4}
    blind_spot_level: int = Field(3, ge=1, le=4)  # a member tag bad or its device unreachable
    hidden_alarm_level: int = Field(3, ge=1, le=4)  # a member alarm shelved, suppressed, out of service
    escalate_count: int = Field(3, ge=2)

    @field_validator("lec_cutoffs", "ls_cutoffs", "gb18218_cutoffs")
    @classmethod
    def _rising(cls, v):
        if not v[0] < v[1] < v[2]:
            raise ValueError(f"cut-offs must rise, got {list(v)}")
        return v


class WarningDefaults(Strict):
    """Plant-wide early-warning settings; a tag's `warning:` overrides them."""

    forecast: ForecastSettings = ForecastSettings()
    anomaly: AnomalySettings = AnomalySettings(enabled=False)
    anomaly_tags: list[str] = []  # glob patterns ("GAS.CO.*"): the tags `anomaly` applies to (empty: all)


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


class PlantConfig(Strict):
    """A whole plant: what the engine runs and the HMI shows."""

    schema_: int = Field(SCHEMA_VERSION, alias="schema")
    plant: PlantInfo = PlantInfo()
    devices: list[Device] = []
    tags: list[Tag] = []
    hazard_sources: list[HazardSource] = []
    rules: list[Rule] = []
    warnings: WarningDefaults = WarningDefaults()
    risk: RiskModel = RiskModel()
    retention: Retention = Retention()
    security: SessionPolicy = SessionPolicy()

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    # resolved at load time, not part of the YAML
    source_path: Path | None = Field(None, exclude=True)

    @field_validator("schema_")
    @classmethod
    def _schema(cls, v):
        if v != SCHEMA_VERSION:
            raise ValueError(f"schema {v} is not supported (this version reads schema {SCHEMA_VERSION})")
        return v

    # -- lookups
    def device(self, name: str):
        for d in self.devices:
            if d.name == name:
                return d
        raise KeyError(name)

    def forecast_of(self, tag: Tag) -> ForecastSettings:
        return tag.warning.forecast or self.warnings.forecast

    def anomaly_of(self, tag: Tag) -> AnomalySettings:
        if tag.warning.anomaly is not None:
            return tag.warning.anomaly
        pats = self.warnings.anomaly_tags
        if pats and not any(fnmatch.fnmatchcase(tag.name, p) for p in pats):
            return _NO_ANOMALY
        return self.warnings.anomaly

    def tag_index(self) -> dict[str, int]:
        return {t.name: i for i, t in enumerate(self.tags)}

    def map_path(self) -> Path | None:
        if not self.plant.map:
            return None
        p = Path(self.plant.map)
        if not p.is_absolute() and self.source_path is not None:
            p = self.source_path.parent / p
        return p

    def with_devices(self, devices: list) -> PlantConfig:
        return self.model_copy(update={"devices": devices})


# ---------------------------------------------------------------- errors


class ConfigError(Exception):
    """A configuration that cannot be used; `issues` holds one line per problem."""

    def __init__(self, path: str, issues: list[ConfigIssue]):
        self.path = path
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


class ConfigIssue:
    def __init__(self, path: str, line: int | None, field: str, message: str):
        self.path, self.line, self.field, self.message = path, line, field, message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"ConfigIssue({self!s})"


def _loc_to_field(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


# ---------------------------------------------------------------- YAML with line numbers


class _LineMap:
    """Maps a path of keys/indexes to the 1-based line where it appears in the YAML."""

    def __init__(self):
        self.lines: dict[tuple, int] = {}

    def build(self, node, path=()):
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = k.value
                self.lines[path + (key,)] = k.start_mark.line + 1
                self._child(v, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                self._child(v, path + (i,))

    def _child(self, node, path):
        line = node.start_mark.line + 1
        self.lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            keep = self.lines[path]
            self.build(node, path)
            self.lines[path] = keep

    def line(self, loc: tuple) -> int | None:
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get(())


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster


class _Loader(_BaseLoader):
    pass


def _no_duplicate_keys(loader, node, deep=False):
    seen = {}
    for k, _ in node.value:
        key = loader.construct_object(k, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {seen[key]})", k.start_mark
            )
        seen[key] = k.start_mark.line + 1
    return _BaseLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)


def parse_config_text(
    text: str, path: str = "<config>", base: Path | None = None, secret_store=None
) -> PlantConfig:
    """Parse and validate a plant configuration; raise ConfigError naming line and field.

    `password: secret:NAME` is looked up in `secret_store` (default: the data directory's)."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        if isinstance(exc, yaml.reader.ReaderError):  # a character YAML refuses: locate it too
            line = text.count("\n", 0, max(exc.position, 0)) + 1
            ch = exc.character
            shown = f"U+{ch:04X}" if isinstance(ch, int) else repr(ch)
            problem = f"character {shown} not allowed ({exc.reason})"
        raise ConfigError(path, [ConfigIssue(path, line, "", f"YAML syntax: {problem}")]) from None
    lines = _LineMap()
    if node is not None:
        lines.build(node)
    if not isinstance(data, dict):
        raise ConfigError(path, [ConfigIssue(path, 1, "", "the file must be a YAML mapping")])
    secret_issues = [
        ConfigIssue(path, lines.line(loc), _loc_to_field(loc), msg)
        for loc, msg in resolve_secrets(data, path, lines, secret_store)
    ]
    try:
        cfg = PlantConfig.model_validate(data)
    except ValidationError as exc:
        issues = list(secret_issues)
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in ("modbus-tcp", "opcua")))
            loc = tuple("schema" if p == "schema_" else p for p in loc)
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown field"
            issues.append(ConfigIssue(path, lines.line(loc), _loc_to_field(loc), msg))
        raise ConfigError(path, issues) from None
    issues = secret_issues + [
        ConfigIssue(path, lines.line(loc), _loc_to_field(loc), msg) for loc, msg in cross_check(cfg)
    ]
    if issues:
        raise ConfigError(path, issues)
    if base is not None:
        cfg = cfg.model_copy(update={"source_path": base})
    return cfg


def resolve_secrets(data: dict, path: str, lines: _LineMap, store=None) -> list[tuple[tuple, str]]:
    """Replace `password: secret:NAME` in `data` by the stored value; (loc, message) for each
    reference the store does not hold. A plain-text password is kept, with a warning (never
    the value) asking for it to be moved."""
    out: list[tuple[tuple, str]] = []
    devices = data.get("devices")
    if not isinstance(devices, list):
        return out
    for i, d in enumerate(devices):
        if not isinstance(d, dict) or not isinstance(d.get("password"), str):
            continue
        value = d["password"]
        loc = ("devices", i, "password")
        if not secrets.is_ref(value):
            log.warning(
                "%s:%s: device %s has its password in plain text: move it to the secret store "
                "(apply the settings once, or write password: secret:NAME)",
                path,
                lines.line(loc),
                d.get("name", f"#{i}"),
            )
            continue
        name = secrets.ref_name(value)
        if store is None:
            store = secrets.SecretStore.default()
        try:
            found = store.get(name)
        except secrets.SecretError as exc:
            out.append((loc, str(exc)))
            continue
        if found is None:
            out.append((loc, f"unknown secret {name!r} (not in {store.path})"))
        else:
            d["password"] = found
    return out


def cross_check(cfg: PlantConfig) -> list[tuple[tuple, str]]:
    """Checks that span several records: names, references, addresses against types."""
    out: list[tuple[tuple, str]] = []
    dev_by_name = {}
    for i, d in enumerate(cfg.devices):
        if d.name in dev_by_name:
            out.append((("devices", i, "name"), f"duplicate device name {d.name!r}"))
        dev_by_name[d.name] = d
    seen_tags: dict[str, int] = {}
    for i, t in enumerate(cfg.tags):
        if t.name in seen_tags:
            out.append(
                (("tags", i, "name"), f"duplicate tag name {t.name!r} (first at tags[{seen_tags[t.name]}])")
            )
        else:
            seen_tags[t.name] = i
        dev = dev_by_name.get(t.device)
        if dev is None:
            known = ", ".join(sorted(dev_by_name)) or "none defined"
            out.append((("tags", i, "device"), f"unknown device {t.device!r} (devices: {known})"))
            continue
        out.extend((("tags", i, f), m) for f, m in _check_tag_address(t, dev))
        out.extend((("tags", i, f), m) for f, m in _check_writable(t, dev))
        if t.alarms is not None:
            a = t.alarms
            has_limits = any(v is not None for v in (a.HH, a.H, a.L, a.LL))
            if t.is_bool and has_limits:
                out.append((("tags", i, "alarms"), "a bool tag takes 'state', not HH/H/L/LL"))
            if a.state is not None and not t.is_bool and _effective_type(t, dev) != "bool":
                out.append((("tags", i, "alarms", "state"), "'state' alarms need a bool tag"))
    from app.expression import ExpressionError, compile_expression

    for i, t in enumerate(cfg.tags):
        a = t.alarms
        if a is None:
            continue
        if a.deviation is not None and a.deviation.setpoint not in seen_tags:
            out.append(
                (("tags", i, "alarms", "deviation", "setpoint"), f"unknown tag {a.deviation.setpoint!r}")
            )
        if a.suppress_when:
            try:
                compile_expression(a.suppress_when, seen_tags)
            except ExpressionError as exc:
                out.append((("tags", i, "alarms", "suppress_when"), str(exc)))
    hazards = set()
    for i, h in enumerate(cfg.hazard_sources):
        if h.name in hazards:
            out.append((("hazard_sources", i, "name"), f"duplicate hazard source {h.name!r}"))
        hazards.add(h.name)
        for j, name in enumerate(h.tags):
            if name not in seen_tags:
                out.append((("hazard_sources", i, "tags", j), f"unknown tag {name!r}"))
        for j, name in enumerate(h.interlocks):
            if name not in seen_tags:
                out.append((("hazard_sources", i, "interlocks", j), f"unknown tag {name!r}"))
    for i, t in enumerate(cfg.tags):
        mode = t.warning.anomaly.mode if t.warning.anomaly else None
        if mode:
            try:
                compile_expression(mode, seen_tags)
            except ExpressionError as exc:
                out.append((("tags", i, "warning", "anomaly", "mode"), str(exc)))
        when = t.warning.forecast.when if t.warning.forecast else None
        if when:
            try:
                compile_expression(when, seen_tags)
            except ExpressionError as exc:
                out.append((("tags", i, "warning", "forecast", "when"), str(exc)))
    from app.rules import RuleError, compile_rule

    names = set()
    for i, r in enumerate(cfg.rules):
        if r.name in names:
            out.append((("rules", i, "name"), f"duplicate rule name {r.name!r}"))
        names.add(r.name)
        if r.hazard is not None and r.hazard not in hazards:
            out.append((("rules", i, "hazard"), f"unknown hazard source {r.hazard!r}"))
        try:
            compile_rule(r.when, cfg)
        except RuleError as exc:
            out.append((("rules", i, "when"), str(exc)))
    return out


def _effective_type(tag: Tag, dev) -> str | None:
    if tag.type is not None:
        return tag.type
    if isinstance(dev, ModbusDevice):
        try:
            a = parse_modbus_address(tag.address)
        except ValueError:
            return None
        return "bool" if a.is_bit_table or a.bit is not None else "uint16"
    return None


def _check_tag_address(t: Tag, dev) -> list[tuple[str, str]]:
    if isinstance(dev, ModbusDevice):
        try:
            a = parse_modbus_address(t.address)
        except ValueError as exc:
            return [("address", str(exc))]
        ty = _effective_type(t, dev)
        if (a.is_bit_table or a.bit is not None) and ty != "bool":
            return [("type", f"{t.address} is a single bit: type must be bool, not {ty}")]
        if a.offset + REGISTER_WORDS[ty or "uint16"] - 1 > 65535:
            return [("address", f"{ty} at offset {a.offset} runs past register 65535")]
        return []
    try:
        check_opcua_node_id(t.address)
    except ValueError as exc:
        return [("address", str(exc))]
    return []


def _check_writable(t: Tag, dev) -> list[tuple[str, str]]:
    """Only what a device can take may be marked writable: Modbus holding registers (any type,
    and single bits of them, written with mask write register, function 22) and coils; any OPC UA
    variable. Input registers and discrete inputs are read-only by the protocol."""
    if t.write_role is not None and not t.writable:
        return [("write_role", "write_role needs writable: true")]
    if not t.writable or not isinstance(dev, ModbusDevice):
        return []
    try:
        a = parse_modbus_address(t.address)
    except ValueError:
        return []  # reported by the address check
    if a.table in ("ir", "di"):
        kind = "an input register" if a.table == "ir" else "a discrete input"
        return [("writable", f"{t.address} is {kind}, which Modbus cannot write (use hr: or co:)")]
    return []


def tag_type(cfg: PlantConfig, tag: Tag) -> str | None:
    """The data type a tag is read as: its own, or the default for its address."""
    return _effective_type(tag, cfg.device(tag.device))


def load_config(path: str | Path) -> PlantConfig:
    """Load a plant YAML file; raise ConfigError naming the file, line and field."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ConfigError(
            str(p), [ConfigIssue(str(p), None, "", f"cannot read: {exc.strerror or exc}")]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            str(p), [ConfigIssue(str(p), None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
        ) from None
    return parse_config_text(text, str(p), base=p.resolve())


def config_yaml_data(cfg: PlantConfig, refs: dict[str, str] | None = None, full: bool = False) -> dict:
    """The configuration as YAML data (only what differs from the defaults unless `full`), each
    password written as its secret reference: `refs` maps a device name to the secret's name
    (default `<device>.password`). Never a password's value."""
    data = cfg.model_dump(mode="json", by_alias=True, exclude_defaults=not full, exclude={"source_path"})
    data = {"schema": SCHEMA_VERSION, **data}
    for dev, d in zip(cfg.devices, data.get("devices") or [], strict=False):
        if getattr(dev, "password", None) is not None:
            name = (refs or {}).get(dev.name) or secrets.secret_name_for(dev.name)
            d["password"] = secrets.make_ref(name)
    return data


def dump_config(cfg: PlantConfig, refs: dict[str, str] | None = None) -> str:
    data = config_yaml_data(cfg, refs)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def demo_config_path() -> Path:
    return Path(__file__).resolve().parent.parent / "resources" / "demo_plant.yaml"
